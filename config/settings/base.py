"""Settings shared by every environment. Environment-driven; see config/env.py."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str
from config.schedules import BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
# Under DEBUG a missing page is the project's 404 page too; True brings Django's technical 404 back.
DEBUG_TECHNICAL_404 = env_bool("DJANGO_DEBUG_TECHNICAL_404", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A refused form (CSRF) gets a Chinese page saying what to do, not Django's technical one.
CSRF_FAILURE_VIEW = "organizations.web.csrf.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, found by FORM_RENDERER below
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "organizations",
    "rectification",
    "cadres",
    "evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "organizations.middleware.ChosenLanguageMiddleware",
    "organizations.middleware.RejectNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organizations.caching.PersonWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "organizations.middleware.ProjectNotFoundPageMiddleware",
]

ROOT_URLCONF = "config.urls"
# Forms render through the project's template engine, so templates/django/forms/ can override a widget
# template: the empty choice of a select reads 请选择 instead of Django's "---------".
FORM_RENDERER = "organizations.forms_renderer.PortalFormRenderer"
# django-filter's empty choice of a filter: 全部.
FILTERS_EMPTY_CHOICE_LABEL = _("All")
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "organizations.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, or the embedded SQLite default.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,  # a persistent connection dropped by the server is replaced, not a 500
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
# A PostgreSQL streaming replica (DATABASE_REPLICA_URL): the dashboards, the ledger exports and the summaries'
# refresh read from it inside an explicit scope (organizations/replica.py); writes, and a person's requests for
# REPLICA_READ_YOUR_WRITES_SECONDS after they wrote, use the primary. Unset: one database, nothing routed.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
REPLICA_READ_YOUR_WRITES_SECONDS = env_int("REPLICA_READ_YOUR_WRITES_SECONDS", 10)
# A background job waits at most this long for the replica to replay what the primary had at its start,
# then reads the primary.
REPLICA_CATCH_UP_SECONDS = env_int("REPLICA_CATCH_UP_SECONDS", 5)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True)
    DATABASE_ROUTERS = ["organizations.replica.ReplicaRouter"]
    MIDDLEWARE.append("organizations.replica.ReadYourWritesMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes). Behind a proxy set AXES_IPWARE_PROXY_COUNT so that
# clients are told apart by their own address, not the proxy's.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
# Alternatives (django-axes 8): a user is locked out at one address after AXES_FAILURE_LIMIT failures
# there (username + address), and the account at every address after AXES_USERNAME_FAILURE_LIMIT failures
# across addresses (password spraying); organizations.lockout gives each alternative its limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_FAILURE_LIMIT = env_int("AXES_USERNAME_FAILURE_LIMIT", 20)
AXES_HANDLER = "organizations.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
# Number of trusted proxies in front of the app: 0 ignores X-Forwarded-For (the client could forge it);
# N takes the N-th address from the right of X-Forwarded-For (organizations.services.security).
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_CLIENT_IP_CALLABLE = "organizations.services.security.client_ip_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Internationalisation: Chinese first, English when chosen.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # uploads are served only through scoped views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
#: The limits of every table import, in one place (organizations.imports.limits), per kind of table, each
#: kind's entry over "default": file size in bytes (max_bytes), data rows (max_rows), the characters of one
#: cell (max_cell_chars: the longest form field of the portal is 5,000 characters), the bytes a workbook's
#: parts may expand to (max_uncompressed_bytes) and the compression ratio above which it is a zip bomb
#: (max_compression_ratio; real workbooks compress 7-11 to 1). Divisions are imported by a worker (a county
#: or a province at a time); the designation list and the cadre tables are checked in the request.
IMPORT_LIMITS = {
    "default": {"max_bytes": 5 * 1024 * 1024, "max_rows": 3_000,
                "max_cell_chars": env_int("IMPORT_MAX_CELL_CHARS", 5_000),
                "max_uncompressed_bytes": 100 * 1024 * 1024,
                "max_compression_ratio": env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)},
    "divisions": {"max_bytes": env_int("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
                  "max_rows": env_int("IMPORT_MAX_ROWS", 200_000),
                  "max_uncompressed_bytes": env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 400 * 1024 * 1024)},
    "designations": {"max_bytes": 5 * 1024 * 1024, "max_rows": 2_000},
    "cadres": {"max_bytes": 5 * 1024 * 1024, "max_rows": 3_000},
}

# REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a bad token answers 401 with WWW-Authenticate; sessions keep CSRF checks.
        "organizations.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["organizations.api.permissions.ScopedRolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "organizations.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "organizations.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "整顿台账 API · Rectification ledger API",
    "DESCRIPTION": "Scoped API of the rectification ledger portal. Every list and detail is limited to the caller's scope.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several ledger models have a "status" field with its own choices: name each enum after its class.
    "ENUM_NAME_OVERRIDES": {
        "DesignationStatusEnum": "rectification.models.designations.DesignationStatus",
        "PlanStatusEnum": "rectification.models.plans.PlanStatus",
        "TaskStatusEnum": "rectification.models.plans.TaskStatus",
        "ReportStatusEnum": "rectification.models.progress.ReportStatus",
        "ReserveStatusEnum": "cadres.models.reserve.ReserveStatus",
        "EvaluationStatusEnum": "evaluations.models.satisfaction.EvaluationStatus",
        "JobStatusEnum": "organizations.models.jobs.JobStatus",
        "AssessmentStatusEnum": "evaluations.models.members.AssessmentStatus",
        "PresenceKindEnum": "cadres.models.guarantee.PresenceKind",
        "RungEnum": "rectification.models.escalations.Rung",
        "EscalateRungEnum": "rectification.api.escalations_serializers.ESCALATE_RUNGS",
    },
}

# API tokens (POST /api/v1/auth/token/) expire after this many hours; DELETE revokes one's token.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 720)

# Celery: broker from REDIS_URL. Without it (embedded default) tasks run in-process.
REDIS_URL = env_str("REDIS_URL")
# The cache every web and worker process shares: Redis (CACHE_URL, else the broker's REDIS_URL) when there is one,
# else each process's memory (the embedded default: one process). It holds only what can be had again — the
# short-lived per-person figures and pages of organizations/caching.py — so a Redis that is down or slow is a
# miss, not an error (organizations/cache_backend.py; each command gives up after CACHE_TIMEOUT_MS).
# Sessions stay in the database: a logout must not come back with a Redis restored from an old snapshot.
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
CACHE_TIMEOUT_SECONDS = env_int("CACHE_TIMEOUT_MS", 500) / 1000
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "organizations.cache_backend.TolerantRedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "portal", "TIMEOUT": 300,
                          "OPTIONS": {"socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                                      "socket_timeout": CACHE_TIMEOUT_SECONDS}}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", REDIS_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Exports of more rows than this are written by a worker (a page with progress, then a download link for the
# person who asked); smaller ones answer at once. 0: always in the background.
EXPORT_SYNC_MAX_ROWS = env_int("EXPORT_SYNC_MAX_ROWS", 2000)
# A background export's workbook is deleted this many days after the run finished (the run and its page stay).
EXPORT_FILE_RETENTION_DAYS = env_int("EXPORT_FILE_RETENTION_DAYS", 7)
# The home page, the leader and cadre dashboards (page and API), the to-do counts and the unread badge are kept
# this many seconds per person (afresh after their own writes; the pages say when they were counted): others'
# changes show within it. 0: counted on every visit (organizations/caching.py).
PERSON_FIGURES_SECONDS = env_int("PERSON_FIGURES_SECONDS", 60)
# A message not acknowledged (its worker was killed) is delivered again after visibility_timeout: longer
# than the longest task (30 min) so a running task is not delivered twice, short enough to recover soon.
# kombu looks for such messages every unacked_restore_interval × unacked_restore_throttle seconds (its
# defaults, 10 × 10, with the hour); a short timeout (CELERY_VISIBILITY_TIMEOUT: the worker fault tests,
# tests/test_worker_process_faults.py, use 5 s) is looked at every second.
_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _VISIBILITY_TIMEOUT}
if _VISIBILITY_TIMEOUT < 60:
    CELERY_BROKER_TRANSPORT_OPTIONS.update(unacked_restore_interval=1, unacked_restore_throttle=1)
#: Runs queued (imports pending) longer than this are re-sent once by the sweeper (config/schedules.py).
JOB_QUEUED_TIMEOUT = 15 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task running when the worker loses Redis goes on (Celery 6 would cancel it and run it again from the
# start); if its acknowledgement is lost with the connection, the message comes back after the visibility
# timeout and finds the run done (organizations.jobs.execute). Celery warns about this default at every
# reconnection all the same.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# Content security policy (django-csp 4): everything from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@rectification.local")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

ROLE_LABELS_FOR_DOCS = _("roles")  # keeps gettext_lazy imported for settings-level strings
AXES_VERBOSE = False
