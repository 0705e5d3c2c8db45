"""Settings for the EnvCrime Cooperation Portal.

Everything that differs between a laptop, CI and production comes from the environment
(12-factor, django-environ). With nothing set you get the embedded default used by `make run`:
SQLite, tasks run in-process, email printed to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is convenient for developers; real deployments set variables directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-in-production"

DEBUG = env.bool("DEBUG", default=True)
# An empty SECRET_KEY (a blank line in .env) counts as unset.
SECRET_KEY = env("SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "DEBUG is false but SECRET_KEY is the development key. Set SECRET_KEY to a long random "
        'value, e.g. python -c "import secrets; print(secrets.token_urlsafe(50))".'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # Content in four languages (fields `<name>_en/_fr/_es/_ar`); it must come before the admin.
    "modeltranslation",
    # Django's admin whose site is the staff workplace (the to-do panel on the index).
    "envcrime.apps.PortalAdminConfig",
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
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "import_export",
    # The project package: its system checks (envcrime.checks) and account-email tasks.
    "envcrime.apps.EnvcrimeConfig",
    "programmes",
    "meetings",
    "recommendations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # allauth's UserSessionsMiddleware, recording a session's activity at most once a minute.
    "envcrime.sessions.ThrottledUserSessionsMiddleware",
    # After authentication: a signed-in user's saved language wins over the cookie and the browser's.
    "envcrime.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: it tells staff why they were sent to the MFA setup.
    "envcrime.middleware.StaffMFARequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "envcrime.urls"
WSGI_APPLICATION = "envcrime.wsgi.application"

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
                "envcrime.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves one developer; a generous timeout avoids "database is locked"
    # when the in-process tasks write while a request is open.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------------------------
# Longest age of a public page cached for anonymous visitors (envcrime.caching): any write to a table
# the page read invalidates it at once; this bounds what no write announces (a registration window
# closing, SQL run outside Django).
ANONYMOUS_PAGE_CACHE_SECONDS = env.int("ANONYMOUS_PAGE_CACHE_SECONDS", default=60)
# The same for a signed-in user's own pages (package list and page, My registrations, the report).
USER_PAGE_CACHE_SECONDS = env.int("USER_PAGE_CACHE_SECONDS", default=60)
# The same for the staff's dashboard and big admin lists (whose "overdue" filters move with the clock).
STAFF_PAGE_CACHE_SECONDS = env.int("STAFF_PAGE_CACHE_SECONDS", default=60)
# Longest age of a signed-in account's row kept in the cache (envcrime.auth): every write to accounts,
# preferences, contacts or member countries drops them all at once; this bounds what no write
# announces (SQL run outside Django). 0: no cache.
AUTH_USER_CACHE_SECONDS = env.int("AUTH_USER_CACHE_SECONDS", default=60)
REDIS_URL = env("REDIS_URL", default="")
# The cache may live in its own Redis database (the tests use one, so clearing it never touches
# the broker's queues); by default it shares REDIS_URL.
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    # Django's Redis cache, keeping one client per connection pool (envcrime.cache).
    CACHES = {"default": {"BACKEND": "envcrime.cache.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker, tasks run in-process when enqueued: `make run` needs no Redis and no worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
# Progress is counted from database rows, never from Celery results: no result backend.
CELERY_RESULT_BACKEND = None
# A task is acknowledged after it ran, one message at a time per process: a killed worker loses
# at most the message it held, and the beat sweeper re-enqueues its row.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes every database connection before and after each task unless a reuse
# maximum is set: CONN_MAX_AGE did nothing in a worker (a new PostgreSQL connection per task). With it
# the fixup closes them only every N tasks, and envcrime/celery.py calls close_old_connections() when a
# task starts and ends, as Django does around a request: a broken connection, or one older than
# CONN_MAX_AGE, is dropped (with CONN_MAX_AGE=0 that is still one connection per task).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
# Every task sends at most one email (EMAIL_TIMEOUT bounds each SMTP step) or sweeps rows: a task
# still running after these limits is stuck, and its row is left for the sweeper. Both stay far
# below the broker's visibility timeout, so a stuck task never outlives its message.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "sweep-stalled-deliveries": {
        "task": "recommendations.tasks.sweep_stalled_deliveries",
        "schedule": timedelta(seconds=env.int("DELIVERY_SWEEP_INTERVAL", default=30)),
    },
    # Plans the follow-up reminders due today (idempotent: each step is one row) and re-enqueues
    # reminders left queued or stuck sending by a worker that died.
    "followup-reminders": {
        "task": "recommendations.tasks.plan_followup_reminders",
        "schedule": timedelta(seconds=env.int("FOLLOWUP_REMINDER_INTERVAL", default=3600)),
    },
}

# --- Email --------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
# Named one by one rather than vars().update(): every email setting is visible here, and the parts
# the URL leaves out keep Django's defaults instead of becoming None.
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="EnvCrime Programme <envcrime@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=[])

# --- Authentication (django-allauth) ------------------------------------------------------------
# Django's and allauth's backends, loading the account with its language (envcrime.auth).
AUTHENTICATION_BACKENDS = [
    "envcrime.auth.ModelBackend",
    "envcrime.auth.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[EnvCrime] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Where people land after signing in, and account emails rendered in the portal's words and sent
# from a worker (envcrime.accounts).
ACCOUNT_ADAPTER = "envcrime.accounts.AccountAdapter"
ACCOUNT_USER_DISPLAY = "envcrime.accounts.user_display"
# allauth's default rate limits stay on (ACCOUNT_RATE_LIMITS unset); they are kept in the cache
# above, which must be shared between processes in production: Redis.
# Rate limits per IP need the client's address: behind N reverse proxies that append to
# X-Forwarded-For, set TRUSTED_PROXY_COUNT=N, or every visitor shares the proxy's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "EnvCrime Portal"
USERSESSIONS_TRACK_ACTIVITY = True
# Seconds between two records of a session's activity (envcrime.sessions); 0 records every request.
USERSESSIONS_ACTIVITY_INTERVAL = env.int("USERSESSIONS_ACTIVITY_INTERVAL", default=60)
# Sessions are read from the cache and written through to the database: a signed-in page costs no
# session query, and a restarted or flushed Redis signs nobody out. Only with a shared cache: each
# process's in-memory cache would keep serving a session that another process ended.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if CACHE_URL else "django.contrib.sessions.backends.db"
# Staff need a second factor (TOTP) before they may use the admin (envcrime.middleware). On
# whenever DEBUG is false; developers can switch it on locally to try it.
ENVCRIME_REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", default=not DEBUG)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Translated content (visits, agenda, obstacles, recommendations, packages): English is the
# language every text is written in first, and the fallback of the others.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
FORMAT_MODULE_PATH = ["envcrime.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and generated files (package documents) are private: never served directly, only
# through views that check who asks.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -----------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
TRUST_X_FORWARDED_PROTO = env.bool("TRUST_X_FORWARDED_PROTO", default=False)
if TRUST_X_FORWARDED_PROTO:
    # Behind a TLS-terminating proxy that sets this header (and strips it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG and not SECURE_SSL_REDIRECT and TRUST_X_FORWARDED_PROTO:
    # The proxy in front redirects http to https itself and tells us the scheme; Django's own
    # redirect is then redundant and its deploy-check warning (W008) is noise.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
# The container health check calls this over plain http from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True  # only the server reads it
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No page of the portal needs a device or a payment: every powerful feature off (Permissions-Policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The Django admin and allauth's MFA pages use inline style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Portal ------------------------------------------------------------------------------------
# How long the personal link in a distribution email stays valid.
PACKAGE_LINK_MAX_AGE_DAYS = env.int("PACKAGE_LINK_MAX_AGE_DAYS", default=30)
# Deliveries left in queued/sending longer than this are re-enqueued by the beat sweeper.
DELIVERY_STALE_AFTER_SECONDS = env.int("DELIVERY_STALE_AFTER_SECONDS", default=60)
DELIVERY_MAX_ATTEMPTS = env.int("DELIVERY_MAX_ATTEMPTS", default=5)
DELIVERY_RETRY_BACKOFF_SECONDS = env.int("DELIVERY_RETRY_BACKOFF_SECONDS", default=10)
# Deliveries per task message: each is still claimed before it is sent and marked sent before the next.
# At least DELIVERY_BATCH_SIZE; a distribution is split into at least DELIVERY_PARALLEL_MESSAGES messages
# (two per pool process of a 4-process worker) of up to DELIVERY_BATCH_SIZE_MAX deliveries, so a small
# one pays Celery's dispatch, the claim and the renders in each process a few times, not twenty.
DELIVERY_BATCH_SIZE = env.int("DELIVERY_BATCH_SIZE", default=10)
DELIVERY_BATCH_SIZE_MAX = env.int("DELIVERY_BATCH_SIZE_MAX", default=25)
DELIVERY_PARALLEL_MESSAGES = env.int("DELIVERY_PARALLEL_MESSAGES", default=8)

# Follow-up reminders: an unacknowledged delivery is reminded every N days (at most MAX times);
# a report is reminded DUE_SOON_DAYS before its due date and weekly once overdue, at most OVERDUE_MAX times.
FOLLOWUP_ACK_REMINDER_AFTER_DAYS = env.int("FOLLOWUP_ACK_REMINDER_AFTER_DAYS", default=14)
FOLLOWUP_ACK_REMINDER_MAX = env.int("FOLLOWUP_ACK_REMINDER_MAX", default=2)
FOLLOWUP_DUE_SOON_DAYS = (14, 3)
FOLLOWUP_OVERDUE_MAX = env.int("FOLLOWUP_OVERDUE_MAX", default=4)
FOLLOWUP_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools log every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# First retry delay of the registration emails (doubles each attempt; meetings/tasks.py).
MEETINGS_EMAIL_RETRY_BACKOFF_SECONDS = env.int("MEETINGS_EMAIL_RETRY_BACKOFF_SECONDS", default=2)

# --- Visits: nominations and invitation letters
# Who signs the visa invitation letters, as printed under the signature.
VISA_LETTER_SIGNATORY_NAME = env("VISA_LETTER_SIGNATORY_NAME", default="Programme Director")
VISA_LETTER_SIGNATORY_TITLE = env(
    "VISA_LETTER_SIGNATORY_TITLE", default="Environmental Crime Programme, General Secretariat"
)

# --- Staff workplace ----------------------------------------------------------------------------
# Exports go through envcrime/exports.py, whose formats neutralise formula-like cells in this step.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Without these, import-export lets any staff account export or import every model with an
# Export/Import button, whatever its permissions: exporting is looking, importing writes rows.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
# A member country that has not acknowledged a delivered package after this many days is on the
# staff to-do panel.
ACKNOWLEDGEMENT_OVERDUE_DAYS = env.int("ACKNOWLEDGEMENT_OVERDUE_DAYS", default=14)
# Django's default (1,000) with room for a visit and its inlines at their max_num; a bigger form is a 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)
