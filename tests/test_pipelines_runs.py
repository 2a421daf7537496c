"""Runs from runPipeline to their end, with the real openhexa-sdk in real sandboxed subprocesses
started by a real `pipelines_worker` process, reporting to a live server over HTTP."""

import os
import signal
import time

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from hexa.pipelines.models import PipelineRun
from tests.pipelines.support import STOP, PipelinesWorker, editor_client, gql, live, run, upload, wait_for
from tests.support.live_server import session_for

pytestmark = pytest.mark.slow

HELLO = '''
import os
import psycopg2
from openhexa.sdk import current_run, parameter, pipeline, workspace

@pipeline(name="Hello")
@parameter("count", type=int, default=3)
@parameter("label", type=str, required=True)
def hello(count, label):
    current_run.log_info(f"counting {count} {label}")
    os.makedirs(f"{workspace.files_path}/out", exist_ok=True)
    path = f"{workspace.files_path}/out/hello.csv"
    with open(path, "w") as f:
        f.write("n,label\\n" + "".join(f"{i},{label}\\n" for i in range(count)))
    current_run.add_file_output(path)
    with psycopg2.connect(workspace.database_url) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE hello_counts (n int, label text)")
        cursor.executemany("INSERT INTO hello_counts VALUES (%s, %s)", [(i, label) for i in range(count)])
    current_run.add_database_output("hello_counts")
    current_run.log_warning("done")
'''

HELLO_PARAMETERS = [
    {"code": "count", "type": "int", "name": "Count", "default": 3, "required": False},
    {"code": "label", "type": "str", "name": "Label", "required": True},
]

SLEEPER = '''
import time
from openhexa.sdk import current_run, pipeline

@pipeline(name="Sleeper")
def sleeper():
    current_run.log_info("sleeping")
    time.sleep(120)
'''


def test_a_run_goes_from_run_pipeline_to_success_with_its_outputs(roles, editor_client):
    workspace = roles["workspace"]
    version = upload(editor_client, workspace, "hello", HELLO, HELLO_PARAMETERS)
    started = run(editor_client, version["pipeline"]["id"], {"label": "cases", "count": 4})
    assert started["success"] and started["run"]["status"] == "queued", started
    done = wait_for(editor_client, started["run"]["id"], {"success", "failed"})
    assert done["status"] == "success", done
    assert done["progress"] == 100
    assert {"priority": "INFO", "message": "counting 4 cases"} in done["messages"]
    assert {"priority": "WARNING", "message": "done"} in done["messages"]
    outputs = {output["type"]: output for output in done["outputs"]}
    assert outputs["file"]["uri"] == f"gs://{workspace.bucket_name}/out/hello.csv"
    assert outputs["db"]["name"] == "hello_counts"
    assert "Successfully completed pipeline" in done["logs"]
    from hexa.files.api import bucket_path

    assert (bucket_path(workspace.bucket_name) / "out" / "hello.csv").read_text().count("cases") == 4
    from hexa.databases.api import connect

    with connect(workspace) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hello_counts")
        assert cursor.fetchone()[0] == 4
    # the token dies with the run
    assert PipelineRun.objects.get(pk=done["id"]).token_hash == ""


def test_an_invalid_config_is_refused_before_queueing(roles, editor_client):
    version = upload(editor_client, roles["workspace"], "hello-config", HELLO, HELLO_PARAMETERS)
    pipeline_id = version["pipeline"]["id"]
    for config in ({}, {"label": 3}, {"label": "x", "count": "many"}, {"label": "x", "unknown": 1}):
        result = run(editor_client, pipeline_id, config)
        assert result["success"] is False and result["errors"] == ["INVALID_CONFIG"], (config, result)
        assert result["details"]
    assert PipelineRun.objects.filter(pipeline_id=pipeline_id).count() == 0


def test_a_viewer_sees_but_may_not_run_or_upload(roles, editor_client, live):
    version = upload(editor_client, roles["workspace"], "hello-viewer", HELLO, HELLO_PARAMETERS)
    viewer = live[0].client(session_for(roles["viewer"]))
    try:
        found = gql(viewer, "query($s: String!) { pipelineByCode(workspaceSlug: $s, code: \"hello-viewer\") { id permissions { run } } }",
                    {"s": roles["workspace"].slug})["pipelineByCode"]
        assert found == {"id": version["pipeline"]["id"], "permissions": {"run": False}}
        assert run(viewer, found["id"], {"label": "x"})["errors"] == ["PERMISSION_DENIED"]
        refused = gql(viewer, "mutation($input: UploadPipelineInput!) { uploadPipeline(input: $input) { success errors } }",
                      {"input": {"workspaceSlug": roles["workspace"].slug, "pipelineCode": "x",
                                 "files": [{"path": "pipeline.py", "content": "x"}]}})["uploadPipeline"]
        assert refused == {"success": False, "errors": ["PERMISSION_DENIED"]}
    finally:
        viewer.close()
    outsider = live[0].client(session_for(roles["outsider"]))
    try:
        assert run(outsider, version["pipeline"]["id"], {"label": "x"})["errors"] == ["PIPELINE_NOT_FOUND"]
    finally:
        outsider.close()


def test_stop_ends_the_process_and_the_run_is_stopped(roles, editor_client):
    version = upload(editor_client, roles["workspace"], "sleeper-stop", SLEEPER)
    started = run(editor_client, version["pipeline"]["id"])["run"]
    wait_for(editor_client, started["id"], {"running"})
    pid = _wait_for_pid(started["id"])
    assert gql(editor_client, STOP, {"input": {"runId": started["id"]}})["stopPipeline"] == {"success": True, "errors": []}
    begun = time.monotonic()
    done = wait_for(editor_client, started["id"], {"stopped", "failed", "success"}, seconds=20)
    assert done["status"] == "stopped", done
    assert time.monotonic() - begun < 10
    assert not _alive(pid)
    assert gql(editor_client, STOP, {"input": {"runId": started["id"]}})["stopPipeline"]["errors"] == ["PIPELINE_ALREADY_COMPLETED"]


def test_a_run_past_its_timeout_is_failed_saying_so(roles, editor_client):
    version = upload(editor_client, roles["workspace"], "sleeper-timeout", SLEEPER, timeout=3)
    started = run(editor_client, version["pipeline"]["id"])["run"]
    done = wait_for(editor_client, started["id"], {"stopped", "failed", "success"}, seconds=40)
    assert done["status"] == "failed"
    assert any("timed out after 3 s" in m["message"] for m in done["messages"]), done["messages"]


def test_a_killed_runner_process_leaves_the_run_failed_with_a_message(roles, editor_client):
    version = upload(editor_client, roles["workspace"], "sleeper-killed", SLEEPER)
    started = run(editor_client, version["pipeline"]["id"])["run"]
    wait_for(editor_client, started["id"], {"running"})
    os.kill(_wait_for_pid(started["id"]), signal.SIGKILL)
    done = wait_for(editor_client, started["id"], {"stopped", "failed", "success"}, seconds=20)
    assert done["status"] == "failed"
    assert any("killed by signal SIGKILL" in m["message"] for m in done["messages"]), done["messages"]


def test_a_dead_worker_leaves_the_run_failed_within_seconds(roles, editor_client, model_url, logs, live):
    worker = PipelinesWorker(model_url, logs, live[0].url, concurrency=1)
    live[1].stop()  # only the worker killed below may take the run
    try:
        version = upload(editor_client, roles["workspace"], "sleeper-worker", SLEEPER)
        started = run(editor_client, version["pipeline"]["id"])["run"]
        wait_for(editor_client, started["id"], {"running"})
        pid = _wait_for_pid(started["id"])
        worker.kill()
        begun = time.monotonic()
        done = wait_for(editor_client, started["id"], {"stopped", "failed", "success"}, seconds=60)
        assert done["status"] == "failed"
        assert time.monotonic() - begun < 60
        assert any("stopped responding" in m["message"] for m in done["messages"]), done["messages"]
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:  # the sandbox dies with its worker
            time.sleep(0.1)
        assert not _alive(pid)
        # the job the dead worker held stays `doing` in the task engine until a live worker removes it
        assert _doing_jobs(started["id"]) == 1
        live[1].__init__(model_url, logs, live[0].url, concurrency=2)
        deadline = time.monotonic() + 15
        while _doing_jobs(started["id"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _doing_jobs(started["id"]) == 0
        assert not ProcrastinateJob.objects.filter(args__run_id=started["id"]).exists()
    finally:
        if live[1].process.poll() is not None:
            live[1].__init__(model_url, logs, live[0].url, concurrency=2)


def _doing_jobs(run_id):
    return ProcrastinateJob.objects.filter(queue_name="pipeline_runs", status="doing", args__run_id=run_id).count()


def test_a_worker_shut_down_stops_its_runs_and_fails_them_saying_so(roles, editor_client, model_url, logs, live):
    worker = PipelinesWorker(model_url, logs, live[0].url, concurrency=1)
    live[1].stop()
    try:
        version = upload(editor_client, roles["workspace"], "sleeper-shutdown", SLEEPER)
        started = run(editor_client, version["pipeline"]["id"])["run"]
        wait_for(editor_client, started["id"], {"running"})
        pid = _wait_for_pid(started["id"])
        worker.process.terminate()
        done = wait_for(editor_client, started["id"], {"stopped", "failed", "success"}, seconds=15)
        assert done["status"] == "failed"
        assert any("was shut down" in m["message"] for m in done["messages"]), done["messages"]
        assert worker.process.wait(15) == 0
        assert not _alive(pid)
    finally:
        worker.stop()
        live[1].__init__(model_url, logs, live[0].url, concurrency=2)


def _wait_for_pid(run_id, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pid = PipelineRun.objects.filter(pk=run_id).values_list("pid", flat=True).first()
        if pid:
            return pid
        time.sleep(0.1)
    raise AssertionError("the run's process did not start")


def _alive(pid) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie waiting for its parent counts as gone
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


__all__ = ["live", "editor_client"]  # fixtures
