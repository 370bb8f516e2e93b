"""Test settings: the suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

MEDIA_ROOT = Path(tempfile.gettempdir()) / "rectification-test-media"

DEBUG = False
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
