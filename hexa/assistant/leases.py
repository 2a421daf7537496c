"""Leases of running turns, and the watch kept over them.

A turn runs under a lease on its conversation (`lease_owner`, `lease_expires_at`): a
worker takes it when it starts or resumes the turn, and one monitor thread per worker
process renews the leases of all its turns in one statement every third of
ASSISTANT_TURN_LEASE_S. A worker that dies stops renewing; once the lease has expired,
the recovery (tasks.recover_turns) gives the turn to another worker. A live turn is never
declared dead because it is long: only a lease that nobody renews expires.

The same thread reads the cancel flags of its turns twice a second (one statement), so
that Stop cuts a model call within a second, and notices when a turn must be handed over
(the worker is stopping) or was taken by another worker (its lease was lost): the turn's
open model stream is closed and the turn stops at once.
"""

import logging
import socket
import threading
import time
import uuid

from django.conf import settings
from django.db import connection

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


def _cut(stream):
    """End a model stream that another thread is reading. Closing it would release its
    socket under a blocked read (which then waits for data that never comes); shutting the
    socket down wakes the reader with an end of stream, which it reports as a cut."""
    try:
        network = stream.response.extensions.get("network_stream")
        sock = network.get_extra_info("socket") if network is not None else None
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
        else:
            stream.close()
    except Exception:  # already ended or closed: the reader stops either way
        pass


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
        self.stream = None  # the open model stream, closed when the turn must stop

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
        """Called from the monitor thread: flag the turn and cut its model call."""
        reason.set()
        stream = self.stream
        if stream is not None:
            _cut(stream)

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
