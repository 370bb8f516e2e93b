"""Production: everything from the environment; secrets have no default."""

from .base import *  # noqa: F401,F403
from .base import DATABASES, env_bool, env_int, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=True)
# The Celery broker. Without it tasks would run inside web requests and scheduled jobs never.
REDIS_URL = env_str("REDIS_URL", required=True,
                    hint="the Celery broker, e.g. redis://redis:6379/0 (without it jobs would run inside web requests)")
DEBUG = False
# A persistent database connection per gunicorn/Celery process (checked before reuse): a new PostgreSQL backend
# per request costs more CPU than most pages.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
if "replica" in DATABASES:
    DATABASES["replica"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container healthcheck asks over plain http inside
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Secure cookies by default; only plain-http local use (docker-compose on localhost) turns them
# off explicitly, or no one could log in there.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
CSRF_COOKIE_HTTPONLY = True
