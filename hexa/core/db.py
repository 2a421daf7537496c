"""Riding out database blips: a PostgreSQL restart or failover of a few seconds must not
end a long-running piece of work (an agent turn), only delay its writes."""

import contextvars
import logging
import time
from contextlib import contextmanager

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

logger = logging.getLogger(__name__)

# Longer than a restart or a failover; short enough that a real outage ends the work.
RETRY_FOR_S = 30.0
# The bound of retry_db in the current context (riding_out sets another, e.g. for a turn).
_retry_for_s = contextvars.ContextVar("retry_for_s", default=RETRY_FOR_S)


@contextmanager
def riding_out(seconds: float | None):
    """retry_db calls within the block retry for `seconds` (None: until the database is back)."""
    token = _retry_for_s.set(seconds)
    try:
        yield
    finally:
        _retry_for_s.reset(token)


def is_connection_error(error: BaseException) -> bool:
    """True for a lost or refused connection (not for a query PostgreSQL refused)."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or ""
    # 08: connection exceptions; 57P01-57P03: the server is shutting down or starting
    return isinstance(error, DatabaseError) and (sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03"))


UNSET = object()


def retry_db(fn, *args, retry_for_s=UNSET, **kwargs):
    """Call `fn` (one statement, or one whole transaction), and again on a lost connection
    until `retry_for_s` has passed (by default RETRY_FOR_S, or what `riding_out` set; None:
    no limit). Not inside an outer transaction: that one is lost with its connection, so
    retrying a part of it would be wrong."""
    retry_for_s = _retry_for_s.get() if retry_for_s is UNSET else retry_for_s
    deadline = time.monotonic() + retry_for_s if retry_for_s is not None else float("inf")
    delay = 0.1
    while True:
        try:
            return fn(*args, **kwargs)
        except DatabaseError as error:
            if not is_connection_error(error) or transaction.get_connection().in_atomic_block:
                raise
            if time.monotonic() + delay > deadline:
                raise
            logger.warning("Database connection lost (%s); retrying in %.1f s", error.__class__.__name__, delay)
            connection.close()  # the next query opens a new one
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
