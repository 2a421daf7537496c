"""Pipeline runs: the time from `runPipeline` to the run's process starting (target < 1 s), and
the host's overhead per run, measured on runs of a pipeline that does nothing but log a line,
through a live server and a `pipelines_worker` process (each run in its bubblewrap sandbox,
the real openhexa-sdk inside). Phases of a run, medians of RUNS runs after a warm-up:
runPipeline → process started (the job's pickup and the sandbox's start, as the worker records
the pid) → the pipeline's first message (bwrap, Python, the SDK's import, the code's download)
→ `success` as the API reports it. CPU per run: the worker's own, its children's (the sandbox,
Python and the SDK: the price of isolation and of the SDK), and the web server's."""

import io
import os
import statistics
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

from bench.common import result, temporary_workspace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pipelines.support import RUN, PipelinesWorker, gql, wait_for  # noqa: E402
from tests.support.live_server import LiveServer, session_for  # noqa: E402

RUNS = int(os.environ.get("BENCH_PIPELINE_RUNS", "5"))
CODE = """
from openhexa.sdk import current_run, pipeline

@pipeline(name="Nothing")
def nothing():
    current_run.log_info("started")
"""


def _cpu(pid) -> tuple[float, float]:
    """(own, waited-for children's) CPU seconds of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def _one_run(client, pipeline_id):
    from hexa.pipelines.models import PipelineRun

    sent_wall, sent = time.time(), time.perf_counter()
    run_id = gql(client, RUN, {"input": {"id": pipeline_id, "config": {}}})["runPipeline"]["run"]["id"]
    while not PipelineRun.objects.filter(pk=run_id, pid__isnull=False).exists():
        if PipelineRun.objects.filter(pk=run_id, status__in=["success", "failed"]).exists():
            break
        time.sleep(0.002)
    started = time.perf_counter()
    done = wait_for(client, run_id, {"success", "failed"}, seconds=60)
    finished = time.perf_counter()
    assert done["status"] == "success", done
    run = PipelineRun.objects.get(pk=run_id)
    first_message = datetime.fromisoformat(run.messages[0]["timestamp"]).timestamp() - sent_wall
    return started - sent, first_message, finished - sent


def _started(argv, env) -> float:
    import subprocess

    from hexa.pipelines import sandbox

    return min(_timed_once(lambda: subprocess.run(argv, env=env, check=True, capture_output=True,
                                                  preexec_fn=sandbox.apply_limits)) for _ in range(5))


def _timed_once(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _sandbox_costs():
    """What the sandbox adds to a process's start, and what importing the SDK costs (best of 5)."""
    from hexa.pipelines import sandbox

    bucket = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-pipelines-bucket"
    bucket.mkdir(exist_ok=True)
    argv, env = sandbox.command("{}", bucket, {})
    in_sandbox = argv[: argv.index("-I") + 1]
    python = [str(sandbox.runtime_python()), "-I"]
    bare = _started([*python, "-c", "pass"], env)
    boxed = _started([*in_sandbox, "-c", "pass"], env)
    sdk = _started([*in_sandbox, "-c", "import openhexa.sdk"], env)
    return [
        result("sandbox's cost at a process's start", round((boxed - bare) * 1000, 1), "ms", "-", None,
               f"python -c pass: {bare * 1000:.0f} ms bare, {boxed * 1000:.0f} ms in the sandbox"),
        result("the SDK's import in the sandbox", round((sdk - boxed) * 1000, 1), "ms", "-", None, "import openhexa.sdk"),
    ]


def run():
    from hexa.pipelines.models import Pipeline, PipelineVersion

    logs = ROOT / "bench" / "results"
    logs.mkdir(exist_ok=True)
    server = LiveServer("http://127.0.0.1:9", logs, workers=1, turn_workers=0, ASSISTANT_RATE_LIMIT="")
    worker = PipelinesWorker("http://127.0.0.1:9", logs, server.url, concurrency=1)
    try:
        with temporary_workspace("Pipelines") as (user, workspace):
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("pipeline.py", CODE)
            pipeline = Pipeline.objects.create(workspace=workspace, code="nothing", name="Nothing")
            PipelineVersion.objects.create(pipeline=pipeline, version_number=1, zipfile=buffer.getvalue(), parameters=[])
            client = server.client(session_for(user))
            _one_run(client, str(pipeline.pk))  # warm-up: first imports and connections
            worker_before, server_before = _cpu(worker.process.pid), _cpu(server.process.pid)
            runs = [_one_run(client, str(pipeline.pk)) for _ in range(RUNS)]
            worker_after, server_after = _cpu(worker.process.pid), _cpu(server.process.pid)
            client.close()
    finally:
        worker.stop()
        server.stop()
    to_start = statistics.median(r[0] for r in runs)
    to_message = statistics.median(r[1] for r in runs)
    to_done = statistics.median(r[2] for r in runs)
    return [
        result("runPipeline -> process started (median)", round(to_start * 1000, 1), "ms", "< 1000 ms", to_start < 1.0,
               "runs: " + ", ".join(f"{r[0] * 1000:.0f}" for r in runs) + " ms"),
        result("runPipeline -> the pipeline's first message", round(to_message, 2), "s", "-", None,
               "sandbox, Python, the SDK's import, the code's download"),
        result("runPipeline -> success (a pipeline doing nothing)", round(to_done, 2), "s", "-", None,
               "the SDK's task pool and its exit, then the worker's next check"),
        result("worker CPU per run", round((worker_after[0] - worker_before[0]) / RUNS, 3), "s", "-", None,
               "supervision: polling, logs, heartbeats"),
        *_sandbox_costs(),
        result("web server CPU per run", round((server_after[0] - server_before[0]) / RUNS, 3), "s", "-", None,
               "runPipeline, the SDK's calls, the polling of this benchmark"),
    ]
