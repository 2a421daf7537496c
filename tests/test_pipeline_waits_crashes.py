"""A turn waiting for a pipeline run survives its processes: the assistant worker killed and
the web process restarted while the run runs (the run's end, told by the pipelines worker,
queues the turn, and the next worker takes it), and the pipelines worker killed mid-run (the
assistant workers' recovery fails the run whose heartbeat stopped, and the turn goes on with
the run explained)."""

import json

import pytest

from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Message, ToolExecution
from hexa.pipelines.models import PipelineRun

from .pipelines.support import PIPELINE_ENV, PipelinesWorker, upload
from .support.live_server import LiveServer, read_events, session_for
from .support.live_turns import LIVE_ENV, wait_until

# kills and restarts real processes on short leases and heartbeats
pytestmark = pytest.mark.alone

ENV = {**LIVE_ENV, "PIPELINE_RUN_STALE_S": PIPELINE_ENV["PIPELINE_RUN_STALE_S"]}
APPROVE = "mutation($id: UUID!) { approveAssistantToolExecution(id: $id) { success errors } }"
NAPPER = '''
import time
from openhexa.sdk import current_run, parameter, pipeline

@pipeline(name="Napper")
@parameter("seconds", type=int, default=12)
def napper(seconds):
    current_run.log_info("napping")
    time.sleep(seconds)
    current_run.log_info("awake")
'''
NAPPER_PARAMETERS = [{"code": "seconds", "type": "int", "name": "Seconds", "default": 12, "required": False}]


@pytest.fixture(scope="module")
def web_for_runs(django_db_setup, django_db_blocker, model_url, logs):
    """The web process, for every test here (one restarts it: the next gets it restarted)."""
    server = LiveServer(model_url, logs, turn_workers=0, **ENV)
    yield server
    server.stop()


@pytest.fixture
def stack(transactional_db, roles, web_for_runs, model_url, logs, conversation):
    """The web process, a client of it, and `start_pipelines()` to start a pipelines worker."""
    server = web_for_runs
    started = []

    def start_pipelines():
        started.append(PipelinesWorker(model_url, logs, server.url, concurrency=2))
        return started[-1]

    client = server.client(session_for(roles["editor"]))
    upload(client, roles["workspace"], "napper", NAPPER, NAPPER_PARAMETERS)
    yield server, start_pipelines, client
    client.close()
    for pipelines in started:
        pipelines.stop()


def start_waiting(client, conversation, board, config):
    """The turn runs the napper with `config` (its nap: long enough to be killed mid-run, or
    short when the test waits for its end) and waits for the run, approved."""
    seen = {}

    def after_run(body):
        block = [b for b in body["messages"][-1]["content"] if b.get("type") == "tool_result"][-1]
        seen["run"] = json.loads(block["content"])
        return text_reply(f"The run ended: {seen['run']['status']}.")

    board.script(tool_reply([("run_pipeline", {"pipeline_code": "napper", "config": config})]), after_run)
    with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json={"message": "Run the napper"}, timeout=60) as response:
        events = read_events(response)
    assert events[-1][0] == "waiting"
    call = ToolExecution.objects.get(conversation=conversation)
    approved = client.post("/graphql/", json={"query": APPROVE, "variables": {"id": str(call.id)}}).json()
    assert approved["data"]["approveAssistantToolExecution"] == {"success": True, "errors": []}
    return seen, events[-1][1]["seq"]


def test_the_wait_survives_a_killed_worker_and_a_restarted_web_process(stack, board, workers, conversation, roles):
    server, start_pipelines, client = stack
    first = workers(**ENV)
    seen, last_seq = start_waiting(client, conversation, board, {"seconds": 1})  # nothing happens while it runs
    message = Message.objects.get(conversation=conversation, role="assistant")
    # the run is queued (no pipelines worker yet: a run's SDK needs the web process while it runs)
    first.kill()
    server.restart()
    assert Message.objects.get(pk=message.pk).status == "WAITING" and PipelineRun.objects.get().status == "queued"
    start_pipelines()

    wait_until(lambda: PipelineRun.objects.filter(status="success").exists(), timeout=90, what="the run's end")
    # the run's end queued the turn again; no worker is alive to take it yet
    wait_until(lambda: Message.objects.get(pk=message.pk).status == "RUNNING", timeout=10, what="the turn queued again")
    assert board.requests == 1
    workers(**ENV)
    wait_until(lambda: Message.objects.get(pk=message.pk).status == "COMPLETE", timeout=60, what="the resumed turn's end")
    assert seen["run"]["status"] == "success" and {"priority": "INFO", "message": "awake"} in seen["run"]["run"]["messages"]
    # the restarted web process replays the rest of the turn
    with server.client(session_for(roles["editor"])) as after:
        with after.stream("GET", f"/assistant/conversations/{conversation.id}/events/?after={last_seq}", timeout=60) as response:
            kinds = [kind for kind, _ in read_events(response) if kind != "keepalive"]
    assert "resumed" in kinds and kinds[-1] == "done", kinds
    assert Message.objects.filter(conversation=conversation, role="assistant").count() == 1


def test_a_pipelines_worker_killed_mid_run_ends_the_wait_with_the_run_failed(stack, board, workers, conversation):
    _, start_pipelines, client = stack
    pipelines = start_pipelines()
    workers(**ENV)
    seen, _ = start_waiting(client, conversation, board, {})  # 12 s: killed while it naps
    wait_until(lambda: PipelineRun.objects.filter(status="running").exists(), timeout=60, what="the run's start")
    message = Message.objects.get(conversation=conversation, role="assistant")
    pipelines.kill()  # its sandboxed run dies with it; nobody is left to tell the run's end
    wait_until(lambda: Message.objects.get(pk=message.pk).status == "COMPLETE", timeout=60, what="the resumed turn's end")
    assert seen["run"]["status"] == "failed"
    assert "stopped responding" in seen["run"]["run"]["messages"][-1]["message"]
    assert ToolExecution.objects.get(conversation=conversation).status == "FAILED"
