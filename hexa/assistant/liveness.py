"""Whether a worker, and each turn it runs, is alive: seen by PostgreSQL itself.

Each worker process keeps one connection of its own on which it holds session-level
advisory locks: one for the process (WORKER_LOCKS), one per running turn (TURN_LOCKS, keyed
by the turn's lease owner), taken before the lease is written and given up after it is
cleared. PostgreSQL drops a connection's locks the moment its process dies (kill -9: the
kernel closes the socket; a lost machine: the TCP keepalives below), so:

- a turn whose lease is held but whose lock is not has lost its worker: the other workers
  see it in pg_locks within a second and resume it (worker.py), without waiting for the
  lease to expire (the lease stays the rule for everything else);
- /healthz counts the worker locks: a worker's death shows at once.

After a database restart the locks are taken again at the worker's next monitor tick; a
turn is declared orphaned only when its lock stays missing ORPHAN_GRACE_S, and not at all
in the first lease after PostgreSQL started, so a restart or an outage hands no live turn
over.
"""

import logging
import random
import threading
import uuid

import psycopg
from django.conf import settings
from django.db import connection as django_connection
from procrastinate.contrib.django.utils import connector_params

from .models import Conversation

logger = logging.getLogger(__name__)

TURN_LOCKS = 0x48455854  # "HEXT": the first key of a turn's lock; the second is turn_key()
WORKER_LOCKS = 0x48455857  # "HEXW": the first key of a worker process's lock
ORPHAN_GRACE_S = 1.5


def turn_key(owner: uuid.UUID) -> int:
    return int(owner.hex[:8], 16) & 0x7FFFFFFF


# the same key, computed by PostgreSQL from a lease_owner column
_SQL_TURN_KEY = "((('x' || substr(replace({}::text, '-', ''), 1, 8))::bit(32)::int) & 2147483647)"
_SQL_DATABASE = "(SELECT oid FROM pg_database WHERE datname = current_database())"


class Locks:
    """The advisory locks of this process, on a connection of their own (autocommit, so a
    lock is never tied to a transaction), taken again after a reconnection."""

    def __init__(self):
        self.mutex = threading.Lock()
        self.connection = None
        self.keys: set[int] = set()
        self.worker_key = None  # set in worker processes (register_worker)

    def register_worker(self):
        with self.mutex:
            self.worker_key = random.randint(1, 0x7FFFFFFF)
            self._connected()

    def hold(self, owner: uuid.UUID):
        """Before a turn's lease is written."""
        with self.mutex:
            self.keys.add(turn_key(owner))
            try:
                self._connected().execute("SELECT pg_try_advisory_lock(%s, %s)", [TURN_LOCKS, turn_key(owner)])
            except psycopg.Error as error:  # taken again at the next check
                logger.warning("Turn lock not taken: %s", error)
                self._drop()

    def release(self, owner: uuid.UUID):
        """After a turn's lease is cleared (or lost)."""
        with self.mutex:
            key = turn_key(owner)
            if key not in self.keys:
                return
            self.keys.discard(key)
            try:
                if self.connection is not None:
                    self.connection.execute("SELECT pg_advisory_unlock(%s, %s)", [TURN_LOCKS, key])
            except psycopg.Error:
                self._drop()
            if not self.keys and self.worker_key is None:
                self._drop()  # a process that is not a worker keeps no connection idle

    def check(self):
        """At each monitor tick: a lost connection is made again, with its locks."""
        with self.mutex:
            if not self.keys and self.worker_key is None:
                return
            try:
                self._connected().execute("SELECT 1")
            except psycopg.Error as error:
                logger.warning("Liveness locks: %s", error)
                self._drop()

    def _connected(self):
        if self.connection is None or self.connection.closed or self.connection.broken:
            self._drop()
            self.connection = psycopg.connect(
                **connector_params("default"), autocommit=True, application_name="hexa-assistant-liveness",
                keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3,
            )
            if self.worker_key is not None:
                self.connection.execute("SELECT pg_try_advisory_lock(%s, %s)", [WORKER_LOCKS, self.worker_key])
            for key in self.keys:
                self.connection.execute("SELECT pg_try_advisory_lock(%s, %s)", [TURN_LOCKS, key])
        return self.connection

    def _drop(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:
                pass
            self.connection = None


locks = Locks()


def live_workers() -> int:
    """Worker processes alive now (each holds its lock while its process lives)."""
    with django_connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 "
            f"AND classid = %s AND database = {_SQL_DATABASE}",
            [WORKER_LOCKS],
        )
        return cursor.fetchone()[0]


def unlocked_turns() -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(conversation, lease owner) of running turns whose lease holds but whose lock does not.

    None in the first lease after PostgreSQL started (the rule of tasks.expired_turns): a
    restart drops every lock, and a live worker riding out the outage takes its locks again
    only once it has a connection; its turns must not be taken from it meanwhile."""
    table = django_connection.ops.quote_name(Conversation._meta.db_table)
    with django_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, c.lease_owner FROM {table} c WHERE c.turn_started_at IS NOT NULL "
            "AND c.lease_owner IS NOT NULL AND c.lease_expires_at >= now() "
            "AND now() - pg_postmaster_start_time() >= make_interval(secs => %s) AND NOT EXISTS ("
            "SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid = %s "
            f"AND l.database = {_SQL_DATABASE} AND l.objid::bigint = {_SQL_TURN_KEY.format('c.lease_owner')})",
            [settings.ASSISTANT_TURN_LEASE_S, TURN_LOCKS],
        )
        return cursor.fetchall()


class OrphanWatch:
    """Turns whose lock is missing, remembered across checks: one missing ORPHAN_GRACE_S
    (not a reconnection in progress) has lost its worker; its lease is ended at once."""

    def __init__(self, clock):
        self.clock = clock
        self.missing: dict[tuple, float] = {}

    def check(self) -> int:
        now = self.clock()
        seen = set(unlocked_turns())
        self.missing = {turn: self.missing.get(turn, now) for turn in seen}
        orphans = [turn for turn, since in self.missing.items() if now - since >= ORPHAN_GRACE_S]
        table = django_connection.ops.quote_name(Conversation._meta.db_table)
        for conversation_id, owner in orphans:
            with django_connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET lease_expires_at = now() - interval '1 millisecond' "
                    "WHERE id = %s AND lease_owner = %s",
                    [conversation_id, owner],
                )
            logger.warning("Turn in conversation %s lost its worker: resuming it", conversation_id)
            self.missing.pop((conversation_id, owner), None)
        return len(orphans)
