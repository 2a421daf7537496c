"""The assistant's sessions on a workspace database, and PostgreSQL's errors as its error codes
(a facade over these modules: database.py)."""

import logging
from contextlib import contextmanager

import psycopg2
import psycopg2.errorcodes
import psycopg2.errors
from django.conf import settings

from hexa.databases import pool
from hexa.databases.values import cut

from .. import leases
from ..errors import AssistantError

logger = logging.getLogger(__name__)

ERROR_MAX_CHARS = 1_000  # each part of a server error message
# The check of a query's text (database_query.check_text): error positions count from its start.
CHECK_PREFIX = "PREPARE hexa_check AS SELECT * FROM (\n"
CHECK_SUFFIX = "\n) AS hexa_query; DEALLOCATE hexa_check"


# --- Sessions ------------------------------------------------------------------------
# Connections, read-only transactions and the watchdog are hexa.databases.pool's; the
# assistant names its connections, reads its time limit from settings and turns psycopg2's
# errors into its own codes.

APPLICATION_NAME = "openhexa-assistant"  # how the assistant's sessions show in pg_stat_activity


def _timeout_ms() -> int:
    return max(1, int(settings.ASSISTANT_QUERY_TIMEOUT_MS))  # read per call: settings may change


@contextmanager
def _read_only_session(workspace, timeout_ms: int | None = None):
    """A connection in a read-only, time-limited transaction; psycopg2 errors become AssistantErrors.
    Layers 3, 4 and 5 (the transaction, the role, the time limits) are set up by the pool."""
    try:
        with pool.read_only_session(workspace, timeout_ms or _timeout_ms(), APPLICATION_NAME) as connection:
            try:
                with leases.on_stop(lambda: pool.interrupt(connection)):  # Stop cancels the query
                    yield connection
            except (AssistantError, psycopg2.Error) as error:
                # The watchdog cut the connection (the server ignored the cancel): a timeout, not a lost server.
                if pool.stopped(connection) and getattr(error, "code", None) != "QUERY_TIMEOUT":
                    raise _timeout() from None
                raise
    except pool.Unavailable:
        raise AssistantError(
            "DATABASE_UNAVAILABLE",
            "Could not connect to the workspace database; it may be temporarily unavailable. Try again in a "
            "moment, or tell the user.",
        ) from None
    except psycopg2.Error as error:
        raise _query_failure(error) from None


def _timeout() -> AssistantError:
    return AssistantError(
        "QUERY_TIMEOUT",
        f"The query was stopped after {_timeout_ms() / 1000:g} s, the time limit. Make it cheaper: filter with "
        "WHERE, aggregate with GROUP BY, avoid large joins without conditions, or try it on fewer rows first.",
    )


def _query_failure(error: psycopg2.Error, query: str | None = None, stage: str = "run") -> AssistantError:
    """`stage`: "check" for an error of the PREPARE check (the text parsed and analysed, no
    row read: its message is made of the query and the schema only), else "run"."""
    if isinstance(error, psycopg2.errors.LockNotAvailable):
        return AssistantError(
            "QUERY_TIMEOUT",
            "A table this query reads is locked by another operation (for example a pipeline loading data). "
            "Try again in a moment.",
        )
    if isinstance(error, psycopg2.errors.QueryCanceled):
        return _timeout()
    code = error.pgcode or ""
    lost = isinstance(error, (psycopg2.OperationalError, psycopg2.InterfaceError)) and not code
    if lost or code.startswith("08") or code in ("57P01", "57P02", "57P03"):
        logger.warning("Workspace database connection lost: %s", str(error)[:ERROR_MAX_CHARS])
        return AssistantError(
            "DATABASE_UNAVAILABLE",
            "The connection to the workspace database was lost. Try again in a moment, or tell the user.",
        )
    offset = _error_offset(error.diag, query) if query else None
    return AssistantError(
        "QUERY_ERROR",
        _server_message(error, query, offset),
        engine="postgresql",
        sqlstate=code or None,
        kind=error_kind(code),
        stage=stage,
        **({"position": offset + 1} if offset is not None else {}),
    )


def error_kind(sqlstate: str) -> str:
    """PostgreSQL's fixed name of an error code, in words: 22P02 -> "invalid text representation"."""
    name = psycopg2.errorcodes.lookup(sqlstate) if sqlstate else None
    return name.lower().replace("_", " ") if name else "error"


def _sentence(text: str) -> str:
    text = cut(text.strip(), 2 * ERROR_MAX_CHARS)  # the server cuts what it quotes at ERROR_MAX_CHARS already
    return text if text.endswith((".", "!", "?", "]")) else text + "."


def _server_message(error: psycopg2.Error, query: str | None, offset: int | None) -> str:
    """The server's own words (what the model learns from), placed in the model's query."""
    diag = error.diag
    primary = diag.message_primary or (str(error).strip().splitlines() or [type(error).__name__])[0]
    parts = [_sentence(f"PostgreSQL error: {primary}")]
    if diag.message_detail:
        parts.append(_sentence(f"Detail: {diag.message_detail}"))
    if diag.message_hint:
        parts.append(_sentence(f"Hint: {diag.message_hint}"))
    if offset is not None:
        parts.append(f"Near character {offset + 1} of the query: {query[max(0, offset - 30): offset + 30]!r}.")
    parts.append("Fix the query and try again.")
    return " ".join(parts)


def _error_offset(diag, query: str) -> int | None:
    """Where in the model's text the error is. Positions count the statement around it: the
    PREPARE check's (the text comes first in its string), or the PL/pgSQL EXECUTE's."""
    if diag.statement_position:
        offset = int(diag.statement_position) - 1 - len(CHECK_PREFIX)
    elif diag.internal_position and diag.internal_query:
        start = diag.internal_query.find(f"\n{query}\n")
        if start < 0:
            return None
        offset = int(diag.internal_position) - 2 - start
    else:
        return None
    return offset if 0 <= offset < len(query) else None
