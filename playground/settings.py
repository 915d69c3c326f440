"""Podscape settings: everything from environment variables, with defaults that run on a laptop.

Defaults: SQLite in the repository root, the in-memory channel layer, DEBUG on.
DATABASE_URL switches to PostgreSQL (dj-database-url), REDIS_URL to the Redis channel layer.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEV_SECRET_KEY = "podscape-dev-secret-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
DEBUG = env_bool("DJANGO_DEBUG", True)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    # the committed key signs sessions and password-reset links: anyone could forge them
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_DEBUG=0 needs SECRET_KEY: the development key is public "
                               "(python -c 'import secrets; print(secrets.token_urlsafe(50))')")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# daphne's app only replaces `manage.py runserver` with its ASGI server; importing it (Twisted, autobahn) was
# half a second of every other manage.py command. `make run` starts daphne itself.
INSTALLED_APPS = ["daphne"] * ("runserver" in sys.argv[1:2]) + [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "playground",
    "lessons",
    "lti_tool",          # django-lti: LTI 1.3 registrations, deployments, keys, OIDC login (docs/lti.md)
    "lti",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "playground.middleware.DatabaseBusyMiddleware",     # no database connection: 503, not 500
]

ROOT_URLCONF = "playground.urls"

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

WSGI_APPLICATION = "playground.wsgi.application"
ASGI_APPLICATION = "playground.asgi.application"

# ---- database: SQLite by default, DATABASE_URL for PostgreSQL ----------------------------------------
# Two tabs writing at once wait for SQLite's lock (taken at BEGIN) instead of failing "database is locked".
# WAL with synchronous=NORMAL: a commit is one append to the log, not fsyncs of a rollback journal and the
# database, and readers never wait for the writer. A killed process loses nothing committed (only a power
# cut can take the last commits), which is what issue 7's SIGKILL test checks.
# Threads that run WebSocket commands in each worker (playground/consumers.py command_pool). Four, not more:
# every thread past the cores only adds contention for the interpreter (each query hands the GIL back and
# waits for it again) and, on SQLite, for the one write lock. Measured (README "Load figures"): a class of
# 200 opening at once waited p95 461 ms for its first commands with 8 threads, 115 ms with 4 (SQLite), and
# the attack benchmark's worst phase fell from 159 to 79 ms. Heavy lines take turns (meter._heavy_turns),
# so one learner's two heavy commands still leave two threads for everyone else's.
PODSCAPE_COMMAND_THREADS = int(os.environ.get("PODSCAPE_COMMAND_THREADS", "4"))
# Pages' sockets opening (session, sandbox, hello) run on a lane of their own, so a class opening its pages
# at once leaves the command threads to the learners already typing (0: on the command threads).
PODSCAPE_PAGE_THREADS = int(os.environ.get("PODSCAPE_PAGE_THREADS", "1"))
# ... and wait up to this long for the worker's commands to finish before each opening (consumers.CommandsFirst).
PODSCAPE_PAGE_WAIT_MS = float(os.environ.get("PODSCAPE_PAGE_WAIT_MS", "50"))
# HTTP requests running Django at once in each worker, on threads kept between requests; more wait in the
# event loop, and answer 503 after PODSCAPE_HTTP_QUEUE_SECONDS (playground/httpgate.py).
PODSCAPE_HTTP_THREADS = int(os.environ.get("PODSCAPE_HTTP_THREADS", "4"))
PODSCAPE_HTTP_QUEUE_SECONDS = float(os.environ.get("PODSCAPE_HTTP_QUEUE_SECONDS", "10"))
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE",
                  "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
# Each command thread keeps its SQLite connection: opening one (and its PRAGMAs) for every command cost as
# much CPU as the command's own queries. A file on this machine has nothing to time out.
SQLITE_CONN_MAX_AGE = int(os.environ.get("SQLITE_CONN_MAX_AGE", "600"))
if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
        DATABASES["default"]["CONN_MAX_AGE"] = SQLITE_CONN_MAX_AGE
    elif env_bool("DB_POOL", True):
        # A hard cap per worker (workers x DB_POOL_MAX must stay under PostgreSQL's max_connections): a
        # burst waits DB_POOL_TIMEOUT seconds for a connection and then answers 503, instead of opening
        # connections until the server refuses everyone; connections go back to the pool after each use.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 0,
            "max_size": int(os.environ.get("DB_POOL_MAX", str(PODSCAPE_COMMAND_THREADS + PODSCAPE_PAGE_THREADS + PODSCAPE_HTTP_THREADS))),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "3")), "max_idle": 60}
    else:
        # DB_CONN_MAX_AGE > 0 keeps a connection per thread; a fresh PostgreSQL connection costs ms.
        DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": SQLITE_OPTIONS,
            "CONN_MAX_AGE": SQLITE_CONN_MAX_AGE,
            # Tests use a file too (one per test process): SQLite's shared in-memory database answers
            # concurrent writers with "table is locked" instead of waiting, unlike the real thing.
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH")
                     or os.path.join(tempfile.gettempdir(), f"podscape-test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---- channel layer: in-memory by default, REDIS_URL for several workers --------------------------------
# Every socket of a worker shares one Redis queue (channels_redis keys a process's channels by its prefix),
# and a group_send finding that queue at `capacity` drops the message without a word: at the default 100, a
# worker that fell two seconds behind with 500 learners' diagrams lost pushes (load.py's push_missing).
# Messages still expire after 60 s, which bounds what the queue can hold.
CHANNEL_CAPACITY = int(os.environ.get("PODSCAPE_CHANNEL_CAPACITY", "100000"))
# Redis connections one worker's channel layer may hold at once. redis-py's pool defaults to 100 and then
# raises "Too many connections": when a class of 200 closed its pages, each of a worker's ~200 sockets
# leaving its groups at once took one, and 167 of them failed (load.py's worker logs), leaving dead
# channels in the groups; the diagram push of a command typed in that moment could be lost with them.
CHANNEL_REDIS_CONNECTIONS = int(os.environ.get("PODSCAPE_CHANNEL_REDIS_CONNECTIONS", "1000"))
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 times reads out after 5 s by default, exactly channels_redis' 5 s blocking pop: an
            # idle socket's receive then dies with "Timeout reading" (close 1011). Allow longer reads.
            "CONFIG": {"hosts": [{"address": os.environ["REDIS_URL"], "socket_timeout": 30,
                                  "max_connections": CHANNEL_REDIS_CONNECTIONS}],
                       # CHANNEL_PREFIX: separate deployments (or test stacks) sharing one Redis
                       "prefix": os.environ.get("CHANNEL_PREFIX", "asgi"),
                       "capacity": CHANNEL_CAPACITY},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                  "CONFIG": {"capacity": CHANNEL_CAPACITY}}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password-reset mail: printed to the console unless EMAIL_HOST names an SMTP server.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "podscape@localhost")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "lessons:list"    # a learner comes to learn: the lessons first
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
STATIC_ROOT = BASE_DIR / "staticfiles"
# Serve straight from the source folders (no collectstatic) while developing; daphne goes through
# WhiteNoise too because the ASGI app wraps Django's handler.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# ---- sandbox limits ------------------------------------------------------------------------------------
PODSCAPE_MAX_SANDBOXES = int(os.environ.get("PODSCAPE_MAX_SANDBOXES", "10"))
PODSCAPE_MAX_OBJECTS = int(os.environ.get("PODSCAPE_MAX_OBJECTS", "1000"))     # events not counted
PODSCAPE_MAX_PODS = int(os.environ.get("PODSCAPE_MAX_PODS", "100"))            # pods, replicas asked for included
# Bytes a sandbox's stored objects (their JSON) and its learner's files may weigh (playground/quotas.py).
PODSCAPE_MAX_OBJECT_BYTES = int(os.environ.get("PODSCAPE_MAX_OBJECT_BYTES", str(10 * 2**20)))
PODSCAPE_MAX_FILE_BYTES = int(os.environ.get("PODSCAPE_MAX_FILE_BYTES", str(5 * 2**20)))
PODSCAPE_HISTORY = 200      # commands the terminal's arrow keys can reach
# Live engines each worker keeps between commands (playground/store.py); ~0.6 MB of memory for a lesson's
# sandbox (two workers held 500 each at ~400 MB RSS), ~10 MB for a 200-pod one. 0 turns the cache off
# (every command reads its state). A worker holds the sandboxes of the pages open on it, a learner's tab and
# diagram often on different workers: at 200, 300 learners on two workers evicted each other's engines
# and every command past the cache loaded its sandbox again (~4 ms of CPU).
PODSCAPE_ENGINE_CACHE = int(os.environ.get("PODSCAPE_ENGINE_CACHE", "1000"))
# Keep cached engines out of the cyclic collector's full passes (playground/store.py freeze_survivors).
PODSCAPE_GC_FREEZE = env_bool("PODSCAPE_GC_FREEZE", True)
# Re-read the stored state after every command and compare it with the engine (tests turn it on).
PODSCAPE_VERIFY_STORE = env_bool("PODSCAPE_VERIFY_STORE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# ---- several workers: one cache (rate limits, login throttling) shared through Redis -------------------
# Per-process memory would let a learner spread commands over N workers and get N times the limit.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ.get("CACHE_REDIS_URL", os.environ["REDIS_URL"]),
                          "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "podscape")}}

PODSCAPE_COMMANDS_PER_WINDOW = int(os.environ.get("PODSCAPE_COMMANDS_PER_WINDOW", "120"))   # per 10 s
PODSCAPE_COMMAND_WINDOW = int(os.environ.get("PODSCAPE_COMMAND_WINDOW", "10"))                # seconds
PODSCAPE_CREATES_PER_MINUTE = int(os.environ.get("PODSCAPE_CREATES_PER_MINUTE", "20"))       # sandboxes
# The engine's work one user may spend per command window (meter.Meter units; one line may use 16M), and
# how many of their commands may run or wait in one worker at once (playground/ratelimit.py).
PODSCAPE_WORK_PER_WINDOW = int(os.environ.get("PODSCAPE_WORK_PER_WINDOW", "16000000"))
# Wall seconds after which a line still running is stopped from outside, metered or not (sim/watchdog.py),
# and whether a worker whose line does not stop even then (stuck in one C call) ends itself for its
# supervisor to restart (asgi.py; on by default in production, DJANGO_DEBUG=0).
PODSCAPE_HARD_STOP_SECONDS = float(os.environ.get("PODSCAPE_HARD_STOP_SECONDS", "5"))
PODSCAPE_EXIT_WHEN_STUCK = env_bool("PODSCAPE_EXIT_WHEN_STUCK", not DEBUG)
PODSCAPE_COMMANDS_IN_FLIGHT = int(os.environ.get("PODSCAPE_COMMANDS_IN_FLIGHT", "2"))
PODSCAPE_API_PER_WINDOW = int(os.environ.get("PODSCAPE_API_PER_WINDOW", "120"))    # API requests per user per 10 s
PODSCAPE_COMPLETIONS_PER_WINDOW = int(os.environ.get("PODSCAPE_COMPLETIONS_PER_WINDOW", "60"))   # Tab, per 10 s
PODSCAPE_SIGNUPS_PER_HOUR = int(os.environ.get("PODSCAPE_SIGNUPS_PER_HOUR", "20"))     # per client address
PODSCAPE_SUBMITS_PER_MINUTE = int(os.environ.get("PODSCAPE_SUBMITS_PER_MINUTE", "6"))  # exercise submits
PODSCAPE_SOCKETS_PER_USER = int(os.environ.get("PODSCAPE_SOCKETS_PER_USER", "20"))        # open, per worker
PODSCAPE_SOCKETS_PER_ADDRESS = int(os.environ.get("PODSCAPE_SOCKETS_PER_ADDRESS", "300"))  # a classroom's NAT
PODSCAPE_LOGIN_FAILURES = int(os.environ.get("PODSCAPE_LOGIN_FAILURES", "10"))               # per 5 min
PODSCAPE_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("PODSCAPE_LOGIN_FAILURES_PER_ADDRESS", "50"))  # any names

# ---- production (DJANGO_DEBUG=0): see README "Running at scale" -----------------------------------------
if not DEBUG:
    # Static files come from `manage.py collectstatic` (STATIC_ROOT), compressed and cache-busted.
    WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", False)
    if os.environ.get("STATIC_ROOT"):
        STATIC_ROOT = Path(os.environ["STATIC_ROOT"])
    if not WHITENOISE_USE_FINDERS:
        STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    # HTTPS behind a proxy (nginx sets X-Forwarded-Proto): cookies only over TLS, redirect http -> https.
    if env_bool("DJANGO_HTTPS", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
        SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0"))   # opt in: 31536000
        SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
        SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
