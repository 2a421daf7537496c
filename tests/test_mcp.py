"""The MCP server over real HTTP: the SDK's own client against uvicorn serving the app on the
test database, with personal tokens (the OAuth flow: test_mcp_oauth.py)."""

import asyncio

import httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from hexa.assistant.executors.file_process import start_fork_server
from hexa.assistant.mcp.grants import create_personal_token, offered_tools, revoke_client
from hexa.assistant.models import AssistantSettings, UsageKind, UsageRecord
from hexa.assistant.tool_executors import run_tool
from hexa.databases import api as databases
from hexa.files.api import bucket_path
from hexa.workspaces.models import WorkspaceMembership, WorkspaceMembershipRole

from .support.live_server import LiveServer

RATE = 5
READ_TOOLS = ["describe_tables", "list_files", "query_database", "query_files", "read_file"]


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    started = LiveServer("http://127.0.0.1:9", tmp_path_factory.mktemp("mcp-logs"), turn_workers=0,
                         ASSISTANT_MCP_RATE_LIMIT=f"{RATE}/m")
    yield started
    started.stop()


@pytest.fixture
def workspace(transactional_db, roles):
    workspace = roles["workspace"]
    connection = databases.connect(workspace, read_only=False)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE cases (district text, month int, cases int); "
            "COMMENT ON TABLE cases IS 'Confirmed cases'; "
            "INSERT INTO cases SELECT d, m, 10 * m FROM unnest(ARRAY['Bo', 'Kenema']) d, generate_series(1, 12) m;"
        )
    connection.close()
    (bucket_path(workspace.bucket_name) / "reports.csv").write_text("district,cases\nBo,3\nKenema,4\n")
    return workspace


def token_for(user, workspaces, tools=READ_TOOLS, name="Claude Desktop"):
    client, token, errors = create_personal_token(user, name, [w.slug for w in workspaces], tools)
    assert errors == []
    return client, token


async def _session(url, token, work, headers=None):
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}", **(headers or {})})
    async with http, Client(streamable_http_client(url, http_client=http)) as client:
        return await work(client)


def mcp(server, token, work):
    return asyncio.run(_session(f"{server.url}/assistant/mcp/", token, work))


def list_tools(server, token):
    async def work(client):
        return (await client.list_tools()).tools

    return mcp(server, token, work)


def call(server, token, name, arguments):
    async def work(client):
        return await client.call_tool(name, arguments)

    return mcp(server, token, work)


def test_lists_the_granted_tools_from_the_registry(server, workspace, roles):
    _, token = token_for(roles["editor"], [workspace])
    tools = {tool.name: tool for tool in list_tools(server, token)}
    assert sorted(tools) == READ_TOOLS
    query = tools["query_database"]
    registry = offered_tools()["query_database"].definition()
    assert query.description == registry["description"]
    assert query.input_schema["required"] == ["workspace", "query"]
    assert query.input_schema["properties"]["workspace"]["enum"] == [workspace.slug]
    assert query.input_schema["properties"]["query"] == registry["input_schema"]["properties"]["query"]
    assert query.annotations.read_only_hint is True and query.annotations.destructive_hint is False


def untimed(output: dict) -> dict:
    """A result without the time it took (the one figure two runs differ in)."""
    return {key: value for key, value in output.items() if key != "duration_ms"}


def test_results_are_run_tools_own(server, workspace, roles):
    # this process's file queries run in children of a fork server: started first, as a worker
    # does, so that its load (seconds on a busy machine) is not taken from the first query's time
    start_fork_server()
    user = roles["editor"]
    _, token = token_for(user, [workspace])
    # and the server's: its first file query starts it (its result is not compared)
    call(server, token, "query_files", {"workspace": workspace.slug, "sql": "SELECT 1 AS one FROM r", "files": {"r": "reports.csv"}})
    for name, arguments in [
        ("describe_tables", {}),
        ("query_database", {"query": "SELECT district, sum(cases) AS cases FROM cases GROUP BY 1 ORDER BY 1"}),
        ("query_files", {"sql": "SELECT * FROM r ORDER BY district", "files": {"r": "reports.csv"}}),
    ]:
        result = call(server, token, name, {"workspace": workspace.slug, **arguments})
        expected = run_tool(user, workspace, name, arguments)
        assert "error" not in expected
        assert result.is_error is False
        assert untimed(result.structured_content) == untimed(expected), name
    rows = call(server, token, "query_database", {"workspace": workspace.slug, "query": "SELECT count(*) FROM cases"})
    assert rows.structured_content["rows"] == [[24]]


def test_typed_errors_are_tool_errors(server, workspace, roles):
    _, token = token_for(roles["editor"], [workspace])
    result = call(server, token, "query_database", {"workspace": workspace.slug, "query": "DELETE FROM cases"})
    assert result.is_error is True
    assert result.structured_content["error"]["code"] == "NOT_READ_ONLY"
    result = call(server, token, "query_database", {"workspace": workspace.slug, "limit": "ten"})
    assert result.structured_content["error"]["code"] == "INVALID_INPUT"


def test_a_token_for_workspace_a_is_refused_on_b(server, workspace, roles, make_workspace):
    editor = roles["editor"]
    other = make_workspace(roles["admin"], name="Other", members=[(editor, WorkspaceMembershipRole.EDITOR)])
    _, token = token_for(editor, [workspace])
    result = call(server, token, "describe_tables", {"workspace": other.slug})
    assert result.is_error is True
    assert result.structured_content["error"]["code"] == "WORKSPACE_NOT_GRANTED"
    assert other.slug not in str([t.input_schema for t in list_tools(server, token)])


def test_a_grant_never_exceeds_the_role(server, workspace, roles):
    viewer = roles["viewer"]
    client, token, errors = create_personal_token(viewer, "Viewer", [workspace.slug], ["write_file"])
    assert (client, token, errors) == (None, None, ["INVALID_TOOL"])
    _, token = token_for(viewer, [workspace])
    tools = list_tools(server, token)
    assert tools and all(t.annotations.read_only_hint and not t.annotations.destructive_hint for t in tools)
    assert "write_file" not in {t.name for t in tools}


def test_write_file_never_writes_from_mcp(server, workspace, roles):
    _, token = token_for(roles["editor"], [workspace])
    result = call(server, token, "write_file", {"workspace": workspace.slug, "path": "x.md", "content": "hello"})
    assert result.is_error is True
    assert result.structured_content["error"]["code"] == "NOT_AVAILABLE"
    assert not (bucket_path(workspace.bucket_name) / "x.md").exists()


def test_revoked_token_and_removed_member_are_refused(server, workspace, roles):
    editor = roles["editor"]
    client, token = token_for(editor, [workspace])
    assert list_tools(server, token)
    WorkspaceMembership.objects.filter(user=editor, workspace=workspace).delete()
    assert list_tools(server, token) == []
    result = call(server, token, "describe_tables", {"workspace": workspace.slug})
    assert result.structured_content["error"]["code"] == "WORKSPACE_NOT_GRANTED"
    assert revoke_client(editor, client.pk) == []
    response = httpx.post(f"{server.url}/assistant/mcp/", headers={"Authorization": f"Bearer {token}"}, json={})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"


def test_the_data_policy_applies(server, workspace, roles):
    AssistantSettings.objects.create(workspace=workspace, send_rows_to_model=False)
    _, token = token_for(roles["editor"], [workspace])
    result = call(server, token, "query_database", {"workspace": workspace.slug, "query": "SELECT * FROM cases"})
    assert result.is_error is False
    assert result.structured_content["rows"] is None
    assert "withheld" in result.structured_content
    assert "Kenema" not in str(result.content)


def test_disabled_tools_are_neither_listed_nor_run(server, workspace, roles):
    AssistantSettings.objects.create(workspace=workspace, enabled_tools=["describe_tables"])
    _, token = token_for(roles["editor"], [workspace])
    assert [t.name for t in list_tools(server, token)] == ["describe_tables"]
    result = call(server, token, "query_database", {"workspace": workspace.slug, "query": "SELECT 1"})
    assert result.structured_content["error"]["code"] == "TOOL_DISABLED"


def test_calls_are_in_the_ledger_with_their_client_and_rate_limited(server, workspace, roles):
    client, token = token_for(roles["editor"], [workspace])

    async def work(session):
        return [await session.call_tool("describe_tables", {"workspace": workspace.slug}) for _ in range(RATE + 1)]

    results = mcp(server, token, work)
    assert [r.is_error for r in results] == [False] * RATE + [True]
    assert results[-1].structured_content["error"]["code"] == "RATE_LIMITED"
    assert results[-1].structured_content["error"]["retry_after"] >= 1
    rows = UsageRecord.objects.filter(client=client)
    assert rows.count() == RATE
    assert {(r.kind, r.tool_name, r.workspace_id, r.user_id, r.success) for r in rows} == {
        (UsageKind.TOOL_CALL, "describe_tables", workspace.pk, roles["editor"].pk, True)
    }
    client.refresh_from_db()
    assert client.last_used_at is not None


def test_host_origin_and_token_are_checked_before_anything(server, workspace, roles):
    _, token = token_for(roles["editor"], [workspace])
    url = f"{server.url}/assistant/mcp/"
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.post(url, headers={**auth, "Host": "evil.example"}, json={}).status_code == 421
    assert httpx.post(url, headers={**auth, "Origin": "http://evil.example"}, json={}).status_code == 403
    anonymous = httpx.post(url, json={})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == (
        f'Bearer resource_metadata="{server.url}/.well-known/oauth-protected-resource/assistant/mcp"'
    )
    wrong = httpx.post(url, headers={"Authorization": "Bearer hxa_nothing"}, json={})
    assert wrong.status_code == 401 and 'error="invalid_token"' in wrong.headers["www-authenticate"]
