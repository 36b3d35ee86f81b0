"""Settings, all from the environment; SQLite under var/ by default so that it just works."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from campuseval import storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CAMPUSEVAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = env_bool("DEBUG", False)
# A development key only; production must set SECRET_KEY (see docs/deployment.md), and the
# production mode (CAMPUSEVAL_HTTPS=1, below) refuses to start without one.
DEVELOPMENT_SECRET_KEY = "campuseval-development-only-not-secret"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "campuseval.regions",
    "campuseval.accounts",
    "campuseval.audit",
    "campuseval.rubrics",
    "campuseval.campaigns",
    "campuseval.evidence",
    "campuseval.notifications",
    "campuseval.imports",
    "campuseval.demodata",
    "campuseval.api",
    "campuseval.todo",
    "campuseval.plans",
    "campuseval.analytics",
    "campuseval.filings",
    "campuseval.reports",
    "campuseval.certificates",
    "campuseval.exportjobs",
]

MIDDLEWARE = [
    # First: every later part (the lockout, the audit) sees the client's address, not the proxy's.
    "campuseval.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that may refuse a request (a bad host's 400 comes from CommonMiddleware):
    # every answer carries the frame and content policies (tests/test_security_headers.py).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campuseval.locale_middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers to a signed-in user are never cached (no_store.py).
    "campuseval.no_store.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "campuseval.accounts.middleware.SessionLifetimeMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "campuseval.audit.context.AuditContextMiddleware",
    "campuseval.audit.refusals.RefusalAuditMiddleware",
    "campuseval.accounts.middleware.PasswordChangeRequiredMiddleware",
    "campuseval.busy_middleware.DatabaseBusyMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "campuseval.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "campuseval" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campuseval.site.site_name",
            ],
        },
    },
]

WSGI_APPLICATION = "campuseval.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'campuseval.sqlite3'}", conn_max_age=60
    )
}
# The test suite runs on SQLite, and again on PostgreSQL when TEST_DATABASE_URL names one.
if os.environ.get("TEST_DATABASE_URL") and os.environ.get("CAMPUSEVAL_TESTING"):
    DATABASES["default"] = dj_database_url.parse(os.environ["TEST_DATABASE_URL"])
# A connection broken while idle is replaced before the request, not found by it; a database
# that drops packets rather than refusing answers in 5 seconds, not a TCP timeout (a 503 then).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# A streaming replica for the dashboards' reads (campuseval/dbrouter.py); writes stay on default.
DATABASE_ROUTERS = ["campuseval.dbrouter.ReplicaRouter"]
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Through PgBouncer in transaction pooling (deploy/pgbouncer.ini): a server connection is the
# app's only for one transaction, so no server-side cursors (which outlive it).
if os.environ.get("DATABASE_POOLER") == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serves the web server and the background worker at once: readers never wait for
    # the writer (WAL), a writer waits for the lock instead of failing (busy timeout), and a
    # transaction takes the write lock when it begins, so two never deadlock on an upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and log-in (网络安全等级保护 2.0, level 3 application controls).
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "campuseval.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "campuseval.accounts.passwords.ContextWordValidator"},
]
LOGIN_URL = "accounts:login"
# Everyone lands on their own work (待办) after logging in.
LOGIN_REDIRECT_URL = "todo:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Sessions end after 30 minutes idle: every request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
# However active, a session ends this long after its log-in (accounts/middleware.py).
SESSION_ABSOLUTE_AGE = int(float(os.environ.get("CAMPUSEVAL_SESSION_MAX_HOURS", "12")) * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# 5 failed attempts lock the account for 15 minutes (an administrator may unlock it on the
# account's page). One address is only throttled, and at a higher count, so that everyone
# behind a school's NAT or the bureau's proxy is not locked out by one person
# (accounts/throttle.py).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
LOGIN_ADDRESS_LIMIT = int(os.environ.get("CAMPUSEVAL_LOGIN_ADDRESS_LIMIT", "50"))
# The reverse proxies whose forwarding header names the client (client_address.py); none by default.
TRUSTED_PROXIES = env_list("CAMPUSEVAL_TRUSTED_PROXIES", "")
CLIENT_ADDRESS_HEADER = os.environ.get("CAMPUSEVAL_CLIENT_ADDRESS_HEADER", "X-Forwarded-For")
# axes.W006 asks for the address among the lockout's parameters: on purpose it is not (one
# address would lock every account behind it); throttle.py counts the address instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
OTP_TOTP_ISSUER = "campuseval"
# Two-factor log-in (TOTP) for platform, city and county administrators: on by default in
# production mode (CAMPUSEVAL_HTTPS), CAMPUSEVAL_ADMIN_2FA=0/1 decides otherwise. Enrolment
# needs the password and a one-time enrolment code from a platform administrator (or the
# current authenticator); an enrolment code is good for this many hours.
ADMIN_TWO_FACTOR = env_bool("CAMPUSEVAL_ADMIN_2FA", env_bool("CAMPUSEVAL_HTTPS", False))
ENROLMENT_CODE_HOURS = float(os.environ.get("CAMPUSEVAL_ENROLMENT_CODE_HOURS", "72"))
# API tokens (accounts.tokens): stored as SHA-256 digests, several per account with a name,
# ended after this long unused and this long after they were issued, whichever comes first.
API_TOKEN_IDLE_HOURS = float(os.environ.get("CAMPUSEVAL_TOKEN_IDLE_HOURS", str(7 * 24)))
API_TOKEN_MAX_DAYS = float(os.environ.get("CAMPUSEVAL_TOKEN_MAX_DAYS", "30"))
API_TOKENS_PER_USER = int(os.environ.get("CAMPUSEVAL_TOKENS_PER_USER", "10"))
# Periodic password change (等保 level 3 asks for it): days a password lasts, 0 (default) off;
# the last few passwords may not be used again.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("CAMPUSEVAL_PASSWORD_MAX_AGE_DAYS", "0"))
PASSWORD_HISTORY = int(os.environ.get("CAMPUSEVAL_PASSWORD_HISTORY", "5"))
# Personal data kept no longer than needed: the one-time passwords of imported accounts
# (encrypted, shown once) are removed this many hours after the import, and an uploaded import
# workbook (names, phones) this many days after its import finished.
IMPORT_PASSWORDS_KEEP_HOURS = float(os.environ.get("CAMPUSEVAL_IMPORT_PASSWORDS_HOURS", "72"))
IMPORT_FILES_KEEP_DAYS = float(os.environ.get("CAMPUSEVAL_IMPORT_FILES_DAYS", "30"))

# Background jobs (imports, notifications): django-tasks, stored in the database; a worker
# (`campuseval db_worker`, started by `make run`) runs them. Tests run them immediately.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("CAMPUSEVAL_TESTING") or env_bool("CAMPUSEVAL_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Content Security Policy: everything is served by the product itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "campuseval" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "campuseval" / "static"]
# Files: MEDIA_ROOT by default, or an S3-compatible object store (campuseval/storage.py).
STORAGES = {
    "default": storage.storage_from_env(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or os.environ.get("CAMPUSEVAL_TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "campuseval.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "campuseval.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "campuseval API",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "campuseval.api.errors.document_errors",
    ],
    # Several models have a status field: the applications' and the bulk exports' get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "campuseval.campaigns.models.Status",
        "ExportJobStatusEnum": "campuseval.api.export_views.EXPORT_STATUS",
    },
}

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The product's name in every header and title; a city may call it by its own name
# (e.g. "滁州市智慧校园评估平台"). Empty: 智慧校园评估平台, translated with the interface.
SITE_NAME = os.environ.get("CAMPUSEVAL_SITE_NAME", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "campuseval@localhost")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Behind nginx: the internal location serving MEDIA_ROOT, for X-Accel-Redirect downloads.
ACCEL_REDIRECT_PREFIX = os.environ.get("CAMPUSEVAL_ACCEL_REDIRECT", "")
# Bulk exports (zip files built in the background) are removed this many hours after they finish.
EXPORT_KEEP_HOURS = int(os.environ.get("EXPORT_KEEP_HOURS", 24))
MEDIA_ROOT = VAR_DIR / "media"  # uploads: outside the static folders, served only by views
# Evidence upload limits: per file, and per application in total.
EVIDENCE_MAX_FILE_BYTES = int(os.environ.get("EVIDENCE_MAX_FILE_BYTES", 50 * 1024 * 1024))
EVIDENCE_MAX_APPLICATION_BYTES = int(os.environ.get("EVIDENCE_MAX_APPLICATION_BYTES", 2 * 1024**3))
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

if os.environ.get("CAMPUSEVAL_TESTING"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Production behind a reverse proxy that terminates HTTPS (docs/deployment.md): CAMPUSEVAL_HTTPS=1
# makes the cookies secure-only, redirects plain HTTP, trusts the proxy's X-Forwarded-Proto and
# turns on HSTS (SECURE_HSTS_SECONDS, default one year). `campuseval check --deploy` is then silent.
if env_bool("CAMPUSEVAL_HTTPS", False):
    if SECRET_KEY.strip() in {"", DEVELOPMENT_SECRET_KEY}:
        # Sessions, CSRF tokens and password-reset links are signed with it: a known key would
        # let anyone forge them. Refused before anything serves a request.
        raise ImproperlyConfigured(
            "生产模式（CAMPUSEVAL_HTTPS=1）须在环境变量 SECRET_KEY 中设置一个随机的长密钥，不能使用开发用的默认值"
            " (production mode needs its own random SECRET_KEY; see docs/deployment.md)"
        )
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
    # Subdomains of the platform's own host only (HSTS never reaches the bureau's other sites).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # The browsers' preload list is for sites on the public internet; ours are on intranets.
    SILENCED_SYSTEM_CHECKS += ["security.W021"]
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)
    # /healthz is asked by the load balancer over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The audit chain (audit/services.py) is keyed with an HMAC key kept outside the database: from
# a file (CAMPUSEVAL_AUDIT_KEY_FILE, preferred) or the environment (CAMPUSEVAL_AUDIT_KEY). Without
# one (development) records are chained by plain SHA-256. Records written before the key was set
# on an existing installation are named by CAMPUSEVAL_AUDIT_UNKEYED_UNTIL (their last number).
def _audit_key() -> bytes | None:
    path = os.environ.get("CAMPUSEVAL_AUDIT_KEY_FILE", "")
    if path:
        try:
            key = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"无法读取审计密钥文件 CAMPUSEVAL_AUDIT_KEY_FILE={path}：{exc}") from exc
    else:
        key = os.environ.get("CAMPUSEVAL_AUDIT_KEY", "").strip()
    if key and len(key) < 32:
        raise ImproperlyConfigured("审计密钥太短：至少 32 个字符 (CAMPUSEVAL_AUDIT_KEY / CAMPUSEVAL_AUDIT_KEY_FILE)")
    return key.encode() if key else None


AUDIT_KEY = _audit_key()
AUDIT_UNKEYED_UNTIL = int(os.environ.get("CAMPUSEVAL_AUDIT_UNKEYED_UNTIL", "0"))
# A copy of every audit record as it is written, to syslog (a copy outside the system):
# "/dev/log", or "host:port" (UDP) of the bureau's log server. Off when unset.
AUDIT_SYSLOG = os.environ.get("CAMPUSEVAL_AUDIT_SYSLOG", "").strip()

_LOG_HANDLERS: dict[str, dict[str, object]] = {"console": {"class": "logging.StreamHandler"}}
LOGGING: dict[str, object] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": _LOG_HANDLERS,
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
if AUDIT_SYSLOG:
    _host, _, _port = AUDIT_SYSLOG.rpartition(":")
    _LOG_HANDLERS["audit_syslog"] = {
        "class": "logging.handlers.SysLogHandler",
        "address": AUDIT_SYSLOG if AUDIT_SYSLOG.startswith("/") else (_host, int(_port or 514)),
        "facility": "local4",
    }
    LOGGING["loggers"] = {
        "campuseval.audit.trail": {"handlers": ["audit_syslog"], "level": "INFO", "propagate": False},
    }
else:
    # No copy without syslog: the records (names, phone numbers) stay out of the server's log.
    LOGGING["loggers"] = {"campuseval.audit.trail": {"handlers": [], "level": "WARNING", "propagate": False}}
