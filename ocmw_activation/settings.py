"""Settings, read from the environment (CONTRACTS.md, "Configuration").

Every variable has a default that gives the embedded demo: SQLite in the project folder,
Celery tasks run in-process and e-mail printed to the console.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "organisations",
    "clients",
    "leefloon",
    "gpmi",
    "employers",
    "trajectories",
    "groupmodules",
    "ladder",
    "reminders",
    "caseload",
    "audit",
    "reporting",
    "documents",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database outage anywhere below answers 503 with Retry-After instead of 500 (common/middleware.py):
    # after WhiteNoise (static files need no database), before all that reads the session or the user.
    "common.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organisations.middleware.InactivityTimeoutMiddleware",
    "organisations.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Refuses unscoped queries on client data from the view to the response, when SCOPE_GUARD is on.
    "organisations.middleware.ScopeGuardMiddleware",
    "organisations.middleware.PrivatePagesMiddleware",
    "organisations.middleware.ConcurrentChangeMiddleware",
    # With DEBUG on (the demo), the Dutch 404 page instead of Django's technical one (web/errors.py).
    "web.errors.FriendlyNotFoundMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# A view's query on client or organisation data that does not say whose data it reads (visible_to,
# editable_by, of_organisation, unscoped: organisations.scoping) raises UnscopedQuery: a forgotten
# filter is an error page, never another OCMW's rows. DJANGO_SCOPE_GUARD=false turns it off.
SCOPE_GUARD = env.bool("DJANGO_SCOPE_GUARD", default=True)

# DJANGO_TECHNICAL_404=true: with DEBUG on, Django's technical 404 page (every URL pattern, in
# English) instead of the product's Dutch one (web/errors.py).
TECHNICAL_404 = env.bool("DJANGO_TECHNICAL_404", default=False)

ROOT_URLCONF = "ocmw_activation.urls"
WSGI_APPLICATION = "ocmw_activation.wsgi.application"

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
                "reminders.context_processors.open_reminders",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# A request either changes everything it set out to change or nothing.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a login while its username and address are locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one e-mail address from one address lock that pair out for 15 minutes
# (the pair, so a stranger cannot lock a colleague out from elsewhere); a good login resets the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field (it holds the e-mail address)
# Counted as the login matches it: "Alice@Example.be " is the same address as "alice@example.be".
AXES_USERNAME_CALLABLE = "organisations.security.login_username"
# Behind the reverse proxy every request comes from the proxy: the client's own address is the one
# the proxy (or the last of DJANGO_TRUSTED_PROXIES proxies) added to X-Forwarded-For.
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=0 if DEBUG else 1)
AXES_CLIENT_IP_CALLABLE = "organisations.security.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Two-factor authentication (TOTP, django-otp): required for these roles, offered to the others.
SECOND_FACTOR_REQUIRED_ROLES = ["diensthoofd", "beheerder"]
OTP_TOTP_ISSUER = "OCMW-activering"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows an app's secret key

# Content Security Policy: scripts only from our own static files (no inline script, no eval);
# inline styles stay allowed for the SVG charts (pygal writes a <style> element) and layout attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Dutch (Belgium) first; the catalogue lives in locale/nl.
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ocmw_activation.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Documents on case files (documents app): a folder under DJANGO_MEDIA_ROOT, which is never served
# (downloads go through a view that checks and logs), or an S3-compatible bucket.
if env.str("DJANGO_DOCUMENTS_STORAGE", default="local") == "s3":
    STORAGES["documents"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env.str("DJANGO_DOCUMENTS_S3_BUCKET"),
        "endpoint_url": env.str("DJANGO_DOCUMENTS_S3_ENDPOINT_URL", default=None),
        "region_name": env.str("DJANGO_DOCUMENTS_S3_REGION", default=None),
        "access_key": env.str("DJANGO_DOCUMENTS_S3_ACCESS_KEY", default=None),
        "secret_key": env.str("DJANGO_DOCUMENTS_S3_SECRET_KEY", default=None),
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
    }}
else:
    STORAGES["documents"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
DOCUMENT_MAX_BYTES = env.int("DJANGO_DOCUMENT_MAX_MB", default=10) * 1024 * 1024
# A Word, OpenDocument or Excel upload is a ZIP archive: one that unpacks to more, or holds more
# entries, is refused as a zip bomb (common/uploads.py).
UPLOAD_MAX_INFLATED_BYTES = env.int("DJANGO_UPLOAD_MAX_INFLATED_MB", default=100) * 1024 * 1024
UPLOAD_MAX_ZIP_ENTRIES = env.int("DJANGO_UPLOAD_MAX_ZIP_ENTRIES", default=1000)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Redis is the Celery broker and the cache when REDIS_URL is set; without it, tasks run
# eagerly in-process (the embedded demo) and the cache lives in memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://localhost/"  # with a host, kombu does not warn that none was given
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A task that dies with its worker is delivered again (tasks are idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# How long Redis waits before handing an unacknowledged task to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for tasks whose worker died (kombu's defaults: every 10th poll).
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
}
# Broker loss (reporting, README "Production"): a page that queues a task answers within a few seconds
# when Redis is down (the task's report stays queued; the sweep below queues it again), and a worker
# reconnects for as long as it takes instead of exiting; a task it held is cancelled and, being
# acks_late and idempotent, delivered again.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5,
                                    "interval_max": 0.5}
# The Redis result backend subscribes to each queued task's result and retried 20 times, once a second.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0,
                                                            "interval_step": 0.5, "interval_max": 0.5}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Yearly reports (reporting.services.sweep_stuck_reports): a report queued this long without a worker
# taking it is queued again, at most REPORT_MAX_ATTEMPTS times in all; one being made this long failed.
REPORT_QUEUE_TIMEOUT_SECONDS = env.int("REPORT_QUEUE_TIMEOUT_SECONDS", default=600)
REPORT_RENDER_TIMEOUT_SECONDS = env.int("REPORT_RENDER_TIMEOUT_SECONDS", default=900)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
# Fault injection for the worker integration test only (seconds the rendering waits after its claim).
REPORT_FAULT_PAUSE = env.float("REPORT_FAULT_PAUSE", default=0)
CELERY_BEAT_SCHEDULE = {
    "evaluate-reminders-daily": {
        "task": "reminders.tasks.evaluate_reminders",
        # Every morning; the integration test runs it every few seconds instead.
        "schedule": (datetime.timedelta(seconds=env.int("REMINDERS_EVERY_SECONDS"))
                     if env("REMINDERS_EVERY_SECONDS", default="") else
                     crontab(hour=env.int("REMINDERS_HOUR", default=6), minute=30)),
    },
    # Every hour after the morning scan, until the evening: the scan (with its catch-up of missed days)
    # when today's is missing, e.g. beat was down or recreated at 06:30; otherwise nothing.
    "evaluate-reminders-if-missed": {
        "task": "reminders.tasks.evaluate_reminders",
        "schedule": crontab(hour=f"{min(env.int('REMINDERS_HOUR', default=6) + 1, 23)}-23", minute=30),
        "kwargs": {"only_if_missing": True},
    },
    "anonymise-expired-files-nightly": {
        "task": "clients.tasks.anonymise_expired_files",
        "schedule": crontab(hour=3, minute=15),
    },
    "forget-abandoned-uploads-nightly": {
        "task": "caseload.tasks.forget_abandoned_uploads",
        "schedule": crontab(hour=3, minute=45),
    },
    # E-mails about accounts whose task was lost (organisations.tasks).
    # Digests left unsent by a worker that died (their claim expired) are sent again (reminders.digest).
    "retry-unsent-digests": {
        "task": "reminders.tasks.send_digests",
        "schedule": datetime.timedelta(seconds=env.int("REMINDERS_DIGEST_RETRY_SECONDS", default=600)),
    },
    # Yearly reports whose task was lost (broker down, worker gone) are queued again or marked failed.
    "sweep-stuck-reports": {
        "task": "reporting.tasks.sweep_stuck_reports",
        "schedule": datetime.timedelta(seconds=env.int("REPORT_SWEEP_SECONDS", default=300)),
    },
    "send-account-notices": {
        "task": "organisations.tasks.send_account_notices",
        "schedule": datetime.timedelta(minutes=10),
    },
    "remove-orphan-document-files-nightly": {
        "task": "documents.tasks.remove_orphan_files",
        "schedule": crontab(hour=4, minute=0),
    },
}
# Fault injection for the worker integration test only: "evaluated:20" makes the evaluate task
# wait 20 s after creating the reminders, "claimed:20" the digest task after claiming; never set
# in production.
REMINDERS_FAULT_PAUSE = env("REMINDERS_FAULT_PAUSE", default="")
# How long a claimed digest may stay unsent before a later run takes it over (reminders.digest):
# much longer than a send takes, which EMAIL_TIMEOUT bounds (an SMTP server that hangs).
REMINDERS_DIGEST_LEASE_SECONDS = env.int("REMINDERS_DIGEST_LEASE_SECONDS", default=600)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=60)

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":  # noqa: F821 (set just above)
    EMAIL_BACKEND = "ocmw_activation.mail.StderrConsoleBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="opvolging@localhost")
# The address people reach the product on, for links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Sessions of people who handle sensitive case files end with the working day, and their cookie ends
# with the browser; the inactivity limit is kept on the server (organisations.middleware).
SESSION_COOKIE_AGE = 60 * 60 * 9
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    # Production sits behind a TLS-terminating reverse proxy (README, "Production").
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container healthcheck speaks plain HTTP
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every rendering step at INFO; only its warnings matter.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
if not REDIS_URL:
    # Tasks run in the web process (the embedded demo): no English "Task … succeeded" line per task
    # in the server's window. A worker's own log keeps them.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
