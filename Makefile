# Quick start on a fresh machine with only Python 3.11+:
#   make run    set everything up (venv, packages, translations, database, demo data) and serve
#               on http://127.0.0.1:$${PORT:-8000}/ with the embedded default (SQLite, no Redis)
#   make test   set up the same way and run the whole suite (DATABASE_URL / REDIS_URL are honoured)
#   make lint   ruff

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test lint install translations

# The virtual environment, created once.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

# Packages, reinstalled only when pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

translations: install
	$(BIN)/python manage.py compile_translations

run: translations
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$${PORT:-8000}/ (stop with Ctrl+C)"
	$(BIN)/python manage.py runserver 127.0.0.1:$${PORT:-8000}

test: translations
	$(BIN)/pytest -ra $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
