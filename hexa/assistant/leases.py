"""Leases of running turns, and the watch kept over them.

A turn runs under a lease on its conversation (`lease_owner`, `lease_expires_at`): a
worker takes it when it starts or resumes the turn, and one monitor thread per worker
process renews the leases of all its turns in one statement every third of
ASSISTANT_TURN_LEASE_S. A worker that dies stops renewing; once the lease has expired,
the recovery (tasks.recover_turns) gives the turn to another worker. A live turn is never
declared dead because it is long: only a lease that nobody renews expires.

The same thread reads the cancel flags of its turns twice a second (one statement), so
that Stop ends a turn within a second whatever it is doing, and notices when a turn must be
handed over (the worker is stopping) or was taken by another worker (its lease was lost):
the turn's work in progress is cut (its model call, before or after the first byte; its SQL
query; its DuckDB query: see on_stop) and the turn stops at once.
"""

import logging
import socket
import threading
import time
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from .liveness import locks
from .models import Conversation, Message

logger = logging.getLogger(__name__)

TICK_S = 0.5


class TurnCancelled(Exception):
    """The user pressed Stop."""


class TurnInterrupted(Exception):
    """The turn must stop without ending: its worker hands it over, or another worker took
    its lease. Whoever resumes it goes on from what was stored."""


def _table() -> str:
    return connection.ops.quote_name(Conversation._meta.db_table)


_running = threading.local()


def current() -> "TurnHandle | None":
    """The handle of the turn this thread runs, if any (see running)."""
    return getattr(_running, "handle", None)


@contextmanager
def running(handle):
    """The block runs `handle`'s turn in this thread: what it starts can be cut (on_stop,
    model_http)."""
    previous, _running.handle = current(), handle
    try:
        yield handle
    finally:
        _running.handle = previous


@contextmanager
def on_stop(callback):
    """While the block runs, `callback` is called (from the monitor's thread) as soon as the
    turn running in this thread must stop: it cuts the work in progress (cancels a SQL
    query, interrupts DuckDB), which then fails at once. Outside a turn, nothing."""
    handle = current()
    if handle is None:
        yield
        return
    with handle.lock:
        handle.stoppers.append(callback)
    try:
        if handle.stopping:  # stopped before the block began
            callback()
        yield
    finally:
        with handle.lock:
            handle.stoppers.remove(callback)


class TurnHandle:
    """What a running turn listens to. Without a monitor (a turn run in the calling
    thread), it reads the cancel flag itself at each step."""

    def __init__(self, conversation_id, owner=None, should_hand_over=None):
        self.conversation_id = conversation_id
        self.owner = owner
        self.should_hand_over = should_hand_over  # e.g. the task engine asks the job to stop
        self.cancelled = threading.Event()
        self.handed_over = threading.Event()
        self.lost = threading.Event()
        self.monitored = False
        self.lock = threading.Lock()
        self.stoppers = []  # what cuts the work in progress (on_stop)
        self.reading = None  # the socket a model call of the turn is blocked on (model_http)

    @property
    def interrupted(self) -> bool:
        return self.handed_over.is_set() or self.lost.is_set()

    @property
    def stopping(self) -> bool:
        return self.interrupted or self.cancelled.is_set()

    def poll(self):
        """At a step of the turn: read the cancel flag, when no monitor does."""
        if not self.monitored and not self.cancelled.is_set() and self._cancel_flag():
            self.cancelled.set()

    def raise_if_stopping(self):
        if self.stopping:
            raise TurnInterrupted() if self.interrupted else TurnCancelled()

    def stop(self, reason: threading.Event):
        """Called from the monitor thread: flag the turn and cut what it is doing."""
        reason.set()
        sock = self.reading
        if sock is not None:
            try:
                # not close: the reading thread owns the socket; a shutdown wakes its read
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # the read ended meanwhile
                pass
        with self.lock:
            stoppers = list(self.stoppers)
        for stopper in stoppers:
            try:
                stopper()
            except Exception:  # what it would stop has ended
                logger.exception("Could not cut the work of the turn in conversation %s", self.conversation_id)

    def _cancel_flag(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cancel_requested FROM {_table()} WHERE id = %s", [self.conversation_id])
            row = cursor.fetchone()
        return bool(row and row[0])


def acquire(message, should_hand_over=None) -> TurnHandle | None:
    """Take the lease of the running turn of `message`: free (a new turn, or handed over)
    or expired (its worker died), and count the run on the message. None if another
    worker holds it, or if no turn runs."""
    owner = uuid.uuid4()
    locks.hold(owner)  # before the lease: a lease seen without its lock is an orphan (liveness.py)
    messages = connection.ops.quote_name(Message._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH taken AS (UPDATE {_table()} SET lease_owner = %s, lease_expires_at = now() + make_interval(secs => %s) "
            "WHERE id = %s AND turn_started_at IS NOT NULL AND (lease_owner IS NULL OR lease_expires_at < now()) "
            f"RETURNING id) UPDATE {messages} SET runs = runs + 1 WHERE id = %s AND EXISTS (SELECT 1 FROM taken) "
            "RETURNING runs",
            [owner, settings.ASSISTANT_TURN_LEASE_S, message.conversation_id, message.pk],
        )
        row = cursor.fetchone()
    if row is None:
        locks.release(owner)
        return None
    message.runs = row[0]
    return TurnHandle(message.conversation_id, owner, should_hand_over)


def release(handle: TurnHandle):
    """Give the lease up at once (a hand-over): the recovery may resume the turn now."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table()} SET lease_owner = NULL, lease_expires_at = now() WHERE id = %s AND lease_owner = %s",
            [handle.conversation_id, handle.owner],
        )


class Monitor:
    """The one thread per worker process that renews leases and reads cancel flags."""

    def __init__(self):
        self.handles: dict[uuid.UUID, TurnHandle] = {}
        self.lock = threading.Lock()
        self.thread = None
        self.renewed_at = 0.0

    def watch(self, handle: TurnHandle):
        handle.monitored = True
        with self.lock:
            self.handles[handle.owner] = handle
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="turn-monitor", daemon=True)
                self.thread.start()

    def unwatch(self, handle: TurnHandle):
        with self.lock:
            self.handles.pop(handle.owner, None)

    def _run(self):
        while True:
            time.sleep(TICK_S)
            try:
                self.tick()
            except Exception as error:  # a database blip: the leases outlast it
                logger.warning("Turn monitor: %s", error)
                connection.close()

    def tick(self):
        locks.check()  # a connection lost with the database is made again, locks included
        with self.lock:
            handles = list(self.handles.values())
        if not handles:
            return
        for handle in handles:
            if handle.should_hand_over and not handle.handed_over.is_set() and handle.should_hand_over():
                handle.stop(handle.handed_over)
        owners = [h.owner for h in handles]
        with connection.cursor() as cursor:
            if time.monotonic() - self.renewed_at >= settings.ASSISTANT_TURN_LEASE_S / 3:
                cursor.execute(
                    f"UPDATE {_table()} SET lease_expires_at = now() + make_interval(secs => %s) "
                    "WHERE lease_owner = ANY(%s)",
                    [settings.ASSISTANT_TURN_LEASE_S, owners],
                )
                self.renewed_at = time.monotonic()
            cursor.execute(f"SELECT lease_owner, cancel_requested FROM {_table()} WHERE lease_owner = ANY(%s)", [owners])
            rows = dict(cursor.fetchall())
        for handle in handles:
            if handle.owner not in rows and not handle.lost.is_set():
                # taken by another worker, or the conversation was deleted: stop writing
                logger.warning("Turn in conversation %s lost its lease: stopping it", handle.conversation_id)
                handle.stop(handle.lost)
            elif rows.get(handle.owner) and not handle.cancelled.is_set():
                logger.info("Turn in conversation %s cancelled", handle.conversation_id)
                handle.stop(handle.cancelled)


monitor = Monitor()
