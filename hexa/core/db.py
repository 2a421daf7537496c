"""Riding out database blips: a PostgreSQL restart or failover of a few seconds must not
end a long-running piece of work (an agent turn), only delay its writes."""

import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

logger = logging.getLogger(__name__)

# Longer than a restart or a failover; short enough that a real outage ends the work.
RETRY_FOR_S = 30.0


def is_connection_error(error: BaseException) -> bool:
    """True for a lost or refused connection (not for a query PostgreSQL refused)."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or ""
    # 08: connection exceptions; 57P01-57P03: the server is shutting down or starting
    return isinstance(error, DatabaseError) and (sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03"))


def retry_db(fn, *args, retry_for_s: float = RETRY_FOR_S, **kwargs):
    """Call `fn` (one statement, or one whole transaction), and again on a lost connection
    until `retry_for_s` has passed. Not inside an outer transaction: that one is lost with
    its connection, so retrying a part of it would be wrong."""
    deadline = time.monotonic() + retry_for_s
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
