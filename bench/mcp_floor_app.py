"""The floor of bench_mcp: the same SDK transport (stateless, JSON) under uvicorn, with one tool
that does nothing and no token; what the protocol and HTTP cost by themselves."""

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings


async def _list(ctx, params):
    return types.ListToolsResult(tools=[types.Tool(name="noop", input_schema={"type": "object"})])


async def _call(ctx, params):
    return types.CallToolResult(content=[types.TextContent(text="{}")], structured_content={})


manager = StreamableHTTPSessionManager(
    app=Server("floor", on_list_tools=_list, on_call_tool=_call), stateless=True, json_response=True,
    security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
)


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        async with manager.run():
            await send({"type": "lifespan.startup.complete"})
            await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    await manager.handle_request(scope, receive, send)
