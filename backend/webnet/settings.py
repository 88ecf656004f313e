"""webnet settings, read from the environment (django-environ).

Every variable is documented in the README. Embedded mode (the default) needs nothing: SQLite,
in-memory channel layer and in-process jobs under WEBNET_STATE_DIR. Scaled-out mode is selected by
DATABASE_URL / CELERY_BROKER_URL / REDIS_URL.
"""

import os
from pathlib import Path

import environ

from webnet.core.keyfiles import load_or_create_key

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent

env = environ.Env()

STATE_DIR = Path(env.str("WEBNET_STATE_DIR", default=str(REPO_DIR / "var"))).resolve()
STATE_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env.bool("WEBNET_PRODUCTION", default=False)
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = load_or_create_key(
    env.str("SECRET_KEY", default=""), STATE_DIR / "secret_key", "SECRET_KEY", PRODUCTION
)
# Comma-separated Fernet key ring; the first key encrypts, all keys decrypt (rotation).
ENCRYPTION_KEYS = load_or_create_key(
    env.str("ENCRYPTION_KEY", default=""),
    STATE_DIR / "encryption_key",
    "ENCRYPTION_KEY",
    PRODUCTION,
).split(",")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Behind a proxy that sets X-Forwarded-For, audit the client's address, not the proxy's.
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "webnet.core",
    "webnet.customers",
    "webnet.users",
    "webnet.locations",
    "webnet.devices",
    "webnet.jobs",
    "webnet.config_mgmt",
    "webnet.compliance",
    "webnet.terminal",
    "webnet.networkops",
    "webnet.monitoring",
    "webnet.notifications",
    "webnet.maintenance",
    "webnet.alarms",
    "webnet.aaa",
    "webnet.subscribers",
    "webnet.incidents",
    "webnet.api",
    "webnet.ui",
]

MIDDLEWARE = [
    "webnet.core.middleware.RequestContextMiddleware",
    "webnet.core.middleware.BodySizeLimitMiddleware",
    "webnet.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "webnet.ui.totp.SessionRulesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "webnet.ui.middleware.ActiveCustomerMiddleware",
    "webnet.ui.clock.TimeZoneMiddleware",
]

ROOT_URLCONF = "webnet.urls"
ASGI_APPLICATION = "webnet.asgi.application"
WSGI_APPLICATION = None

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
                "webnet.ui.context.navigation",
            ],
            "builtins": ["webnet.ui.templatetags.clock"],
        },
    }
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{STATE_DIR / 'webnet.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the job engine write logs while pages read; a busy timeout absorbs short locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The test database is a file, not memory: FreeRADIUS (another process) reads it in tests.
    # One per test process, so two runs in one state directory never share (Django deletes it).
    DATABASES["default"]["TEST"] = {"NAME": str(STATE_DIR / f"test-{os.getpid()}.sqlite3")}
# Reused connections: a new SQLite connection costs ~3 ms of CPU (Django registers its SQL
# functions, the PRAGMAs run), a third of a device-list page's own work.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "ui:login"
LOGIN_REDIRECT_URL = "ui:dashboard"
LOGOUT_REDIRECT_URL = "ui:login"

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
EMBEDDED = not CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = False  # a lost job chunk is failed by the reaper, never re-run
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Job engine.
# worker: the embedded job worker process beside `manage.py serve`; local: the server's own loop.
WEBNET_EXECUTOR = env.str("WEBNET_EXECUTOR", default="worker" if EMBEDDED else "celery")
WEBNET_WORKER_POLL_SECONDS = env.float("WEBNET_WORKER_POLL_SECONDS", default=0.5)
WEBNET_MAX_SESSIONS = env.int("WEBNET_MAX_SESSIONS", default=500)
WEBNET_JOB_CONCURRENCY = env.int("WEBNET_JOB_CONCURRENCY", default=200)
WEBNET_JOB_CHUNK_SIZE = env.int("WEBNET_JOB_CHUNK_SIZE", default=250)
# Request bodies over this answer 413 before anything reads them (a device import of 20,000 rows
# is ~3 MB); form and JSON data is held in memory up to the same size.
WEBNET_MAX_REQUEST_BODY = env.int("WEBNET_MAX_REQUEST_BODY", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = WEBNET_MAX_REQUEST_BODY
WEBNET_JOB_LEASE_SECONDS = env.int("WEBNET_JOB_LEASE_SECONDS", default=60)
WEBNET_SCHEDULER_INTERVAL = env.float("WEBNET_SCHEDULER_INTERVAL", default=30.0)
# Subscribers: the default rate (kbit/s) a throttled suspension leaves; never 0 (the portal).
SUBSCRIBERS_THROTTLE_FLOOR_KBPS = max(1, env.int("WEBNET_THROTTLE_FLOOR_KBPS", default=256))
# Notifications: the delivery worker (embedded loop or Celery task) and outgoing mail.
WEBNET_NOTIFY_INTERVAL = env.float("WEBNET_NOTIFY_INTERVAL", default=2.0)
WEBNET_NOTIFY_BATCH = env.int("WEBNET_NOTIFY_BATCH", default=100)
WEBNET_NOTIFY_CONCURRENCY = env.int("WEBNET_NOTIFY_CONCURRENCY", default=8)
WEBNET_NOTIFY_LEASE_SECONDS = env.float("WEBNET_NOTIFY_LEASE_SECONDS", default=120.0)
WEBNET_NOTIFY_BACKOFF_BASE = env.float("WEBNET_NOTIFY_BACKOFF_BASE", default=5.0)
WEBNET_NOTIFY_BACKOFF_CAP = env.float("WEBNET_NOTIFY_BACKOFF_CAP", default=900.0)
WEBNET_NOTIFY_CIRCUIT_SECONDS = env.float("WEBNET_NOTIFY_CIRCUIT_SECONDS", default=60.0)
WEBNET_NOTIFY_HTTP_TIMEOUT = env.float("WEBNET_NOTIFY_HTTP_TIMEOUT", default=10.0)
# CIDRs tenant webhooks may reach although private/loopback (SSRF guard; tests: 127.0.0.0/8).
WEBNET_WEBHOOK_ALLOWED_NETWORKS = env.list("WEBNET_WEBHOOK_ALLOWED_NETWORKS", default=[])
# Inbound webhook POSTs per token (/api/v1/inbound-events/), not the anonymous rate.
WEBNET_INBOUND_WEBHOOK_RATE = env.str("WEBNET_INBOUND_WEBHOOK_RATE", default="600/min")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webnet@localhost")
# Scaled out, Celery beat ticks the same scheduler at the same interval as the embedded timer.
CELERY_BEAT_SCHEDULE = {
    "webnet-tick": {"task": "webnet.jobs.tick", "schedule": WEBNET_SCHEDULER_INTERVAL},
    "webnet-notify": {
        "task": "webnet.notifications.deliver_due",
        "schedule": WEBNET_NOTIFY_INTERVAL,
    },
}
# Monitoring: one poll cycle per interval (aligned to the clock), devices hashed into shards
# (scaled out: one Celery task per shard × cycle on queue "poll"), devices polled at a time.
WEBNET_POLL_INTERVAL = env.float("WEBNET_POLL_INTERVAL", default=60.0)
# Device roles where the poller's traffic enters: LLDP links are oriented away from them.
WEBNET_TOPOLOGY_ROOT_ROLES = env.list("WEBNET_TOPOLOGY_ROOT_ROLES", default=["core"])
WEBNET_POLL_SHARDS = env.int("WEBNET_POLL_SHARDS", default=1)
WEBNET_POLL_CONCURRENCY = env.int("WEBNET_POLL_CONCURRENCY", default=200)
CELERY_BEAT_SCHEDULE["webnet-poll"] = {
    "task": "webnet.monitoring.dispatch_poll",
    "schedule": WEBNET_POLL_INTERVAL,
}
# Monitoring: how long each time-series tier is kept.
WEBNET_RETENTION_RAW_HOURS = env.int("WEBNET_RETENTION_RAW_HOURS", default=48)
WEBNET_RETENTION_5M_DAYS = env.int("WEBNET_RETENTION_5M_DAYS", default=90)
WEBNET_RETENTION_1H_DAYS = env.int("WEBNET_RETENTION_1H_DAYS", default=730)
WEBNET_SSH_CONNECT_TIMEOUT = env.float("WEBNET_SSH_CONNECT_TIMEOUT", default=10.0)
WEBNET_SSH_AUTH_TIMEOUT = env.float("WEBNET_SSH_AUTH_TIMEOUT", default=15.0)
WEBNET_SSH_COMMAND_TIMEOUT = env.float("WEBNET_SSH_COMMAND_TIMEOUT", default=60.0)

# Alarms: event retention and the trap / syslog receivers (started by `manage.py serve` unless
# WEBNET_RECEIVERS is false; `manage.py receive_events` runs them on their own).
WEBNET_EVENT_RETENTION_DAYS = env.int("WEBNET_EVENT_RETENTION_DAYS", default=30)
WEBNET_RECEIVERS = env.bool("WEBNET_RECEIVERS", default=True)
WEBNET_TRAP_HOST = env.str("WEBNET_TRAP_HOST", default="127.0.0.1")
WEBNET_TRAP_PORT = env.int("WEBNET_TRAP_PORT", default=10162)
WEBNET_SYSLOG_HOST = env.str("WEBNET_SYSLOG_HOST", default="127.0.0.1")
WEBNET_SYSLOG_PORT = env.int("WEBNET_SYSLOG_PORT", default=10514)
# FreeRADIUS (`make radius`) on loopback, and the CoA/Disconnect sender.
WEBNET_RADIUS_AUTH_PORT = env.int("WEBNET_RADIUS_AUTH_PORT", default=18120)
WEBNET_RADIUS_ACCT_PORT = env.int("WEBNET_RADIUS_ACCT_PORT", default=18130)
WEBNET_RADIUS_COA_TIMEOUT = env.float("WEBNET_RADIUS_COA_TIMEOUT", default=1.0)
WEBNET_RADIUS_COA_TRIES = env.int("WEBNET_RADIUS_COA_TRIES", default=3)
WEBNET_RADIUS_INTERIM_SECONDS = env.int("WEBNET_RADIUS_INTERIM_SECONDS", default=300)
# FreeRADIUS worker threads (= rlm_sql connections); 0: 4 on SQLite, 16 on PostgreSQL.
WEBNET_RADIUS_THREADS = env.int("WEBNET_RADIUS_THREADS", default=0)
# `manage.py radius`: seconds between NAS registry checks (a change restarts FreeRADIUS).
WEBNET_RADIUS_POLL_SECONDS = env.float("WEBNET_RADIUS_POLL_SECONDS", default=2.0)
WEBNET_RECEIVER_BUFFER = env.int("WEBNET_RECEIVER_BUFFER", default=8 * 1024 * 1024)

# Browser SSH terminal.
WEBNET_TERMINAL_IDLE_SECONDS = env.float("WEBNET_TERMINAL_IDLE_SECONDS", default=900.0)
WEBNET_TERMINAL_MAX_SESSIONS = env.int("WEBNET_TERMINAL_MAX_SESSIONS", default=3)
# Announcements: notices of maintenance windows go up this many hours before the work.
WEBNET_NOTICE_LEAD_HOURS = env.int("WEBNET_NOTICE_LEAD_HOURS", default=24)
# A resolved major incident's notice stays up this long, then lives in the status page's history.
WEBNET_INCIDENT_NOTICE_LINGER_MINUTES = env.int("WEBNET_INCIDENT_NOTICE_LINGER_MINUTES", default=60)
# Open sockets re-check their session and access this often (besides the broadcast re-checks).
WEBNET_WS_RECHECK_SECONDS = env.float("WEBNET_WS_RECHECK_SECONDS", default=60.0)
# With the in-memory channel layer (embedded), live sockets read new lines and states this often.
WEBNET_WS_POLL_SECONDS = env.float("WEBNET_WS_POLL_SECONDS", default=1.0)

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = STATE_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [("dist", BASE_DIR / "static" / "dist")]
WHITENOISE_USE_FINDERS = not PRODUCTION
if PRODUCTION:  # `manage.py collectstatic` first: hashed names, gzip/brotli, cached forever
    STORAGES: dict[str, dict[str, object]] = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Chat attachments (incidents.rooms): files under the state directory by default, in an
# S3-compatible bucket (django-storages) when WEBNET_ATTACHMENT_S3_BUCKET is set, or any Django
# storage backend named by WEBNET_ATTACHMENT_STORAGE.
WEBNET_ATTACHMENT_S3_BUCKET = env.str("WEBNET_ATTACHMENT_S3_BUCKET", default="")
WEBNET_ATTACHMENT_STORAGE = env.str(
    "WEBNET_ATTACHMENT_STORAGE",
    default="storages.backends.s3.S3Storage"
    if WEBNET_ATTACHMENT_S3_BUCKET
    else "django.core.files.storage.FileSystemStorage",
)
WEBNET_ATTACHMENT_MAX_BYTES = env.int("WEBNET_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
WEBNET_ATTACHMENT_MAX_PIXELS = env.int("WEBNET_ATTACHMENT_MAX_PIXELS", default=25_000_000)
if WEBNET_ATTACHMENT_STORAGE.endswith("FileSystemStorage"):
    _ATTACHMENT_OPTIONS: dict[str, object] = {"location": str(STATE_DIR / "attachments")}
elif WEBNET_ATTACHMENT_S3_BUCKET:  # unset keys: boto3's own chain (AWS_* env, instance role)
    _ATTACHMENT_OPTIONS = {
        "bucket_name": WEBNET_ATTACHMENT_S3_BUCKET,
        "endpoint_url": env.str("WEBNET_ATTACHMENT_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("WEBNET_ATTACHMENT_S3_REGION", default="") or None,
        "access_key": env.str("WEBNET_ATTACHMENT_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("WEBNET_ATTACHMENT_S3_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env.str("WEBNET_ATTACHMENT_S3_ADDRESSING_STYLE", default="") or None,
        "location": env.str("WEBNET_ATTACHMENT_S3_PREFIX", default=""),
        "file_overwrite": False,  # two files of one name keep both
        "default_acl": None,  # private: served only through the members-only views
    }
else:
    _ATTACHMENT_OPTIONS = {}
STORAGES = {
    **globals().get(
        "STORAGES",
        {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ),
    "attachments": {"BACKEND": WEBNET_ATTACHMENT_STORAGE, "OPTIONS": _ATTACHMENT_OPTIONS},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]  # probes speak plain HTTP inside
    # Sent by SecurityMiddleware on HTTPS responses only.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:  # preloading is a request to browser vendors, made by hand
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# TLS ends at the reverse proxy in front of Daphne, which says so in X-Forwarded-Proto.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Scripts only from our own origin (no inline script anywhere); islands set styles at run time.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGIN_RATE = env.str("WEBNET_LOGIN_RATE", default="10/min")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "webnet.api.authentication.APITokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "webnet.api.permissions.RolePermission",
        "webnet.api.permissions.ObjectCustomerPermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "webnet.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "webnet.api.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("WEBNET_API_ANON_RATE", default="60/min"),
        "user": env.str("WEBNET_API_USER_RATE", default="6000/min"),
    },
    "DEFAULT_PARSER_CLASSES": [
        "webnet.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "webnet.core.errors.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "webnet API",
    "DESCRIPTION": "Multi-tenant network operations: inventory, credentials, jobs, audit.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Sites, locations and racks share one status set; name it rather than a hashed collision.
    "ENUM_NAME_OVERRIDES": {
        "LocationStatusEnum": "webnet.locations.models.LocationStatus",
        "SeverityEnum": "webnet.notifications.models.Severity",
        "ComplianceSeverityEnum": "webnet.compliance.models.Severity",
        "RoleEnum": "webnet.customers.roles.Role",
        "IncidentStatusEnum": "webnet.incidents.models.Status",
        "IncidentPriorityEnum": "webnet.incidents.models.Priority",
        "BillingActionEnum": "webnet.subscribers.billing.ACTIONS",
    },
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "webnet.core.logs.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
