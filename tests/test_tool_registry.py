"""The tool registry: one declaration per tool, and the typed protocol kept in step with the SDL."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

from hexa.assistant.errors import ErrorCode, ToolErrorCode
from hexa.assistant.events import EventType
from hexa.assistant.executors.database import UserDatabaseTools
from hexa.assistant.executors.files import UserFileSystemTools
from hexa.assistant.tool_executors import run_tool
from hexa.assistant.tools import TOOL_NAMES, TOOLS, tool_definitions
from hexa.workspaces.models import WorkspaceMembership, WorkspaceMembershipRole

SDL = (Path(__file__).resolve().parent.parent / "hexa/assistant/schema.graphql").read_text()


def sdl_enum(name: str) -> list[str]:
    body = re.search(r"enum %s \{(.*?)\}" % name, SDL, re.S).group(1)
    return [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith('"')]


@pytest.mark.parametrize(
    "sdl_name, values",
    [
        ("AssistantToolName", TOOL_NAMES),
        ("AssistantEventType", [t.value for t in EventType]),
        ("AssistantErrorCode", [c.value for c in ErrorCode]),
        ("AssistantToolErrorCode", [c.value for c in ToolErrorCode]),
    ],
)
def test_the_sdl_enums_list_what_the_server_declares(sdl_name, values):
    assert sorted(sdl_enum(sdl_name)) == sorted(values)


def test_every_tool_module_declares_its_tool_and_claude_sees_each_once():
    modules = sorted(p.stem for p in (Path(__file__).parent.parent / "hexa/assistant/tools").glob("*.py") if p.stem not in ("__init__", "base"))
    assert list(TOOL_NAMES) == modules
    definitions = tool_definitions()
    assert [d["name"] for d in definitions] == modules
    for definition in definitions:
        assert set(definition) == {"name", "description", "input_schema"}
        assert definition["input_schema"]["type"] == "object" and definition["input_schema"]["additionalProperties"] is False


def test_descriptions_and_schemas_quote_the_settings_of_the_moment():
    with override_settings(ASSISTANT_QUERY_MAX_ROWS=77, ASSISTANT_READ_MAX_BYTES=12_000):
        definitions = {d["name"]: d for d in tool_definitions()}
        assert definitions["query_database"]["input_schema"]["properties"]["limit"]["maximum"] == 77
        assert "at most 77" in definitions["query_database"]["description"]
        assert "12 kB" in definitions["read_file"]["description"]
        assert TOOLS["query_database"].validate({"query": "SELECT 1", "limit": 78})["error"]["code"] == "INVALID_INPUT"


def test_each_tool_names_the_permission_its_executor_checks():
    assert {name: tool.permission for name, tool in TOOLS.items()} == {
        "create_chart": "databases.query_database",
        "ask_user": "assistant.create_conversation",
        "describe_tables": "databases.query_database",
        "list_files": "files.read_files",
        "query_database": "databases.query_database",
        "read_file": "files.read_files",
        "query_files": "files.read_files",
        "search_files": "files.read_files",
        "write_file": "files.write_files",
    }
    assert {name for name, tool in TOOLS.items() if tool.needs_approval} == {"write_file"}
    assert {name for name, tool in TOOLS.items() if tool.awaits_user} == {"write_file", "ask_user"}
    assert TOOLS["write_file"].executor is UserFileSystemTools and TOOLS["query_database"].executor is UserDatabaseTools


@pytest.mark.parametrize(
    "tool_input, message",
    [
        (["not", "an", "object"], "The tool input must be a JSON object."),
        ({}, "Missing argument(s) for read_file: path."),
        ({"path": "a", "mode": "w"}, "Unknown argument(s) for read_file: mode."),
        ({"path": 3}, "Argument 'path' of read_file must be a string."),
        ({"path": "a", "start_line": True}, "Argument 'start_line' of read_file must be a integer."),
        ({"path": "a", "start_line": 0}, "Argument 'start_line' of read_file must be at least 1."),
    ],
)
def test_input_is_validated_once_from_the_schema_with_one_wording(tool_input, message):
    assert TOOLS["read_file"].validate(tool_input) == {"error": {"code": "INVALID_INPUT", "message": message}}


def test_run_tool_refuses_unknown_tools_and_checks_permissions_through_has_perm(db, make_user, make_workspace):
    admin, viewer = make_user(), make_user()
    workspace = make_workspace(admin, members=[(viewer, WorkspaceMembershipRole.VIEWER)])
    unknown = run_tool(viewer, workspace, "delete_everything", {})
    assert unknown["error"]["code"] == "UNKNOWN_TOOL" and "list_files" in unknown["error"]["message"]
    assert run_tool(viewer, workspace, "write_file", {"path": "n.md", "content": "x"})["error"]["code"] == "PERMISSION_DENIED"
    WorkspaceMembership.objects.filter(user=viewer).update(role=WorkspaceMembershipRole.EDITOR)
    assert run_tool(viewer, workspace, "write_file", {"path": "n.md", "content": "x"})["created"] is True
    assert run_tool(viewer, workspace, "read_file", {"path": "n.md"})["content"] == "x"
