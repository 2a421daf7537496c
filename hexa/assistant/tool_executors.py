"""Tool executors, scoped to one user and one workspace (contract: see README).

    fs = UserFileSystemTools(user, workspace)   # the workspace bucket
    db = UserDatabaseTools(user, workspace)     # the workspace database, read-only

`run_tool(user, workspace, name, tool_input)` runs a tool by its name, as declared in
hexa.assistant.tools: the input is checked against its arguments, then its executor method
runs (and checks the user's permission). A tool that needs approval is run as is: holding
it for the user is the agent's job. Every result is a JSON-serialisable dict; every failure
is `{"error": {"code", "message"}}`.
"""

from .errors import AssistantError, ToolErrorCode, error_result, is_error
from .executors.database import UserDatabaseTools
from .executors.files import UserFileSystemTools
from .tools import TOOL_NAMES, TOOLS

__all__ = ["UserFileSystemTools", "UserDatabaseTools", "run_tool", "AssistantError", "is_error", "error_result"]


def unknown_tool(name) -> dict:
    return error_result(
        ToolErrorCode.UNKNOWN_TOOL, f"There is no tool named {str(name)[:100]!r}. Tools: {', '.join(TOOL_NAMES)}."
    )


def run_tool(user, workspace, name: str, tool_input) -> dict:
    tool = TOOLS.get(name)
    return tool.run(user, workspace, tool_input) if tool else unknown_tool(name)
