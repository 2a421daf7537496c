"""Settings, driven by environment variables (see the configuration table in README.md).

With no DATABASE_URL, an embedded PostgreSQL server is started under `.data/` so that a
fresh clone runs with nothing installed by hand; secrets that are not given are generated
once and kept under `.data/` too.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("HEXA_DATA_DIR", BASE_DIR / ".data"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def local_secret(name, make):
    """A secret from the environment, or one generated once and kept under .data/."""
    if os.environ.get(name):
        return os.environ[name]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / name.lower().replace("_", "-")
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = local_secret("SECRET_KEY", lambda: secrets.token_urlsafe(50))
# Fernet key used to encrypt secrets at rest (workspace database passwords).
ENCRYPTION_KEY = local_secret("ENCRYPTION_KEY", lambda: Fernet.generate_key().decode())
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "hexa.core",
    "hexa.user_management",
    "hexa.workspaces",
    "hexa.databases",
    "hexa.files",
    "hexa.datasets",
    "hexa.assistant",
    "hexa.pipelines",
    # the OAuth 2.1 authorization server of the MCP server (hexa/assistant/mcp/)
    "oauth2_provider",
    # the task engine that runs agent turns (its tables live in the app database)
    "procrastinate.contrib.django",
]

# Every middleware here is async-capable: a sync one would route each request through
# the single thread that Django keeps for sync code under ASGI.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a running pipeline's requests carry its run's token (hexa/pipelines/authentication.py)
    "hexa.pipelines.authentication.RunTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hexa.core.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# --- PostgreSQL -----------------------------------------------------------------------

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    from config.local_postgres import ensure_database, ensure_running

    _superuser_url = ensure_running()
    DATABASES = {"default": dj_database_url.parse(ensure_database(_superuser_url, "hexa"))}
# Persistent connections: opening one (a server process fork and a password exchange)
# costs more than most requests' own queries.
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_MAX_AGE"] = DATABASE_CONN_MAX_AGE
# A server that does not answer fails a request in seconds (a typed 503), not minutes.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# A kept connection is checked before a request reuses it: after a database restart, the
# first request reconnects instead of failing.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The server that holds the workspaces' databases; the role in this URL must be allowed
# to create roles and databases.
WORKSPACES_DATABASE_URL = os.environ.get("WORKSPACES_DATABASE_URL") or (
    _superuser_url if not os.environ.get("DATABASE_URL") else os.environ["DATABASE_URL"]
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "user_management.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "hexa.user_management.backends.PermissionsBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# Django's database sessions, read with one plain statement (hexa/core/sessions.py)
SESSION_ENGINE = "hexa.core.sessions"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The offline GraphQL explorer's assets, installed by `make install` from npm: only the
# packages its page loads (the static middleware reads every file listed here when a server
# or a test client starts: the whole node_modules took 0.8 s of CPU each time).
EXPLORER_MODULES = BASE_DIR / "explorer" / "node_modules"
STATICFILES_DIRS = [
    (f"explorer/{package}", EXPLORER_MODULES / package) for package in ("graphiql", "react/umd", "react-dom/umd")
]
SERVESTATIC_USE_FINDERS = True

# --- GraphQL limits and login throttling ----------------------------------------------

# What one GraphQL request may ask for (hexa/core/graphql_limits.py): lexical tokens of the
# document, nesting of fields, aliased fields, and cost (1 per field, times the page size of
# the paginated fields at or above it).
GRAPHQL_MAX_TOKENS = env_int("GRAPHQL_MAX_TOKENS", 3000)
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 10)
GRAPHQL_MAX_ALIASES = env_int("GRAPHQL_MAX_ALIASES", 30)
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 10_000)

# Failed logins allowed per account (email) and per client address within the window;
# 0 for no limit (hexa/user_management/throttle.py).
LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
LOGIN_FAILURE_WINDOW_S = env_int("LOGIN_FAILURE_WINDOW_S", 900)
# Proxies in front of the server that append the client's address to X-Forwarded-For; 0:
# the header is ignored and the client address is REMOTE_ADDR.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# --- Workspaces -----------------------------------------------------------------------

# Each workspace's bucket is WORKSPACE_BUCKETS_ROOT/<bucket_name> (a FUSE mount of the
# object-storage bucket in production).
WORKSPACE_BUCKETS_ROOT = Path(os.environ.get("WORKSPACE_BUCKETS_ROOT", DATA_DIR / "buckets"))

# --- Connections ----------------------------------------------------------------------

# The demo's DHIS2 connection (`dhis2-demo`, made by seed_demo) points at DHIS2_URL with these
# credentials; with no DHIS2_URL, at the DHIS2 demo server that `make run` starts on
# DHIS2_DEMO_PORT, serving the snapshot of the demo data that seed_demo writes to DHIS2_DEMO_DATA.
DHIS2_URL = os.environ.get("DHIS2_URL", "")
DHIS2_USERNAME = os.environ.get("DHIS2_USERNAME", "")
DHIS2_PASSWORD = os.environ.get("DHIS2_PASSWORD", "")
DHIS2_DEMO_PORT = env_int("DHIS2_DEMO_PORT", 8788)
DHIS2_DEMO_DATA = Path(os.environ.get("DHIS2_DEMO_DATA", DATA_DIR / "dhis2_demo.json"))
# --- Datasets -------------------------------------------------------------------------

# The bytes of dataset files: DATASETS_ROOT/<dataset id>/<version id>/<name> (a mount of
# the datasets' object-storage bucket in production, as the workspace buckets are).
DATASETS_ROOT = Path(os.environ.get("DATASETS_ROOT", DATA_DIR / "datasets"))
# The largest dataset file one upload may store; larger ones are refused before being read.
DATASETS_MAX_FILE_BYTES = env_int("DATASETS_MAX_FILE_BYTES", 1_000_000_000)
# How long a signed upload or download URL of a dataset file stays valid.
DATASETS_URL_TTL_S = env_int("DATASETS_URL_TTL_S", 3600)

# --- Assistant ------------------------------------------------------------------------

ANTHROPIC_API_KEY = os.environ.get("ANTHROPIC_API_KEY", "")
ANTHROPIC_BASE_URL = os.environ.get("ANTHROPIC_BASE_URL", "")
# Claude Fable 5.2: the most capable current model (see the README)
ASSISTANT_MODEL = os.environ.get("ASSISTANT_MODEL", "claude-fable-5-2")
# The models workspaces may choose (comma-separated ids); empty: Fable 5.2, Opus 5.5, Sonnet 5.5, Haiku 5.5
ASSISTANT_MODELS = os.environ.get("ASSISTANT_MODELS", "")
# Writes conversation titles after the first answer; empty: titles stay the first line of the question
ASSISTANT_TITLE_MODEL = os.environ.get("ASSISTANT_TITLE_MODEL", "claude-haiku-5-5")
# Proposes up to three follow-up questions after each answer (billed in the ledger); empty: none
ASSISTANT_FOLLOW_UP_MODEL = os.environ.get("ASSISTANT_FOLLOW_UP_MODEL", "claude-haiku-5-5")
# Evaluations (hexa/assistant/evaluations): questions of one run asked at once, and how long
# one question's turn may take before it is graded TIMEOUT.
ASSISTANT_EVAL_CONCURRENCY = env_int("ASSISTANT_EVAL_CONCURRENCY", 4)
ASSISTANT_EVAL_TURN_TIMEOUT_S = env_int("ASSISTANT_EVAL_TURN_TIMEOUT_S", 600)
# The data policy: the fewest rows an aggregate may summarise before the model sees it
ASSISTANT_MIN_GROUP_SIZE = env_int("ASSISTANT_MIN_GROUP_SIZE", 5)
ASSISTANT_MAX_TOOL_ROUNDS = env_int("ASSISTANT_MAX_TOOL_ROUNDS", 20)
# Most tokens one request may hold (prompt and answer); 0: the model's context window.
ASSISTANT_CONTEXT_TOKENS = env_int("ASSISTANT_CONTEXT_TOKENS", 0)
ASSISTANT_QUERY_TIMEOUT_MS = env_int("ASSISTANT_QUERY_TIMEOUT_MS", 10_000)
ASSISTANT_QUERY_MAX_ROWS = env_int("ASSISTANT_QUERY_MAX_ROWS", 1000)
ASSISTANT_READ_MAX_BYTES = env_int("ASSISTANT_READ_MAX_BYTES", 100_000)
# query_files / read_file on table files: the embedded DuckDB's memory and threads per call
ASSISTANT_FILE_QUERY_MEMORY_MB = env_int("ASSISTANT_FILE_QUERY_MEMORY_MB", 192)
ASSISTANT_FILE_QUERY_THREADS = env_int("ASSISTANT_FILE_QUERY_THREADS", 2)
ASSISTANT_WRITE_MAX_BYTES = env_int("ASSISTANT_WRITE_MAX_BYTES", 1_000_000)
ASSISTANT_CHART_MAX_POINTS = env_int("ASSISTANT_CHART_MAX_POINTS", 10_000)
ASSISTANT_DOWNLOAD_MAX_ROWS = env_int("ASSISTANT_DOWNLOAD_MAX_ROWS", 1_000_000)
ASSISTANT_DOWNLOAD_TIMEOUT_MS = env_int("ASSISTANT_DOWNLOAD_TIMEOUT_MS", 300_000)
# query_dhis2: the time one DHIS2 request may take (connecting, waiting and reading the answer)
# and the most bytes of one answer read (past them: RESPONSE_TOO_LARGE, nothing more read)
ASSISTANT_DHIS2_TIMEOUT_MS = env_int("ASSISTANT_DHIS2_TIMEOUT_MS", 30_000)
ASSISTANT_DHIS2_MAX_BYTES = env_int("ASSISTANT_DHIS2_MAX_BYTES", 10_000_000)
ASSISTANT_MONTHLY_LIMIT_USD = os.environ.get("ASSISTANT_MONTHLY_LIMIT_USD", "50")
ASSISTANT_RATE_LIMIT = os.environ.get("ASSISTANT_RATE_LIMIT", "20/m")
# The MCP server (hexa/assistant/mcp/): tool calls one client may make per period (as ASSISTANT_RATE_LIMIT)
ASSISTANT_MCP_RATE_LIMIT = os.environ.get("ASSISTANT_MCP_RATE_LIMIT", "60/m")
# Origins a browser may call the MCP server from (besides none: desktop and command-line clients send none)
ASSISTANT_MCP_ALLOWED_ORIGINS = [o.strip() for o in os.environ.get("ASSISTANT_MCP_ALLOWED_ORIGINS", "").split(",") if o.strip()]
# django-oauth-toolkit, the MCP server's OAuth 2.1 authorization server: authorization code with PKCE
# (S256) only, public clients registered dynamically, short access tokens bound to the MCP server,
# refresh tokens rotated at each use
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("ASSISTANT_MCP_ACCESS_TOKEN_S", 3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 86400,
    "ROTATE_REFRESH_TOKEN": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 120,
    "SCOPES": {"mcp": "Use the workspace tools granted on the consent page"},
    "DEFAULT_SCOPES": ["mcp"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none", "client_secret_post", "client_secret_basic"],
    # RFC 7591: clients register themselves (Claude Desktop and Claude Code do); a registration is no
    # grant: the user's consent is
    "DCR_ENABLED": True,
    "DCR_REGISTRATION_PERMISSION_CLASSES": ("oauth2_provider.dcr.AllowAllDCRPermission",),
    # RFC 9700 (OAuth security best current practice): enforced rather than warned about
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}
# The consent page's own sign-in (the API has no HTML login page)
LOGIN_URL = "/oauth/login/"
# django-oauth-toolkit's own models (named, as migrations that point at them read these)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
ASSISTANT_API_MAX_RETRIES = env_int("ASSISTANT_API_MAX_RETRIES", 2)
ASSISTANT_API_TIMEOUT_S = env_int("ASSISTANT_API_TIMEOUT_S", 600)
# Seconds of silence after which a stream sends a keepalive event.
ASSISTANT_STREAM_KEEPALIVE_S = float(os.environ.get("ASSISTANT_STREAM_KEEPALIVE_S", "15"))
# True when the model behind ANTHROPIC_BASE_URL is the offline stand-in (`make run` with no
# API key): answers are labelled and cost nothing.
ASSISTANT_OFFLINE_MODEL = env_bool("ASSISTANT_OFFLINE_MODEL", False)

# A running turn holds a lease renewed while it works; when its worker dies, another
# worker resumes it once the lease has expired (see hexa/assistant/leases.py).
ASSISTANT_TURN_LEASE_S = float(os.environ.get("ASSISTANT_TURN_LEASE_S", "30"))
# How long a running turn rides out an unreachable database (default: four leases): it keeps
# what the model produced and the call's usage meanwhile, then goes on; past it, the turn
# ends DATABASE_UNAVAILABLE and what it owes is written once the database is back. Streams
# following a turn wait as long, then end with a DATABASE_UNAVAILABLE error event.
# A send is answered once a worker has taken its turn; if none has within this many seconds
# (all busy, or out of database connections), the turn is withdrawn and the send refused
# (503 TURN_NOT_STARTED, nothing stored).
ASSISTANT_PICKUP_WAIT_S = float(os.environ.get("ASSISTANT_PICKUP_WAIT_S", "10"))
ASSISTANT_DATABASE_OUTAGE_S = float(os.environ.get("ASSISTANT_DATABASE_OUTAGE_S", str(4 * ASSISTANT_TURN_LEASE_S)))
# A turn waiting for the user (a question, writes to approve) holds no worker; after this
# many hours its open questions and writes are closed as unanswered (hexa/assistant/waiting.py).
ASSISTANT_WAIT_EXPIRY_H = float(os.environ.get("ASSISTANT_WAIT_EXPIRY_H", "24"))
# How long a turn waits for a pipeline run it started (run_pipeline, once approved) before the
# model is told the run is still going and the turn goes on.
ASSISTANT_PIPELINE_WAIT_S = float(os.environ.get("ASSISTANT_PIPELINE_WAIT_S", "1800"))
# Turns one worker process runs at once (`assistant_worker --concurrency` overrides it).
ASSISTANT_WORKER_CONCURRENCY = env_int("ASSISTANT_WORKER_CONCURRENCY", 32)
# On SIGTERM, a worker takes no new turn and lets running ones go on this long, then hands
# them over to other workers at their next step.
ASSISTANT_WORKER_DRAIN_S = float(os.environ.get("ASSISTANT_WORKER_DRAIN_S", "20"))
# Tests of the agent loop run a turn in the calling thread instead of on a worker; never
# set in production.
ASSISTANT_TURNS_INLINE = False

# Threads per web server process for GraphQL resolvers and other synchronous work (see
# hexa/core/workers.py).
WORKER_THREADS = env_int("WORKER_THREADS", 64)

# --- Pipelines (hexa/pipelines: runs in a sandbox, see sandbox.py) ------------------------

# Runs one `pipelines_worker` process supervises at once (`--concurrency` overrides it).
PIPELINE_RUNS_CONCURRENCY = env_int("PIPELINE_RUNS_CONCURRENCY", 4)
# Where a run's SDK reaches this server's GraphQL API (HEXA_SERVER_URL).
PIPELINE_SERVER_URL = os.environ.get("PIPELINE_SERVER_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
# The pipelines' own Python environment (the openhexa-sdk), made by `make install`.
PIPELINE_RUNTIME_VENV = Path(os.environ.get("PIPELINE_RUNTIME_VENV", BASE_DIR / ".venv-pipelines"))
# Development only: run pipelines without the sandbox where bubblewrap cannot run (see README).
PIPELINE_RUNS_UNSANDBOXED = env_bool("PIPELINE_RUNS_UNSANDBOXED", False)
# The uid pipeline code runs as when the worker runs as root (65534: nobody).
PIPELINE_RUN_UID = env_int("PIPELINE_RUN_UID", 65534)
# A version's timeout when it declares none, and the most any may declare (seconds).
PIPELINE_DEFAULT_TIMEOUT_S = env_int("PIPELINE_DEFAULT_TIMEOUT_S", 4 * 3600)
PIPELINE_MAX_TIMEOUT_S = env_int("PIPELINE_MAX_TIMEOUT_S", 12 * 3600)
# On stop or timeout: SIGTERM, then SIGKILL after this grace (seconds).
PIPELINE_STOP_GRACE_S = float(os.environ.get("PIPELINE_STOP_GRACE_S", "5"))
# A running run whose supervising worker has not renewed its heartbeat for this long is failed.
PIPELINE_RUN_STALE_S = float(os.environ.get("PIPELINE_RUN_STALE_S", "30"))
# Each run's limits: address space, CPU seconds, processes (of all runs' uid), largest file.
PIPELINE_RUN_MEMORY_MB = env_int("PIPELINE_RUN_MEMORY_MB", 4096)
PIPELINE_RUN_CPU_S = env_int("PIPELINE_RUN_CPU_S", 4 * 3600)
PIPELINE_RUN_MAX_PROCESSES = env_int("PIPELINE_RUN_MAX_PROCESSES", 256)
PIPELINE_RUN_MAX_FILE_MB = env_int("PIPELINE_RUN_MAX_FILE_MB", 1024)
# What a run keeps: the last bytes of its output, its first messages and outputs.
PIPELINE_RUN_MAX_LOG_BYTES = env_int("PIPELINE_RUN_MAX_LOG_BYTES", 1_000_000)
PIPELINE_RUN_MAX_MESSAGES = env_int("PIPELINE_RUN_MAX_MESSAGES", 1000)
PIPELINE_RUN_MAX_OUTPUTS = env_int("PIPELINE_RUN_MAX_OUTPUTS", 100)
# Largest uploaded version (its zip), in bytes.
PIPELINE_MAX_ZIP_BYTES = env_int("PIPELINE_MAX_ZIP_BYTES", 20_000_000)

# Procrastinate (the task engine): workers are started by `manage.py assistant_worker`.
PROCRASTINATE_READONLY_MODELS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # the HTTP clients' line per request is noise (hexa.assistant.activity logs each model
    # call, tool call and turn as one JSON line); errors still show
    "loggers": {
        **{name: {"level": "WARNING"} for name in ("httpx", "httpx2", "anthropic")},
    },
}
