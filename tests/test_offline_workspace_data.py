"""The offline stand-in's DHIS2 and dataset flows, in English and French, through the real
agent, the real tools, the DHIS2 demo server over HTTP and the demo dataset."""

import pytest

from hexa.assistant.local_model import LocalModelServer, OfflineDemoResponder
from hexa.assistant.models import Conversation, ToolExecution
from hexa.assistant.service import send_message
from hexa.core.demo import _seed_database
from hexa.core.demo_connections import DHIS2_CONNECTION_SLUG, dhis2_snapshot
from hexa.databases import api as databases
from hexa.datasets.demo import seed_datasets
from hexa.dhis2_demo import DEMO_PASSWORD, DEMO_USERNAME, DHIS2DemoServer, build
from hexa.workspaces.models import Connection, ConnectionType

LABEL = "offline demo model — not Claude"


@pytest.fixture
def offline(settings, roles, transactional_db):
    workspace = roles["workspace"]
    _seed_database(workspace)
    seed_datasets(workspace, roles["admin"])
    dhis2 = DHIS2DemoServer(build(dhis2_snapshot(workspace))).start()
    Connection.objects.create_if_has_perm(
        roles["admin"], workspace, name="DHIS2 (demo server)", slug=DHIS2_CONNECTION_SLUG, connection_type=ConnectionType.DHIS2,
        fields=[{"code": "url", "value": dhis2.url, "secret": False}, {"code": "username", "value": DEMO_USERNAME, "secret": False},
                {"code": "password", "value": DEMO_PASSWORD, "secret": True}],
    )
    server = LocalModelServer(OfflineDemoResponder()).start()
    settings.ANTHROPIC_API_KEY = "offline-demo"
    settings.ANTHROPIC_BASE_URL = server.url
    settings.ASSISTANT_OFFLINE_MODEL = True
    settings.ASSISTANT_API_MAX_RETRIES = 0
    yield Conversation.objects.create(user=roles["viewer"], workspace=workspace, model=settings.ASSISTANT_MODEL)
    server.stop()
    dhis2.stop()


def ask(conversation, text):
    result = send_message(conversation.user, conversation.id, text)
    assert result.error_code is None, result.message.error_message
    return result.message, list(ToolExecution.objects.filter(message=result.message).order_by("created_at"))


def october_2024(workspace) -> dict:
    connection = databases.connect(workspace, read_only=True)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT district, confirmed_cases::int FROM district_monthly_cases WHERE period = '2024-10-01'")
        found = dict(cursor.fetchall())
    connection.close()
    return found


@pytest.mark.parametrize(
    "question",
    [
        "What was the confirmed-cases total per district in DHIS2 for October 2024?",
        "Quel était le total des cas confirmés par district dans DHIS2 en octobre 2024 ?",
    ],
)
def test_confirmed_cases_per_district_in_dhis2(offline, question):
    message, executions = ask(offline, question)
    assert [e.name for e in executions] == ["list_connections", "query_dhis2", "query_dhis2"]
    analytics = executions[-1]
    assert analytics.input["resource"] == "analytics" and "pe:202410" in analytics.input["params"]["dimension"]
    expected = october_2024(offline.workspace)
    names = [c["name"] for c in analytics.output["columns"]]
    got = {row[names.index("ou_name")]: row[names.index("value")] for row in analytics.output["rows"]}
    assert got == expected
    assert LABEL in message.text and f"**Total: {sum(expected.values()):,}** over 16 districts" in message.text
    assert message.cost == 0


@pytest.mark.parametrize(
    "question",
    [
        "What changed between the last two versions of the malaria-indicators dataset?",
        "Qu'est-ce qui a changé entre les deux dernières versions du jeu de données malaria-indicators ?",
    ],
)
def test_what_changed_between_the_last_two_versions_of_a_dataset(offline, question):
    message, executions = ask(offline, question)
    assert [e.name for e in executions] == ["list_datasets", "query_files", "query_files"]
    assert executions[0].input == {"query": "malaria-indicators"}
    counts, added = executions[1].output, executions[2].output
    assert counts["rows"] == [["2022-2024", 576, 192, 0], ["2022-2023", 384, None, None]], counts
    periods = {row[2] for row in added["rows"]}
    assert added["row_count"] == 10 and all(str(p).startswith("2024") for p in periods), added
    assert LABEL in message.text and "2022-2024" in message.text and "576" in message.text
