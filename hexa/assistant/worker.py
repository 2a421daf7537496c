"""The worker process: procrastinate's worker running turn jobs, plus the recovery of
turns whose worker died. Started by `manage.py assistant_worker`.

Turns mostly wait on the model, so one process runs many at once (each on a thread of its
own: the SDK and the ORM are synchronous). On SIGTERM the worker takes no new turn, lets
running ones go on for ASSISTANT_WORKER_DRAIN_S, then hands the rest over to other
workers at their next step; a second signal stops it at once (the leases then expire and
other workers resume its turns).
"""

import asyncio
import logging
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import psycopg_pool
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from procrastinate import exceptions as procrastinate_exceptions
from procrastinate import jobs as procrastinate_jobs
from procrastinate.contrib.django import app
from procrastinate.contrib.django.utils import connector_params
from procrastinate.psycopg_connector import PsycopgConnector

from hexa.core.db import RETRY_FOR_S

from .executors.file_process import start_fork_server
from .liveness import OrphanWatch, locks
from .sdk import sdk
from .tasks import QUEUE, recover_turns

logger = logging.getLogger(__name__)

# a worker whose heartbeat file is older than this is not alive (its loop is stuck or gone)
HEARTBEAT_FRESH_S = 30.0
# how often each worker looks for turns whose lease expired
RECOVER_EVERY_S = min(5.0, max(settings.ASSISTANT_TURN_LEASE_S / 3, 0.5))
# how often each worker looks for turns whose worker died (their lock is gone: liveness.py)
ORPHAN_CHECK_S = 0.5
# finished jobs of the task engine kept this long (failed ones, for inspection), then deleted
OLD_JOBS_H = 1
OLD_JOBS_EVERY_S = 600
# past ASSISTANT_WORKER_DRAIN_S, what a hand-over may take before the process exits anyway
HAND_OVER_S = 1.5


def _lost_connection(error: BaseException) -> bool:
    return isinstance(error, procrastinate_exceptions.ConnectorException) and isinstance(
        error.__cause__, (psycopg.OperationalError, psycopg_pool.PoolTimeout)
    )


class ResilientConnector(PsycopgConnector):
    """The task engine's connection, riding out database restarts: a lost connection is
    retried for up to RETRY_FOR_S instead of stopping the worker (and its turns)."""

    async def _retrying(self, method, *args, **kwargs):
        deadline, delay = time.monotonic() + RETRY_FOR_S, 0.1
        while True:
            try:
                return await method(*args, **kwargs)
            except Exception as error:
                if not _lost_connection(error) or time.monotonic() + delay > deadline:
                    raise
                logger.warning("Task engine: database connection lost; retrying in %.1f s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_DELAY_S)

    async def execute_query_async(self, query, **arguments):
        return await self._retrying(super().execute_query_async, query, **arguments)

    async def execute_query_one_async(self, query, **arguments):
        return await self._retrying(super().execute_query_one_async, query, **arguments)

    async def execute_query_all_async(self, query, **arguments):
        return await self._retrying(super().execute_query_all_async, query, **arguments)

    async def listen_notify(self, on_notification, channels):
        while True:
            try:
                return await super().listen_notify(on_notification=on_notification, channels=channels)
            except Exception as error:
                if not _lost_connection(error):
                    raise
                logger.warning("Task engine: listener lost its connection; reconnecting")
                await asyncio.sleep(RETRY_DELAY_S)


# After an outage, the task engine is back within a second of the database, not after the
# pool's exponential backoff (1, 2, 4, 8, 16 s... between attempts, 11.9 s measured after a
# 20 s outage): a request waits POOL_TIMEOUT_S at most before ResilientConnector tries again
# (every RETRY_DELAY_S at most, as the listener reconnects), and the pool gives up a
# reconnection after POOL_RECONNECT_S (its next attempt would wait a second) to start a
# fresh one at once on demand. The cost is only during an outage: a few refused connection
# attempts a second. A turn sent right after a 20 s outage starts in 1.0-1.5 s.
POOL_TIMEOUT_S = 1.0
POOL_RECONNECT_S = 0.5
RETRY_DELAY_S = 0.5
# how often an idle worker looks for jobs when no notification came (the listener's
# connection may be dead unnoticed for a while after an outage; notifications are then lost)
FETCH_POLL_S = 1.0


def connector() -> ResilientConnector:
    return ResilientConnector(
        kwargs=connector_params("default"),
        min_size=1,
        max_size=4,
        timeout=POOL_TIMEOUT_S,
        reconnect_timeout=POOL_RECONNECT_S,
    )


def _recover():
    close_old_connections()
    try:
        return recover_turns("resume")
    finally:
        close_old_connections()


def heartbeat_path() -> Path:
    return Path(settings.DATA_DIR) / "workers" / f"{socket.gethostname()}-{os.getpid()}.alive"


def remove_dead_heartbeats():
    """Heartbeat files of this machine's workers whose process is gone (killed: they could
    not remove their own)."""
    for path in (Path(settings.DATA_DIR) / "workers").glob(f"{socket.gethostname()}-*.alive"):
        try:
            os.kill(int(path.stem.rsplit("-", 1)[1]), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except (ValueError, PermissionError):  # not a pid, or another user's live process
            pass


class DatabaseSeen:
    """When this process last failed to reach the database (its loops report it). During an
    outage no worker can renew its heartbeat in the task engine, so right after one every
    worker looks dead there: pruning then deleted live workers' rows, and their next job
    fetch failed on the missing row (a foreign key), restarting their loop as the first
    turn after the outage came (3 s for a turn sent right after a 20 s outage)."""

    failed_at = -float("inf")

    @classmethod
    def failed(cls):
        cls.failed_at = time.monotonic()

    @classmethod
    def back_for(cls) -> float:
        return time.monotonic() - cls.failed_at


async def remove_litter():
    """What killed workers leave behind in the task engine: their jobs stuck in `doing`
    (procrastinate's stalled jobs: their worker's heartbeat stopped; the turns themselves are
    resumed through their leases) and their stale worker rows; and every OLD_JOBS_EVERY_S,
    finished jobs older than OLD_JOBS_H. Only once the database has been back for a lease:
    live workers renew their heartbeats (every third of a lease) before they are judged."""
    lease_s = settings.ASSISTANT_TURN_LEASE_S
    if DatabaseSeen.back_for() < lease_s:
        return
    manager = app.job_manager
    for job in await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=lease_s):
        await manager.finish_job_by_id_async(job.id, procrastinate_jobs.Status.ABORTED, delete_job=True)
        logger.info("Removed the stalled job %s of a dead worker", job.id)
    await manager.prune_stalled_workers(lease_s)
    now = time.monotonic()
    if now - remove_litter.old_jobs_at >= OLD_JOBS_EVERY_S:
        remove_litter.old_jobs_at = now
        await manager.delete_old_jobs(
            nb_hours=OLD_JOBS_H, queue=QUEUE, include_failed=True, include_cancelled=True, include_aborted=True
        )


remove_litter.old_jobs_at = -float("inf")


def heartbeat_ages() -> list[tuple[str, float]]:
    """(file, seconds since its last beat) for this machine's workers."""
    folder = Path(settings.DATA_DIR) / "workers"
    now = time.time()
    return [(p.name, now - p.stat().st_mtime) for p in folder.glob(f"{socket.gethostname()}-*.alive")]


async def _recovery_loop():
    """Every few seconds: a heartbeat for liveness probes (`assistant_worker --healthcheck`,
    beside procrastinate's own heartbeats in the database), then the recovery."""
    beat = heartbeat_path()
    beat.parent.mkdir(parents=True, exist_ok=True)
    while True:
        beat.touch()
        await asyncio.sleep(RECOVER_EVERY_S)
        try:
            await sync_to_async(_recover, thread_sensitive=False)()
            await remove_litter()
            remove_dead_heartbeats()
        except Exception as error:  # the database is down: next time
            DatabaseSeen.failed()
            logger.warning("Turn recovery failed: %s", error)


def _watch_orphans(stopped):
    """The thread that keeps this worker's liveness locks (taken again after a database
    restart) and resumes at once the turns of workers that died (liveness.py)."""
    watch = OrphanWatch(time.monotonic)
    while not stopped.wait(ORPHAN_CHECK_S):
        try:
            locks.check()
            if watch.check():
                _recover()
        except Exception as error:  # the database is down: next time
            DatabaseSeen.failed()
            logger.warning("Orphan watch: %s", error)
            close_old_connections()
            from django.db import connection

            connection.close()


async def serve(concurrency: int):
    loop = asyncio.get_running_loop()
    # the task engine runs each synchronous job on the loop's default executor
    loop.set_default_executor(ThreadPoolExecutor(max_workers=concurrency + 4, thread_name_prefix="turn"))
    name = f"{socket.gethostname()}-{os.getpid()}"
    stopping = asyncio.Event()
    await sync_to_async(locks.register_worker, thread_sensitive=False)()
    # before the first job: a turn's first file query must not wait for the engine's load,
    # nor its first model call for the SDK's import (sdk.py)
    await sync_to_async(start_fork_server, thread_sensitive=False)()
    sdk()
    watching = threading.Event()
    threading.Thread(target=_watch_orphans, args=(watching,), name="orphan-watch", daemon=True).start()
    with app.replace_connector(connector()):
        async with app.open_async():
            worker = asyncio.create_task(_run_worker(name, concurrency, stopping))
            recovery = asyncio.create_task(_recovery_loop())

            def on_signal():
                if stopping.is_set():
                    logger.warning("Worker %s: second signal, stopping now", name)
                    os._exit(1)
                logger.info("Worker %s: stopping (draining for %s s)", name, settings.ASSISTANT_WORKER_DRAIN_S)
                stopping.set()
                worker.cancel()  # procrastinate stops taking jobs and drains the running ones
                # past the drain, running turns are cut and handed over within a second;
                # should one not answer, the process exits anyway (its locks go with it, so
                # other workers resume its turns at once)
                deadline = threading.Timer(settings.ASSISTANT_WORKER_DRAIN_S + HAND_OVER_S, _exit_late, args=(name,))
                deadline.daemon = True
                deadline.start()

            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, on_signal)
            try:
                await worker
            except asyncio.CancelledError:
                pass
            recovery.cancel()
            watching.set()
            heartbeat_path().unlink(missing_ok=True)


def _exit_late(name):
    # also reached with no turn at all when the database is down: the task engine's shutdown
    # waits for it
    logger.warning(
        "Worker %s: not stopped after the drain and hand-over (turns still running, or the database unreachable);"
        " exiting now", name,
    )
    heartbeat_path().unlink(missing_ok=True)
    os._exit(1)


async def _run_worker(name, concurrency, stopping):
    while True:
        try:
            await app.run_worker_async(
                name=name,
                queues=[QUEUE],
                concurrency=concurrency,
                install_signal_handlers=False,
                shutdown_graceful_timeout=settings.ASSISTANT_WORKER_DRAIN_S,
                delete_jobs="successful",
                update_heartbeat_interval=max(settings.ASSISTANT_TURN_LEASE_S / 3, 1),
                fetch_job_polling_interval=FETCH_POLL_S,
                stalled_worker_timeout=settings.ASSISTANT_TURN_LEASE_S,
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Worker %s stopped on an error; starting again", name)
        if stopping.is_set():
            return
        await asyncio.sleep(1)
