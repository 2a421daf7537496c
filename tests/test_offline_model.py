"""The offline stand-in model, driven through the real agent and tools on the demo data."""

from decimal import Decimal

import pytest

from hexa.assistant.local_model import LocalModelServer, OfflineDemoResponder
from hexa.assistant.models import Conversation, ToolExecution
from hexa.assistant.service import send_message
from hexa.core.demo import _seed_bucket, _seed_database

LABEL = "offline demo model — not Claude"


@pytest.fixture
def offline(settings, roles):
    server = LocalModelServer(OfflineDemoResponder()).start()
    settings.ANTHROPIC_API_KEY = "offline-demo"
    settings.ANTHROPIC_BASE_URL = server.url
    settings.ASSISTANT_OFFLINE_MODEL = True
    settings.ASSISTANT_API_MAX_RETRIES = 0
    _seed_bucket(roles["workspace"])
    _seed_database(roles["workspace"])
    yield Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=settings.ASSISTANT_MODEL)
    server.stop()


def ask(conversation, text):
    result = send_message(conversation.user, conversation.id, text)
    assert result.error_code is None, result.message.error_message
    return result.message, list(ToolExecution.objects.filter(message=result.message).order_by("created_at"))


def test_a_question_about_cases_runs_a_real_query_and_is_labelled_and_free(offline):
    message, executions = ask(offline, "Which districts had the most malaria cases?")
    assert [e.name for e in executions] == ["query_database"] and executions[0].success
    assert len(executions[0].output["rows"]) == 10
    assert LABEL in message.text and "|" in message.text  # a Markdown table of the rows
    # counted (cached or not, as the prompt's size decides) but free
    prompt = message.input_tokens + message.cache_creation_input_tokens + message.cache_read_input_tokens
    assert message.cost == Decimal("0") and prompt > 0


def test_tables_files_and_a_note(offline):
    message, executions = ask(offline, "What tables are in the database?")
    assert executions[0].name == "describe_tables" and "malaria_cases" in message.text
    message, executions = ask(offline, "List the files in the bucket")
    assert executions[0].name == "list_files" and "reports" in message.text
    message, executions = ask(offline, "Write a note notes/summary.md about the cases")
    assert executions[0].name == "write_file" and executions[0].status == "PENDING_APPROVAL"
    assert LABEL in message.text


@pytest.mark.parametrize(
    "text, mark, rows",
    [
        ("Plot malaria cases per district over time", "line", 16 * 36),
        ("Chart the cases per district", "bar", 16),
        ("Plot the monthly cases", "area", 36),
        ("Show a heatmap of cases", "rect", 16 * 36),
        ("Map the health facilities", "circle", 192),
        ("Map malaria cases per district", "geoshape", 16),
        ("Scatter plot of tested against confirmed cases", "point", 10_000),  # 20,736 reports, capped
    ],
)
def test_plot_chart_and_map_draw_charts_over_the_demo_tables(offline, text, mark, rows):
    message, executions = ask(offline, text)
    [chart] = executions
    assert chart.name == "create_chart" and chart.success, chart.output
    assert chart.output["row_count"] == rows and chart.output["truncated"] == (rows == 10_000)
    spec = chart.output["page"]["spec"]
    assert (spec["mark"]["type"] if isinstance(spec["mark"], dict) else spec["mark"]) == mark
    if mark == "geoshape":  # the seeded district shapes reach the chart as GeoJSON objects
        assert all(row[1]["type"] == "Polygon" for row in chart.output["page"]["rows"])
    if mark == "circle":  # the facilities are drawn over the seeded districts' outlines
        assert chart.output["outline_count"] == 16
        assert all(shape["type"] == "Polygon" for shape in chart.output["page"]["outlines"])
    assert chart.output["title"] in message.text and LABEL in message.text


def test_data_files_as_tables(offline):
    message, executions = ask(offline, "Total confirmed cases per district in data/raw/2024/*.csv")
    assert [e.name for e in executions] == ["query_files"] and executions[0].success
    assert executions[0].output["row_count"] == 16 and executions[0].output["tables"]["data"]["file_count"] == 12
    assert LABEL in message.text and "| district | sum_confirmed_cases |" in message.text
    message, executions = ask(offline, "What is in the HMIS workbook?")
    assert executions[0].name == "read_file" and executions[0].output["sheets"] == ["Monthly", "Facilities"]
    assert "sheet `Monthly`" in message.text and "| district | period |" in message.text
