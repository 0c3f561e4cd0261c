"""Settings shared by every profile; everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite, the file broker and the file cache live here

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "audit",
    "plans",
    "notifications",
    "dashboard",
    "assessment",
    "reminders",
    "exports",
    "api",
    "django_celery_beat",
    "seeds",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "notifications.context_processors.inbox",
            ],
        },
    },
]


def _database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Web, worker and beat share one SQLite file: WAL lets readers run beside the
        # writer, IMMEDIATE transactions take the write lock up front instead of failing
        # mid-transaction, and the timeout waits for it rather than erroring at once.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        # A file, not memory, so a Celery worker started by a test can open the same database;
        # one per process, so two test runs on one machine do not share it.
        config["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
    elif config["ENGINE"].startswith("django.db.backends.postgresql"):
        # The list queries' cost estimates cross PostgreSQL's JIT thresholds while the work itself takes
        # milliseconds; compiling took 450 of 520 ms in the city-scale benchmark (bench/review_city_scale.py).
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return config


DATABASES = {"default": _database_from_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: the largest request body we accept, and the per-file limit of the directory import.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DIRECTORY_IMPORT_MAX_BYTES = env_int("DIRECTORY_IMPORT_MAX_BYTES", 5 * 1024 * 1024)

# Evidence files on progress reports and completion requests (images, PDF, Office documents).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 9)

# Supervision rules. The status lights read these, so every page, export and the API agree.
STATUS_LIGHT_DUE_SOON_DAYS = env_int("STATUS_LIGHT_DUE_SOON_DAYS", 7)  # yellow this many days before a deadline

# Exports (月度推进情况表、台账). Larger exports run as a Celery job with a progress page.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 300)  # tasks (reports) or assignments (CSV/JSON)
EXPORT_ARCHIVE_FORMATS = env_list("EXPORT_ARCHIVE_FORMATS", ["xlsx", "docx", "pdf"])  # archived on the 1st
EXPORT_JOB_KEEP_DAYS = env_int("EXPORT_JOB_KEEP_DAYS", 30)  # finished jobs' files are removed after this
# Official-document fonts (GB/T 9704): the Word file names these; Word/WPS fall back to the second name.
EXPORT_TITLE_FONT = env_str("EXPORT_TITLE_FONT", "方正小标宋简体")
EXPORT_TITLE_FONT_FALLBACK = env_str("EXPORT_TITLE_FONT_FALLBACK", "宋体")
EXPORT_BODY_FONT = env_str("EXPORT_BODY_FONT", "仿宋_GB2312")
EXPORT_BODY_FONT_FALLBACK = env_str("EXPORT_BODY_FONT_FALLBACK", "仿宋")
ASSIGNMENT_DECLINE_DAYS = env_int("ASSIGNMENT_DECLINE_DAYS", 5)  # a unit may decline within this many days
ESCALATION_RESPONSE_DAYS = env_int("ESCALATION_RESPONSE_DAYS", 3)  # default time to answer an escalation

# Automatic reminders (催办) and escalations (督办). The scans read these; see reminders/rules.py.
REMINDER_DEADLINE_OFFSETS = [int(days) for days in env_list("REMINDER_DEADLINE_OFFSETS", ["7", "3", "1", "0"])]
REMINDER_OVERDUE_EVERY_DAYS = env_int("REMINDER_OVERDUE_EVERY_DAYS", 3)  # repeat overdue reminders this often
# The escalation ladder: (level, days overdue). Blue goes to the unit and its manager, yellow also to the
# supervisors, red also to the leaders.
REMINDER_ESCALATION_LADDER = [
    (level, int(days))
    for level, days in (
        rung.split(":") for rung in env_list("REMINDER_ESCALATION_LADDER", ["blue:3", "yellow:10", "red:20"])
    )
]
REPORT_REMINDER_DAYS_BEFORE = env_int("REPORT_REMINDER_DAYS_BEFORE", 3)  # remind units this many days before due
REPORT_MISSING_ESCALATES = env_bool("REPORT_MISSING_ESCALATES", True)  # escalate units still missing on the day
REMINDER_WORKING_DAYS_ONLY = env_bool("REMINDER_WORKING_DAYS_ONLY", True)
REMINDER_SCAN_BATCH_SIZE = env_int("REMINDER_SCAN_BATCH_SIZE", 2000)

# The official calendar comes from the chinesecalendar package. For years it does not cover yet, list the
# State Council's holidays and adjusted working days here (ISO dates); otherwise such years count
# Monday to Friday as working days.
WORKING_CALENDAR_EXTRA_HOLIDAYS = env_list("WORKING_CALENDAR_EXTRA_HOLIDAYS")
WORKING_CALENDAR_EXTRA_WORKDAYS = env_list("WORKING_CALENDAR_EXTRA_WORKDAYS")

# Delivery of reminders beyond the inbox: e-mail, group robots (WeCom, DingTalk) and SMS.
REMINDER_QUEUE = env_str("REMINDER_QUEUE", "celery")
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 6)
DELIVERY_RETRY_BASE_SECONDS = env_int("DELIVERY_RETRY_BASE_SECONDS", 60)  # 1, 2, 4, 8… minutes between attempts
DELIVERY_LEASE_SECONDS = env_int("DELIVERY_LEASE_SECONDS", 120)  # a claim older than this was lost with its worker
DELIVERY_HTTP_TIMEOUT = env_int("DELIVERY_HTTP_TIMEOUT", 8)
DEFAULT_QUIET_HOURS = env_str("DEFAULT_QUIET_HOURS", "21:00-08:00")  # for group robots and new users
ROBOT_WEBHOOK_ALLOWED_HOSTS = env_list("ROBOT_WEBHOOK_ALLOWED_HOSTS", ["qyapi.weixin.qq.com", "oapi.dingtalk.com"])
SMS_BACKEND = env_str("SMS_BACKEND", "")  # e.g. reminders.channels.sms.AliyunSmsBackend; empty: no SMS
SMS_ALIYUN_ACCESS_KEY_ID = env_str("SMS_ALIYUN_ACCESS_KEY_ID", "")
SMS_ALIYUN_ACCESS_KEY_SECRET = env_str("SMS_ALIYUN_ACCESS_KEY_SECRET", "")
SMS_ALIYUN_SIGN_NAME = env_str("SMS_ALIYUN_SIGN_NAME", "")
SMS_ALIYUN_TEMPLATE_CODE = env_str("SMS_ALIYUN_TEMPLATE_CODE", "")
SMS_ALIYUN_ENDPOINT = env_str("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")  # links in e-mails and robot messages
NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 365)  # cleanup drops older read messages

REDIS_URL = env_str("REDIS_URL", "")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by the web server, the worker and beat, which a per-process cache is not.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "督查督办系统 <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery. Without a broker URL the app runs on kombu's filesystem transport under var/,
# so a real worker and beat run on a machine that has no Redis.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),  # broadcast exchanges; the default is the working directory
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL) or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Schedules live in the database (django-celery-beat), editable in the admin; reminders/schedules.py
# creates the default ones.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScopeAllows",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StableCursorPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filters.UpdatedSinceFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
# Rate limits per client (DRF's "N/second|minute|hour|day"); a token may carry its own.
API_TOKEN_RATE = env_str("API_TOKEN_RATE", "600/min")
API_USER_RATE = env_str("API_USER_RATE", "1200/min")
API_ANONYMOUS_RATE = env_str("API_ANONYMOUS_RATE", "60/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "督查督办系统 API / Work-plan supervision tracker API",
    "DESCRIPTION": (
        "工作计划、任务、承办、进展报告、催办督办、办结与延期、站内消息、导入和导出的开放接口。"
        "机器使用接口令牌（`Authorization: Bearer <令牌>`），浏览器使用登录会话；每个令牌只能看到和操作其所属账号可见的数据。\n\n"
        "Plans, tasks, assignments, progress reports, reminders and escalations, completion and extension requests, "
        "inbox, imports and exports. Machines authenticate with an API token (`Authorization: Bearer <token>`), the "
        "browser with its session; a token sees and does exactly what its user may."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ProgressStatusEnum": "plans.models.choices.ProgressStatus",
        "ReportingCycleEnum": "plans.models.choices.ReportingCycle",
        "AssignmentStatusEnum": "plans.models.choices.AssignmentStatus",
        "ExportKindEnum": "exports.models.ExportKind",
        "ImportStatusEnum": "plans.models.imports.ImportStatus",
    },
}

SITE_NAME = env_str("SITE_NAME", "督查督办系统")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},  # eleven INFO lines per PDF otherwise
        "fontTools": {"level": "WARNING"},
    },
}
