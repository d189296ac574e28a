"""Settings for the partnership CRM, read from the environment.

SQLite in the project folder is the default database; set DATABASE_URL to a postgres:// URL
for production.
"""
import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for development.")
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "crm.libraries.CrmAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "django_countries",
    "simple_history",
    "import_export",
    "crm.libraries.KnoxConfig",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crm.libraries.AxesConfig",
    # The floors of the house, foundation first (README, Layout): each imports only those listed before it.
    "crm",
    "partners",
    "agreements",
    "meetings",
    "network",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files answered before sessions or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that can query the database, so its 503 covers them all.
    "crm.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "crm" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "crm.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The pg_trgm word similarity at which search still matches a name with a letter missing or
# swapped: فورنكوف scores 0.545 against فورونكوف, and pg_trgm's default of 0.6 misses it. Search
# (crm/search.py) uses it on SQLite too, and PostgreSQL's connections are given it below.
SEARCH_WORD_SIMILARITY_THRESHOLD = 0.5

DATABASE_ROUTERS = ["crm.routers.KeptByDatabaseRouter"]

# Every request is one transaction, so a request that fails writes nothing. API reads open none
# (crm.api.readpaths.DatabaseShapedReadMixin): a page is one statement.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: a list page's correlated subqueries make its estimated cost huge though it reads
    # fifty rows, and compiling the plan took 1.3 s of a 1.5 s partner list at M (bench).
    DATABASES["default"]["OPTIONS"] = {
        "options": f"-c pg_trgm.word_similarity_threshold={SEARCH_WORD_SIMILARITY_THRESHOLD} -c jit=off",
    }
    # pg_trgm finds no Arabic trigrams in a database whose character type is C, so the test
    # database is cloned from a UTF-8 template (.ci/run passes the C.UTF-8 database it made).
    DATABASES["default"]["TEST"] = {
        "TEMPLATE": os.environ.get("DJANGO_TEST_DATABASE_TEMPLATE", "template0"),
        "CHARSET": "UTF8",
    }
else:
    # SQLite's test database is a file rather than memory: the live server's threads (browser
    # tests) then each open their own connection, where they would otherwise share one, which two
    # of the browser's concurrent requests can hang.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"crm-test-{os.getpid()}.sqlite3"),
    }

# Serving in production over HTTPS (README). The redirect and secure cookies are off unless
# asked for: the test suite runs with DEBUG off over plain HTTP, and so does a first try of
# `make serve`, whose `check --deploy` names them while they are off. HSTS is only ever sent on a
# secure request, so it is on by default. Behind a proxy that terminates TLS, the application must
# learn that the request was secure, or the SSL redirect never ends: gunicorn does it for a proxy
# on 127.0.0.1 (X-Forwarded-Proto, FORWARDED_ALLOW_IPS); otherwise name the header the proxy sets
# in DJANGO_SECURE_PROXY_SSL_HEADER (and make the proxy overwrite it).
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Only a bare domain can be submitted to the browsers' preload list; on a host name such as
# crm.example.org the directive changes nothing.
SECURE_HSTS_PRELOAD = env_flag("DJANGO_SECURE_HSTS_PRELOAD", default=True)
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_"),
        "https",
    )
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]

# Without DEBUG Django's own console handler prints nothing, so gunicorn's stderr would never see
# an error; everything goes to one stderr handler instead. The "django" logger loses its own
# (it would print twice under runserver), which resets its children, so runserver's request log
# (django.server) is set up again as Django's default has it.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": LOG_LEVEL},
        "django.server": {"class": "logging.StreamHandler", "level": "INFO", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": []},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Content-Security-Policy on every page (django-csp): scripts, styles, images and connections
# from this site only, so an injected <script> or a script from elsewhere does not run. Styles
# may also be inline (the admin's and the dashboard's style attributes); no page has an inline
# script (the API docs load Swagger UI's start-up script from a URL of their own).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# Password guessing: after DJANGO_LOGIN_FAILURE_LIMIT wrong passwords for one user from one
# address, django-axes refuses that pair (429) for DJANGO_LOGIN_COOLOFF_MINUTES, in the admin's
# login form and on the API's token endpoint alike; a good login clears the count. The attempts
# live in the database, so every worker sees them. The address is the one the throttles use.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "crm.roles.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "crm.auth.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "crm.auth.RevokeTokensOnPasswordChange"},
]

LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ar", _("Arabic"))]
# Arabic dates in Arabic order, and amounts grouped as the rest of the app groups them.
FORMAT_MODULE_PATH = ["crm.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# WhiteNoise serves what collectstatic gathered (`make serve` runs it), gzip-compressed (brotli
# too if that package is installed). Not the manifest (hashed names) variant: it refuses to render any page while
# DEBUG is off until collectstatic has run, which the test suite never does; unhashed files are
# revalidated after WhiteNoise's 60 seconds, a small cost for a staff-only application.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# The cache holds the throttles' counters, so every worker process must share it: a directory on
# this machine by default (no server needed), or Redis when DJANGO_REDIS_URL is set (several
# machines, or counters that survive a restart). The directory is in memory where the machine
# has one (/dev/shm): the counters are written on every API request and need not outlive a
# reboot, and on a disk the database kept busy each write took milliseconds (bench: 5.2 ms
# against 0.2 ms in memory). One directory per installation, named after its path.
SHARED_MEMORY = Path("/dev/shm")
if SHARED_MEMORY.is_dir() and os.access(SHARED_MEMORY, os.W_OK):
    DEFAULT_CACHE_DIR = SHARED_MEMORY / f"crm-cache-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]}"
else:
    DEFAULT_CACHE_DIR = BASE_DIR / "var" / "cache"
if os.environ.get("DJANGO_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["DJANGO_REDIS_URL"]}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(DEFAULT_CACHE_DIR)),
        }
    }

# A signed-in request reads its session from the cache (written through to the database, which
# keeps it across restarts): one query fewer on every admin page and API call made with a session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Admin spreadsheets: whoever may view a list may export it, so viewers can take data to a
# meeting; importing needs "add" (the admin also asks for "change", as an import updates the rows
# it finds by id), so viewers never import and editors do.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "crm.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["crm.api.permissions.ModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "crm.api.filters.QueryStringFilterBackend",
        "crm.api.filters.NormalizedSearchFilter",
        "crm.api.filters.SearchRankOrderingFilter",
        # Last: a list of changes is in the order they happened, whatever ordering came before.
        "crm.api.filters.UpdatedAfterFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "crm.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "crm.api.exports.CSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "crm.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "crm.api.negotiation.ContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "crm.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["crm.api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("DJANGO_API_THROTTLE_RATE", "1200/minute")},
    # A client's address is the socket's unless proxies in front are declared: trusting any
    # X-Forwarded-For let a client pick a new address, and a fresh throttle, for every request.
    # Behind one proxy that appends the client's address to X-Forwarded-For, set 1.
    "NUM_PROXIES": int(os.environ.get("DJANGO_NUM_PROXIES", "0")),
    "EXCEPTION_HANDLER": "crm.api.errors.exception_handler",
    "URL_FIELD_NAME": "api_url",  # Source has a `url` of its own: the document's web address
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("DJANGO_API_TOKEN_DAYS", "30"))),
    "AUTO_REFRESH": True,
}

# Incremental sync (README, Keeping a copy in sync). A sync's resume point stays this far behind
# the clock, so a change whose transaction commits after a quicker one's (a long import) is
# still served by the next sync; re-served rows are harmless to a mirror that upserts by id.
SYNC_SETTLE_SECONDS = int(os.environ.get("DJANGO_SYNC_SETTLE_SECONDS", "300"))
# Deletions are listed this long, and at least as long as an API token lives.
SYNC_DELETIONS_KEPT_DAYS = int(os.environ.get("DJANGO_SYNC_DELETIONS_DAYS", "90"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership CRM API",
    "DESCRIPTION": (
        "Organisations, people, agreements, meetings and funding of the counter-terrorism office. "
        "Get a token with POST /api/auth/token/ and send it as `Authorization: Token <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "crm.api.schema.document_errors",
        "crm.api.schema.document_empty_values",
    ],
    # The schema and the docs, like every list, for users with a role only.
    "SERVE_PERMISSIONS": ["crm.api.permissions.HasStaffRole"],
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page works with no network: Swagger UI is served from the sidecar package.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One named enum per choice set, so generated clients get readable type names.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "crm.dates.DatePrecision",
        "ReleaseRecordTypeEnum": "network.press_releases.RECORD_TYPES",
        "LanguageEnum": "partners.models.Language",
        "NameKindEnum": "partners.models.NameKind",
        "OrganizationKindEnum": "partners.models.Organization.Kind",
        "PositionRoleEnum": "partners.models.Position.Role",
        "AgreementKindEnum": "agreements.models.Agreement.Kind",
        "AgreementStatusEnum": "agreements.models.Agreement.Status",
        "PartyRoleEnum": "agreements.models.AgreementParty.Role",
        "CommitmentStatusEnum": "agreements.models.FundingCommitment.Status",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "CountQualifierEnum": "meetings.models.CountQualifier",
        "OrganizerRoleEnum": "meetings.models.MeetingOrganizer.Role",
        "ParticipantRoleEnum": "meetings.models.Participant.Role",
    },
}

# The IATI 2.03 export (GET /api/iati/activities.xml) publishes the funding of one reporting
# organisation: its IATI organisation identifier, as registered with IATI (the export answers 503
# until it is set), its IATI organisation type (40: multilateral) and its acronym in the CRM.
IATI_REPORTING_ORG = {
    "ref": os.environ.get("DJANGO_IATI_REPORTING_ORG_REF", ""),
    "type": os.environ.get("DJANGO_IATI_REPORTING_ORG_TYPE", "40"),
    "acronym": os.environ.get("DJANGO_IATI_REPORTING_ORG_ACRONYM", "UNOCT"),
}
