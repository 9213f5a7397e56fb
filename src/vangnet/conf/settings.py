"""Django settings for vangnet, read from the environment.

Every variable an operator can set is read here, with its default and why.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import dj_database_url

from vangnet.conf.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent

# VANGNET_HOME: where the embedded SQLite database, uploads and print batches live.
# Defaults to ./var in the current working directory so `make demo` keeps everything
# inside the checkout.
VANGNET_HOME = Path(env_str("VANGNET_HOME", str(Path.cwd() / "var"))).resolve()
VANGNET_HOME.mkdir(parents=True, exist_ok=True)

# DEBUG: only for development; never in production.
DEBUG = env_bool("DEBUG", False)

# SECRET_KEY: required in production; a fixed development key is used when DEBUG is on
# or when running the demo/tests, so that a fresh clone works without set-up.
SECRET_KEY = env_str("SECRET_KEY", "vangnet-insecure-development-key-change-me")

# ALLOWED_HOSTS: comma-separated host names this instance answers to.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

# CSRF_TRUSTED_ORIGINS: comma-separated origins (https://host) behind a proxy.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# VANGNET_ORGANISATION_KIND: which side this instance serves: a creditor (collection),
# a municipality (incoming early signals) or both.
VANGNET_ORGANISATION_KIND = env_str("VANGNET_ORGANISATION_KIND", "creditor")
if VANGNET_ORGANISATION_KIND not in {"creditor", "municipality", "both"}:
    raise ValueError(
        "VANGNET_ORGANISATION_KIND must be creditor, municipality or both, "
        f"got {VANGNET_ORGANISATION_KIND!r}"
    )

# VANGNET_IMPORT_BATCH_SIZE: rows per atomic importer batch. Valid rows of a batch are
# written together; a crash loses at most the batch in flight, and a re-run is a no-op
# for what was written.
VANGNET_IMPORT_BATCH_SIZE = env_int("VANGNET_IMPORT_BATCH_SIZE", 5000)

# VANGNET_IMPORT_MAX_BYTES: uploads and files larger than this are refused before
# parsing (protects the workers from garbage uploads).
VANGNET_IMPORT_MAX_BYTES = env_int("VANGNET_IMPORT_MAX_BYTES", 2 * 1024 * 1024 * 1024)

# VANGNET_IMPORT_INLINE: run uploaded import jobs inside the request instead of a
# background thread (tests; tiny installations). The same service runs either way.
VANGNET_IMPORT_INLINE = env_bool("VANGNET_IMPORT_INLINE", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "vangnet.core",
    "vangnet.parties",
    "vangnet.ledger",
    "vangnet.imports",
    "vangnet.scoring",
    "vangnet.strategy",
    "vangnet.messaging",
    "vangnet.messaging.content",
    "vangnet.messaging.channels",
    "vangnet.messaging.engagement",
    "vangnet.payments",
    "vangnet.banking",
    "vangnet.banking.directdebit",
    "vangnet.arrangements",
    "vangnet.signals.outgoing",
    "vangnet.signals.incoming",
    "vangnet.operations",
    "vangnet.accounts",
    "vangnet.privacy",
    "vangnet.portal",
    "vangnet.workspace",
    "vangnet.simulation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vangnet.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The throttle backend must come first: it refuses locked-out logins before the
# password is checked. It only acts on web logins (a request is present).
AUTHENTICATION_BACKENDS = [
    "vangnet.accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "vangnet.conf.urls"
WSGI_APPLICATION = "vangnet.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vangnet.core.context_processors.vangnet",
            ],
        },
    },
]

# DATABASE_URL: e.g. postgres://user@127.0.0.1:5432/vangnet (psycopg 3). Without it, an
# embedded SQLite file in VANGNET_HOME is used.
_default_sqlite = f"sqlite:///{VANGNET_HOME / 'vangnet.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_sqlite),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the web server read while an import writes; a busy timeout instead of
    # "database is locked" errors under concurrent use.
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:overview"
LOGOUT_REDIRECT_URL = "login"

# Dutch first, English second (DESIGN.md).
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VANGNET_HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The project-level static folder (vangnet itself is not an app, so the app finder
# would not look there).
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VANGNET_HOME / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# CELERY_BROKER_URL: e.g. redis://127.0.0.1:6379/0. Empty (the embedded default): tasks
# run eagerly in the calling process, so nothing needs a broker to work.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == ""
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE

# VANGNET_BASE_URL: the public address of this instance, used in links inside messages
# (portal, pay page, short links). No trailing slash.
VANGNET_BASE_URL = env_str("VANGNET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail (SMTP through Django). EMAIL_HOST/EMAIL_PORT point at the SMTP relay;
# DEFAULT_FROM_EMAIL is the sender of customer messages.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "klantenservice@vangnet.invalid")

# --- Staff accounts: two-factor authentication and login throttling (vangnet.accounts) ---
# VANGNET_STAFF_2FA_REQUIRED is read in vangnet/accounts/conf.py (default off: demo,
# tests; production sets it to 1 — see docs/roles-and-privacy.md).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "vangnet")
# VANGNET_LOGIN_THROTTLE: refuse logins after repeated wrong passwords (django-axes).
AXES_ENABLED = env_bool("VANGNET_LOGIN_THROTTLE", True)
# VANGNET_LOGIN_FAILURE_LIMIT: wrong passwords in a row before a user name is locked.
AXES_FAILURE_LIMIT = env_int("VANGNET_LOGIN_FAILURE_LIMIT", 5)
# VANGNET_LOGIN_LOCKOUT_MINUTES: how long a lock lasts; it then lifts by itself.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("VANGNET_LOGIN_LOCKOUT_MINUTES", 15))
# Lock a user name after too many failures (guessing from many addresses fails too) and,
# separately, an address that fails too often across user names (password spraying).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vangnet.accounts.throttle.lockout_response"
AXES_VERBOSE = False
# Behind a reverse proxy set AXES_IPWARE_PROXY_COUNT / AXES_IPWARE_META_PRECEDENCE_ORDER
# so the client address is logged instead of the proxy's.
