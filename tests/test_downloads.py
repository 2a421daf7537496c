"""GET /assistant/tool-executions/<id>/download.csv over real HTTP (uvicorn on the test database):
the stored query re-run read-only for the conversation's owner, streamed, capped, in the ledger."""

import csv
import io

import pytest

from hexa.assistant.models import Conversation, Message, ToolExecution, UsageRecord
from hexa.databases import api as databases
from hexa.workspaces.models import WorkspaceMembership

from .support.http_servers import answering, serving
from .support.live_server import LiveServer, session_for
from .support.models import TEST_MODEL

MAX_ROWS = 1_000

SCHEMA = """
CREATE TABLE facilities (id int, name text, note text, opened date, budget numeric);
INSERT INTO facilities VALUES
  (1, 'Bo, Hospital', 'two
lines', date '2020-01-02', 1234.50),
  (2, 'Kenema "CHC"', NULL, NULL, 0.1);
CREATE TABLE many AS SELECT i AS n, CASE WHEN i % 100 = 0 THEN E'multi\\nline' ELSE 'x' END AS t
FROM generate_series(1, 1500) AS i;
"""


@pytest.fixture(scope="module")
def server(django_db_setup, model_url, tmp_path_factory):
    started = LiveServer(model_url, tmp_path_factory.mktemp("download-logs"), turn_workers=0,
                         ASSISTANT_DOWNLOAD_MAX_ROWS=str(MAX_ROWS))
    yield started
    started.stop()


@pytest.fixture
def setup(transactional_db, roles, server):
    workspace = roles["workspace"]
    connection = databases.connect(workspace, read_only=False)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA)
    connection.close()
    conversation = Conversation.objects.create(user=roles["editor"], workspace=workspace, model=TEST_MODEL)
    message = Message.objects.create(conversation=conversation, index=1, role="assistant")

    def execution(name="query_database", **tool_input):
        return ToolExecution.objects.create(
            conversation=conversation, message=message, tool_use_id=f"toolu_{ToolExecution.objects.count()}",
            name=name, input=tool_input, output={}, success=True, status="COMPLETED",
        )

    clients = []

    def client(role):
        clients.append(server.client(session_for(roles[role]) if role else None))
        return clients[-1]

    yield execution, client, roles
    for c in clients:
        c.close()


def url(execution) -> str:
    return f"/assistant/tool-executions/{execution.pk}/download.csv"


def test_the_owner_downloads_the_full_result_as_csv(setup):
    execution, client, roles = setup
    stored = execution(query="SELECT * FROM facilities ORDER BY id", limit=1)
    response = client("editor").get(url(stored))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="query_database-{str(stored.pk)[:8]}.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [
        ["id", "name", "note", "opened", "budget"],
        ["1", "Bo, Hospital", "two\nlines", "2020-01-02", "1234.50"],  # not cut by the tool's `limit`
        ["2", 'Kenema "CHC"', "", "", "0.1"],
    ]
    [record] = UsageRecord.objects.filter(tool_name="download_csv")
    assert (record.kind, record.user, record.workspace, record.success) == ("TOOL_CALL", roles["editor"], roles["workspace"], True)
    assert record.conversation_uuid == stored.conversation_id and record.duration_ms is not None


def test_a_chart_downloads_its_data(setup):
    execution, client, _ = setup
    stored = execution("create_chart", spec={"mark": "bar"}, query="SELECT n FROM many WHERE n <= 3 ORDER BY n")
    assert client("editor").get(url(stored)).text.splitlines() == ["n", "1", "2", "3"]


def test_results_over_the_cap_are_cut_and_say_so(setup):
    execution, client, _ = setup
    response = client("editor").get(url(execution(query="SELECT * FROM many ORDER BY n")))
    assert response.status_code == 200
    body, last = response.text.rstrip("\n").rsplit("\n", 1)
    assert last == f"# Cut at {MAX_ROWS:,} rows (ASSISTANT_DOWNLOAD_MAX_ROWS): filter or aggregate the query for the rest."
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == MAX_ROWS + 1 and rows[-1][0] == str(MAX_ROWS)  # rows with newlines counted as rows


def test_nobody_else_sees_a_download(setup):
    execution, client, roles = setup
    stored = execution(query="SELECT * FROM facilities")
    for role in ("viewer", "admin", "outsider"):  # members of the workspace too: it is the editor's conversation
        response = client(role).get(url(stored))
        assert (response.status_code, response.json()) == (404, {"errors": ["NOT_FOUND"]})
    assert client(None).get(url(stored)).status_code == 401
    assert client("editor").get("/assistant/tool-executions/00000000-0000-0000-0000-000000000000/download.csv").status_code == 404
    assert client("editor").get(url(execution("list_files", path=""))).status_code == 404
    assert client("editor").post(url(stored)).status_code == 405
    assert not UsageRecord.objects.filter(tool_name="download_csv").exists()


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("DELETE FROM facilities", 400, "NOT_READ_ONLY"),
        ("SELECT * FROM facilities; DROP TABLE facilities", 400, "MULTIPLE_STATEMENTS"),
        ("EXPLAIN SELECT 1", 400, "INVALID_SQL"),
        ("SELECT nope FROM facilities", 400, "QUERY_ERROR"),
    ],
)
def test_queries_that_cannot_run_are_typed_errors(setup, query, status, code):
    execution, client, _ = setup
    response = client("editor").get(url(execution(query=query)))
    assert response.status_code == status
    assert response.json()["errors"] == [code]
    assert response.headers["content-type"] == "application/json"
    [record] = UsageRecord.objects.filter(tool_name="download_csv")
    assert record.success is False


def test_a_former_member_may_not_download(setup):
    execution, client, roles = setup
    stored = execution(query="SELECT 1")
    WorkspaceMembership.objects.filter(user=roles["editor"]).delete()
    response = client("editor").get(url(stored))
    assert (response.status_code, response.json()["errors"]) == (403, ["PERMISSION_DENIED"])


def test_the_table_stays_unwritten(setup):
    execution, client, roles = setup
    client("editor").get(url(execution(query="SELECT * FROM facilities")))
    connection = databases.connect(roles["workspace"], read_only=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM facilities")
        assert cursor.fetchone() == (2,)
    connection.close()


def test_a_client_that_leaves_stops_the_query(setup):
    """The file is larger than the pipe and the sockets hold: the query waits on the client,
    and once the client is gone its COPY ends and its session is closed."""
    import time

    execution, client, roles = setup
    stored = execution(query="SELECT n, repeat('x', 20000) AS padding FROM many")
    with client("editor").stream("GET", url(stored)) as response:
        assert response.status_code == 200
        next(response.iter_raw())
    deadline, sessions = time.monotonic() + 10, None
    while time.monotonic() < deadline:
        with databases._admin_cursor() as cursor:  # a superuser sees every session's query
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'COPY (SELECT * FROM (%%'",
                [roles["workspace"].db_name],
            )
            sessions = cursor.fetchone()[0]
        if sessions == 0 and UsageRecord.objects.filter(tool_name="download_csv").exists():
            break
        time.sleep(0.2)
    assert sessions == 0  # not even idle: a session cut mid-COPY is closed, not kept
    [record] = UsageRecord.objects.filter(tool_name="download_csv")
    assert record.success is False  # the file was not delivered whole


def _status_bytes(pid, key):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(key))


def test_text_cells_that_a_spreadsheet_would_run_are_neutralised(setup):
    execution, client, _ = setup
    stored = execution(query="SELECT '=1+1' AS f, '+A1' AS p, '-3' AS m, -3 AS n, '@SUM(A1)' AS a, "
                             "E'\\tx' AS t, E'\\rx' AS r, 'plain' AS s, 1.5::numeric AS d, date '2024-01-02' AS day")
    response = client("editor").get(url(stored))
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows == [
        ["f", "p", "m", "n", "a", "t", "r", "s", "d", "day"],
        ["'=1+1", "'+A1", "'-3", "-3", "'@SUM(A1)", "'\tx", "'\rx", "plain", "1.5", "2024-01-02"],
    ]


def test_a_row_of_huge_values_is_cut_and_the_server_stays_small(setup, server):
    """Rows of 60 MB values: each cell keeps 32,767 characters and says it was cut; the server
    process grows by less than 64 MB (its peak resident set, reset before the download)."""
    execution, client, _ = setup
    stored = execution(query="SELECT n, repeat('x', 60000000) AS v FROM generate_series(1, 5) n")
    pid = server.process.pid
    with open(f"/proc/{pid}/clear_refs", "w") as clear:
        clear.write("5")
    before = _status_bytes(pid, "VmRSS")
    response = client("editor").get(url(stored))
    growth = _status_bytes(pid, "VmHWM") - before
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == 6 and rows[1][0] == "1"
    assert rows[1][1] == "x" * 32_767 + "… [cut, 60000000 characters]"
    assert growth < 64 * 1024 * 1024, f"the server grew by {growth / 1e6:.0f} MB"
    wide = execution(query="SELECT " + ", ".join(f"repeat('w', 100000) AS c{i}" for i in range(200)))
    cells = list(csv.reader(io.StringIO(client("editor").get(url(wide)).text)))[1]
    assert all(cell == "w" * 5_000 + "… [cut, 100000 characters]" for cell in cells)  # 1,000,000 a row


def test_a_dhis2_answer_downloads_in_full(setup):
    """query_dhis2 showed the model 5 rows; the download asks DHIS2 again and has all 30."""
    import json

    from hexa.workspaces.models import Connection, ConnectionType

    body = json.dumps({
        "headers": [{"name": "ou", "valueType": "TEXT", "meta": True}, {"name": "value", "valueType": "NUMBER", "meta": False}],
        "rows": [[f"unit{i:02d}", str(i * 10)] for i in range(30)],
        "metaData": {"items": {f"unit{i:02d}": {"name": f"District {i}"} for i in range(30)}},
    }).encode()
    execution, client, roles = setup
    with serving(answering(body, "application/json")) as dhis2:
        Connection.objects.create_if_has_perm(
            roles["admin"], roles["workspace"], name="DHIS2", slug="dhis2", connection_type=ConnectionType.DHIS2,
            fields=[{"code": "url", "value": f"http://127.0.0.1:{dhis2.server_address[1]}", "secret": False},
                    {"code": "password", "value": "not-in-the-csv", "secret": True}],
        )
        stored = execution("query_dhis2", connection="dhis2", resource="analytics", params={"dimension": ["ou:LEVEL-2"]}, limit=5)
        response = client("editor").get(url(stored))
        assert response.status_code == 200, response.text
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["ou", "ou_name", "value"] and len(rows) == 31
        assert rows[30] == ["unit29", "District 29", "290"] and "not-in-the-csv" not in response.text
        assert client("viewer").get(url(stored)).status_code == 404  # the conversation's owner only
