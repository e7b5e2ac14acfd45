"""Django settings for Gongzhi, read from the environment (see .env.example)."""

from __future__ import annotations

import importlib.util
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent

env = environ.Env()
_dotenv = Path.cwd() / ".env"
if _dotenv.is_file():
    env.read_env(str(_dotenv))

DATA_DIR = Path(env.str("GONGZHI_DATA_DIR", default="./var")).resolve()
# Demo mode generates and keeps its own keys in the data folder; production must
# be given them explicitly.
DEMO = env.bool("GONGZHI_DEMO", default=False)
DEBUG = env.bool("DEBUG", default=False)


def _key_file_value(name: str, generate) -> str:
    """Return the key kept in DATA_DIR/name, creating it on first use (demo only)."""
    path = DATA_DIR / name
    if path.is_file():
        return path.read_text().strip()
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        value = generate()
        path.write_text(value + "\n")
        path.chmod(0o600)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Cannot write {path}: {exc.strerror}. Set GONGZHI_DATA_DIR to a "
            "writable folder."
        ) from exc
    return value


def _required_secret(var: str, key_file: str, generate) -> str:
    value = env.str(var, default="")
    if value:
        return value
    if DEMO or DEBUG:
        return _key_file_value(key_file, generate)
    raise ImproperlyConfigured(
        f"{var} is not set. Set it in the environment or .env (see .env.example), "
        "or run `gongzhi demo` for a demonstration instance."
    )


def _new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = _required_secret(
    "SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50)
)
# Comma-separated Fernet keys: the first encrypts, all decrypt (key rotation).
FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in _required_secret(
        "GONGZHI_FIELD_KEYS", "field_keys", _new_fernet_key
    ).split(",")
    if key.strip()
]

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]"] + (["*"] if DEMO else []),
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Serves the API docs page and its Swagger UI files itself (no CDN).
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "gongzhi.core",
    "gongzhi.places",
    "gongzhi.orgs",
    "gongzhi.accounts",
    "gongzhi.cases",
    "gongzhi.api",
    "gongzhi.open311",
    "gongzhi.portal",
    "gongzhi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongzhi.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gongzhi.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"
ASGI_APPLICATION = "gongzhi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.core.context_processors.platform",
                "gongzhi.portal.navigation.nav_items",
                "gongzhi.portal.context_processors.notifications",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'gongzhi.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with concurrent transactions queued on a lock
    # rather than in SQLite's sleeping busy handler (see gongzhi/core/sqlite).
    DATABASES["default"]["ENGINE"] = "gongzhi.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer commits; IMMEDIATE takes the
        # write lock at BEGIN so concurrent writers queue instead of deadlocking.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
    }
# Each server thread keeps its connection between requests (SQLite too: opening
# one and running the PRAGMAs costs more than many a request).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout after repeated failed logins (django-axes), per username.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_CALLABLE = "gongzhi.accounts.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Maps -------------------------------------------------------------------------
# Leaflet's files come from the django-leaflet package. Only its static folder is
# used: as an installed app its admin would import django.contrib.gis, which needs
# GDAL, and the platform keeps geometry as GeoJSON without it.
_leaflet = importlib.util.find_spec("leaflet")
if _leaflet is None or not _leaflet.submodule_search_locations:
    raise ImproperlyConfigured("django-leaflet is not installed (pip install -e .).")
STATICFILES_DIRS = [
    ("leaflet", Path(_leaflet.submodule_search_locations[0]) / "static" / "leaflet")
]
# There is no public tile server on a government intranet: maps draw the
# communities and streets from the places register, over tiles from this URL
# template when one is set (an intranet tile server).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")

# A missing manifest entry serves the unhashed file instead of failing the page.
WHITENOISE_MANIFEST_STRICT = False

# --- Background tasks ------------------------------------------------------------
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, "
        f"not {TASKS_BACKEND!r}."
    )
TASKS = {"default": _TASK_BACKENDS[TASKS_BACKEND]}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
# How often the scheduler wakes to enqueue periodic jobs, in seconds.
SCHEDULER_TICK_SECONDS = env.int("SCHEDULER_TICK_SECONDS", default=30)

# --- Cache ---------------------------------------------------------------------------
# Per process by default. Several app servers must share one (redis://…), or each
# keeps its own Open311 rate-limit counters.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Open311 GeoReport v2 (docs/open311.md) -----------------------------------------
OPEN311_JURISDICTION_ID = env.str("OPEN311_JURISDICTION_ID", default="gongzhi.local")
# Requests a minute, per API key and per client address, for POST requests; and
# per client address for the public reads.
OPEN311_RATE_PER_MINUTE = env.int("OPEN311_RATE_PER_MINUTE", default=60)
OPEN311_READ_RATE_PER_MINUTE = env.int("OPEN311_READ_RATE_PER_MINUTE", default=600)
# "realtime": POST answers with the service_request_id; "batch": with a token.
OPEN311_SERVICE_TYPE = env.str("OPEN311_SERVICE_TYPE", default="realtime")
# Shown in the discovery document: whom integrators contact, how to get a key.
OPEN311_CONTACT = env.str("OPEN311_CONTACT", default="")

# --- Cases: timers and metrics (docs/cases.md) ------------------------------------
# Calendar days a case waits for the reporter's rating before it closes by itself.
CASE_AUTO_CLOSE_DAYS = env.int("CASE_AUTO_CLOSE_DAYS", default=7)
# Composite score weights: response, resolution, satisfaction (DESIGN §3).
CASE_SCORE_WEIGHTS = tuple(
    env.list("CASE_SCORE_WEIGHTS", cast=float, default=[0.30, 0.35, 0.35])
)
# k: how much a "partly solved" counts in the resolution rate (0 to 1).
CASE_PARTLY_SOLVED_WEIGHT = env.float("CASE_PARTLY_SOLVED_WEIGHT", default=0.0)
# w: how much "basically satisfied" counts in the satisfaction rate (0 to 1).
CASE_BASICALLY_SATISFIED_WEIGHT = env.float(
    "CASE_BASICALLY_SATISFIED_WEIGHT", default=1.0
)
# The healthy band of the escalation rate (low, high), as fractions.
CASE_ESCALATION_BAND = tuple(
    env.list("CASE_ESCALATION_BAND", cast=float, default=[0.01, 0.10])
)

# --- E-mail --------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="gongzhi@localhost")
# SMS provider: a class with send(phone, text); the console backend only logs.
SMS_BACKEND = env.str("SMS_BACKEND", default="gongzhi.core.notify.ConsoleSmsBackend")
# The platform's public address, for links in e-mail and SMS.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Security --------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env.list(
    "SILENCED_SYSTEM_CHECKS",
    # Lockout is per username: a government intranet sits behind NAT, where
    # locking an address would lock out a whole office.
    default=["axes.W006"],
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Web server (granian) -------------------------------------------------------------
SERVER_WORKERS = env.int("SERVER_WORKERS", default=2)
SERVER_THREADS = env.int("SERVER_THREADS", default=4)
