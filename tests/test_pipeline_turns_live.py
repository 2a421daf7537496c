"""The refresh-then-chart turn with real processes: a web server, an assistant worker, a
`pipelines_worker` running the demo's `dhis2-monthly-extract` in its sandbox with the real
openhexa-sdk against the DHIS2 demo server, and the fake Messages API. One turn: the model
proposes the run, the user approves it on the web server, the turn waits with no worker
held, the run's end (told by the pipelines worker) resumes the same turn, which queries the
table the run wrote and charts it; each model call billed once. A failing pipeline's run is
explained from its messages and log tail."""

import json

import pytest
from django.db.models import Sum

from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Event, Message, ToolExecution, UsageRecord
from hexa.core.demo import _seed_database
from hexa.core.demo_connections import dhis2_snapshot, seed_connections
from hexa.dhis2_demo import DHIS2DemoServer, build
from hexa.pipelines.demo import seed_demo_pipelines
from hexa.pipelines.models import PipelineRun

from .pipelines.support import PipelinesWorker, upload
from .support.live_server import LiveServer, read_events, session_for
from .support.live_turns import LIVE_ENV, wait_until

pytestmark = pytest.mark.slow

APPROVE = "mutation($id: UUID!) { approveAssistantToolExecution(id: $id) { success errors toolExecution { status } } }"
EXTRACT = {"pipeline_code": "dhis2-monthly-extract", "config": {"dhis2": "dhis2-demo", "period": "202411"}}
CONFIRMED_BY_DISTRICT = (
    "SELECT org_unit_name AS district, value AS confirmed_cases FROM dhis2_monthly_values "
    "WHERE period = '202411' AND data_element_name = 'Malaria confirmed cases' ORDER BY district"
)
CHART = {
    "title": "Confirmed cases by district, November 2024",
    "query": CONFIRMED_BY_DISTRICT,
    "spec": {"mark": "bar", "encoding": {"x": {"field": "district", "type": "nominal"}, "y": {"field": "confirmed_cases", "type": "quantitative"}}},
}


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker, model_url, logs):
    server = LiveServer(model_url, logs, turn_workers=1, **LIVE_ENV)
    worker = PipelinesWorker(model_url, logs, server.url, concurrency=2)
    yield server, worker
    worker.stop()
    server.stop()


@pytest.fixture
def demo(transactional_db, roles, live, settings, tmp_path, conversation):
    server, _ = live
    workspace = roles["workspace"]
    settings.DHIS2_URL, settings.DHIS2_DEMO_DATA = "", tmp_path / "dhis2_demo.json"
    _seed_database(workspace)
    with DHIS2DemoServer(build(dhis2_snapshot(workspace))) as dhis2:
        settings.DHIS2_DEMO_PORT = dhis2.port
        seed_connections(workspace, roles["admin"])
        seed_demo_pipelines(workspace, roles["admin"])
        client = server.client(session_for(roles["editor"]))
        yield client
        client.close()


def stream(client, conversation, text):
    with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json={"message": text}, timeout=60) as response:
        assert response.status_code == 200
        return read_events(response)


def approve(client, execution):
    response = client.post("/graphql/", json={"query": APPROVE, "variables": {"id": str(execution.id)}})
    return response.json()["data"]["approveAssistantToolExecution"]


def result_of(body) -> dict:
    block = [b for b in body["messages"][-1]["content"] if b.get("type") == "tool_result"][-1]
    return json.loads(block["content"])


def test_refresh_the_extract_then_chart_it_in_one_turn(demo, board, conversation, roles):
    client = demo
    seen = {}

    def after_run(body):
        seen["run"] = result_of(body)
        return tool_reply([("create_chart", CHART)])

    board.script(
        tool_reply([("run_pipeline", EXTRACT)], text="I will refresh the extract first."),
        after_run,
        text_reply("Here are November's confirmed cases by district."),
    )
    events = stream(client, conversation, "Refresh the DHIS2 extract for 2024-11, then chart confirmed cases by district.")
    assert [kind for kind, _ in events if kind != "keepalive"][-1] == "waiting"
    (call,) = ToolExecution.objects.filter(conversation=conversation)
    assert call.status == "PENDING_APPROVAL" and call.proposal["config"]["period"] == "202411"
    assert [p["code"] for p in call.proposal["parameters"]] == ["dhis2", "period", "data_elements"]
    assert not PipelineRun.objects.exists()  # nothing runs before the user says so

    assert approve(client, call) == {"success": True, "errors": [], "toolExecution": {"status": "AWAITING_RUN"}}
    message = Message.objects.get(conversation=conversation, role="assistant")
    assert message.status == "WAITING"
    wait_until(lambda: Message.objects.get(pk=message.pk).status == "COMPLETE", timeout=180, what="the resumed turn's end")

    run = seen["run"]
    assert run["status"] == "success" and run["run"]["pipeline_code"] == "dhis2-monthly-extract"
    assert {"type": "table", "table": "dhis2_monthly_values", "read_with": "query_database"} in run["run"]["outputs"]
    assert {"type": "file", "path": "dhis2/analytics_202411.csv", "read_with": "read_file, query_files"} in run["run"]["outputs"]
    assert {"priority": "INFO", "message": "48 values for 202411"} in run["run"]["messages"]
    chart = ToolExecution.objects.get(conversation=conversation, name="create_chart")
    assert chart.success, chart.output
    assert chart.output["row_count"] == 16  # the districts of the run's table

    message.refresh_from_db()
    assert message.text.endswith("Here are November's confirmed cases by district.")
    assert Message.objects.filter(conversation=conversation, role="assistant").count() == 1  # one turn
    assert board.requests == 3 == message.model_calls
    calls = UsageRecord.objects.filter(message_uuid=message.pk, kind="MODEL_CALL")
    conversation.refresh_from_db()
    assert calls.count() == 3 and calls.aggregate(cost=Sum("cost"))["cost"] == message.cost == conversation.cost
    kinds = list(Event.objects.filter(conversation=conversation).order_by("seq").values_list("type", flat=True))
    assert kinds.count("approval_required") == 1 and kinds.count("waiting") == 1 and kinds[-1] == "done"


FAILING = '''
from openhexa.sdk import current_run, pipeline

@pipeline(name="Broken extract")
def broken():
    current_run.log_error("DHIS2 refused the period 209913")
    raise RuntimeError("no data for 209913")
'''


def test_a_failed_run_is_explained_from_its_messages_and_logs(demo, board, conversation, roles):
    client = demo
    upload(client, roles["workspace"], "broken-extract", FAILING)
    seen = {}

    def after_run(body):
        seen["run"] = result_of(body)
        return text_reply("The run failed: DHIS2 refused the period.")

    board.script(tool_reply([("run_pipeline", {"pipeline_code": "broken-extract", "config": {}})]), after_run)
    stream(client, conversation, "Run the broken extract")
    call = ToolExecution.objects.get(conversation=conversation)
    assert approve(client, call)["success"]
    message = Message.objects.get(conversation=conversation, role="assistant")
    wait_until(lambda: Message.objects.get(pk=message.pk).status == "COMPLETE", timeout=180, what="the resumed turn's end")
    run = seen["run"]
    assert run["status"] == "failed"
    assert {"priority": "ERROR", "message": "DHIS2 refused the period 209913"} in run["run"]["messages"]
    assert "RuntimeError: no data for 209913" in run["run"]["log_tail"]
    assert ToolExecution.objects.get(pk=call.pk).status == "FAILED"
