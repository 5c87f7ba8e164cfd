"""Settings for the clinic system, all read from the environment (design §4.2)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_secret, env_str
from config.mail import email_settings
from config.private_files import prepare_sqlite_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", default=str(BASE_DIR / "var")))

DEMO_MODE = env_bool("DEMO_MODE", default=False)
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY", demo_mode=DEMO_MODE or DEBUG, var_dir=VAR_DIR)
# Signs every audit row and anchor line (docs/audit.md). It lives outside the database and is kept
# apart from the database backups: without it no audit row can be verified.
_make_audit_key = "python3 -c 'import secrets; print(secrets.token_hex(32))'"
AUDIT_KEY = env_secret("AUDIT_KEY", demo_mode=DEMO_MODE or DEBUG, var_dir=VAR_DIR, how_to_make=_make_audit_key)
if len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured(f"AUDIT_KEY is {len(AUDIT_KEY)} characters long; it must be at least 32. "
                               f"Make one with: {_make_audit_key}")
# The nightly check and every restore append signed lines naming each chain's head here; copy the
# file off the machine (docs/operations.md, section 8).
AUDIT_ANCHOR_FILE = Path(env_str("AUDIT_ANCHOR_FILE", default=str(VAR_DIR / "audit-anchors.log")))
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEMO_MODE or DEBUG else []
)
# Behind TLS in production: secure cookies, HSTS and redirects. Demo mode serves plain HTTP locally.
HTTPS = env_bool("HTTPS", default=not (DEMO_MODE or DEBUG))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "clinic.web",
    "clinic.sites",
    "clinic.protocols",
    "clinic.accounts",
    "clinic.audit",
    "clinic.patients",
    "clinic.questionnaires",
    "clinic.consents",
    "clinic.letters",
    "clinic.screening",
    "clinic.courses",
    "clinic.referrals",
    "clinic.backups",
    "clinic.jobs",
    "clinic.demo",
    "clinic.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "clinic.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clinic.web.middleware.NoStoreMiddleware",
    "clinic.web.middleware.RequestBodyLimitMiddleware",
    "clinic.audit.middleware.RequestContextMiddleware",
    "clinic.web.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clinic.accounts.middleware.IdleTimeoutMiddleware",
    "clinic.accounts.middleware.SecondFactorRequiredMiddleware",
    "clinic.accounts.middleware.WorkingSiteMiddleware",
    "clinic.questionnaires.middleware.TabletModeMiddleware",
    "clinic.audit.middleware.RefusedAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.web.context_processors.deployment",
                "clinic.web.context_processors.working_site",
                "clinic.questionnaires.context_processors.alert_counts",
            ],
        },
    },
]

SQLITE_URL = f"sqlite:///{VAR_DIR / 'clinic.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", default=SQLITE_URL))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    prepare_sqlite_file(str(DATABASES["default"]["NAME"]))
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.StaffUser"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "patients:list"
LOGOUT_REDIRECT_URL = "accounts:login"

# Second factor for staff, enforced unless the deployment is the demo clinic.
REQUIRE_SECOND_FACTOR = env_bool("REQUIRE_SECOND_FACTOR", default=not DEMO_MODE)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", default="Clinic")

# Lockout after repeated failed sign-ins (django-axes), per account and client address together,
# with a cool-off that doubles for each failure after the lock; clinic/accounts/lockout.py says why.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_MAX_HOURS = env_int("AXES_COOLOFF_MAX_HOURS", default=24)
AXES_COOLOFF_TIME = "clinic.accounts.lockout.cooloff"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "clinic.accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "clinic.accounts.lockout.username_of"
# The client's address behind TRUSTED_PROXY_HOPS reverse proxies, as the audit trail reads it.
AXES_CLIENT_IP_CALLABLE = "clinic.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "clinic.accounts.lockout.lockout_response"
# Cleared only after both sign-in steps pass (clinic.accounts.actions.record_login): a right
# password alone must not wipe the count of wrong second-factor codes.
AXES_RESET_ON_SUCCESS = False
# The lock ends its cool-off after the failure that set it, as the lockout page says; tries
# during the lock neither count nor extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Audit events that requests from one client address by people not signed in (wrong passwords,
# password-reset requests) may write per clock hour; past it they are counted only
# (clinic/accounts/anonymous.py). Password-reset requests past five times this get a 429.
ANONYMOUS_AUDIT_EVENTS_PER_HOUR = env_int("ANONYMOUS_AUDIT_EVENTS_PER_HOUR", default=20)
if ANONYMOUS_AUDIT_EVENTS_PER_HOUR < 1:
    raise ImproperlyConfigured("ANONYMOUS_AUDIT_EVENTS_PER_HOUR must be 1 or more, not "
                               f"{ANONYMOUS_AUDIT_EVENTS_PER_HOUR}. Leave it unset for 20.")

# Idle timeout: a staff login ends after this many minutes without a user action.
IDLE_TIMEOUT_MINUTES = env_int("IDLE_TIMEOUT_MINUTES", default=15)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", default="America/New_York")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(VAR_DIR / "documents")))
# Uploaded documents are served only through a view that checks the reader's access; no URL
# serves MEDIA_ROOT directly.
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Documents and their folders are readable by the service's user only, whatever its umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
MAX_DOCUMENT_BYTES = env_int("MAX_DOCUMENT_BYTES", default=20 * 1024 * 1024)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Jobs the worker's scheduler loop (clinic/jobs) enqueues once a day, at this local time (TIME_ZONE).
PERIODIC_TASKS = {
    "audit-chain-check": {"task": "clinic.audit.tasks.verify_audit_chains", "daily_at": "02:30"},
    "idempotency-purge": {"task": "clinic.api.tasks.purge_idempotent_answers", "daily_at": "03:15"},
}
# Work the worker's scheduler loop does every round (each a function taking `now`): alert notifications
# whose own task failed, or whose worker died, are sent again (clinic.questionnaires.tasks).
SCHEDULER_SWEEPS = ["clinic.questionnaires.tasks.resend_unsent"]
# How long the API keeps the answer to a create call sent with an Idempotency-Key: a repeat within
# this many hours gets the first answer; after it the key is new, and the worker deletes the answer.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", default=24)
if IDEMPOTENCY_KEY_HOURS < 1:
    raise ImproperlyConfigured(f"IDEMPOTENCY_KEY_HOURS must be 1 or more, not {IDEMPOTENCY_KEY_HOURS}. "
                               "Leave it unset for 24 hours.")

# Mail by EMAIL_URL (config/mail.py): smtp+tls://, smtp+ssl://, smtp:// or console:// (the default).
_mail = email_settings(env_str("EMAIL_URL", default=""))
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
# Text messages (clinic.sms): the log backend until a clinic plugs in its provider's.
SMS_BACKEND = env_str("SMS_BACKEND", default="clinic.sms.LogBackend")
# How long a patient's one-time sign-in link stays valid (design §3: default 72 h).
PATIENT_LINK_HOURS = env_int("PATIENT_LINK_HOURS", default=72)
EMAIL_HOST = _mail.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _mail.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _mail.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _mail.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _mail.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _mail.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _mail.get("EMAIL_TIMEOUT")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="clinic@localhost")

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# How many reverse proxies in front of gunicorn append to X-Forwarded-For: the audit trail records
# the address the nearest one saw. 0 (no proxy) ignores the header, which any client could write.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line per event, naming the logger, so an operator can filter e.g. django.security.
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="WARNING")},
    # The nightly anchor lines reach the log whatever LOG_LEVEL says: a copy of the log kept elsewhere
    # proves the audit trail by them, and they are not warnings to alert on.
    "loggers": {"clinic.audit.anchor": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
