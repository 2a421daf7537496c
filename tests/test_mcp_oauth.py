"""OAuth 2.1 of the MCP server end to end, over real HTTP: the SDK's own OAuth client
discovers the server (the 401's resource metadata, the authorization server's metadata),
registers itself, sends the user to the consent page with PKCE, gets its tokens and calls the
tools; then refresh, revocation, and what is refused."""

import asyncio
import html
import re
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from mcp import Client
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import OAuthClientMetadata
from oauth2_provider.models import AccessToken, Application

from hexa.assistant.mcp.grants import revoke_client
from hexa.assistant.models import AssistantClient, AssistantClientKind

from .support.live_server import LiveServer, session_for

REDIRECT_URI = "http://127.0.0.1:33418/callback"


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    started = LiveServer("http://127.0.0.1:9", tmp_path_factory.mktemp("mcp-oauth-logs"), turn_workers=0)
    yield started
    started.stop()


class Storage:
    def __init__(self):
        self.tokens = self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


def consent(browser: httpx.Client, authorization_url: str, workspaces, tools, allow=True) -> httpx.Response:
    """What the user does on the consent page: tick workspaces and tools, press Allow (or Deny)."""
    page = browser.get(authorization_url)
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    form = {name: html.unescape(value) for name, value in fields.items()}
    form.update(workspaces=workspaces, tools=tools)
    if allow:
        form["allow"] = "on"
    return browser.post(urlparse(authorization_url).path + "?" + urlparse(authorization_url).query, data=form)


def oauth_session(server, user, workspaces, tools, work, storage=None):
    """Run `work(client)` with an MCP client that authorises itself through the whole flow."""
    storage = storage or Storage()
    seen = {}
    browser = server.client(session_for(user))

    async def redirect_handler(url):
        seen["authorization_url"] = url
        answer = consent(browser, url, workspaces, tools)
        assert answer.status_code == 302, answer.text
        seen["callback"] = parse_qs(urlparse(answer.headers["location"]).query)

    async def callback_handler():
        query = seen["callback"]
        return AuthorizationCodeResult(code=query["code"][0], state=query.get("state", [None])[0], iss=query.get("iss", [None])[0])

    provider = OAuthClientProvider(
        server_url=f"{server.url}/assistant/mcp/",
        client_metadata=OAuthClientMetadata(client_name="Claude Code", redirect_uris=[REDIRECT_URI], token_endpoint_auth_method="none"),
        storage=storage, redirect_handler=redirect_handler, callback_handler=callback_handler,
    )

    async def run():
        http = create_mcp_http_client(auth=provider)
        async with http, Client(streamable_http_client(f"{server.url}/assistant/mcp/", http_client=http)) as client:
            return await work(client)

    try:
        return asyncio.run(run()), storage, seen
    finally:
        browser.close()


async def tool_names(client):
    return [tool.name for tool in (await client.list_tools()).tools]


def bearer(server, token) -> int:
    return httpx.post(
        f"{server.url}/assistant/mcp/", headers={"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"},
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},
    ).status_code


def test_discovery_metadata(server):
    anonymous = httpx.post(f"{server.url}/assistant/mcp/", json={})
    metadata_url = re.search(r'resource_metadata="([^"]+)"', anonymous.headers["www-authenticate"]).group(1)
    resource = httpx.get(metadata_url).json()
    assert resource["resource"] == f"{server.url}/assistant/mcp/"
    assert resource["authorization_servers"] == [server.url]
    issuer = httpx.get(f"{server.url}/.well-known/oauth-authorization-server").json()
    assert issuer["issuer"] == server.url
    assert issuer["code_challenge_methods_supported"] == ["S256"]
    assert issuer["registration_endpoint"] == f"{server.url}/oauth/register/"
    assert issuer["grant_types_supported"] == ["authorization_code", "refresh_token"]


def test_the_whole_flow_then_refresh_and_revocation(server, transactional_db, roles, make_workspace):
    editor = roles["editor"]
    workspace = roles["workspace"]
    make_workspace(editor, name="Not granted")
    names, storage, seen = oauth_session(server, editor, [workspace.slug], ["describe_tables", "query_database"], tool_names)
    assert names == ["describe_tables", "query_database"]
    # PKCE S256 and the resource were in the authorization request
    query = parse_qs(urlparse(seen["authorization_url"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["resource"] == [f"{server.url}/assistant/mcp/"]
    # the registered client, the user's consent, a token bound to the MCP server
    application = Application.objects.get(client_id=storage.client_info.client_id)
    assert application.client_type == "public"
    client = AssistantClient.objects.get(user=editor, application=application)
    assert (client.kind, client.name, client.tools) == (AssistantClientKind.OAUTH, "Claude Code", ["describe_tables", "query_database"])
    assert [w.slug for w in client.workspaces.all()] == [workspace.slug]
    assert AccessToken.objects.get(user=editor, application=application).resource == [f"{server.url}/assistant/mcp/"]
    access, refresh = storage.tokens.access_token, storage.tokens.refresh_token
    assert bearer(server, access) == 200

    # refresh: a new access token; the refresh token is rotated (the old one is spent)
    token_url = f"{server.url}/oauth/token/"
    refreshed = httpx.post(token_url, data={
        "grant_type": "refresh_token", "refresh_token": refresh, "client_id": application.client_id,
    })
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["access_token"] != access and new["refresh_token"] != refresh
    assert bearer(server, new["access_token"]) == 200
    reused = httpx.post(token_url, data={"grant_type": "refresh_token", "refresh_token": refresh, "client_id": application.client_id})
    assert reused.status_code == 400

    # revocation (RFC 7009) ends the token at once
    revoked = httpx.post(f"{server.url}/oauth/revoke/", data={"token": new["access_token"], "client_id": application.client_id})
    assert revoked.status_code == 200
    assert bearer(server, new["access_token"]) == 401


def test_revoking_the_client_on_the_page_ends_its_tokens(server, transactional_db, roles):
    editor = roles["editor"]
    _, storage, _ = oauth_session(server, editor, [roles["workspace"].slug], ["describe_tables"], tool_names)
    assert bearer(server, storage.tokens.access_token) == 200
    client = AssistantClient.objects.get(user=editor, revoked_at__isnull=True)
    assert revoke_client(editor, client.pk) == []
    assert bearer(server, storage.tokens.access_token) == 401
    refused = httpx.post(f"{server.url}/oauth/token/", data={
        "grant_type": "refresh_token", "refresh_token": storage.tokens.refresh_token, "client_id": storage.client_info.client_id,
    })
    assert refused.status_code == 400


def _authorize_url(server, application, **extra) -> str:
    params = {
        "response_type": "code", "client_id": application.client_id, "redirect_uri": REDIRECT_URI, "scope": "mcp",
        "code_challenge": "x" * 43, "code_challenge_method": "S256", "state": "s",
        "resource": f"{server.url}/assistant/mcp/", **extra,
    }
    return f"{server.url}/oauth/authorize/?{urlencode(params)}"


@pytest.fixture
def application(transactional_db):
    """A client registered by hand (registration through the endpoint: the whole flow above)."""
    return Application.objects.create(
        name="Hand-made", client_type="public", authorization_grant_type="authorization-code", redirect_uris=REDIRECT_URI,
    )


def test_a_token_for_another_resource_is_not_issued(server, roles, application):
    browser = server.client(session_for(roles["editor"]))
    page = browser.get(_authorize_url(server, application, resource="https://elsewhere.example/mcp"))
    assert page.status_code == 400
    assert "resource" in page.text
    without = browser.get(_authorize_url(server, application, resource=""))
    assert without.status_code == 400


def test_the_consent_page_signs_in_speaks_french_and_refuses_an_empty_grant(server, roles, application):
    anonymous = httpx.get(_authorize_url(server, application))
    assert anonymous.status_code == 302
    assert anonymous.headers["location"].startswith("/oauth/login/?next=/oauth/authorize/")
    login_page = httpx.get(f"{server.url}{anonymous.headers['location']}", headers={"Accept-Language": "fr"})
    assert "Se connecter à OpenHEXA" in login_page.text

    viewer = roles["viewer"]
    viewer.language = "fr"
    viewer.save()
    browser = server.client(session_for(viewer))
    page = browser.get(_authorize_url(server, application))
    assert "Hand-made demande à utiliser des outils OpenHEXA" in page.text
    # browsers apply form-action to the redirect after the form: the client's redirect origin is allowed
    assert "form-action 'self' http://127.0.0.1:33418;" in page.headers["content-security-policy"]
    assert "write_file" not in page.text  # a change is never offered
    nothing = consent(browser, _authorize_url(server, application), [], ["describe_tables"])
    assert nothing.status_code == 200 and "Choisissez au moins un de vos espaces de travail." in nothing.text
    denied = consent(browser, _authorize_url(server, application), [roles["workspace"].slug], ["describe_tables"], allow=False)
    assert denied.status_code == 302 and "error=access_denied" in denied.headers["location"]
    assert not AssistantClient.objects.filter(user=viewer).exists()
