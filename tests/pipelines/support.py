"""Pipelines' tests: a live server, a `pipelines_worker` process, and helpers to upload and run."""

import time
from pathlib import Path

import pytest

from tests.support.live_server import LiveServer, WorkerProcess, server_env, session_for

# short limits so that stop, timeout and a dead worker show within seconds
PIPELINE_ENV = {"PIPELINE_STOP_GRACE_S": 1, "PIPELINE_RUN_STALE_S": 3, "ASSISTANT_RATE_LIMIT": ""}

UPLOAD = """mutation($input: UploadPipelineInput!) {
  uploadPipeline(input: $input) { success errors details pipelineVersion { id versionNumber pipeline { id code } } }
}"""
RUN = """mutation($input: RunPipelineInput!) {
  runPipeline(input: $input) { success errors details run { id status } }
}"""
STOP = "mutation($input: StopPipelineInput!) { stopPipeline(input: $input) { success errors } }"
RUN_QUERY = """query($id: UUID!) { pipelineRun(id: $id) {
  id status progress logs duration messages { priority message } outputs { type uri name } } }"""


class PipelinesWorker(WorkerProcess):
    """A `pipelines_worker` process."""

    name = "pipelines-worker"
    stop_timeout = 15

    def __init__(self, model_url: str, log_dir: Path, server_url: str, concurrency: int = 2, **extra_env):
        from config.launch import pipelines_worker_command

        env = server_env(model_url, PIPELINE_SERVER_URL=server_url, **{**PIPELINE_ENV, **extra_env})
        super().__init__(pipelines_worker_command(concurrency), log_dir, env)


def gql(client, query, variables=None):
    response = client.post("/graphql/", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def upload(client, workspace, code, source, parameters=(), timeout=None):
    data = gql(client, UPLOAD, {"input": {
        "workspaceSlug": workspace.slug, "pipelineCode": code, "name": code,
        "files": [{"path": "pipeline.py", "content": source}], "parameters": list(parameters), "timeout": timeout,
    }})["uploadPipeline"]
    assert data["success"], data
    return data["pipelineVersion"]


def run(client, pipeline_id, config=None):
    return gql(client, RUN, {"input": {"id": pipeline_id, "config": config or {}}})["runPipeline"]


def wait_for(client, run_id, statuses, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        found = gql(client, RUN_QUERY, {"id": run_id})["pipelineRun"]
        if found["status"] in statuses:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"run still {found['status']} after {seconds} s: {found}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker, model_url, logs):
    """A live server and a pipelines worker (2 runs at once) for the test module."""
    # the server fails a dead worker's run when it is read, after the same short limit
    server = LiveServer(model_url, logs, turn_workers=0, **PIPELINE_ENV)
    worker = PipelinesWorker(model_url, logs, server.url, concurrency=2)
    yield server, worker
    worker.stop()
    server.stop()


@pytest.fixture
def editor_client(transactional_db, roles, live):
    client = live[0].client(session_for(roles["editor"]))
    yield client
    client.close()
