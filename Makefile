# Quick start on a fresh machine with only Python 3.11+:
#   make run    set everything up (venv, packages, translations, database, demo data) and serve
#               on http://127.0.0.1:$${PORT:-8000}/ with the embedded default (SQLite, no Redis)
#   make test   set up the same way and run the whole suite (DATABASE_URL / REDIS_URL are honoured)
#   make lint   ruff, and import-linter's layer contract (.importlinter)
#   make backup DIR=backups/2026-05-01    the database and MEDIA_ROOT into a new directory, with a manifest
#   make restore DIR=backups/2026-05-01   check that backup and replace the database and MEDIA_ROOT with it
#   make lock   regenerate requirements.lock and requirements-dev.lock from pyproject.toml (needs network)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Runtime pins (the Docker image) and runtime + test tools (this venv, CI), every file with its sha256.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# The resolver used by `make lock`, pinned so that the lock files come out the same for everyone.
UV_VERSION ?= 0.13.9
# One lock for every platform and every Python from 3.11 on (markers where they differ).
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --custom-compile-command 'make lock' \
	$(if $(UPGRADE),--upgrade)

.PHONY: run test lint install translations lock lock-check backup restore

# The virtual environment, created once.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

# Packages: exactly the versions and files of requirements-dev.lock (pip refuses any file whose
# hash differs and any dependency the lock does not pin), reinstalled when the lock changes. The
# project itself is not installed: manage.py, pytest and celery run from the repository root, which
# is on their import path, so nothing is built or written into the tree.
$(STAMP): $(DEV_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --require-hashes -r $(DEV_LOCK)
	touch $(STAMP)

install: $(STAMP)

translations: install
	$(BIN)/python manage.py compile_translations

run: translations
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$${PORT:-8000}/ (stop with Ctrl+C)"
	$(BIN)/python manage.py runserver 127.0.0.1:$${PORT:-8000}

# The suite in parallel under pytest-xdist, one worker per CPU (each with its own test database,
# media directory and Celery queue); TEST_WORKERS=0 runs it in this one process.
test: translations
	$(BIN)/pytest -ra -n $(or $(TEST_WORKERS),auto) $(PYTEST_ARGS)

# Backups (organizations/backup.py): the settings of the environment (DATABASE_URL, MEDIA_ROOT) decide what
# is saved and restored; PostgreSQL needs pg_dump / pg_restore on the PATH.
backup: install
	@test -n "$(DIR)" || { echo "usage: make backup DIR=<new directory>"; exit 2; }
	$(BIN)/python manage.py backup "$(DIR)"

restore: install
	@test -n "$(DIR)" || { echo "usage: make restore DIR=<backup directory>"; exit 2; }
	$(BIN)/python manage.py restore "$(DIR)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# Regenerate both lock files from pyproject.toml: needs network (PyPI). uv is installed into a
# throwaway venv. The runtime lock is resolved first and constrains the dev lock, so both pin the same
# runtime versions. Existing pins are kept unless pyproject.toml asks otherwise; `make lock UPGRADE=1`
# moves everything to the newest allowed releases. Commit the two files with pyproject.toml.
lock:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"; \
	"$$tmp/venv/bin/uv" pip compile -q pyproject.toml $(LOCK_FLAGS) -o $(LOCK); \
	"$$tmp/venv/bin/uv" pip compile -q pyproject.toml --extra test --constraint $(LOCK) $(LOCK_FLAGS) -o $(DEV_LOCK); \
	echo "Wrote $(LOCK) and $(DEV_LOCK)"

# Fails when `make lock` would change the lock files, i.e. pyproject.toml and the locks disagree
# (needs network too). Offline, tests/test_lock_files.py (in `make test`) checks that every
# requirement of pyproject.toml is pinned, with hashes, at a version it allows.
lock-check:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp Makefile pyproject.toml $(LOCK) $(DEV_LOCK) "$$tmp/"; \
	$(MAKE) --no-print-directory -C "$$tmp" lock PYTHON=$(PYTHON) >/dev/null; \
	diff -u $(LOCK) "$$tmp/$(LOCK)" && diff -u $(DEV_LOCK) "$$tmp/$(DEV_LOCK)" \
		&& echo "$(LOCK) and $(DEV_LOCK) are in sync with pyproject.toml"
