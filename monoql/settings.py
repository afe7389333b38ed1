"""monoql settings: every value comes from the environment (django-environ).

With nothing set, the embedded default runs: SQLite, eager Celery, local-memory cache, local file
storage, development signing keys (with a warning). Production sets DATABASE_URL, REDIS_URL,
CELERY_BROKER_URL, AWS_STORAGE_BUCKET_NAME and the keys. See ../shared/spec/architecture.md.
"""

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

_DEV_KEYS_USED: list[str] = []


def _dev_default(name, value):
    """Return env[name] or a development value, remembering that the development value was used."""
    if name in env:
        return env.str(name)
    _DEV_KEYS_USED.append(name)
    return value


DEBUG = env.bool("DEBUG", default=False)
DEPLOYMENT = env.str("DEPLOYMENT", default="development")  # development | production
SECRET_KEY = _dev_default("SECRET_KEY", "dev-insecure-secret-key-change-me-0123456789abcdef")
# The project's own host names (admin, API, GraphQL); fan sites are also served on every active campaign's
# domain without a deploy: monoql.site.hosts.CampaignHostMiddleware checks both, so Django's check is open.
PROJECT_HOSTS = env.list("ALLOWED_HOSTS", default=["*"] if DEBUG else ["localhost", "127.0.0.1", ".localhost"])
ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django_prometheus",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "csp",
    "graphene_django",
    "rest_framework",
    "drf_spectacular",
    "monoql",
    "accounts",
    "campaigns",
    "entries",
    "entries.selection",
    "codes",
    "exports",
]

MIDDLEWARE = [
    "monoql.middleware.ServiceUnavailableMiddleware",
    "monoql.site.hosts.CampaignHostMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "monoql.middleware.RequestContextMiddleware",
    "accounts.ratelimits.RateLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp) on every page that does not set its own (the admin, GraphiQL; the fan
    # site sends its stricter policy itself): no inline or foreign script.
    "monoql.middleware.PageSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The browser-state middlewares (session, staff auth, messages) step aside for /graphql and /api/ calls
    # authenticated by a bearer header (monoql.middleware.is_header_api_call; issue 23). Django's CSRF
    # middleware stays as it is (check --deploy wants it by name): API views are csrf_exempt, so it only
    # reads a cookie for them, and /graphql skips graphene's ensure_csrf_cookie for header calls.
    "monoql.middleware.BrowserSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "monoql.middleware.BrowserAuthenticationMiddleware",
    "monoql.middleware.BrowserMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last: django-axes refuses logins of a locked-out user and address (admin login throttling).
    "axes.middleware.AxesMiddleware",
]
# /metrics (Prometheus): django-prometheus plus monoql.observability; Bearer METRICS_TOKEN when set.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=True)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False
CELERY_MONITORED_QUEUES = env.list("CELERY_MONITORED_QUEUES", default=["celery"])

ROOT_URLCONF = "monoql.urls"
WSGI_APPLICATION = "monoql.wsgi.application"
# Web workers collect the youngest garbage generation every N allocations (monoql/wsgi.py).
WEB_GC_THRESHOLD = env.int("WEB_GC_THRESHOLD", default=10_000)

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one address,
# that pair is locked out for AXES_COOLOFF_HOURS; `manage.py axes_reset_username USER` (or axes_reset) unlocks.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=env.float("AXES_COOLOFF_HOURS", default=1.0))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.ratelimits.client_ip"  # the same address the rate limits count (trusted proxies)

# Widgets render with the project's templates too (the campaign editor's form builder lives in templates/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# A hung Redis degrades like a stopped one (monoql.breakers): each call waits at most REDIS_TIMEOUT_SECONDS, and a
# failure opens the process's breaker for REDIS_BREAKER_SECONDS (calls then fail at once; one probe after it).
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.25)
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=5.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="monoql"),
            # Redis is optional for correctness: when it is down, reads miss and writes are dropped (logged),
            # so campaign reads and answers come from the database; rate limiting fails open (accounts.ratelimits).
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "REDIS_CLIENT_CLASS": "monoql.breakers.BreakerRedis",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS,
                # one try: the breaker, not a retry loop, decides when to call a failing Redis again
                "CONNECTION_POOL_KWARGS": {"retry": Retry(NoBackoff(), 0)},
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "monoql.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: eager when no broker is configured (embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Queuing waits at most REDIS_TIMEOUT_SECONDS per try and is not retried (monoql.queue's breaker and the beat's
# sweeps take over): a hung broker never holds a request. kombu itself advises a socket timeout.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": env.float("BROKER_TIMEOUT_SECONDS", default=REDIS_TIMEOUT_SECONDS),
    "socket_connect_timeout": env.float("BROKER_TIMEOUT_SECONDS", default=REDIS_TIMEOUT_SECONDS),
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "refresh-dashboard-snapshots": {"task": "console.refresh_dashboard_snapshots", "schedule": 300.0},
    "refresh-campaign-statuses": {"task": "campaigns.refresh_campaign_statuses", "schedule": 60.0},
    "drain-outbound-events": {"task": "campaigns.drain_outbound_events", "schedule": 30.0},
    "send-presale-reminders": {"task": "entries.send_presale_reminders", "schedule": 900.0},
    "post-campaign-stats": {"task": "entries.post_campaign_stats", "schedule": 1800.0},  # Slack stats channels
    "send-due-receipts": {"task": "entries.send_due_receipts", "schedule": 5.0},
    "send-due-waves": {"task": "entries.send_due_waves", "schedule": 60.0},  # claims; entries.process_wave sends
}

# Queuing a task name no app registers: an error (tests) or logged and dropped (default).
QUEUE_STRICT_TASK_NAMES = env.bool("QUEUE_STRICT_TASK_NAMES", default=False)
WAVE_TIMEOUT_SECONDS = env.int("WAVE_TIMEOUT_SECONDS", default=2 * 3600)  # a wave processing longer failed

# Outbound events (campaigns.sinks): log by default; webhook and SQS when configured; Slack on open.
OUTBOUND_SINKS = env.list("OUTBOUND_SINKS", default=["log"])
OUTBOUND_WEBHOOK_URL = env.str("OUTBOUND_WEBHOOK_URL", default="")
OUTBOUND_WEBHOOK_SECRET = env.str("OUTBOUND_WEBHOOK_SECRET", default="")
OUTBOUND_SQS_QUEUE_URL = env.str("OUTBOUND_SQS_QUEUE_URL", default="")
OUTBOUND_SQS_ENDPOINT_URL = env.str("OUTBOUND_SQS_ENDPOINT_URL", default=None)
# Seconds a webhook, Slack or CDN call may take before its delivery counts as failed (and is retried later).
OUTBOUND_TIMEOUT_SECONDS = env.float("OUTBOUND_TIMEOUT_SECONDS", default=5.0)
AWS_REGION = env.str("AWS_REGION", default=env.str("AWS_DEFAULT_REGION", default="us-east-1"))
SLACK_WEBHOOK_URL = env.str("SLACK_WEBHOOK_URL", default="")
# Slack channels by name → incoming-webhook URL (JSON), for campaigns' slack.channels.stats; the global
# SLACK_WEBHOOK_URL is the fallback for campaigns without a mapped channel.
SLACK_CHANNEL_WEBHOOKS = env.json("SLACK_CHANNEL_WEBHOOKS", default={})
# CDN purge by surrogate key (campaigns.cdn): none | fastly.
CDN_PURGE = env.str("CDN_PURGE", default="none")
CDN_FASTLY_SERVICE_ID = env.str("CDN_FASTLY_SERVICE_ID", default="")
CDN_FASTLY_API_TOKEN = env.str("CDN_FASTLY_API_TOKEN", default="")

# Discovery API v2 (campaigns.discovery): searched live when a key is set, the local catalog otherwise.
DISCOVERY_API_URL = env.str("DISCOVERY_API_URL", default="https://app.ticketmaster.com/discovery/v2")
DISCOVERY_API_KEY = env.str("DISCOVERY_API_KEY", default="")
DISCOVERY_TIMEOUT_SECONDS = env.float("DISCOVERY_TIMEOUT_SECONDS", default=3.0)
SEARCH_CACHE_TTL = env.int("SEARCH_CACHE_TTL", default=300)
# Cache whole answers of anonymous GraphQL queries (monoql.graphql.response_cache).
GRAPHQL_RESPONSE_CACHE = env.bool("GRAPHQL_RESPONSE_CACHE", default=True)
# Cache loaded campaigns (campaigns.cache) for viewer.campaign; off only to measure the uncached path.
CAMPAIGN_CACHE = env.bool("CAMPAIGN_CACHE", default=True)

# Images (uploadImage): stored as images/{name}_{uuid}.{ext} in the "images" storage, which serves
# public, unsigned URLs (S3: the bucket or IMAGES_CUSTOM_DOMAIN, e.g. a CDN, must allow public reads).
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
IMAGES_CUSTOM_DOMAIN = env.str("IMAGES_CUSTOM_DOMAIN", default="")

# Storage: S3 when a bucket is configured, local files under media/ otherwise.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = 3600
    AWS_S3_SIGNATURE_VERSION = env.str("AWS_S3_SIGNATURE_VERSION", default="s3v4")
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
    _images_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"querystring_auth": False, "custom_domain": IMAGES_CUSTOM_DOMAIN or None},
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _images_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES: dict[str, dict[str, Any]] = {
    "default": _default_storage,
    "images": _images_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "assets" / "static"]

# django-csp: the admin and GraphiQL load scripts from this server only. Styles may be inline (the admin's
# templates and GraphiQL's editor set style attributes); scripts may not (issue 33: staff-written text must never
# run as script). The fan site's pages carry their own, stricter policy (monoql/site/views.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
# The fan site's languages (monoql.site.text): catalogs in locale/, compiled by `make messages`. The admin stays English
# (no LocaleMiddleware): the site switches language per page, from the campaign locale it shows.
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

GRAPHENE = {
    "SCHEMA": "monoql.schema.schema",
    "SCHEMA_OUTPUT": "schema.graphql",
    "SCHEMA_INDENT": 2,
    "ATOMIC_MUTATIONS": False,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.api.authentication.BearerJWTAuthentication"],
    # Every view declares its access (accounts.api.access); one that declares none is refused.
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.access.DeclaredAccess"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "monoql.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "monoql internal REST API",
    "DESCRIPTION": "Code-service endpoints (catalog §2.3) and other operator endpoints. Bearer JWT (our session token).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}
CODES_UPLOAD_MAX_BYTES = env.int("CODES_UPLOAD_MAX_BYTES", default=100 * 1024 * 1024)

# Our own session JWT (decisions.md "Identity, permissions"): HS256 with JWT_SIGNING_KEY, or RS256 with
# JWT_PRIVATE_KEY (PEM) + JWT_PUBLIC_KEY.
JWT_PRIVATE_KEY = env.str("JWT_PRIVATE_KEY", default="")
JWT_PUBLIC_KEY = env.str("JWT_PUBLIC_KEY", default="")
# Either key is enough in production: an RS256 pair needs no HS256 secret (and the other way round).
JWT_SIGNING_KEY = (
    env.str("JWT_SIGNING_KEY", default="")
    if JWT_PRIVATE_KEY and JWT_PUBLIC_KEY
    else _dev_default("JWT_SIGNING_KEY", "dev-insecure-jwt-signing-key-0123456789abcdef")
)
JWT_LIFETIME_SECONDS = env.int("JWT_LIFETIME_SECONDS", default=30 * 60)
SESSION_JWT_COOKIE = env.str("SESSION_JWT_COOKIE", default="monoql_session")
SESSION_JWT_COOKIE_SECURE = env.bool("SESSION_JWT_COOKIE_SECURE", default=not DEBUG)
# Campaign passwords a browser gave (viewer.campaign(password:)), remembered in a signed httpOnly cookie.
CAMPAIGN_PASSWORD_COOKIE = env.str("CAMPAIGN_PASSWORD_COOKIE", default="monoql_campaign_passwords")
CAMPAIGN_PASSWORD_COOKIE_AGE = env.int("CAMPAIGN_PASSWORD_COOKIE_AGE", default=30 * 24 * 3600)
#: Tries at a protected presale's password on the fan site, per address and per signed-in fan, in a window (s).
CAMPAIGN_PASSWORD_ATTEMPTS = env.int("CAMPAIGN_PASSWORD_ATTEMPTS", default=5)
CAMPAIGN_PASSWORD_WINDOW_SECONDS = env.int("CAMPAIGN_PASSWORD_WINDOW_SECONDS", default=900)

# Identity provider that signs the fans' identity tokens (accounts.identity).
IDENTITY_PROVIDER = env.str("IDENTITY_PROVIDER", default="development")  # development | configured
IDENTITY_DEV_SECRET = (
    _dev_default("IDENTITY_DEV_SECRET", "dev-insecure-identity-secret-0123456789abcdef")
    if IDENTITY_PROVIDER == "development"
    else env.str("IDENTITY_DEV_SECRET", default="")
)
# The fan site's identity token cookie: registration writes check it still names the session's fan.
IDENTITY_TOKEN_COOKIE = env.str("IDENTITY_TOKEN_COOKIE", default="sotc")
IDENTITY_PUBLIC_KEYS = env.str("IDENTITY_PUBLIC_KEYS", default="")  # PEM blocks, concatenated
IDENTITY_JWKS_FILE = env.str("IDENTITY_JWKS_FILE", default="")
IDENTITY_ISSUER = env.str("IDENTITY_ISSUER", default="")
IDENTITY_AUDIENCE = env.str("IDENTITY_AUDIENCE", default="")
# The fan site's OpenID Connect sign-in (accounts.oidc, issue 39): authorization code with PKCE against this issuer
# (discovered at OIDC_ISSUER/.well-known/openid-configuration). Each campaign domain's callback,
# https://<domain>/signin/callback (or <host>/c/<domain>/signin/callback), is registered with the provider.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_SCOPES = env.str("OIDC_SCOPES", default="openid email profile phone")
#: What the sign-in button calls the provider ("Continue with Ticketmaster").
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")

# Root query ``identity`` / ``ppc`` (catalog §1.2, §1.7): identity-widget and privacy-consent widget
# configuration, chosen by request host: brand "livenation" (host contains livenation), "ca" (.ca),
# "mx" (.com.mx), else "default". IDENTITY_WIDGET_URLS / PPC_URLS map brand → URL.
IDENTITY_WIDGET_URLS = env.dict(
    "IDENTITY_WIDGET_URLS",
    default={
        "default": "https://identity.ticketmaster.com/sign-in",
        "livenation": "https://identity.livenation.com/sign-in",
        "ca": "https://identity.ticketmaster.ca/sign-in",
        "mx": "https://identity.ticketmaster.com.mx/sign-in",
    },
)
IDENTITY_WIDGET_VERSION = env.str("IDENTITY_WIDGET_VERSION", default="2")
IDENTITY_INTEGRATOR_ID = env.str("IDENTITY_INTEGRATOR_ID", default="monoql")
IDENTITY_PLACEMENT_ID = env.str("IDENTITY_PLACEMENT_ID", default="")
PPC_URLS = env.dict(
    "PPC_URLS",
    default={
        "default": "https://privacy.ticketmaster.com/consent",
        "livenation": "https://privacy.livenation.com/consent",
        "ca": "https://privacy.ticketmaster.ca/consent",
        "mx": "https://privacy.ticketmaster.com.mx/consent",
    },
)
PPC_ID = env.str("PPC_ID", default="")
PPC_TOKEN = env.str("PPC_TOKEN", default="")

# Real inputs (Ticketmaster Discovery API responses) for the demo and the tests.
DISCOVERY_DATA_DIR = Path(env.str("DISCOVERY_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data" / "discovery")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# Production hardening (docs/operations.md): DEPLOYMENT=production turns on secure cookies, HSTS, the HTTPS
# redirect (TLS ends at the load balancer, which sends X-Forwarded-Proto) and the production-keys check;
# ``manage.py check --deploy`` is clean with it.
PRODUCTION = DEPLOYMENT == "production"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^heartbeat$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_JWT_COOKIE_SECURE = True

if _DEV_KEYS_USED and (PRODUCTION or (not DEBUG and env.bool("REQUIRE_PRODUCTION_KEYS", default=False))):
    raise environ.ImproperlyConfigured(f"Production keys missing: {', '.join(_DEV_KEYS_USED)}")
if _DEV_KEYS_USED:
    logging.getLogger("monoql.settings").debug("development keys in use: %s", ", ".join(_DEV_KEYS_USED))
DEV_KEYS_USED = tuple(_DEV_KEYS_USED)

# Email (receipts) and SMS (phone verification codes): console by default.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Verified Fan <noreply@monoql.local>")
SMS_BACKEND = env.str("SMS_BACKEND", default="monoql.sms.ConsoleSmsBackend")
SMS_WEBHOOK_URL = env.str("SMS_WEBHOOK_URL", default="")

# Phone verification (entries.services.phone_verification): 6-digit codes, then a signed phoneJwt.
PHONE_CODE_TTL_SECONDS = env.int("PHONE_CODE_TTL_SECONDS", default=600)
PHONE_CODE_MAX_ATTEMPTS = env.int("PHONE_CODE_MAX_ATTEMPTS", default=5)
PHONE_CODE_MAX_SENDS_PER_HOUR = env.int("PHONE_CODE_MAX_SENDS_PER_HOUR", default=5)
PHONE_JWT_SECRET = env.str("PHONE_JWT_SECRET", default=SECRET_KEY + ":phone")
PHONE_JWT_TTL_SECONDS = env.int("PHONE_JWT_TTL_SECONDS", default=900)
# A team invitation link (accounts.services.invite_colleague) works this long, once.
TEAM_INVITATION_SECONDS = env.int("TEAM_INVITATION_SECONDS", default=7 * 24 * 3600)
# The staff console's public address, for links in staff emails (team invitations).
STAFF_BASE_URL = env.str("STAFF_BASE_URL", default="http://127.0.0.1:8000")

# Scoring and fanlist uploads (entries.services.scoring): private storage, size cap.
# Days an entry keeps its full request origin (address, user agent, forwarded-for, session id) after it was last
# written; then only the address block and a user-agent hash stay (entries.services.origin_retention). 0 = forever.
ENTRY_ORIGIN_RETENTION_DAYS = env.int("ENTRY_ORIGIN_RETENTION_DAYS", default=30)
SCORING_UPLOAD_MAX_BYTES = env.int("SCORING_UPLOAD_MAX_BYTES", default=200 * 1024 * 1024)

# Jobs (monoql.jobs): heartbeat period, when a silent job counts as lost, where temporary files go.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=15.0)
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=120)
JOB_SWEEP_SECONDS = env.float("JOB_SWEEP_SECONDS", default=30.0)
JOB_TEMP_DIR = env.str("JOB_TEMP_DIR", default="")
# uploadCodes and POST /:campaignId/codes wait this long for their upload job (under gunicorn's 30 s timeout).
CODES_UPLOAD_WAIT_SECONDS = env.float("CODES_UPLOAD_WAIT_SECONDS", default=2.0)
# Exports (exports.services): signed links, stuck-job timeout, file retention.
EXPORT_URL_SECONDS = env.int("EXPORT_URL_SECONDS", default=3600)
EXPORT_TIMEOUT_SECONDS = env.int("EXPORT_TIMEOUT_SECONDS", default=3600)
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=30)
EXPORT_MAX_ATTEMPTS = env.int("EXPORT_MAX_ATTEMPTS", default=2)
# reminderEmail splits each region/locale file at this many rows (catalog §3.9 maxRowPerExportedFile).
EXPORT_REMINDER_MAX_ROWS = env.int("EXPORT_REMINDER_MAX_ROWS", default=200_000)
# Cap on an export's write rate (bytes/s; 0 = none): keeps a large export from starving registrations.
EXPORT_MAX_BYTES_PER_SECOND = env.int("EXPORT_MAX_BYTES_PER_SECOND", default=1_500_000)
# Live bot score (entries.services.live_score): the beat looks every LIVE_SCORE_SWEEP_SECONDS; an open campaign
# with new entries is scored again at most every LIVE_SCORE_SECONDS (and never sooner than twice its last run).
LIVE_SCORE_SWEEP_SECONDS = env.float("LIVE_SCORE_SWEEP_SECONDS", default=20.0)
LIVE_SCORE_SECONDS = env.float("LIVE_SCORE_SECONDS", default=40.0)
# A live run reads and writes at most this many rows a second (registrations keep the CPU; 0 = unpaced).
LIVE_SCORE_ROWS_PER_SECOND = env.int("LIVE_SCORE_ROWS_PER_SECOND", default=5_000)
CELERY_BEAT_SCHEDULE.update(
    {
        "sweep-stale-exports": {"task": "exports.sweep_stale_exports", "schedule": JOB_SWEEP_SECONDS},
        "sweep-stale-jobs": {"task": "entries.sweep_stale_jobs", "schedule": JOB_SWEEP_SECONDS},
        "sweep-stale-code-uploads": {"task": "codes.sweep_stale_code_uploads", "schedule": JOB_SWEEP_SECONDS},
        "sweep-stale-erasures": {"task": "privacy.sweep_stale_erasures", "schedule": JOB_SWEEP_SECONDS},
        "sweep-stale-fan-files": {"task": "entries.sweep_stale_fan_files", "schedule": JOB_SWEEP_SECONDS},
        "sweep-stale-score-runs": {"task": "entries.sweep_stale_score_runs", "schedule": JOB_SWEEP_SECONDS},
        "score-live-campaigns": {"task": "entries.score_live_campaigns", "schedule": LIVE_SCORE_SWEEP_SECONDS},
        "purge-old-exports": {"task": "exports.purge_old_exports", "schedule": 3600.0},
        "minimize-entry-origins": {"task": "entries.minimize_entry_origins", "schedule": 3600.0},
    }
)

# Rate limits (accounts.ratelimits): per IP anonymous, per user signed in, uploads; rates "N/s|m|h|d".
# A cache that cannot count fails open: the request is served, logged and counted.
RATE_LIMIT_ENABLED = env.bool("RATE_LIMIT_ENABLED", default=True)
RATE_LIMIT_ANON = env.str("RATE_LIMIT_ANON", default="100/m")
RATE_LIMIT_USER = env.str("RATE_LIMIT_USER", default="500/m")
RATE_LIMIT_UPLOAD = env.str("RATE_LIMIT_UPLOAD", default="10/m")
# The longest wait for a campaign's code-holder lock (an erasure or an assignment in flight) before LOCK_TIMEOUT.
HOLDER_LOCK_TIMEOUT_SECONDS = env.float("HOLDER_LOCK_TIMEOUT_SECONDS", default=30.0)
# Sign-ins (GraphQL authenticate, the fan site's development form): per client address, and per account once the
# identity token is verified (accounts.ratelimits.check_sign_in).
RATE_LIMIT_SIGN_IN = env.str("RATE_LIMIT_SIGN_IN", default="60/m")
RATE_LIMIT_SIGN_IN_ACCOUNT = env.str("RATE_LIMIT_SIGN_IN_ACCOUNT", default="10/m")
RATE_LIMIT_TRUSTED_PROXIES = env.int("RATE_LIMIT_TRUSTED_PROXIES", default=0)
# The proxies' own addresses or networks (comma-separated, e.g. 10.0.0.0/8): X-Forwarded-For is honoured only on
# requests that come through them (accounts.ratelimits.client_ip); takes precedence over the count above.
RATE_LIMIT_TRUSTED_PROXY_ADDRESSES = env.list("RATE_LIMIT_TRUSTED_PROXY_ADDRESSES", default=[])

# GraphQL limits (monoql.graphql.limits); introspection and GraphiQL can be switched off in production.
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=12)
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", default=30)
GRAPHQL_MAX_LIST_ITEMS = env.int("GRAPHQL_MAX_LIST_ITEMS", default=1000)
GRAPHQL_MAX_VARIABLE_LIST_ITEMS = env.int("GRAPHQL_MAX_VARIABLE_LIST_ITEMS", default=100_000)
GRAPHQL_MAX_JSON_DEPTH = env.int("GRAPHQL_MAX_JSON_DEPTH", default=32)
GRAPHQL_MAX_BODY_BYTES = env.int("GRAPHQL_MAX_BODY_BYTES", default=5 * 1024 * 1024)  # JSON body: document + variables
# The GraphQL document itself, before parsing and while parsing (graphql-core's max_tokens): a fan site's largest
# document is under 4 KB and 400 tokens, GraphiQL's introspection 3 KB (issue 33).
GRAPHQL_MAX_DOCUMENT_BYTES = env.int("GRAPHQL_MAX_DOCUMENT_BYTES", default=256 * 1024)
GRAPHQL_MAX_TOKENS = env.int("GRAPHQL_MAX_TOKENS", default=15_000)
GRAPHQL_MAX_UPLOAD_BYTES = env.int("GRAPHQL_MAX_UPLOAD_BYTES", default=210 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = GRAPHQL_MAX_BODY_BYTES
GRAPHQL_MAX_ROOT_FIELDS = env.int("GRAPHQL_MAX_ROOT_FIELDS", default=10)
# Query cost after fragment expansion (monoql.graphql.limits) and the wall-clock budget of one execution.
GRAPHQL_MAX_COST = env.int("GRAPHQL_MAX_COST", default=5000)
GRAPHQL_DEFAULT_LIST_SIZE = env.int("GRAPHQL_DEFAULT_LIST_SIZE", default=20)
GRAPHQL_MAX_SECONDS = env.float("GRAPHQL_MAX_SECONDS", default=10.0)
# The staff console's dashboard: campaigns this large read a snapshot the beat refreshes (monoql.console).
DASHBOARD_SNAPSHOT_MIN_ENTRIES = env.int("DASHBOARD_SNAPSHOT_MIN_ENTRIES", default=100_000)
DASHBOARD_SNAPSHOT_MAX_AGE_SECONDS = env.int("DASHBOARD_SNAPSHOT_MAX_AGE_SECONDS", default=15 * 60)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=True)
GRAPHIQL_ENABLED = env.bool("GRAPHIQL_ENABLED", default=True)
