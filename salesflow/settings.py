"""SalesFlow settings: one file, configured from the environment (12-factor).

Every variable has a working default for a laptop; production sets them explicitly.
See README.md ("Configuration") for the list.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SALESFLOW_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    return default if raw is None else [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL: sqlite:///path/to.db or postgres://user:pass@host:port/name?opt=v."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        path = path[1:] if path.startswith("//") else path  # sqlite:////abs/path -> /abs/path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or str(VAR_DIR / "salesflow.sqlite3"),
            # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrade deadlocks.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        # JIT compiling an aggregate over a few hundred thousand rows costs ~100 ms, more than it saves in a web
        # request's short queries (measured on the report figures at 1M). A URL's own ?options=... wins.
        options.setdefault("options", "-c jit=off")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (sqlite or postgres)")


def local_secret_key() -> str:
    """A random key generated once and kept in var/ so sessions survive restarts on a laptop."""
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = env_bool("SALESFLOW_DEBUG", False)
SECRET_KEY = os.environ.get("SALESFLOW_SECRET_KEY") or local_secret_key()
ALLOWED_HOSTS = env_list("SALESFLOW_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SALESFLOW_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "salesflow.core.error_views.csrf_failure"

# E-mail: set EMAIL_HOST to send mail (and to offer "forgot password" on the login page); unset, nothing is sent.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SalesFlow <noreply@localhost>")

def replica_from_url(url: str) -> dict:
    """Parse SALESFLOW_REPLICA_URL (a PostgreSQL streaming replica, same format as DATABASE_URL).

    A short connect timeout, so that a page whose replica is down falls back to the primary quickly; in tests the
    alias mirrors the primary's test database (physical replication copies it; nothing is created on the replica).
    """
    db = database_from_url(url)
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("SALESFLOW_REPLICA_URL must be a postgres:// URL (a streaming replica)")
    db["OPTIONS"].setdefault("connect_timeout", "3")
    db["TEST"] = {"MIRROR": "default"}
    return db


DATABASES = {"default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'salesflow.sqlite3'}"))}
# Heavy report pages, exports and CLI reports may read from a replica (salesflow.core.replica, docs/deployment.md).
if env_str("SALESFLOW_REPLICA_URL", ""):
    DATABASES["replica"] = replica_from_url(env_str("SALESFLOW_REPLICA_URL", ""))
    DATABASE_ROUTERS = ["salesflow.core.replica.ReplicaRouter"]
SALESFLOW_REPLICA_MAX_LAG = env_int("SALESFLOW_REPLICA_MAX_LAG", 30)  # seconds; beyond it heavy pages read the primary
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
    "django_q",
    "ninja",  # its templates and static files: /api/v1/docs serves Swagger UI from the package, not a CDN
    "salesflow.core",
    "salesflow.org",
    "salesflow.customers",
    "salesflow.leads",
    "salesflow.catalog",
    "salesflow.approvals",
    "salesflow.pipeline",
    "salesflow.contracts",
    "salesflow.activities",
    "salesflow.performance",
    "salesflow.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "salesflow.core.middleware.AuditActorMiddleware",
    "salesflow.core.middleware.StaleEditMiddleware",
    "salesflow.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "salesflow.urls"
WSGI_APPLICATION = "salesflow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "salesflow" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "salesflow.core.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Failed logins allowed per username and per client address within LOGIN_THROTTLE_WINDOW seconds.
LOGIN_THROTTLE_LIMIT = env_int("SALESFLOW_LOGIN_THROTTLE_LIMIT", 5)
LOGIN_THROTTLE_WINDOW = env_int("SALESFLOW_LOGIN_THROTTLE_WINDOW", 900)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# The shell's catalogue, then field work's and performance's catalogues, one per concept (an app's own is found by
# Django).
LOCALE_PATHS = [BASE_DIR / "salesflow" / "locale",
                *(BASE_DIR / "salesflow" / "activities" / concept / "locale"
                  for concept in ("followups", "visits", "tasks", "stats", "reports")),
                *(BASE_DIR / "salesflow" / "performance" / concept / "locale"
                  for concept in ("targets", "kpis", "commission")),
                BASE_DIR / "salesflow" / "insights" / "analyses" / "locale",
                BASE_DIR / "salesflow" / "insights" / "reports" / "locale"]
TIME_ZONE = env_str("SALESFLOW_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
SALESFLOW_CURRENCY = env_str("SALESFLOW_CURRENCY", "CNY")
# The seller named on quotations (PDF header).
SALESFLOW_COMPANY_NAME = env_str("SALESFLOW_COMPANY_NAME", "SalesFlow 示例公司")
# Where people reach SalesFlow: links in messages sent outside it (report deliveries).
SALESFLOW_BASE_URL = env_str("SALESFLOW_BASE_URL", "http://localhost:8000").rstrip("/")
# The largest report file attached to an e-mail delivery; a larger one is sent as its link only (the mail says so).
REPORT_EMAIL_ATTACHMENT_MAX_BYTES = env_int("SALESFLOW_REPORT_EMAIL_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("SALESFLOW_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even when serving from finders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve files straight from app and package folders (no collectstatic needed for the demo or tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "salesflow" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "salesflow.core.staticfinders.VendorFinder",
]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("SALESFLOW_CACHE_DIR"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["SALESFLOW_CACHE_DIR"],
    }

# Security. Behind HTTPS in production set (docs/deployment.md): SALESFLOW_SECURE_COOKIES, SALESFLOW_SSL_REDIRECT,
# SALESFLOW_HSTS_SECONDS; behind a proxy that terminates TLS also SALESFLOW_BEHIND_PROXY.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SALESFLOW_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SALESFLOW_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz?$"]
SECURE_HSTS_SECONDS = env_int("SALESFLOW_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SALESFLOW_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SALESFLOW_HSTS_PRELOAD", False)
if env_bool("SALESFLOW_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script anywhere (scripts are static files); inline style attributes are allowed (Plotly and htmx
# inject styles). Set SALESFLOW_CSP to "" to switch the header off.
SALESFLOW_CSP = env_str(
    "SALESFLOW_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)

# Background work: django-q2 with its ORM broker (the queue is a table in our own database: no extra service),
# so the embedded SQLite default and PostgreSQL with workers on several hosts work alike. `salesflow worker` starts
# the cluster; failed tasks are kept (admin: Django Q › Failed tasks) and retried up to Q_MAX_ATTEMPTS times.
Q_CLUSTER = {
    "name": "salesflow",
    "orm": "default",
    "workers": env_int("SALESFLOW_WORKER_PROCESSES", 2),
    "timeout": env_int("SALESFLOW_TASK_TIMEOUT", 900),  # a 100,000-row import must fit
    "retry": env_int("SALESFLOW_TASK_TIMEOUT", 900) + 60,  # must be longer than timeout
    "max_attempts": env_int("SALESFLOW_TASK_ATTEMPTS", 3),
    "catch_up": False,  # a worker that was down runs a missed scheduled job once, not once per missed interval
    "save_limit": 500,
    "poll": 1,
    "label": "Django Q",
}

# Uploaded files (agreement attachments) live under MEDIA_ROOT with generated names. There is no MEDIA_URL route:
# every download goes through a view that checks the reader's permission.
MEDIA_ROOT = Path(env_str("SALESFLOW_MEDIA_ROOT", str(VAR_DIR / "media")))
AGREEMENT_ATTACHMENT_MAX_BYTES = env_int("SALESFLOW_AGREEMENT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# Imports: bounds checked while a file is streamed, before anything is stored or parsed further.
IMPORT_MAX_UPLOAD_BYTES = env_int("SALESFLOW_IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("SALESFLOW_IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_COLUMNS = env_int("SALESFLOW_IMPORT_MAX_COLUMNS", 100)
IMPORT_MAX_CELL_CHARS = env_int("SALESFLOW_IMPORT_MAX_CELL_CHARS", 10_000)
IMPORT_MAX_XML_BYTES = env_int("SALESFLOW_IMPORT_MAX_XML_BYTES", 400 * 1024 * 1024)  # one unzipped XLSX part

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SALESFLOW_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
