"""The MCP server's ASGI application, mounted by config/asgi.py at /assistant/mcp/.

Before the SDK sees a request: its Host must be one of ALLOWED_HOSTS and its Origin, when a
browser sends one, the server's own or one of ASSISTANT_MCP_ALLOWED_ORIGINS (DNS rebinding:
a page of another site must not reach a server on the user's machine); then its bearer
token must be a live personal token or an OAuth access token issued for this server (its
audience), whose user is still active. The SDK's Streamable HTTP transport then serves it,
stateless and in JSON (no session, no stream to keep): any server process answers any call.
"""

import asyncio
import json

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings

from hexa.core.workers import run_sync

from . import PATH
from .grants import Grant, grant_of, personal_client
from .oauth import oauth_client
from .server import build_server, current_grant

METADATA_PATH = "/.well-known/oauth-protected-resource" + PATH.rstrip("/")
MAX_BODY_BYTES = 1_000_000


def base_url(scope) -> str:
    return f"{scope.get('scheme', 'http')}://{_header(scope, b'host')}"


def resource_url(scope) -> str:
    """This server's identifier as a resource: the audience its tokens must name."""
    return base_url(scope) + PATH


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _host_allowed(scope) -> bool:
    host = _header(scope, b"host")
    if not host:
        return False
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


def _origin_allowed(scope) -> bool:
    origin = _header(scope, b"origin")
    return origin is None or origin == base_url(scope) or origin in settings.ASSISTANT_MCP_ALLOWED_ORIGINS


def verify(token: str, resource: str) -> Grant | None:
    """The grant of a live token for this resource, or None."""
    client = personal_client(token) or oauth_client(token, resource)
    return grant_of(client) if client is not None else None


async def _refuse(send, status: int, code: str, message: str, headers=()):
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
    })
    await send({"type": "http.response.body", "body": body})


class McpApplication:
    def __init__(self):
        self.manager = None
        self._started = None

    async def _start(self):
        """The SDK's manager runs in a task of its own for the life of the process (this
        ASGI application is served without the lifespan protocol)."""
        if self._started is None:
            self._started = asyncio.get_running_loop().create_future()
            self.manager = StreamableHTTPSessionManager(
                app=build_server(), stateless=True, json_response=True,
                # Host and Origin are checked above, with Django's rules for ALLOWED_HOSTS
                security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
                max_request_body_size=MAX_BODY_BYTES,
            )
            asyncio.get_running_loop().create_task(self._run())
        await asyncio.shield(self._started)

    async def _run(self):
        async with self.manager.run():
            self._started.set_result(None)
            await asyncio.Event().wait()

    async def __call__(self, scope, receive, send):
        if scope["path"] not in (PATH, PATH.rstrip("/")):
            return await _refuse(send, 404, "NOT_FOUND", "Not found.")
        if not _host_allowed(scope):
            return await _refuse(send, 421, "INVALID_HOST", "This host name is not served here.")
        if not _origin_allowed(scope):
            return await _refuse(send, 403, "INVALID_ORIGIN", "Requests from this origin are not allowed.")
        authorization = _header(scope, b"authorization") or ""
        scheme, _, token = authorization.partition(" ")
        grant = None
        if scheme.lower() == "bearer" and token.strip():
            grant = await run_sync(verify, token.strip(), resource_url(scope))
        if grant is None:
            challenge = f'Bearer resource_metadata="{base_url(scope)}{METADATA_PATH}"'
            if token:
                challenge += ', error="invalid_token"'
            return await _refuse(
                send, 401, "UNAUTHENTICATED", "A valid access token for this server is required.",
                headers=[(b"www-authenticate", challenge.encode())],
            )
        await self._start()
        reset = current_grant.set(grant)
        try:
            await self.manager.handle_request(scope, receive, send)
        finally:
            current_grant.reset(reset)


mcp_application = McpApplication()
