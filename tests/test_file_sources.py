"""Charts and downloads over bucket files: the `files` source (query_files' engine and
confinement) beside the database one."""

import csv
import io

import pytest

from hexa.assistant.executors.sources import SOURCES, stored_query
from hexa.assistant.models import Message, ToolExecution
from hexa.assistant.tool_executors import run_tool
from hexa.files.api import bucket_path

LINE = {"mark": "line", "encoding": {"x": {"field": "month", "type": "ordinal"}, "y": {"field": "cases", "type": "quantitative"}}}


@pytest.fixture
def cases(roles):
    root = bucket_path(roles["workspace"].bucket_name)
    (root / "data").mkdir(exist_ok=True)
    lines = ["month,district,cases"] + [f"2024-{m:02d},D{d},{m * 10 + d}" for m in range(1, 13) for d in range(5)]
    (root / "data" / "cases.csv").write_text("\n".join(lines) + "\n")
    return roles


def test_a_chart_drawn_from_bucket_files(cases):
    output = run_tool(cases["editor"], cases["workspace"], "create_chart", {
        "spec": LINE, "source": "files", "files": {"c": "data/cases.csv"},
        "query": "SELECT month, SUM(cases) AS cases FROM c GROUP BY month ORDER BY month",
    })
    assert "error" not in output, output
    assert output["row_count"] == 12 and output["page"]["columns"] == ["month", "cases"]
    assert output["page"]["rows"][0] == ["2024-01", 60.0]


def test_a_files_chart_is_confined_like_query_files(cases):
    output = run_tool(cases["editor"], cases["workspace"], "create_chart", {
        "spec": LINE, "source": "files", "files": {"c": "../../etc/passwd"}, "query": "SELECT 1 AS month, 2 AS cases FROM c",
    })
    assert output["error"]["code"] == "INVALID_PATH"
    output = run_tool(cases["editor"], cases["workspace"], "create_chart", {
        "spec": LINE, "source": "files", "files": {"c": "data/cases.csv"},
        "query": "SELECT * FROM read_csv('/etc/passwd')",
    })
    assert output["error"]["code"] in ("FUNCTION_NOT_ALLOWED", "UNKNOWN_TABLE")
    output = run_tool(cases["editor"], cases["workspace"], "create_chart", {"spec": LINE, "source": "files", "query": "SELECT 1"})
    assert output["error"]["code"] == "INVALID_INPUT"


def test_a_files_query_downloads_in_full_as_csv(cases, conversation):
    message = Message.objects.create(conversation=conversation, role="assistant", index=1)
    execution = ToolExecution.objects.create(
        conversation=conversation, message=message, tool_use_id="t1", name="query_files",
        input={"sql": "SELECT district, month, cases FROM c ORDER BY month, district", "files": {"c": "data/*.csv"}},
    )
    source, query = stored_query(execution)
    assert source == "files" and query["files"] == {"c": "data/*.csv"}
    chunks = []
    done = SOURCES[source].copy_csv(conversation.user, conversation.workspace, query, 1_000_000, chunks.append)
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode())))
    assert rows[0] == ["district", "month", "cases"] and len(rows) == 61 and rows[1] == ["D0", "2024-01", "10"]
    assert done == {"row_count": 60, "truncated": False}
    # capped
    chunks.clear()
    done = SOURCES[source].copy_csv(conversation.user, conversation.workspace, query, 7, chunks.append)
    assert done == {"row_count": 7, "truncated": True}
    assert len(list(csv.reader(io.StringIO(b"".join(chunks).decode())))) == 8


def test_someone_without_access_to_the_files_gets_nothing(cases):
    query = {"sql": "SELECT * FROM c", "files": {"c": "data/cases.csv"}}
    with pytest.raises(Exception) as refused:
        SOURCES["files"].copy_csv(cases["outsider"], cases["workspace"], query, 10, lambda b: None)
    assert "PERMISSION_DENIED" in str(getattr(refused.value, "code", refused.value))


def test_a_files_download_neutralises_formulas_and_cuts_huge_cells(cases):
    """As for the database: a text cell a spreadsheet would run gets a leading `'`, numbers stay
    numbers, and a cell keeps 32,767 characters (the rows are built in the engine's child)."""
    query = {
        "sql": "SELECT '=HYPERLINK(1)' AS f, '-3' AS m, -3 AS n, '@x' AS a, chr(9) || 'x' AS t, 'plain' AS s, "
               "repeat('x', 5000000) AS huge FROM range(2)",
        "files": {"c": "data/cases.csv"},
    }
    chunks = []
    done = SOURCES["files"].copy_csv(cases["editor"], cases["workspace"], query, 1_000, chunks.append)
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode(), newline="")))
    assert done == {"row_count": 2, "truncated": False}
    assert rows[0] == ["f", "m", "n", "a", "t", "s", "huge"]
    assert rows[1][:6] == ["'=HYPERLINK(1)", "'-3", "-3", "'@x", "'\tx", "plain"]
    assert rows[1][6] == "x" * 32_767 + "… [cut, 5000000 characters]"
    assert max(len(chunk) for chunk in chunks) <= 256 * 1024
