"""Settings for Switchyard, read from the environment in one place.

Every environment variable the Django side understands is parsed here, once, into the
``BUILDER`` dict (project settings) and the standard Django settings derived from it.
Code elsewhere reads ``settings.BUILDER[...]`` rather than ``os.environ`` so that tests can
override a value with ``settings`` fixtures and there is one list of knobs to document.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as cors_default_headers

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


DEBUG = _env_bool("DEBUG", True)
_broker = os.environ.get("CELERY_BROKER_URL", "")
_default_db = f"sqlite:///{VAR_DIR / 'switchyard.sqlite3'}"

BUILDER: dict = {
    "DATABASE_URL": os.environ.get("DATABASE_URL") or _default_db,
    "REDIS_URL": os.environ.get("REDIS_URL", ""),
    "CELERY_BROKER_URL": _broker,
    # The inline executor needs no extra process; Celery is chosen when a broker exists.
    "RUN_EXECUTOR": os.environ.get("RUN_EXECUTOR") or ("celery" if _broker else "inline"),
    "GRAPHS_CONFIG": os.environ.get("GRAPHS_CONFIG", ""),
    # Threads of the inline executor: bounded so a burst of runs cannot starve the server.
    "INLINE_WORKERS": _env_int("INLINE_WORKERS", 4),
    # A running run writes heartbeat_at this often; a run whose heartbeat is older than
    # HEARTBEAT_STALE_SECONDS is considered orphaned (its worker died) and is taken over.
    "HEARTBEAT_SECONDS": float(os.environ.get("HEARTBEAT_SECONDS", "2")),
    "HEARTBEAT_STALE_SECONDS": float(os.environ.get("HEARTBEAT_STALE_SECONDS", "30")),
    # The inline executor's sweeper re-dispatches stale runs this often (0 disables it).
    "SWEEP_SECONDS": float(os.environ.get("SWEEP_SECONDS", "15")),
    # The web process of the inline executor fires due crons this often (0 disables it;
    # with Celery, `celery beat` fires them from django-celery-beat's schedule instead).
    "CRON_TICK_SECONDS": float(os.environ.get("CRON_TICK_SECONDS", "10")),
    # A run whose database is unavailable waits this long for it (retrying with backoff,
    # builder.execution.retry) before it fails.
    "DB_RETRY_SECONDS": float(os.environ.get("DB_RETRY_SECONDS", "60")),
    # A running run checks for cancellation this often (cancel takes effect within it).
    "CANCEL_POLL_SECONDS": float(os.environ.get("CANCEL_POLL_SECONDS", "0.25")),
    # A run executing longer than this (wall clock, all attempts) ends as "timeout"; 0 = never.
    "RUN_TIMEOUT_SECONDS": float(os.environ.get("RUN_TIMEOUT_SECONDS", "0")),
    "DEFAULT_RETENTION_DAYS": _env_int("DEFAULT_RETENTION_DAYS", 30),
    # The demo ``fake`` model streams one token this often, so a first-time user sees the
    # tokens arrive (0: all at once).
    "FAKE_MODEL_TOKEN_SECONDS": float(os.environ.get("FAKE_MODEL_TOKEN_SECONDS", "0.04")),
    # Fernet key for provider credentials; empty = derived from SECRET_KEY (see
    # builder.services.credentials). Set it to rotate SECRET_KEY without losing them.
    "CREDENTIALS_KEY": os.environ.get("CREDENTIALS_KEY", ""),
    # Failed logins per username and address before a lockout of the rest of the window.
    "LOGIN_MAX_FAILURES": _env_int("LOGIN_MAX_FAILURES", 5),
    "LOGIN_WINDOW_SECONDS": _env_int("LOGIN_WINDOW_SECONDS", 15 * 60),
    # Run webhooks: private, loopback and link-local addresses are refused unless this is
    # on (a webhook must not be a way to reach the server's own network).
    "WEBHOOK_ALLOW_PRIVATE": _env_bool("WEBHOOK_ALLOW_PRIVATE", False),
    "LLM_ALLOW_PRIVATE_BASE_URL": _env_bool("LLM_ALLOW_PRIVATE_BASE_URL", False),
    # Delivery attempts (connection errors, 429 and 5xx are retried) and their timeout.
    "WEBHOOK_ATTEMPTS": _env_int("WEBHOOK_ATTEMPTS", 3),
    "WEBHOOK_TIMEOUT_SECONDS": float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10")),
    "WEBHOOK_BACKOFF_SECONDS": float(os.environ.get("WEBHOOK_BACKOFF_SECONDS", "1")),
    # Signs each delivery (X-Switchyard-Signature, see builder.execution.webhooks).
    "WEBHOOK_SECRET": os.environ.get("WEBHOOK_SECRET", ""),
}

SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "dev-insecure-switchyard-only-for-local-development-0123456789" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG=0")

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", ["*"] if DEBUG else ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])

# CORS for the API only: browser apps on other origins (chat UIs, useStream pages) call
# it with an X-Api-Key header; `*` allows every origin. No cookies cross origins.
_cors_origins = _env_list("CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_ALL_ORIGINS = _cors_origins == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else _cors_origins
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = [
    *cors_default_headers,
    "x-api-key",
    "x-workspace",
    "last-event-id",
]
CORS_EXPOSE_HEADERS = [
    "content-location",
    "location",
    "x-pagination-next",
    "x-pagination-total",
]

INSTALLED_APPS = [
    "daphne",  # first, so that `runserver` serves ASGI (websockets)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_celery_beat",
    "builder.apps.BuilderConfig",
]

MIDDLEWARE = [
    # First: a CORS preflight (OPTIONS) is answered here, before any authentication.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A view whose database is down answers 503 + Retry-After (the API's own handler
    # does the same for DRF views).
    "builder.outage.DatabaseOutageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "builder.urls"
ASGI_APPLICATION = "builder.asgi.application"

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
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------

if BUILDER["DATABASE_URL"].startswith("sqlite"):
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": dj_database_url.parse(BUILDER["DATABASE_URL"], conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Runs write from worker threads while the web thread reads: WAL and a busy timeout
    # turn "database is locked" into a short wait.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file (not :memory:) because tests run work in threads and subprocesses; one per
    # test process so two test runs on one checkout do not share (and delete) it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-switchyard-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per test process, so concurrent test runs do not drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    # A database host that drops packets would otherwise hold a request (and /readyz)
    # for the OS's TCP timeout, minutes; a refused connection fails at once either way.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- channels and celery --------------------------------------------------------------

if BUILDER["REDIS_URL"]:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py's default 5 s socket timeout equals channels_redis's 5 s blocking
            # pop, so an idle receive would fail with a timeout: give the socket longer.
            "CONFIG": {
                "hosts": [{"address": BUILDER["REDIS_URL"], "socket_timeout": 30}],
                # A web process's one subscription per thread (builder.consumers.hub) may
                # briefly lag in a burst; the default capacity (100) would drop events.
                "channel_capacity": {"hub.*": 10000},
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The "ratelimit" cache counts failed logins (builder.ratelimit) and must be shared by
# every process, or each would allow its own quota: Redis when there is one, else a table
# in the database (created by migrate). It is not culled below a million entries: culling
# would let an attacker erase lockouts by failing on many usernames.
if BUILDER["REDIS_URL"]:
    _redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": BUILDER["REDIS_URL"],
        "KEY_PREFIX": "switchyard",
    }
    CACHES = {"default": _redis_cache, "ratelimit": _redis_cache}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "builder_ratelimit_cache",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }

# Without a broker the celery executor falls back to the local Redis (as `make up` runs);
# the inline executor never touches the broker.
CELERY_BROKER_URL = BUILDER["CELERY_BROKER_URL"] or (
    BUILDER["REDIS_URL"] or "redis://127.0.0.1:6379/0"
    if BUILDER["RUN_EXECUTOR"] == "celery"
    else "memory://"
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "switchyard")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacked task after visibility_timeout: keep it above the longest run.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
}
# `celery beat` reads the crons' schedules (and the static ones) from the database.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- auth, i18n, static -----------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The frontend build lands in builder/static/app/ and is found by the app-dirs finder.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
VITE_MANIFEST_PATH = BASE_DIR / "builder" / "static" / "app" / ".vite" / "manifest.json"
VITE_ENTRY = "src/main.tsx"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "builder.api.schema.ApiAutoSchema",
    # X-Api-Key first: its authenticate_header makes unauthenticated calls answer 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "builder.api.auth.ApiKeyAuthentication",
        "builder.api.auth.SessionAuthentication",
        # langgraph.json's auth handler, for requests with neither (see the module).
        "builder.api.custom_auth.CustomAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["builder.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "builder.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Switchyard API",
    "DESCRIPTION": "Graphs, threads, runs and the store of the Switchyard builder. "
    "Threads, runs, assistants and the store follow LangGraph Server's API.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar: served by us, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets several fields share get one name (runs' on_completion and crons'
    # on_run_completed; the bulk cancel's status filter).
    "ENUM_NAME_OVERRIDES": {
        "CompletionEnum": ["delete", "keep"],
        "CancelStatusEnum": ["pending", "running", "all"],
        "ThreadStatusEnum": "builder.models.ThreadStatus",
    },
}

# --- production hardening (DEBUG=0) ---------------------------------------------------

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    if _env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "builder.log_redaction.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "loggers": {
        "builder": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        # Django's own (4xx warnings name the path, share tokens included).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
