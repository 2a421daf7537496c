"""Personal tokens and the user's MCP clients through GraphQL; usage per client for admins."""

from hexa.assistant.mcp.calls import call
from hexa.assistant.mcp.grants import grant_of, personal_client
from hexa.assistant.models import AssistantClient
from hexa.assistant.tools import TOOLS

CREATE = """mutation($input: CreateAssistantClientTokenInput!) {
  createAssistantClientToken(input: $input) { success errors token client { id name kind tools workspaces { slug } } } }"""
REVOKE = "mutation($id: UUID!) { revokeAssistantClientToken(id: $id) { success errors client { id revokedAt } } }"
MINE = "{ me { assistantClients { id name kind lastUsedAt revokedAt } assistantGrantable { workspace { slug } tools } } }"


def create(gql, workspace, tools=("describe_tables", "query_database"), name="Claude Code"):
    return gql(CREATE, {"input": {"name": name, "workspaceSlugs": [workspace.slug], "tools": list(tools)}})[
        "data"]["createAssistantClientToken"]


def test_a_user_creates_lists_and_revokes_a_personal_token(gql, roles):
    workspace = roles["workspace"]
    gql.login(roles["editor"])
    created = create(gql, workspace)
    assert created["success"] is True and created["errors"] == []
    assert created["token"].startswith("hxa_")
    assert created["client"]["kind"] == "PERSONAL_TOKEN"
    assert created["client"]["workspaces"] == [{"slug": workspace.slug}]
    assert created["client"]["tools"] == ["describe_tables", "query_database"]
    stored = AssistantClient.objects.get(pk=created["client"]["id"])
    assert created["token"] not in str(stored.__dict__)  # only its hash
    client = personal_client(created["token"])
    assert client == stored

    call(grant_of(client), "describe_tables", {"workspace": workspace.slug})
    mine = gql(MINE)["data"]["me"]
    assert [(c["id"], c["name"]) for c in mine["assistantClients"]] == [(str(stored.pk), "Claude Code")]
    assert mine["assistantClients"][0]["lastUsedAt"] is not None
    [grantable] = mine["assistantGrantable"]
    assert grantable["workspace"] == {"slug": workspace.slug}
    # every tool of the registry that runs at once, none that waits for the user
    assert grantable["tools"] == [name for name, tool in TOOLS.items() if tool.awaits is None]
    assert "write_file" not in grantable["tools"] and "query_database" in grantable["tools"]

    revoked = gql(REVOKE, {"id": str(stored.pk)})["data"]["revokeAssistantClientToken"]
    assert revoked["success"] is True and revoked["client"]["revokedAt"] is not None
    assert personal_client(created["token"]) is None
    again = gql(REVOKE, {"id": str(stored.pk)})["data"]["revokeAssistantClientToken"]
    assert again == {"success": False, "errors": ["NOT_FOUND"], "client": {"id": str(stored.pk), "revokedAt": revoked["client"]["revokedAt"]}}


def test_bad_grants_are_refused_as_data(gql, roles, make_workspace):
    workspace = roles["workspace"]
    gql.login(roles["viewer"])
    assert create(gql, workspace, tools=["write_file"])["errors"] == ["INVALID_TOOL"]
    assert create(gql, workspace, tools=[])["errors"] == ["INVALID_TOOL"]
    assert create(gql, workspace, name=" ")["errors"] == ["INVALID_NAME"]
    assert create(gql, workspace, name="x" * 101)["errors"] == ["INVALID_NAME"]
    foreign = make_workspace(roles["outsider"], name="Elsewhere")
    assert create(gql, foreign)["errors"] == ["WORKSPACE_NOT_FOUND"]
    assert AssistantClient.objects.count() == 0


def test_someone_elses_client_cannot_be_revoked(gql, roles):
    gql.login(roles["editor"])
    created = create(gql, roles["workspace"])
    gql.login(roles["viewer"])
    refused = gql(REVOKE, {"id": created["client"]["id"]})["data"]["revokeAssistantClientToken"]
    assert refused == {"success": False, "errors": ["NOT_FOUND"], "client": None}
    assert personal_client(created["token"]) is not None


def test_admins_see_usage_per_client(gql, roles):
    workspace = roles["workspace"]
    gql.login(roles["editor"])
    created = create(gql, workspace)
    grant = grant_of(personal_client(created["token"]))
    call(grant, "describe_tables", {"workspace": workspace.slug})
    call(grant, "query_database", {"workspace": workspace.slug, "query": "SELECT nope"})
    gql.login(roles["admin"])
    usage = gql(
        "query($slug: String!) { workspace(slug: $slug) { assistantUsage { byClient { clientId name kind user { email } "
        "calls failures lastCallAt } byTool { name calls } } } }",
        {"slug": workspace.slug},
    )["data"]["workspace"]["assistantUsage"]
    [row] = usage["byClient"]
    assert row["clientId"] == created["client"]["id"]
    assert (row["name"], row["kind"], row["user"], row["calls"], row["failures"]) == (
        "Claude Code", "PERSONAL_TOKEN", {"email": roles["editor"].email}, 2, 1,
    )
    assert {"name": "query_database", "calls": 1} in usage["byTool"]
