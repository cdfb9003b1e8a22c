"""Backchannel settings: one module, configured from the environment (12-factor).

Every variable read here is listed in the README with its default.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.csp import directives as csp_directives

SITE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SITE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    try:
        return float(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set it to a long random string, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "blog",
    "podcast",
    "demo",
    "pagecache",
    "linkbacks",
    "safefetch",
    "discussion",
    "wordpress",
    "editor",
    "worker",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "config.proxy.ForwardedClientMiddleware",
    "config.hygiene.RejectNulMiddleware",
    # A hit is answered here, with the security and CSP headers it was stored with, before anything else
    # runs; it also does ConditionalGetMiddleware's work.
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.csp.SitePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linkbacks.middleware.GoneMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "blog.context_processors.blog",
                "podcast.context_processors.podcast",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the app and the task worker share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str, name: str = "CACHE_URL") -> dict:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem://") or not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "backchannel"}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if url.startswith("db://"):  # a table in the default database, shared by every process (see config.caches)
        table = url.removeprefix("db://") or "backchannel_cache"
        return {"BACKEND": "config.caches.DatabaseCache", "LOCATION": table, "OPTIONS": {"MAX_ENTRIES": 100_000}}
    schemes = "redis://, rediss://, db://, locmem:// or dummy://"
    raise ImproperlyConfigured(f"{name} must start with {schemes}, not {url!r}.")


CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
# Rate limits and flood control must be counted where every process sees them: Redis when the site
# has it, else a table in the database (never the per-process locmem default).
LIMITS_CACHE_URL = os.environ.get("LIMITS_CACHE_URL") or (
    CACHE_URL if CACHE_URL.startswith(("redis://", "rediss://", "unix://")) else "db://backchannel_limits"
)
CACHES = {
    "default": cache_from_url(CACHE_URL),
    "limits": {**cache_from_url(LIMITS_CACHE_URL, "LIMITS_CACHE_URL"), "KEY_PREFIX": "limits"},
}

# Whole pages for anonymous readers, invalidated by content version (site/pagecache/README.md); `off` for
# cold figures. Entries live at most PAGE_CACHE_TIMEOUT seconds; shared caches in front (nginx, a CDN) may
# keep a page PAGE_CACHE_S_MAXAGE seconds and serve it stale while revalidating for the next
# PAGE_CACHE_STALE_WHILE_REVALIDATE. The comment form's token outlives all three (discussion/tokens.py).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_TIMEOUT = env_int("PAGE_CACHE_TIMEOUT", 24 * 3600)
PAGE_CACHE_S_MAXAGE = env_int("PAGE_CACHE_S_MAXAGE", 1)
PAGE_CACHE_STALE_WHILE_REVALIDATE = env_int("PAGE_CACHE_STALE_WHILE_REVALIDATE", 10)
# The content version must be one value for every process: in the page cache itself when that is shared
# (Redis: one round trip per hit); on SQLite, one machine by nature, in a file beside the database (Django's
# file cache, a fifth of a table read); else beside the limits (the database table). Pages stay in locmem.
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    PAGE_CACHE_VERSION_ALIAS = "default"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    PAGE_CACHE_VERSION_ALIAS = "version"
    CACHES["version"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": f"{DATABASES['default']['NAME']}-pagecache",
    }
else:
    PAGE_CACHE_VERSION_ALIAS = "limits"

TASKS = {
    "default": {
        # A queue in the database, run by `manage.py task_worker` (`make run` starts one beside the site).
        # Tests default to django_tasks.backends.immediate.ImmediateBackend (in-process, see pyproject.toml).
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-us")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Hashed, compressed static files (needs `collectstatic`) unless debugging or testing.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Email
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds for each SMTP operation; emails are sent by the task worker, retried with back-off when this runs out.
EMAIL_TIMEOUT = env_float("EMAIL_TIMEOUT", 10.0)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Backchannel <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict unless DEBUG. SECURE_SSL_REDIRECT can be turned off behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp, config/csp.py): enforced, or only reported while you try it.
_csp = {
    "DIRECTIVES": csp_directives(
        embed_script_sources=env_list("CSP_EMBED_SCRIPT_SOURCES", ""), report_uri=os.environ.get("CSP_REPORT_URI", "")
    )
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Backchannel")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Admin avatars from the uploaded picture or Wagtail's default, never a third-party image request.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Services used by later features.
AKISMET_API_KEY = os.environ.get("AKISMET_API_KEY", "")
# Seconds for a whole Akismet call (connect to last byte): in the worker, and inside a comment POST
# (0: the POST never waits; the worker always judges).
AKISMET_TIMEOUT = env_float("AKISMET_TIMEOUT", 2.0)
AKISMET_REQUEST_BUDGET = env_float("AKISMET_REQUEST_BUDGET", 0.3)
AKISMET_API_URL = os.environ.get("AKISMET_API_URL", "https://rest.akismet.com")
# Failed Akismet calls in a row (across processes) that open the breaker: POSTs stop asking, a probe does.
AKISMET_BREAKER_FAILURES = env_int("AKISMET_BREAKER_FAILURES", 3)
# Akismet's "discard" tip: keep in the spam folder, flagged (false) or drop without a row (true).
AKISMET_STRICT_DISCARD = env_bool("AKISMET_STRICT_DISCARD", False)
AKISMET_IS_TEST = env_bool("AKISMET_IS_TEST", DEBUG)

# Discussion (comments and linkbacks); WordPress's defaults unless noted.
DISCUSSION_THREAD_DEPTH = env_int("DISCUSSION_THREAD_DEPTH", 5)
DISCUSSION_CLOSE_AFTER_DAYS = env_int("DISCUSSION_CLOSE_AFTER_DAYS", 0)  # 0: never close automatically
DISCUSSION_LINKS_TO_HOLD = env_int("DISCUSSION_LINKS_TO_HOLD", 2)
DISCUSSION_FLOOD_SECONDS = env_int("DISCUSSION_FLOOD_SECONDS", 15)
DISCUSSION_MIN_SUBMIT_SECONDS = env_int("DISCUSSION_MIN_SUBMIT_SECONDS", 3)
DISCUSSION_MAX_COMMENT_LENGTH = env_int("DISCUSSION_MAX_COMMENT_LENGTH", 20_000)
DISCUSSION_MANUAL_MODERATION = env_bool("DISCUSSION_MANUAL_MODERATION", False)
DISCUSSION_PREVIOUSLY_APPROVED = env_bool("DISCUSSION_PREVIOUSLY_APPROVED", False)
DISCUSSION_HOLD_WITHOUT_AKISMET = env_bool("DISCUSSION_HOLD_WITHOUT_AKISMET", True)
DISCUSSION_RECHECK_DAYS = env_int("DISCUSSION_RECHECK_DAYS", 15)
DISCUSSION_MODERATION_LINK_DAYS = env_int("DISCUSSION_MODERATION_LINK_DAYS", 3)


# Outbound HTTP (safefetch): only public addresses, plus these CIDRs (tests, local demos: 127.0.0.0/8).
# The LINKBACK_* names are the older spellings, still read when the SAFEFETCH_* one is not set.
def env_name(name: str, alias: str) -> str:
    """The variable to read: ``name``, unless only its older spelling ``alias`` is set."""
    return alias if not os.environ.get(name) and os.environ.get(alias) else name


SAFEFETCH_ALLOWED_NETWORKS = env_list(env_name("SAFEFETCH_ALLOWED_NETWORKS", "LINKBACK_ALLOWED_NETWORKS"), "")
SAFEFETCH_TIMEOUT = env_float(env_name("SAFEFETCH_TIMEOUT", "LINKBACK_FETCH_TIMEOUT"), 3.0)  # seconds per operation
SAFEFETCH_DEADLINE = env_float(env_name("SAFEFETCH_DEADLINE", "LINKBACK_FETCH_DEADLINE"), 5.0)  # seconds, whole fetch
SAFEFETCH_MAX_BYTES = env_int(env_name("SAFEFETCH_MAX_BYTES", "LINKBACK_FETCH_MAX_BYTES"), 1_000_000)
SAFEFETCH_MAX_REDIRECTS = env_int(env_name("SAFEFETCH_MAX_REDIRECTS", "LINKBACK_FETCH_MAX_REDIRECTS"), 5)
# A body that brings fewer than STALL_BYTES in any STALL_SECONDS has stalled (imports' long downloads).
SAFEFETCH_STALL_SECONDS = env_float("SAFEFETCH_STALL_SECONDS", 30.0)
SAFEFETCH_STALL_BYTES = env_int("SAFEFETCH_STALL_BYTES", 16_384)
# Seconds a pingback or trackback may spend fetching its source while the sender waits (whole fetch).
LINKBACK_REQUEST_BUDGET = env_float("LINKBACK_REQUEST_BUDGET", 1.0)
# Such fetches running at once across every app process (0: no cap); beyond it the sender hears "busy".
LINKBACK_CONCURRENT_VERIFICATIONS = env_int("LINKBACK_CONCURRENT_VERIFICATIONS", 4)
LINKBACK_RATE_PER_IP = os.environ.get("LINKBACK_RATE_PER_IP", "20/60")  # attempts / seconds
LINKBACK_RATE_PER_SOURCE_HOST = os.environ.get("LINKBACK_RATE_PER_SOURCE_HOST", "10/60")
LINKBACK_SEND_ON_PUBLISH = env_bool("LINKBACK_SEND_ON_PUBLISH", True)

# Behind a reverse proxy, how many proxies append to X-Forwarded-For; the client address is then taken
# from that header (for flood control, rate limits and Akismet) instead of the proxy's own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

BLOG_POSTS_PER_PAGE = env_int("BLOG_POSTS_PER_PAGE", 10)
FEED_ITEMS = env_int("FEED_ITEMS", 20)

# Podcast: episodes per feed page (older ones on RFC 5005 paged feeds), feed max-age, WebSub hubs to ping
# on publish (comma-separated; empty: none), and import size caps in bytes.
PODCAST_FEED_ITEMS = env_int("PODCAST_FEED_ITEMS", 100)
PODCAST_FEED_MAX_AGE = env_int("PODCAST_FEED_MAX_AGE", 0)
PODCAST_WEBSUB_HUBS = env_list("PODCAST_WEBSUB_HUBS", "")
PODCAST_IMPORT_MAX_FEED_BYTES = env_int("PODCAST_IMPORT_MAX_FEED_BYTES", 20_000_000)
PODCAST_IMPORT_MAX_MEDIA_BYTES = env_int("PODCAST_IMPORT_MAX_MEDIA_BYTES", 2_000_000_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
