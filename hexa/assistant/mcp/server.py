"""The MCP server, built from the tool registry: each tool the client was granted, with the
description and argument schema Claude is sent on the page, one more argument (the
workspace, among the client's), structured results and the read-only/destructive hints.
"""

import contextvars
import json

import mcp_types as types
from mcp.server.lowlevel import Server

from hexa.core.workers import run_sync

from ..errors import is_error
from ..tools import TOOLS
from .calls import WORKSPACE_ARGUMENT, call
from .grants import Grant, is_change

# The verified client of the request being served (set by asgi.py before the SDK runs).
current_grant: contextvars.ContextVar[Grant | None] = contextvars.ContextVar("mcp_grant", default=None)

INSTRUCTIONS = (
    "The tools of OpenHEXA workspaces: their files (bucket) and their PostgreSQL database, read-only. "
    "Every tool takes `workspace`, the slug of one of the workspaces this client was granted. "
    "Describe tables before writing SQL; query files (CSV, Parquet, spreadsheets) with query_files. "
    "Changes (writing files, running pipelines) are not available here: the user makes them on the "
    "OpenHEXA assistant page."
)


def tool_listing(name: str, slugs: list[str]) -> types.Tool:
    tool = TOOLS[name]
    definition = tool.definition()
    schema = dict(definition["input_schema"])  # the registry's is shared: not to be changed
    schema["properties"] = {
        WORKSPACE_ARGUMENT: {
            "type": "string", "enum": sorted(slugs), "description": "The workspace to work in (its slug).",
        },
        **schema.get("properties", {}),
    }
    schema["required"] = [WORKSPACE_ARGUMENT, *schema.get("required", [])]
    change = is_change(tool)
    return types.Tool(
        name=name,
        description=definition["description"],
        input_schema=schema,
        annotations=types.ToolAnnotations(read_only_hint=not change, destructive_hint=change),
    )


def _grant() -> Grant:
    grant = current_grant.get()
    if grant is None:  # asgi.py lets no request through without one
        raise RuntimeError("MCP request without a verified client")
    return grant


def _list(grant: Grant) -> list[types.Tool]:
    return [tool_listing(name, slugs) for name, slugs in grant.listed_tools().items()]


async def list_tools(ctx, params) -> types.ListToolsResult:
    return types.ListToolsResult(tools=await run_sync(_list, _grant()))


def result_of(output) -> types.CallToolResult:
    """A tool's output as an MCP result: the JSON as text (for clients that read text) and as
    structured content; a typed error is a tool error, `{"error": {"code", "message"}}`."""
    text = json.dumps(output, ensure_ascii=False, default=str)
    structured = json.loads(text) if isinstance(output, dict) else {"result": output}
    return types.CallToolResult(
        content=[types.TextContent(text=text)], structured_content=structured, is_error=is_error(output)
    )


async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
    output = await run_sync(call, _grant(), params.name, params.arguments)
    return result_of(output)


def build_server() -> Server:
    return Server(
        "openhexa-assistant",
        version="1",
        title="OpenHEXA workspaces",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
