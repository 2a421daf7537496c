"""Read-only sessions on workspace databases, with connections kept between calls.

    with read_only_session(workspace, timeout_ms, application_name) as connection:
        ...  # a READ ONLY transaction, always rolled back, limited in time on the server and here

Sessions run as the workspace's read-only role (`<db_name>_ro`, see api.py). A connection is
kept for the next session only after one that ended cleanly, and then rolled back and reset
(DISCARD ALL); kept connections are closed once idle longer than settings.DATABASE_CONN_MAX_AGE
seconds (see IdleConnections). Raises Unavailable when no connection can be had; psycopg2
errors from inside the block pass through, for the caller to translate.

The role comes from _connect and the read-only, time-limited transaction from
_start_transaction; tests take one defence away at a time by replacing them here.
"""

import heapq
import itertools
import logging
import os
import socket
import threading
import time
from contextlib import contextmanager

import psycopg2
import psycopg2.extensions as ext
from django.conf import settings

from hexa.core.idle_connections import TIMER

from . import api as databases
from .values import register

logger = logging.getLogger(__name__)

# The watchdog cancels the call this long after the server's own timeout should have fired,
# then, if the server has not answered the cancel WATCHDOG_CUT_S later (it is deep in work
# that does not check for interrupts, or unreachable), shuts the connection's socket down, so
# that the call ends within timeout + 0.8 s whatever the server does.
WATCHDOG_GRACE_S = 0.5
WATCHDOG_CUT_S = 0.3


class Watchdogs:
    """The calls' watchdogs, kept by one thread per process: a timer thread per call (started,
    then cancelled and ended with the call) cost more CPU than a short query. A watchdog that
    fires runs on a thread of its own, as it may wait for the server (WATCHDOG_CUT_S)."""

    def __init__(self):
        self._due = []  # [deadline, order, callback or None once cancelled], a heap
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread = None

    def start(self, seconds: float, callback) -> list:
        """`callback()` in `seconds`, unless cancelled before (cancel(the returned entry))."""
        entry = [time.monotonic() + seconds, next(self._order), callback]
        with self._changed:
            heapq.heappush(self._due, entry)
            if self._thread is None or not self._thread.is_alive():  # first use, or a forked child
                self._thread = threading.Thread(target=self._run, name="sql-watchdogs", daemon=True)
                self._thread.start()
            if self._due[0] is entry:  # sooner than what the thread waits for
                self._changed.notify()
        return entry

    @staticmethod
    def cancel(entry: list) -> None:
        entry[2] = None  # left in the heap until its time: the thread is not woken for it

    def _run(self):
        while True:
            with self._changed:
                while not self._due or self._due[0][0] > time.monotonic():
                    self._changed.wait(self._due[0][0] - time.monotonic() if self._due else None)
                callback = heapq.heappop(self._due)[2]
            if callback is not None:
                threading.Thread(target=callback, name="sql-watchdog", daemon=True).start()


WATCHDOGS = Watchdogs()


class Unavailable(Exception):
    """No connection to the workspace database could be opened (or begin a transaction)."""


def time_limits(timeout_ms: int) -> dict[str, int]:
    return {
        "statement_timeout": timeout_ms,
        # A lock wait (say, behind a pipeline's ALTER TABLE) fails early, with its own message.
        "lock_timeout": max(1, timeout_ms // 2),
        # Frees the server if this process stalls between FETCHes with the transaction open.
        "idle_in_transaction_session_timeout": timeout_ms + 10_000,
        # Ends the query within a second if this process dies (kill -9): the server would
        # otherwise run it to its timeout for nobody.
        "client_connection_check_interval": 1000,
    }


def _connect(workspace, timeout_ms: int, application_name: str):
    """A fresh connection as the workspace's read-only role. The time limits are also session
    options, so they hold for every statement, even one that escaped our transaction."""
    options = " ".join(f"-c {name}={value}" for name, value in time_limits(timeout_ms).items())
    return databases.connect(
        workspace, read_only=True, options=options, application_name=application_name,
        keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3,
    )


def _start_transaction(connection, timeout_ms: int) -> None:
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


def cut(connection) -> None:
    """Shut the connection's socket down (not close: libpq still owns the descriptor): a call
    blocked reading from it returns at once with an error."""
    try:
        sock = socket.socket(fileno=os.dup(connection.fileno()))
    except Exception:  # already closed
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()  # the duplicate only


_STOPPED: dict[int, threading.Event] = {}  # id(connection) -> set once the watchdog fired, while in a session


_STOPPERS: dict[int, object] = {}  # id(connection) -> what the watchdog does, while in a session


def interrupt(connection) -> None:
    """Stop what `connection` runs now, as the watchdog would (its caller no longer wants it:
    the user stopped the turn): cancelled, cut if that does not end it. Returns at once."""
    stop = _STOPPERS.get(id(connection))
    if stop is not None:
        threading.Thread(target=stop, name="sql-interrupt", daemon=True).start()


def stopped(connection) -> bool:
    """Whether the watchdog stopped what `connection` was doing in the current session."""
    fired = _STOPPED.get(id(connection))
    return fired is not None and fired.is_set()


def close(connection) -> None:
    try:
        connection.rollback()  # nothing this call did may persist, not even a setting
    except Exception:
        pass
    connection.close()


class IdleConnections:
    """Read-only connections kept between calls of this process, per workspace database key.

    Opening one costs a server process and a password exchange, more than most queries.
    A connection is kept only after a call that ended cleanly: rolled back, then DISCARD ALL
    (nothing of a session — locks, prepared statements, settings — reaches the next call).

    A connection idle longer than settings.DATABASE_CONN_MAX_AGE seconds is closed, as the
    main database's are (None: no age limit; 0: none is kept): whenever a connection is
    taken or given back, and by the process's idle-connection timer
    (hexa/core/idle_connections.py), so that they close even when no call comes. At most `max_per_key` connections are kept per key and
    `max_total` in all; beyond that, the oldest idle ones are closed first.
    """

    def __init__(self, max_per_key: int = 4, max_total: int = 32):
        self.max_per_key = max_per_key
        self.max_total = max_total
        self._idle: dict[tuple, list[tuple[float, object]]] = {}  # per key: (idle since, connection), oldest first
        self._lock = threading.Lock()

    def take(self, key):
        """The most recently kept open connection for `key`, or None."""
        with self._lock:
            done = self._expired(time.monotonic())
            stack = self._idle.get(key, [])
            connection = None
            while stack and connection is None:
                _, kept = stack.pop()
                if kept.closed:  # closed while kept: nothing to hand out
                    done.append(kept)
                else:
                    connection = kept
            if not stack:
                self._idle.pop(key, None)
        _close_all(done)
        return connection

    def give(self, key, connection):
        """Keep `connection` (clean, not in a transaction) for the next take(key)."""
        with self._lock:
            now = time.monotonic()  # under the lock: each key's list stays in time order
            done = self._expired(now)
            max_age = _max_age()
            if max_age is not None and max_age <= 0:
                done.append(connection)
            else:
                stack = self._idle.setdefault(key, [])
                stack.append((now, connection))
                while len(stack) > self.max_per_key:
                    done.append(stack.pop(0)[1])
                done.extend(self._over_total())
                TIMER.start()
        _close_all(done)

    def close_idle(self) -> int:
        """Close the connections idle longer than the maximum age; how many were closed."""
        with self._lock:
            done = self._expired(time.monotonic())
        _close_all(done)
        return len(done)

    def close_all(self):
        with self._lock:
            stacks, self._idle = list(self._idle.values()), {}
        _close_all([connection for stack in stacks for _, connection in stack])

    def count(self, key=None) -> int:
        """How many connections are kept, for `key` or in all."""
        with self._lock:
            return len(self._idle.get(key, ())) if key is not None else sum(map(len, self._idle.values()))

    def _expired(self, now: float) -> list:
        """Removes the connections idle too long and returns them, to be closed outside the lock."""
        max_age = _max_age()
        if max_age is None:
            return []
        done = []
        for key, stack in list(self._idle.items()):
            while stack and now - stack[0][0] > max_age:
                done.append(stack.pop(0)[1])
            if not stack:
                del self._idle[key]
        return done

    def _over_total(self) -> list:
        done, total = [], sum(map(len, self._idle.values()))
        while total > self.max_total:
            key = min(self._idle, key=lambda k: self._idle[k][0][0])  # the stack whose oldest is oldest
            done.append(self._idle[key].pop(0)[1])
            if not self._idle[key]:
                del self._idle[key]
            total -= 1
        return done


def _max_age() -> float | None:
    """settings.DATABASE_CONN_MAX_AGE, read per call (settings may change); 60, the README's
    default, where the setting is not defined."""
    return getattr(settings, "DATABASE_CONN_MAX_AGE", 60)


def _close_all(connections) -> None:
    for connection in connections:
        try:
            connection.close()
        except Exception:  # closing is best effort: the server ends the session anyway
            logger.debug("Closing an idle workspace connection failed", exc_info=True)


IDLE = IdleConnections()
TIMER.every_tick(IDLE.close_idle)


def close_idle() -> int:
    """Close this process's workspace connections idle longer than settings.DATABASE_CONN_MAX_AGE
    (how many were closed). Taking or giving back a connection does this too."""
    return IDLE.close_idle()


def pool_key(workspace, timeout_ms: int, application_name: str) -> tuple:
    params = databases.connection_params(workspace, read_only=True)
    # the password is part of the key: a changed one must not reuse an old session
    return (
        params["host"], params["port"], params["dbname"], params["user"], params["password"],
        timeout_ms, application_name,
    )


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
def read_only_session(workspace, timeout_ms: int, application_name: str):
    """A connection in a read-only transaction limited to `timeout_ms`, shown in pg_stat_activity
    as `application_name`: a kept one, or a new one. Given back to IDLE after a clean exit,
    closed otherwise. If the block still runs WATCHDOG_GRACE_S after the time limit, a
    watchdog cancels what the connection is doing, and cuts the connection WATCHDOG_CUT_S
    later if that did not end the call (`stopped(connection)` then says so)."""
    key = pool_key(workspace, timeout_ms, application_name)
    connection = IDLE.take(key)
    if connection is not None:
        try:
            _start_transaction(connection, timeout_ms)
        except psycopg2.Error:  # the server closed it meanwhile (restart, idle timeout): open anew
            close(connection)
            connection = None
    if connection is None:
        try:
            connection = _connect(workspace, timeout_ms, application_name)
            register(connection)
            _start_transaction(connection, timeout_ms)
        except psycopg2.Error as error:
            logger.warning("Workspace database %s unreachable: %s", workspace.db_name, error)
            if connection is not None:
                close(connection)
            raise Unavailable(workspace.db_name) from None
    # Bounds the whole call, not each statement: several FETCHes could otherwise each take
    # almost the statement timeout, and a server that ignores it must not hang the worker.
    fired, done, lock = threading.Event(), threading.Event(), threading.Lock()

    def stop_the_call():
        with lock:  # never after the block ended: the cancel could land on the next call's query
            if done.is_set():
                return
            fired.set()
        cancel(connection)
        if not done.wait(WATCHDOG_CUT_S):
            with lock:  # never after the block ended: the descriptor could then be another socket's
                if not done.is_set():
                    cut(connection)

    _STOPPED[id(connection)] = fired
    _STOPPERS[id(connection)] = stop_the_call
    watchdog = WATCHDOGS.start(timeout_ms / 1000 + WATCHDOG_GRACE_S, stop_the_call)
    clean = False
    try:
        yield connection
        clean = True
    finally:
        with lock:
            done.set()
        WATCHDOGS.cancel(watchdog)
        _STOPPED.pop(id(connection), None)
        _STOPPERS.pop(id(connection), None)
        # a cancel sent by the watchdog could still land on the next call's query
        if clean and not fired.is_set() and reusable(connection):
            IDLE.give(key, connection)
        else:
            close(connection)

