"""`manage.py pipelines_worker`: a task-engine worker for the `pipeline_runs` queue, apart from
the assistant's (a run holds its job for as long as it runs), running PIPELINE_RUNS_CONCURRENCY
runs at once, each supervised on a thread of its own; and every few seconds, the failing of
runs whose worker died (runner.fail_stale_runs)."""

import asyncio
import logging
import os
import signal
import socket
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from procrastinate.contrib.django import app

from hexa.assistant.worker import connector

from .runner import QUEUE, fail_stale_runs, shutting_down

logger = logging.getLogger(__name__)

SWEEP_EVERY_S = 5.0


def _sweep():
    close_old_connections()
    try:
        failed = fail_stale_runs()
        if failed:
            logger.warning("Failed %s run(s) whose worker died", failed)
    finally:
        close_old_connections()


async def _sweep_loop():
    while True:
        try:
            await sync_to_async(_sweep, thread_sensitive=False)()
        except Exception as error:  # the database is down: next time
            logger.warning("Stale runs check failed: %s", error)
        await asyncio.sleep(min(SWEEP_EVERY_S, settings.PIPELINE_RUN_STALE_S / 3))


async def serve(concurrency: int):
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=concurrency + 2, thread_name_prefix="run"))
    name = f"pipelines-{socket.gethostname()}-{os.getpid()}"
    with app.replace_connector(connector()):
        async with app.open_async():
            sweep = asyncio.create_task(_sweep_loop())
            worker = asyncio.create_task(
                app.run_worker_async(
                    name=name, queues=[QUEUE], concurrency=concurrency, install_signal_handlers=False,
                    delete_jobs="successful", fetch_job_polling_interval=1.0,
                    # on SIGTERM its runs are stopped (SIGTERM, SIGKILL after the grace) and failed, saying so
                    shutdown_graceful_timeout=settings.PIPELINE_STOP_GRACE_S + 5,
                )
            )
            def on_signal():
                shutting_down.set()
                worker.cancel()

            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, on_signal)
            try:
                await worker
            except asyncio.CancelledError:
                pass
            sweep.cancel()
