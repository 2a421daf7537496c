"""Read-only sessions on workspace databases, with connections kept between calls.

    with read_only_session(workspace, timeout_ms, connect) as connection:
        ...  # a READ ONLY transaction, always rolled back, limited in time on the server and here

Sessions run as the workspace's read-only role (`<db_name>_ro`, see api.py). A connection is
kept for the next session only after one that ended cleanly, and then rolled back and reset
(DISCARD ALL). Raises Unavailable when no connection can be had; psycopg2 errors from inside
the block pass through, for the caller to translate.
"""

import logging
import threading
import time
from contextlib import contextmanager

import psycopg2
import psycopg2.extensions as ext

from . import api as databases
from .values import register

logger = logging.getLogger(__name__)

WATCHDOG_GRACE_S = 1.0  # the watchdog fires this long after the server's own timeout should have


class Unavailable(Exception):
    """No connection to the workspace database could be opened (or begin a transaction)."""


def time_limits(timeout_ms: int) -> dict[str, int]:
    return {
        "statement_timeout": timeout_ms,
        # A lock wait (say, behind a pipeline's ALTER TABLE) fails early, with its own message.
        "lock_timeout": max(1, timeout_ms // 2),
        # Frees the server if this process stalls between FETCHes with the transaction open.
        "idle_in_transaction_session_timeout": timeout_ms + 10_000,
    }


def connect(workspace, timeout_ms: int, application_name: str):
    """A fresh connection as the workspace's read-only role. The time limits are also session
    options, so they hold for every statement, even one that escaped our transaction."""
    options = " ".join(f"-c {name}={value}" for name, value in time_limits(timeout_ms).items())
    return databases.connect(
        workspace, read_only=True, options=options, application_name=application_name,
        keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3,
    )


def start_transaction(connection, timeout_ms: int) -> None:
    """BEGIN READ ONLY, with this call's settings SET LOCAL so that none outlives the transaction."""
    connection.set_session(readonly=True, autocommit=False)
    local = {name: str(value) for name, value in time_limits(timeout_ms).items()}
    # The assistant's SQL guard (hexa/assistant/executors/sql_guard.py) reads 'a\' as a complete
    # string, as PostgreSQL does only with this on.
    local["standard_conforming_strings"] = "on"
    local.update(DateStyle="ISO", IntervalStyle="iso_8601")  # output only: ISO dates, ISO-8601 intervals
    calls = ", ".join(["set_config(%s, %s, true)"] * len(local))  # is_local = true: SET LOCAL
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", [item for pair in local.items() for item in pair])


def cancel(connection) -> None:
    try:
        connection.cancel()
    except Exception:  # already closed: nothing left to stop
        pass


def close(connection) -> None:
    try:
        connection.rollback()  # nothing this call did may persist, not even a setting
    except Exception:
        pass
    connection.close()


class IdleConnections:
    """Read-only connections kept between calls of this process, per workspace database.

    Opening one costs a server process and a password exchange, more than most queries.
    A connection is kept only after a call that ended cleanly: rolled back, then DISCARD ALL
    (nothing of a session — locks, prepared statements, settings — reaches the next call).
    """

    MAX_PER_DATABASE = 8
    MAX_IDLE_SECONDS = 60

    def __init__(self):
        self._idle: dict[tuple, list[tuple[float, object]]] = {}
        self._lock = threading.Lock()

    def take(self, key):
        now = time.monotonic()
        with self._lock:
            stack = self._idle.get(key, [])
            while stack:
                since, connection = stack.pop()
                if now - since < self.MAX_IDLE_SECONDS and not connection.closed:
                    return connection
                connection.close()
        return None

    def give(self, key, connection):
        with self._lock:
            stack = self._idle.setdefault(key, [])
            if len(stack) < self.MAX_PER_DATABASE:
                stack.append((time.monotonic(), connection))
                return
        connection.close()

    def close_all(self):
        with self._lock:
            stacks, self._idle = list(self._idle.values()), {}
        for stack in stacks:
            for _, connection in stack:
                connection.close()


IDLE = IdleConnections()


def pool_key(workspace, timeout_ms: int) -> tuple:
    params = databases.connection_params(workspace, read_only=True)
    # the password is part of the key: a changed one must not reuse an old session
    return (params["host"], params["port"], params["dbname"], params["user"], params["password"], timeout_ms)


def reusable(connection) -> bool:
    """Rolled back and cleaned, ready for the next call; False if anything is off."""
    try:
        connection.rollback()  # nothing this call did may persist, not even a setting
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("DISCARD ALL")
        connection.autocommit = False
        return connection.get_transaction_status() == ext.TRANSACTION_STATUS_IDLE
    except Exception:
        return False


@contextmanager
def read_only_session(
    workspace, timeout_ms: int, connect, start_transaction=start_transaction, grace_s: float = WATCHDOG_GRACE_S
):
    """A connection in a read-only transaction limited to `timeout_ms`: a kept one, or a new one
    from `connect(workspace, timeout_ms)` (e.g. connect() above, with the caller's application
    name). Given back to IDLE after a clean exit, closed otherwise. If the block still runs
    `grace_s` after the time limit, a watchdog cancels what the connection is doing."""
    key = pool_key(workspace, timeout_ms)
    connection = IDLE.take(key)
    if connection is not None:
        try:
            start_transaction(connection, timeout_ms)
        except psycopg2.Error:  # the server closed it meanwhile (restart, idle timeout): open anew
            close(connection)
            connection = None
    if connection is None:
        try:
            connection = connect(workspace, timeout_ms)
            register(connection)
            start_transaction(connection, timeout_ms)
        except psycopg2.Error as error:
            logger.warning("Workspace database %s unreachable: %s", workspace.db_name, error)
            if connection is not None:
                close(connection)
            raise Unavailable(workspace.db_name) from None
    # Bounds the whole call, not each statement: several FETCHes could otherwise each take
    # almost the statement timeout, and a server that ignores it must not hang the worker.
    fired = threading.Event()

    def stop_the_call():
        fired.set()
        cancel(connection)

    watchdog = threading.Timer(timeout_ms / 1000 + grace_s, stop_the_call)
    watchdog.daemon = True
    watchdog.start()
    clean = False
    try:
        yield connection
        clean = True
    finally:
        watchdog.cancel()
        # a cancel sent by the watchdog could still land on the next call's query
        if clean and not fired.is_set() and reusable(connection):
            IDLE.give(key, connection)
        else:
            close(connection)

