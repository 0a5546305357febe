"""One settings module, configured from the environment only.

BPHUB_ENV selects the profile: "development" (default, what `make run` uses),
"test", or "production" (refuses to start without SECRET_KEY and ALLOWED_HOSTS).
DATABASE_URL switches from SQLite under var/ to PostgreSQL (or anything dj-database-url reads).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BPHUB_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("BPHUB_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"BPHUB_ENV must be development, test or production, not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production needs SECRET_KEY (at least 50 random characters).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated host names).")
    DEBUG = False
else:
    # Development and tests only: a fixed key is fine where nothing is real.
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
    DEBUG = env_bool("DEBUG", ENVIRONMENT == "development")

# Demo mode creates the demo accounts (one per role); never on unless asked for.
DEMO_MODE = env_bool("BPHUB_DEMO", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks_db",
    "django_countries",
    "ninja",
    "bphub.core",
    "bphub.accounts",
    "bphub.members",
    "bphub.directory",
    "bphub.meetings",
    "bphub.communications",
    "bphub.knowledge",
    "bphub.outbox",
    "bphub.api",
    "bphub.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bphub.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the accounts middleware: an expired session says why on the sign-in page.
    "django.contrib.messages.middleware.MessageMiddleware",
    "bphub.accounts.middleware.SessionLifetimeMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "bphub.accounts.middleware.RequireMFAMiddleware",
    "bphub.accounts.middleware.UserPreferencesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "bphub.core.middleware.NoStoreForSignedInMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bphub.core.context_processors.navigation",
                "bphub.demo.context_processors.demo",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'bphub.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker work side by side; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if os.environ.get("BPHUB_TEST_SQLITE_FILE"):
        # Tests on a file instead of in memory, so that they can run real worker processes against it.
        DATABASES["default"]["TEST"] = {"NAME": os.environ["BPHUB_TEST_SQLITE_FILE"]}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short interactive queries: PostgreSQL's JIT compiler costs more (10-25 ms a query, measured on
    # the coverage matrix) than it saves; it pays only for long analytical queries.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every process (rate limits, single-use TOTP codes) ----------------------
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
elif ENVIRONMENT == "test":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "bphub.core.cache.DatabaseCache", "LOCATION": "bphub_cache"}}

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail"],
    }
}
# A running task whose worker has not sent a heartbeat for this long is handed back to the queue.
TASK_WORKER_HEARTBEAT_SECONDS = int(os.environ.get("TASK_WORKER_HEARTBEAT_SECONDS", "10"))
TASK_WORKER_STALE_AFTER_SECONDS = int(os.environ.get("TASK_WORKER_STALE_AFTER_SECONDS", "60"))
# How often a worker looks for due maintenance (the daily sweep, the weekly digest, reminders): each
# job is one read when not due. Runs in its own thread, never in the task loop.
TASK_WORKER_MAINTENANCE_SECONDS = float(os.environ.get("TASK_WORKER_MAINTENANCE_SECONDS", "30"))
# How long an idle worker waits before looking at the queue again: a pack PDF someone waits for is
# picked up within this (a query on an index, cheap even at a few per second).
TASK_WORKER_INTERVAL = float(os.environ.get("TASK_WORKER_INTERVAL", "0.25"))
# Modules a worker imports as it starts, so that the first task needing them does not pay for it
# (WeasyPrint and Pango take about 1.6 s). Tests start many short-lived workers and skip it.
TASK_WORKER_PRELOAD = [] if ENVIRONMENT == "test" else ["bphub.meetings.pdf"]

# --- Auth, accounts, MFA ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["bphub.accounts.backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# NIST 800-63B / ASVS 5.0: length and a breached/common-password check, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    # Django's checks with our own wording, which our catalogue translates (Django's has no Thai).
    {"NAME": "bphub.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "bphub.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "bphub.accounts.validators.CommonPasswordValidator"},
    {"NAME": "bphub.accounts.validators.MaximumLengthValidator"},
]
if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ACCOUNT_ADAPTER = "bphub.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an unknown address sends nothing (the page says the same either way).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[bphub] "
ACCOUNT_RATE_LIMITS = {
    # Per client IP, and per (email, client IP) pair: failures from one network never lock
    # the account owner out of their own (see AccountAdapter._get_login_attempts_cache_key).
    "login_failed": "20/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
MFA_ADAPTER = "bphub.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# ±1 period forgives a slow typist or a phone clock 30 s off; bphub.accounts.mfa keeps each code
# single-use for the whole time it is accepted.
MFA_TOTP_TOLERANCE = 1
MFA_TOTP_ISSUER = "bphub"
MFA_RECOVERY_CODE_COUNT = 10
MFA_RECOVERY_CODE_DIGITS = 12
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_TRUST_ENABLED = False
# allauth refuses to add an email address to an account with MFA (someone could claim another's
# address and block their sign-up). Here there is no sign-up, only invitations, so people may change
# their address: the new one counts only once verified, after re-authentication.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Activity is recorded by SessionLifetimeMiddleware once a minute, not on every request.
USERSESSIONS_TRACK_ACTIVITY = False
# Number of reverse proxies in front of the app that append to X-Forwarded-For (client IPs for
# throttling and the audit log).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Sessions ---------------------------------------------------------------------------------
# Sessions live in the database; with Redis, reads come from the cache (written through).
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if os.environ.get("REDIS_URL") else "db")
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_LIFETIME = int(os.environ.get("SESSION_ABSOLUTE_LIFETIME", str(12 * 60 * 60)))
# The stored session dies after the idle limit (plus the once-a-minute activity write); the cookie
# itself ends with the browser. The absolute lifetime is enforced by SessionLifetimeMiddleware.
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("id", "Bahasa Indonesia"), ("th", "ไทย")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# Where the RSO works: the zone its staff (and people of no member) start with, until they choose.
RSO_TIME_ZONE = os.environ.get("RSO_TIME_ZONE", "Asia/Bangkok")
# Languages that human-written content (titles, summaries) may be written in.
CONTENT_LANGUAGES = [
    ("en", "English"),
    ("id", "Bahasa Indonesia"),
    ("th", "ไทย"),
    ("vi", "Tiếng Việt"),
    ("km", "ខ្មែរ"),
    ("lo", "ລາວ"),
    ("my", "မြန်မာ"),
    ("ms", "Bahasa Melayu"),
    ("zh-hans", "中文"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("hi", "हिन्दी"),
    ("ne", "नेपाली"),
    ("si", "සිංහල"),
    ("bn", "বাংলা"),
    ("ur", "اردو"),
    ("fa", "فارسی"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("mn", "Монгол"),
    ("tr", "Türkçe"),
    ("fil", "Filipino"),
    ("tet", "Tetun"),
    ("ta", "தமிழ்"),
]

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and ENVIRONMENT != "test"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # Any S3-compatible object store (AWS_S3_ENDPOINT_URL etc. are read by django-storages).
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Bodies larger than this are refused before any view runs (RequestSizeLimitMiddleware).
# Meeting documents may be 25 MB (bphub.meetings.services.documents), plus the form around them.
REQUEST_MAX_BODY_SIZE = int(os.environ.get("REQUEST_MAX_BODY_SIZE", str(26 * 1024 * 1024)))
API_MAX_BODY_SIZE = 1024 * 1024

# --- Mail: everything goes through the outbox ------------------------------------------------
# Django 6.1 mailers: "default" (what send_mail() and allauth use) writes to the outbox; the task
# worker delivers through "delivery" (SMTP in production, the console in development).
_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_DELIVERY_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {"BACKEND": "bphub.outbox.backends.OutboxEmailBackend"},
    "delivery": {
        "BACKEND": _DELIVERY_BACKEND,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": 20,
        }
        if "smtp" in _DELIVERY_BACKEND
        else {},
    },
}
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bphub <no-reply@bphub.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers ---------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- API ----------------------------------------------------------------------------------
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 366
NINJA_PAGINATION_PER_PAGE = 50
# Requests per token (or signed-in session) and per client IP without credentials ("<n>/<s|m|h|d>").
API_RATE_LIMIT_TOKEN = os.environ.get("API_RATE_LIMIT_TOKEN", "120/m")
API_RATE_LIMIT_ANONYMOUS = os.environ.get("API_RATE_LIMIT_ANONYMOUS", "60/m")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

ADMIN_URL = os.environ.get("ADMIN_URL", "django-admin/")
# security.W021 (HSTS preload) is a decision, not an oversight: preloading binds the whole domain and
# its subdomains for months and is slow to undo, so the operator opts in with SECURE_HSTS_PRELOAD=1.
SILENCED_SYSTEM_CHECKS: list[str] = ["security.W021"] if PRODUCTION and not SECURE_HSTS_PRELOAD else []
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
