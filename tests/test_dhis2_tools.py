"""The assistant's list_connections and query_dhis2 against the DHIS2 demo server over HTTP
(answers equal to its data and to the demo database's), a hostile HTTP server (huge, slow,
malformed, redirecting answers: bounded and typed), DHIS2 answers charted and downloaded, and
a connection's secrets never in what the model is sent."""

import base64
import gzip
import json
import socket
import time
from http.server import BaseHTTPRequestHandler
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from hexa.assistant import workspace_settings as ws
from hexa.assistant.errors import AssistantError
from hexa.assistant.executors.sources import SOURCES, stored_query
from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import ToolExecution
from hexa.assistant.service import send_message
from hexa.assistant.tool_executors import run_tool
from hexa.core.demo_connections import dhis2_snapshot
from hexa.databases import api as databases
from hexa.dhis2_demo import DEMO_USERNAME, DHIS2DemoServer, build
from hexa.workspaces.models import Connection, ConnectionType

from .support.http_servers import serving

PASSWORD = "Zebra-Pa55-Secret-9931"  # the demo server's password in these tests: found nowhere else
TOKEN = "d2pat_Zebra-Token-Secret-4417"


@pytest.fixture(scope="module")
def dhis2_server(demo_database):
    with DHIS2DemoServer(build(dhis2_snapshot(demo_database)), password=PASSWORD) as running:
        yield running


def make_connection(workspace, admin, url, slug="dhis2", password=PASSWORD, extra=()):
    return Connection.objects.create_if_has_perm(
        admin, workspace, name="National DHIS2", slug=slug, connection_type=ConnectionType.DHIS2,
        fields=[
            {"code": "url", "value": url, "secret": False},
            {"code": "username", "value": DEMO_USERNAME, "secret": False},
            {"code": "password", "value": password, "secret": True},
            *extra,
        ],
    )


@pytest.fixture
def dhis2(roles, dhis2_server):
    make_connection(roles["workspace"], roles["admin"], dhis2_server.url)
    return SimpleNamespace(**roles, server=dhis2_server)


def query(user, workspace, resource, params=None, connection="dhis2", **more):
    return run_tool(user, workspace, "query_dhis2", {"connection": connection, "resource": resource, "params": params or {}, **more})


def confirmed_uid(user, workspace):
    found = query(user, workspace, "dataElements", {"filter": "name:eq:Malaria confirmed cases", "fields": "id,name"})
    [row] = found["rows"]
    return row[found["columns"].index({"name": "id", "type": "text"})]


def october_params(uid):
    return {"dimension": [f"dx:{uid}", "pe:202410", "ou:LEVEL-2"]}


# -- list_connections ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_list_connections_names_secret_fields_and_never_shows_them(dhis2, role):
    make_connection(
        dhis2.workspace, dhis2.admin, "https://user:inline-Secret@dhis2.example.org", slug="other",
        extra=[{"code": "api_token", "value": TOKEN, "secret": False}],  # a credential not ticked secret
    )
    result = run_tool(getattr(dhis2, role), dhis2.workspace, "list_connections", {})
    text = json.dumps(result)
    assert PASSWORD not in text and TOKEN not in text and "inline-Secret" not in text
    by_slug = {c["slug"]: c for c in result["connections"]}
    assert by_slug["dhis2"]["type"] == "DHIS2"
    assert by_slug["dhis2"]["fields"] == {"url": dhis2.server.url, "username": DEMO_USERNAME}
    assert by_slug["dhis2"]["secret_fields"] == ["password"]
    assert sorted(by_slug["other"]["secret_fields"]) == ["api_token", "password"]
    assert by_slug["other"]["fields"]["url"] == "https://dhis2.example.org"


def test_outsiders_are_refused(dhis2):
    for name, tool_input in [("list_connections", {}), ("query_dhis2", {"connection": "dhis2", "resource": "dataSets"})]:
        result = run_tool(dhis2.outsider, dhis2.workspace, name, tool_input)
        assert result["error"]["code"] == "PERMISSION_DENIED"


# -- answers equal to DHIS2's data ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_confirmed_cases_per_district_for_october_2024_are_the_databases(dhis2, demo_database, role):
    user = getattr(dhis2, role)
    result = query(user, dhis2.workspace, "analytics", october_params(confirmed_uid(user, dhis2.workspace)))
    names = [c["name"] for c in result["columns"]]
    assert names == ["dx", "dx_name", "pe", "pe_name", "ou", "ou_name", "value"]
    assert result["columns"][-1]["type"] == "bigint"
    got = {row[names.index("ou_name")]: row[-1] for row in result["rows"]}
    connection = databases.connect(demo_database, read_only=True)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT district, confirmed_cases::int FROM district_monthly_cases WHERE period = '2024-10-01'"
        )
        expected = dict(cursor.fetchall())
    connection.close()
    assert len(expected) == 16 and got == expected
    assert {row[names.index("dx_name")] for row in result["rows"]} == {"Malaria confirmed cases"}
    assert result["row_count"] == result["total_rows"] == 16 and result["truncated"] is False


def test_metadata_lists_come_with_their_pager_and_rows_are_bounded(dhis2):
    result = query(dhis2.viewer, dhis2.workspace, "organisationUnits", {"filter": "level:eq:3", "fields": "id,name,level,parent[id,name]", "pageSize": 50}, limit=10)
    assert result["pager"]["total"] == 192 and result["pager"]["pageSize"] == 50
    assert result["row_count"] == 10 and result["total_rows"] == 50 and result["truncated"] is True
    columns = [c["name"] for c in result["columns"]]
    assert columns == ["id", "name", "level", "parent"]
    assert json.loads(result["rows"][0][3])["id"]  # a nested object as JSON text
    one = query(dhis2.viewer, dhis2.workspace, f"organisationUnits/{result['rows'][0][0]}", {"fields": "id,name"})
    assert one["rows"] == [result["rows"][0][:2]]


def test_data_value_sets_values_are_numbers(dhis2):
    district = query(dhis2.viewer, dhis2.workspace, "organisationUnits", {"filter": "level:eq:2", "fields": "id", "pageSize": 1})
    result = query(dhis2.viewer, dhis2.workspace, "dataValueSets", {
        "dataElement": confirmed_uid(dhis2.viewer, dhis2.workspace), "period": "202410",
        "orgUnit": district["rows"][0][0], "children": True,
    })
    assert result["row_count"] == 12  # the district's facilities
    assert {"name": "value", "type": "bigint"} in result["columns"]


# -- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource, params, code, says",
    [
        ("analytics", {"dimension": ["dx:abcdefghijk", "pe:202410", "ou:LEVEL-2"]}, "DHIS2_ERROR", "E7143"),
        ("analytics", {"dimension": ["dx:{uid}", "pe:2024-13", "ou:LEVEL-2"]}, "DHIS2_ERROR", "Period"),
        ("analytics", {"dimension": ["dx:{uid}", "pe:202410", "ou:Nowhere1234"]}, "DHIS2_ERROR", "E7124"),
        ("dataElements/abcdefghijk", {}, "NOT_FOUND", "404"),
        ("users", {}, "INVALID_INPUT", "not one query_dhis2 reads"),
        ("../../system/info", {}, "INVALID_INPUT", "not one query_dhis2 reads"),
        ("dataElements/not-a-uid!", {}, "INVALID_INPUT", "not one query_dhis2 reads"),
        ("dataElements", {"filter": {"nested": 1}}, "INVALID_INPUT", "must be text"),
        ("dataElements", {"bad name": "x"}, "INVALID_INPUT", "not a DHIS2 query parameter"),
    ],
)
def test_dhis2_refusals_are_typed(dhis2, resource, params, code, says):
    uid = confirmed_uid(dhis2.viewer, dhis2.workspace)
    params = {k: [v.replace("{uid}", uid) for v in value] if isinstance(value, list) else value for k, value in params.items()}
    result = query(dhis2.viewer, dhis2.workspace, resource, params)
    assert result["error"]["code"] == code, result
    assert says in result["error"]["message"] or says == str(result["error"].get("http_status")) or says == result["error"].get("dhis2_code")


def test_bad_credentials_unknown_and_other_connections_and_an_unreachable_server(dhis2):
    make_connection(dhis2.workspace, dhis2.admin, dhis2.server.url, slug="wrong", password="not-it")
    assert query(dhis2.viewer, dhis2.workspace, "dataSets", connection="wrong")["error"]["code"] == "DHIS2_AUTH_FAILED"
    assert query(dhis2.viewer, dhis2.workspace, "dataSets", connection="nope")["error"]["code"] == "NOT_FOUND"
    Connection.objects.create_if_has_perm(dhis2.admin, dhis2.workspace, name="Pg", slug="pg", connection_type=ConnectionType.POSTGRESQL)
    assert query(dhis2.viewer, dhis2.workspace, "dataSets", connection="pg")["error"]["code"] == "INVALID_INPUT"
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    make_connection(dhis2.workspace, dhis2.admin, f"http://127.0.0.1:{port}", slug="down")
    result = query(dhis2.viewer, dhis2.workspace, "dataSets", connection="down")
    assert result["error"]["code"] == "DHIS2_UNREACHABLE" and PASSWORD not in json.dumps(result)


def test_a_personal_access_token_is_used_when_the_connection_has_one(roles, demo_database):
    with DHIS2DemoServer(build(dhis2_snapshot(demo_database)), token=TOKEN) as server:
        make_connection(roles["workspace"], roles["admin"], server.url, password="wrong",
                        extra=[{"code": "api_token", "value": TOKEN, "secret": True}])
        result = query(roles["viewer"], roles["workspace"], "dataSets", {"fields": "id,name"})
    assert result["rows"][0][1] == "Malaria monthly report"


# -- a hostile server ----------------------------------------------------------------------------------


class _Hostile(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.seen.append((self.path, dict(self.headers)))
        mode = parse_qs(urlsplit(self.path).query).get("mode", [""])[0]
        if mode == "huge":  # says so: refused before a byte of the body is read
            self._head(200, {"Content-Length": str(10**11)})
            self.wfile.write(b"[" * 1000)
        elif mode == "endless":  # says nothing: read until the cap
            self._head(200, {})
            try:
                while True:
                    self.wfile.write(b'{"a": "' + b"x" * 65536 + b'"},')
            except OSError:
                pass
        elif mode == "drip":  # a byte a second: never done
            self._head(200, {})
            try:
                for _ in range(120):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
        elif mode == "silent":  # never answers
            time.sleep(60)
        elif mode == "html":
            self._send(200, b"<html><body>Login</body></html>", "text/html")
        elif mode == "broken":
            self._send(200, b'{"dataElements": [{"id": ', "application/json")
        elif mode == "deep":
            self._send(200, b"[" * 100_000 + b"]" * 100_000, "application/json")
        elif mode == "not-objects":
            self._send(200, b'{"dataElements": [1, 2, 3]}', "application/json")
        elif mode == "bomb":  # 1 GB of zeros in 1 MB of gzip
            body = gzip.compress(b"0" * 50_000_000, 9)
            self._head(200, {"Content-Encoding": "gzip", "Content-Length": str(len(body))})
            self.wfile.write(body)
        elif mode == "redirect":
            self._head(302, {"Location": f"{self.server.elsewhere}/api/dataElements?stolen=1", "Content-Length": "0"})
        elif mode == "login":
            self._head(302, {"Location": "/dhis-web-commons/security/login.action", "Content-Length": "0"})
        elif mode == "error-html":
            self._send(500, b"<html>Internal error</html>", "text/html")
        elif mode == "dhis2-error":
            self._send(409, json.dumps({"httpStatus": "Conflict", "httpStatusCode": 409, "status": "ERROR",
                                        "message": "Period is not valid: `x`", "errorCode": "E7131"}).encode(), "application/json")
        elif mode == "cut":  # says 1000 bytes, sends 10 and closes
            self._head(200, {"Content-Length": "1000"})
            self.wfile.write(b'{"a": 1, ')
        else:
            self._send(200, json.dumps({"dataElements": [{"id": "abc", "name": "ok"}]}).encode(), "application/json")

    def _head(self, status, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()

    def _send(self, status, body, kind):
        self._head(status, {"Content-Type": kind, "Content-Length": str(len(body))})
        self.wfile.write(body)


@pytest.fixture
def hostile(roles, settings):
    settings.ASSISTANT_DHIS2_TIMEOUT_MS = 2000
    settings.ASSISTANT_DHIS2_MAX_BYTES = 1_000_000
    with serving(_Hostile) as main, serving(_Hostile) as elsewhere:
        main.seen, elsewhere.seen = [], []
        main.elsewhere = f"http://127.0.0.1:{elsewhere.server_address[1]}"
        make_connection(roles["workspace"], roles["admin"], f"http://127.0.0.1:{main.server_address[1]}", slug="hostile")
        yield SimpleNamespace(**roles, main=main, elsewhere=elsewhere)


@pytest.mark.parametrize(
    "mode, code",
    [
        ("huge", "RESPONSE_TOO_LARGE"),
        ("endless", "RESPONSE_TOO_LARGE"),
        ("bomb", "RESPONSE_TOO_LARGE"),
        ("drip", "QUERY_TIMEOUT"),
        ("silent", "QUERY_TIMEOUT"),
        ("html", "DHIS2_INVALID_RESPONSE"),
        ("broken", "DHIS2_INVALID_RESPONSE"),
        ("deep", "DHIS2_INVALID_RESPONSE"),
        ("not-objects", "DHIS2_INVALID_RESPONSE"),
        ("cut", "DHIS2_UNREACHABLE"),
        ("error-html", "DHIS2_INVALID_RESPONSE"),
        ("dhis2-error", "DHIS2_ERROR"),
        ("login", "DHIS2_AUTH_FAILED"),
        ("redirect", "DHIS2_REDIRECT"),
    ],
)
def test_hostile_answers_are_bounded_and_typed(hostile, mode, code):
    started = time.monotonic()
    result = query(hostile.viewer, hostile.workspace, "dataElements", {"mode": mode}, connection="hostile")
    elapsed = time.monotonic() - started
    assert result["error"]["code"] == code, result
    assert elapsed < 2.0 + 1.0  # the time limit, and a margin for a loaded machine
    assert PASSWORD not in json.dumps(result)
    if mode == "redirect":  # not followed: the credentials went nowhere else
        assert hostile.elsewhere.seen == [] and "127.0.0.1" in result["error"]["message"]


def test_the_hostile_server_answers_normally_otherwise_and_gets_the_credentials_in_a_header(hostile):
    result = query(hostile.viewer, hostile.workspace, "dataElements", {}, connection="hostile")
    assert result["rows"] == [["abc", "ok"]]
    [(path, headers)] = hostile.main.seen
    assert path.startswith("/api/dataElements") and PASSWORD not in path
    assert headers["Authorization"] == "Basic " + base64.b64encode(f"{DEMO_USERNAME}:{PASSWORD}".encode()).decode()


# -- charts, downloads, the data policy, the model's requests ----------------------------------------


def test_a_dhis2_answer_is_charted_and_downloaded_in_full(dhis2, settings):
    uid = confirmed_uid(dhis2.editor, dhis2.workspace)
    request = {"connection": "dhis2", "resource": "analytics", "params": october_params(uid)}
    chart = run_tool(dhis2.editor, dhis2.workspace, "create_chart", {
        "source": "dhis2", "dhis2": request,
        "query": "SELECT ou_name AS district, value AS cases FROM dhis2 ORDER BY cases DESC",
        "spec": {"mark": "bar", "encoding": {"x": {"field": "district", "type": "nominal"}, "y": {"field": "cases", "type": "quantitative"}}},
    })
    assert chart["row_count"] == 16, chart
    answered = query(dhis2.editor, dhis2.workspace, "analytics", october_params(uid), limit=5)
    values = sorted((row[-1] for row in answered["rows"]), reverse=True)
    assert [row[1] for row in chart["page"]["rows"]][:5] == sorted(
        [r[-1] for r in query(dhis2.editor, dhis2.workspace, "analytics", october_params(uid))["rows"]], reverse=True
    )[:5]
    assert answered["truncated"] is True and len(values) == 5
    # the download of the query_dhis2 call: its whole answer, not the 5 rows the model saw
    execution = SimpleNamespace(name="query_dhis2", input={**request, "limit": 5})
    source, stored = stored_query(execution)
    written = []
    outcome = SOURCES[source].copy_csv(dhis2.editor, dhis2.workspace, stored, 1000, written.append)
    lines = b"".join(written).decode().splitlines()
    assert outcome == {"row_count": 16, "truncated": False} and len(lines) == 17
    assert lines[0] == "dx,dx_name,pe,pe_name,ou,ou_name,value"
    assert PASSWORD not in "".join(lines)
    with pytest.raises(AssistantError) as refused:
        SOURCES[source].copy_csv(dhis2.outsider, dhis2.workspace, stored, 10, written.append)
    assert refused.value.code == "PERMISSION_DENIED"


def test_sql_over_dhis2_is_guarded(dhis2):
    request = {"connection": "dhis2", "resource": "dataSets", "params": {"fields": "id,name"}}
    spec = {"mark": "bar", "encoding": {"x": {"field": "name", "type": "nominal"}}}
    for sql, code in [
        ("SELECT * FROM read_csv('/etc/passwd')", "FUNCTION_NOT_ALLOWED"),
        ("SELECT * FROM other", "UNKNOWN_TABLE"),
        ("COPY dhis2 TO '/tmp/x.csv'", "NOT_READ_ONLY"),
    ]:
        result = run_tool(dhis2.editor, dhis2.workspace, "create_chart", {"source": "dhis2", "dhis2": request, "query": sql, "spec": spec})
        assert result["error"]["code"] == code, (sql, result)


def test_the_model_sees_no_secret_and_under_the_data_policy_no_dhis2_value(model, conversation, dhis2, demo_database, caplog):
    uid = confirmed_uid(dhis2.editor, dhis2.workspace)
    make_connection(dhis2.workspace, dhis2.admin, dhis2.server.url, slug="wrong", password=PASSWORD + "-x")
    ws.update_settings(dhis2.admin, dhis2.workspace, {"send_rows_to_model": False})
    model.script(
        tool_reply([
            ("list_connections", {}),
            ("query_dhis2", {"connection": "dhis2", "resource": "analytics", "params": october_params(uid)}),
            ("query_dhis2", {"connection": "wrong", "resource": "dataSets"}),
        ]),
        text_reply("Done."),
    )
    send_message(conversation.user, conversation.id, "Confirmed cases per district in DHIS2 for October 2024?")
    bodies = json.dumps([request["body"] for request in model.server.requests])
    basic = base64.b64encode(f"{DEMO_USERNAME}:{PASSWORD}".encode()).decode()
    for secret in (PASSWORD, basic):
        assert secret not in bodies
        assert secret not in json.dumps(list(ToolExecution.objects.values_list("output", flat=True)))
        assert secret not in caplog.text
    results = [
        json.loads(block["content"]) for block in model.server.requests[-1]["body"]["messages"][-1]["content"]
        if block.get("type") == "tool_result"
    ]
    assert results[1]["rows"] is None and "withheld" in results[1] and results[1]["row_count"] == 16
    assert results[2]["error"]["code"] == "DHIS2_AUTH_FAILED"
    stored = ToolExecution.objects.get(conversation=conversation, name="query_dhis2", output__rows__isnull=False)
    assert len(stored.output["rows"]) == 16  # the page still shows them
