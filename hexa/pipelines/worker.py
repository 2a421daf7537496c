"""`manage.py pipelines_worker`: a task-engine worker for the `pipeline_runs` queue, apart from
the assistant's (a run holds its job for as long as it runs), running PIPELINE_RUNS_CONCURRENCY
runs at once, each supervised on a thread of its own; and every few seconds, the failing of
runs whose worker died (runner.fail_stale_runs) and the removal of the jobs such a worker left
`doing` in the task engine (remove_stalled_jobs)."""

import asyncio
import logging
import os
import signal
import socket
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from procrastinate import jobs as procrastinate_jobs
from procrastinate.contrib.django import app

from hexa.assistant.worker import connector

from .models import FINISHED, PipelineRun
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


def _finished_runs(run_ids) -> set[str]:
    close_old_connections()
    try:
        return {str(pk) for pk in PipelineRun.objects.filter(pk__in=run_ids, status__in=FINISHED).values_list("pk", flat=True)}
    finally:
        close_old_connections()


async def remove_stalled_jobs() -> int:
    """The jobs a dead worker left `doing` (procrastinate's stalled jobs: its heartbeat stopped),
    aborted and deleted once their run is finished (fail_stale_runs failed it): the run is the
    record, the job is litter that would otherwise stay `doing` for good."""
    stalled = list(await app.job_manager.get_stalled_jobs(
        queue=QUEUE, seconds_since_heartbeat=settings.PIPELINE_RUN_STALE_S
    ))
    if not stalled:
        return 0
    finished = await sync_to_async(_finished_runs, thread_sensitive=False)(
        [job.task_kwargs.get("run_id") for job in stalled]
    )
    removed = 0
    for job in stalled:
        if job.task_kwargs.get("run_id") in finished:
            await app.job_manager.finish_job_by_id_async(job.id, procrastinate_jobs.Status.ABORTED, delete_job=True)
            logger.info("Removed the stalled job %s of a dead worker (run %s)", job.id, job.task_kwargs["run_id"])
            removed += 1
    return removed


async def _sweep_loop():
    while True:
        try:
            await sync_to_async(_sweep, thread_sensitive=False)()
            await remove_stalled_jobs()
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
                    # a live worker's jobs are never judged stalled (remove_stalled_jobs)
                    update_heartbeat_interval=max(settings.PIPELINE_RUN_STALE_S / 3, 0.5),
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
