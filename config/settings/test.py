"""Test settings: the suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import DATABASES

MEDIA_ROOT = Path(tempfile.gettempdir()) / "rectification-test-media"

DEBUG = False
# Each test process's own memory, emptied before every test (conftest.py): ids repeat from test to test, so a
# shared Redis would hand one test's cached figures to the next.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Figures and pages are counted on every request in the suite (a test that changes the ledger then reads a page
# sees the change); tests/test_person_figures.py turns the minute's keeping on and tests it.
PERSON_FIGURES_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
ALLOWED_HOSTS = ["*"]
# Tasks run in-process in the suite even when REDIS_URL is set (the CI PostgreSQL run);
# tests/test_celery_worker.py turns this off and runs a real worker on the broker.
CELERY_TASK_ALWAYS_EAGER = True
# Static files come from the finders (as in local development): no collectstatic before tests,
# and no "No directory at staticfiles/" warning.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# With a replica (DATABASE_REPLICA_URL) the alias is a test mirror of the default database: Django creates no test
# database on it (a standby is read-only; streaming replication copies the one the primary gets), and the alias
# connects to the primary's test database. Ordinary tests run inside a transaction on the primary, where the
# router reads the primary anyway; tests/test_replica.py points the alias at the real standby (same name).
if "replica" in DATABASES:
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
