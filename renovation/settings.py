"""Huanxin settings, read from the environment (see .env.example for every variable)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"


def _read(name, cast, default):
    try:
        return cast(name, default=default)
    except (ValueError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {exc}") from exc


DEBUG = _read("DEBUG", env.bool, True)
SECRET_KEY = _read("SECRET_KEY", env.str, DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key; set SECRET_KEY in the environment for production."
    )
ALLOWED_HOSTS = _read("ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "renovation",
    "communities",
    "projects",
    "consultations",
    "elevators",
    "inspections",
    "bulletins",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "renovation.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "renovation.middleware.NotFoundPageMiddleware",
]

ROOT_URLCONF = "renovation.urls"
WSGI_APPLICATION = "renovation.wsgi.application"

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
                "renovation.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, or an embedded PostgreSQL (pip wheel) under var/ for a fresh machine.
DATABASE_URL = _read("DATABASE_URL", env.str, "")
if not DATABASE_URL:
    from renovation.embedded_pg import embedded_database_url

    DATABASE_URL = embedded_database_url(VAR_DIR / "pgdata")
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if "host" in DATABASES["default"].get("OPTIONS", {}):  # a socket directory given as ?host=
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
DATABASES["default"]["CONN_MAX_AGE"] = _read("CONN_MAX_AGE", env.int, 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": _read("TEST_DATABASE_NAME", env.str, "test_huanxin")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = _read("LANGUAGE_CODE", env.str, "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = _read("TIME_ZONE", env.str, "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve static files straight from the app folders while developing (no collectstatic step).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = _read("MEDIA_ROOT", env.path, VAR_DIR / "media")
# Photos and attachments: the largest upload a form accepts (bytes).
MAX_UPLOAD_SIZE = _read("MAX_UPLOAD_SIZE", env.int, 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_SIZE
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REDIS_URL = _read("REDIS_URL", env.str, "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport (no server needed).
CELERY_BROKER_FOLDER = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    # Every folder kombu keeps lives under var/ (its exchange table defaults to ./control/).
    for _sub in ("queue", "processed", "control"):
        (CELERY_BROKER_FOLDER / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = _read("CELERY_TASK_ALWAYS_EAGER", env.bool, False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic jobs: apps add entries in their AppConfig.ready() (see renovation/celery.py).
CELERY_BEAT_SCHEDULE = {}

REST_FRAMEWORK = {
    # The token first: a request without credentials gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "renovation.drf.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["renovation.drf.ApiTokenRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["renovation.drf.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "renovation.drf.LimitOffsetPagination",
    "EXCEPTION_HANDLER": "renovation.drf.exception_handler",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "renovation.schema.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}
# API tokens (renovation.models.ApiToken on django-rest-knox): read-only, hashed, expiring.
KNOX_TOKEN_MODEL = "renovation.ApiToken"
# knox's own migrations create its default table even when the model is swapped out; the
# tokens live in renovation's table, so knox's migrations are not run.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_PREFIX": "hx_", "AUTH_HEADER_PREFIX": "Token", "TOKEN_TTL": None}
API_TOKEN_MAX_DAYS = _read("API_TOKEN_MAX_DAYS", env.int, 366)
API_TOKEN_REQUESTS_PER_MINUTE = _read("API_TOKEN_REQUESTS_PER_MINUTE", env.int, 120)
SPECTACULAR_SETTINGS = {
    "TITLE": "Huanxin API",
    "DESCRIPTION": "Old-estate renovation programme: registry, projects, consultations, "
    "elevator retrofits, inspections and bulletins. Every endpoint is scoped to the caller's "
    "part of the administrative tree.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several apps have a "status" field; give each enum its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.models.Project.Status",
        "ConsultationStatusEnum": "consultations.models.Consultation.Status",
        "InspectionStatusEnum": "inspections.models.Status",
        "RetrofitStatusEnum": "elevators.models.Retrofit.Status",
    },
}

SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = _read("SESSION_COOKIE_SECURE", env.bool, True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", env.str, "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}

# Map tiles (renovation/maps.py): a preset (MAP_TILES=osm|tianditu|amap|none) that each
# MAP_TILE_* variable may override; MAP_TILE_COORDINATES says whether the tiles are drawn in
# WGS-84 or GCJ-02. MAP_TILE_ORIGINS: the hosts tiles come from (for the CSP's img-src).
from renovation.maps import tile_layer_from_env, tile_origins  # noqa: E402

_tiles = tile_layer_from_env(env, _read)
MAP_TILE_URL = _tiles["MAP_TILE_URL"]
MAP_TILE_OVERLAY_URL = _tiles["MAP_TILE_OVERLAY_URL"]
MAP_TILE_ATTRIBUTION = _tiles["MAP_TILE_ATTRIBUTION"]
MAP_TILE_SUBDOMAINS = _tiles["MAP_TILE_SUBDOMAINS"]
MAP_TILE_MAX_ZOOM = _tiles["MAP_TILE_MAX_ZOOM"]
MAP_TILE_COORDINATES = _tiles["MAP_TILE_COORDINATES"]
MAP_TILE_ORIGINS = tile_origins(
    url=MAP_TILE_URL, overlay_url=MAP_TILE_OVERLAY_URL, subdomains=MAP_TILE_SUBDOMAINS
)

# Label shown in the page header.
PORTAL_NAME = _("Huanxin old-estate renovation")
