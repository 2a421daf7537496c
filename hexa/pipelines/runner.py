"""Runs as jobs of the task engine (procrastinate, queue `pipeline_runs`), taken by
`manage.py pipelines_worker` processes. A job starts the run's process in its sandbox
(sandbox.py) and supervises it: its output becomes the run's logs (the last
PIPELINE_RUN_MAX_LOG_BYTES), a stop or the timeout ends it (SIGTERM to its process group,
SIGKILL after PIPELINE_STOP_GRACE_S), and the run's heartbeat is renewed every second. A
run whose heartbeat is older than PIPELINE_RUN_STALE_S (its worker died) is failed by
`fail_stale_runs`, which every worker runs every few seconds and which reading a run also
applies: no run stays `running` for good.
"""

import json
import logging
import os
import signal
import subprocess
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from hexa.databases import api as databases
from hexa.files import api as files

from . import sandbox
from .models import PipelineRun, PipelineRunStatus
from .signals import announce_finished

logger = logging.getLogger(__name__)

QUEUE = "pipeline_runs"
BEAT_S = 1.0
POLL_S = 0.1

# set when this worker process shuts down (SIGTERM): its runs are stopped and failed, saying so
shutting_down = threading.Event()


def enqueue_run(run: PipelineRun):
    """Queue the run once the caller's transaction commits."""
    run_id = str(run.pk)
    transaction.on_commit(lambda: execute_run.configure(queueing_lock=f"run:{run_id}").defer(run_id=run_id))


def add_message(run_id, priority: str, message: str) -> None:
    """Append a message to the run (at most PIPELINE_RUN_MAX_MESSAGES; the last one says so)."""
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().get(pk=run_id)
        limit = settings.PIPELINE_RUN_MAX_MESSAGES
        if len(run.messages) >= limit:
            return
        entry = {"priority": priority, "message": message[:10_000], "timestamp": timezone.now().isoformat()}
        if len(run.messages) == limit - 1:
            entry = {**entry, "priority": "WARNING", "message": f"Message limit reached ({limit}): later messages are not kept."}
        run.messages = [*run.messages, entry]
        run.save(update_fields=["messages", "updated_at"])


def _finish(run_id, status, message=None, priority="ERROR", logs=None):
    if message:
        add_message(run_id, priority, message)
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().get(pk=run_id)
        run.status = status
        run.token_hash = ""  # the token dies with the run
        run.pid = None
        if run.execution_date:
            run.duration = timezone.now() - run.execution_date
        if logs is not None:
            run.logs = logs
        if status == PipelineRunStatus.SUCCESS:
            run.progress = 100
        run.save()
        announce_finished(run_id)


def _environment(run: PipelineRun, token: str) -> dict:
    workspace = run.pipeline.workspace
    db = databases.connection_params(workspace, read_only=False)
    return {
        "HEXA_ENVIRONMENT": "CLOUD_PIPELINE",
        "HEXA_SERVER_URL": settings.PIPELINE_SERVER_URL,
        "HEXA_TOKEN": token,
        "HEXA_RUN_ID": str(run.pk),
        "HEXA_WORKSPACE": workspace.slug,
        "HEXA_PIPELINE_CODE": run.pipeline.code,
        "HEXA_PIPELINE_NAME": run.pipeline.name,
        "HEXA_LOG_LEVEL": "INFO",
        "WORKSPACE_BUCKET_NAME": workspace.bucket_name,
        "WORKSPACE_DATABASE_HOST": str(db["host"]),
        "WORKSPACE_DATABASE_PORT": str(db["port"]),
        "WORKSPACE_DATABASE_DB_NAME": db["dbname"],
        "WORKSPACE_DATABASE_USERNAME": db["user"],
        "WORKSPACE_DATABASE_PASSWORD": db["password"],
        "WORKSPACE_DATABASE_URL": f"postgresql://{db['user']}:{db['password']}@{db['host']}:{db['port']}/{db['dbname']}",
        "WORKSPACE_TMP_PATH": "/tmp",
        "PYTHONUNBUFFERED": "1",
        "LANG": "C.UTF-8",
    }


class Output:
    """The process's output, read on a thread, its last `limit` bytes kept."""

    def __init__(self, stream, limit: int):
        self.limit, self.data, self.dropped = limit, bytearray(), 0
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for chunk in iter(lambda: stream.read1(65536), b""):
            self.data += chunk
            if len(self.data) > self.limit:
                cut = len(self.data) - self.limit
                self.dropped += cut
                del self.data[:cut]

    def text(self) -> str:
        self.thread.join(timeout=2)
        head = f"[{self.dropped} earlier bytes of output not kept]\n" if self.dropped else ""
        return head + self.data.decode(errors="replace").replace("\x00", "")


def _signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def _end(process, reason: str) -> None:
    """SIGTERM to the run's processes, SIGKILL after the grace."""
    logger.info("Run process %s: %s, terminating", process.pid, reason)
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(settings.PIPELINE_STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait()


def start(run: PipelineRun):
    """Mark the run running, give it a token and start its process. None if it was stopped meanwhile."""
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().select_related("pipeline__workspace").get(pk=run.pk)
        if run.status != PipelineRunStatus.QUEUED:
            return None, None
        token = run.new_token()
        run.status = PipelineRunStatus.RUNNING
        run.execution_date = run.heartbeat_at = timezone.now()
        run.save()
    problem = sandbox.isolation_problem()
    if problem and not settings.PIPELINE_RUNS_UNSANDBOXED:
        _finish(run.pk, PipelineRunStatus.FAILED, f"Pipeline runs cannot be isolated on this worker: {problem}.")
        return None, None
    bucket = files.bucket_path(run.pipeline.workspace.bucket_name)
    bucket.mkdir(parents=True, exist_ok=True)
    sandbox.give_bucket(bucket)
    argv, env = sandbox.command(json.dumps(run.config), bucket, _environment(run, token))
    process = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        preexec_fn=sandbox.apply_limits, close_fds=True,
    )
    PipelineRun.objects.filter(pk=run.pk).update(pid=process.pid)
    return run, process


def supervise(run: PipelineRun, process) -> None:
    output = Output(process.stdout, settings.PIPELINE_RUN_MAX_LOG_BYTES)
    deadline = time.monotonic() + run.timeout
    beat_at = 0.0
    ended = None  # (status, message) when the worker ended the process
    while process.poll() is None:
        now = time.monotonic()
        if now >= deadline and ended is None:
            ended = (PipelineRunStatus.FAILED, f"The run timed out after {run.timeout} s and was stopped.")
            _end(process, "timeout")
            break
        if shutting_down.is_set():
            ended = (PipelineRunStatus.FAILED, "The worker running this run was shut down: the run was stopped.")
            _end(process, "worker shutdown")
            break
        if now - beat_at >= BEAT_S:
            beat_at = now
            PipelineRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
            status = PipelineRun.objects.filter(pk=run.pk).values_list("status", flat=True).first()
            if status == PipelineRunStatus.TERMINATING:
                ended = (PipelineRunStatus.STOPPED, None)
                _end(process, "stopped")
                break
        time.sleep(POLL_S)
    code = process.wait()
    logs = output.text()
    if ended is not None:
        _finish(run.pk, ended[0], ended[1], logs=logs)
    elif code == 0:
        _finish(run.pk, PipelineRunStatus.SUCCESS, logs=logs)
    elif code < 0:
        _finish(
            run.pk, PipelineRunStatus.FAILED,
            f"The run's process was killed by signal {signal.Signals(-code).name} (out of memory or CPU time, or killed).",
            logs=logs,
        )
    else:
        _finish(run.pk, PipelineRunStatus.FAILED, f"The run's process exited with code {code}.", logs=logs)


@app.task(name="pipelines.execute_run", queue=QUEUE)
def execute_run(run_id: str):
    close_old_connections()
    run = PipelineRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    try:
        run, process = start(run)
    except Exception as error:
        logger.exception("Run %s could not start", run_id)
        _finish(run_id, PipelineRunStatus.FAILED, f"The run could not start: {type(error).__name__}.")
        return
    if run is None:
        return
    try:
        supervise(run, process)
    except BaseException:
        if process.poll() is None:
            _end(process, "worker error")
        _finish(run_id, PipelineRunStatus.FAILED, "The run's worker failed while supervising it.")
        raise
    finally:
        close_old_connections()


def fail_stale_runs() -> int:
    """Runs left `running` or `terminating` by a worker that died: `failed`, saying so."""
    stale_before = timezone.now() - timedelta(seconds=settings.PIPELINE_RUN_STALE_S)
    stale = PipelineRun.objects.filter(
        status__in=[PipelineRunStatus.RUNNING, PipelineRunStatus.TERMINATING], heartbeat_at__lt=stale_before
    ).values_list("pk", flat=True)
    count = 0
    for run_id in list(stale):
        with transaction.atomic():
            run = PipelineRun.objects.select_for_update().filter(pk=run_id, heartbeat_at__lt=stale_before).first()
            if run is None or run.status not in (PipelineRunStatus.RUNNING, PipelineRunStatus.TERMINATING):
                continue
        _finish(
            run_id, PipelineRunStatus.FAILED,
            f"The worker running this run stopped responding (no heartbeat for {settings.PIPELINE_RUN_STALE_S:g} s): "
            "the run is failed.",
        )
        count += 1
    return count


