"""The offline stand-in's pipeline requests, in English and French: the refresh-then-chart
flow with real processes (the demo's extract run in its sandbox against the DHIS2 demo
server, the turn waiting for it), and the week's failed runs explained."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hexa.assistant.local_model import LocalModelServer, OfflineDemoResponder
from hexa.assistant.models import Conversation, Message, ToolExecution
from hexa.assistant.service import send_message
from hexa.core.demo import _seed_database
from hexa.core.demo_connections import dhis2_snapshot, seed_connections
from hexa.dhis2_demo import DHIS2DemoServer, build
from hexa.pipelines.demo import seed_demo_pipelines
from hexa.pipelines.models import PipelineRun

from .pipelines.support import PipelinesWorker
from .support.live_server import LiveServer, read_events, session_for
from .support.live_turns import LIVE_ENV, wait_until
from .test_offline_model import LABEL, offline  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow

APPROVE = "mutation($id: UUID!) { approveAssistantToolExecution(id: $id) { success errors } }"


@pytest.fixture(scope="module")
def offline_url():
    server = LocalModelServer(OfflineDemoResponder()).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker, offline_url, logs):
    server = LiveServer(offline_url, logs, turn_workers=1, **LIVE_ENV)
    worker = PipelinesWorker(offline_url, logs, server.url, concurrency=2)
    yield server
    worker.stop()
    server.stop()


@pytest.fixture
def demo(transactional_db, roles, live, settings, tmp_path):
    workspace = roles["workspace"]
    settings.DHIS2_URL, settings.DHIS2_DEMO_DATA = "", tmp_path / "dhis2_demo.json"
    _seed_database(workspace)
    with DHIS2DemoServer(build(dhis2_snapshot(workspace))) as dhis2:
        settings.DHIS2_DEMO_PORT = dhis2.port
        seed_connections(workspace, roles["admin"])
        seed_demo_pipelines(workspace, roles["admin"])
        client = live.client(session_for(roles["editor"]))
        yield client, Conversation.objects.create(user=roles["editor"], workspace=workspace)
        client.close()


@pytest.mark.parametrize(
    "question, said",
    [
        ("Refresh the DHIS2 extract for 2024-11, then chart confirmed cases by district.", "The run succeeded"),
        ("Actualise l'extraction DHIS2 pour 2024-11, puis fais un graphique des cas confirmés par district.", "L'exécution a réussi"),
    ],
)
def test_refresh_and_chart_with_the_offline_model(demo, question, said):
    client, conversation = demo
    with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json={"message": question}, timeout=60) as response:
        assert read_events(response)[-1][0] == "waiting"
    proposal = ToolExecution.objects.get(conversation=conversation, name="run_pipeline")
    assert proposal.input == {"pipeline_code": "dhis2-monthly-extract", "config": {"dhis2": "dhis2-demo", "period": "202411"}}
    approved = client.post("/graphql/", json={"query": APPROVE, "variables": {"id": str(proposal.id)}}).json()
    assert approved["data"]["approveAssistantToolExecution"]["success"]
    message = Message.objects.get(conversation=conversation, role="assistant")
    wait_until(lambda: Message.objects.get(pk=message.pk).status == "COMPLETE", timeout=180, what="the resumed turn's end")
    message.refresh_from_db()
    names = list(ToolExecution.objects.filter(message=message).order_by("created_at").values_list("name", flat=True))
    assert names == ["list_pipelines", "run_pipeline", "create_chart"]
    chart = ToolExecution.objects.get(message=message, name="create_chart")
    assert chart.success and chart.output["row_count"] == 16, chart.output
    assert LABEL in message.text and said in message.text


@pytest.mark.parametrize(
    "question, intro",
    [
        ("Which pipelines failed this week, and why?", "1 run(s) failed in the last 7 days"),
        ("Quels pipelines ont échoué cette semaine, et pourquoi ?", "1 exécution(s) ont échoué ces 7 derniers jours"),
    ],
)
def test_the_weeks_failed_runs_are_explained(offline, roles, question, intro):  # noqa: F811
    workspace = roles["workspace"]
    pipeline = seed_demo_pipelines(workspace, roles["admin"])[0]
    failed = dict(pipeline=pipeline, version=pipeline.last_version, timeout=60, status="failed")
    PipelineRun.objects.create(**failed, messages=[{"priority": "ERROR", "message": "DHIS2 answered 409 for period 209913"}],
                               logs="Traceback (most recent call last):\nRuntimeError: DHIS2 answered 409\n")
    old = PipelineRun.objects.create(**failed, messages=[{"priority": "ERROR", "message": "an old failure"}])
    PipelineRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=9))
    PipelineRun.objects.create(pipeline=pipeline, version=pipeline.last_version, timeout=60, status="success")
    result = send_message(offline.user, offline.id, question)
    assert result.message.status == "COMPLETE"
    (call,) = ToolExecution.objects.filter(message=result.message)
    assert call.name == "get_pipeline_run" and call.input == {"status": "failed", "since_days": 7, "limit": 10}
    assert intro in result.message.text and "DHIS2 answered 409 for period 209913" in result.message.text
    assert "RuntimeError: DHIS2 answered 409" in result.message.text and "an old failure" not in result.message.text
