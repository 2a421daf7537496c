"""The tool registry: one declaration per tool, and the typed protocol kept in step with the SDL."""

import inspect
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
    modules = sorted(p.stem for p in (Path(__file__).parent.parent / "hexa/assistant/tools").glob("*.py") if p.stem not in ("__init__", "base", "arguments"))
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
        "list_connections": "workspaces.use_connections",
        "query_dhis2": "workspaces.use_connections",
        "list_datasets": "datasets.read_datasets",
        "list_pipelines": "pipelines.view_workspace_pipelines",
        "run_pipeline": "pipelines.run_workspace_pipelines",
        "get_pipeline_run": "pipelines.view_workspace_pipelines",
        "stop_pipeline_run": "pipelines.run_workspace_pipelines",
    }
    assert {name for name, tool in TOOLS.items() if tool.needs_approval} == {"write_file"}
    assert {name for name, tool in TOOLS.items() if tool.awaits_user} == {"write_file", "ask_user", "run_pipeline", "stop_pipeline_run"}
    assert {name for name, tool in TOOLS.items() if tool.offered_only_with_permission} == {"run_pipeline", "stop_pipeline_run"}
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


def _walk(schema):
    """Every schema within `schema` (the keys of `properties` are argument names, not keywords)."""
    if isinstance(schema, list):
        for item in schema:
            if isinstance(item, (dict, list)):
                yield from _walk(item)
        return
    yield schema
    for key, value in schema.items():
        for inner in value.values() if key == "properties" else [value]:
            if isinstance(inner, (dict, list)):
                yield from _walk(inner)


def test_the_schemas_claude_is_sent_are_plain_json_schema_without_pydantic_noise():
    for definition in tool_definitions():
        schema = definition["input_schema"]
        assert set(schema) == {"type", "properties", "required", "additionalProperties"}, definition["name"]
        assert set(schema["required"]) <= set(schema["properties"])
        for node in _walk(schema):
            assert not {"title", "default", "$defs", "$ref"} & set(node), (definition["name"], node)
            assert node.get("type") != "null" and "null" not in node.get("type", []), (definition["name"], node)
        for name, argument in schema["properties"].items():
            assert argument["description"] and ("type" in argument), (definition["name"], name)
    definitions = {d["name"]: d["input_schema"] for d in tool_definitions()}
    assert definitions["read_file"]["properties"]["sheet"]["type"] == ["string", "integer"]
    assert definitions["create_chart"]["properties"]["source"]["enum"] == ["database", "dhis2", "files"]
    assert definitions["ask_user"]["properties"]["choices"] == {
        "type": "array", "items": {"type": "string"}, "description": "Possible answers, shown as buttons."
    }
    assert definitions["list_files"]["properties"]["per_page"] == {
        "type": "integer", "minimum": 1, "maximum": 500, "description": "Entries per page (default 100)."
    }
    assert definitions["query_files"]["properties"]["files"]["additionalProperties"]["anyOf"][0] == {"type": "string"}


@pytest.mark.parametrize(
    "name, tool_input, message",
    [
        ("query_database", {"query": "SELECT 1", "limit": 1.5}, "Argument 'limit' of query_database must be a integer."),
        ("query_database", {"query": "SELECT 1", "limit": 1001}, "Argument 'limit' of query_database must be at least 1 and at most 1000."),
        ("query_database", {"query": None}, "Argument 'query' of query_database must be a string."),
        ("read_file", {"path": "a", "sheet": True}, "Argument 'sheet' of read_file must be a string or integer."),
        ("read_file", {"start_line": "x", "sheet": 1.0, "path": 2}, "Argument 'start_line' of read_file must be a integer."),
        ("list_files", {"per_page": 501}, "Argument 'per_page' of list_files must be at least 1 and at most 500."),
        ("ask_user", {"question": "?", "allow_free_text": "yes"}, "Argument 'allow_free_text' of ask_user must be a boolean."),
        ("create_chart", {"spec": [], "query": "q"}, "Argument 'spec' of create_chart must be a object."),
        ("create_chart", {"z": 1, "a": 2, "query": 3}, "Unknown argument(s) for create_chart: a, z."),
        ("query_files", {"limit": 0}, "Missing argument(s) for query_files: sql, files."),
        ("write_file", {"path": "a" * 100, "content": "b" * 1_000_000, "x" * 1000: 1}, f"Unknown argument(s) for write_file: {'x' * 200}."),
    ],
)
def test_every_tool_words_input_errors_as_before(name, tool_input, message):
    assert run_tool(None, None, name, tool_input) == {"error": {"code": "INVALID_INPUT", "message": message}}


HOSTILE = [
    None, "text", 7, [{"path": "a"}], {"": None}, {1: "a"}, {"path": {"a": [1, {"b": None}] * 1000}},
    {"query": "x" * 5_000_000, "sql": ["SELECT 1"], "limit": 10**100}, {"limit": float("nan"), "query": "q"},
    {"pattern": "\ud800\x00", "path": False, "contains": {"$gt": ""}}, {"question": "?", "choices": "a,b"},
    {**{f"k{i}": i for i in range(10_000)}}, {"spec": {"mark": "line"}, "query": "q", "files": [[[[[[]]]]]]},
]


@pytest.mark.parametrize("name", TOOL_NAMES)
@pytest.mark.parametrize("tool_input", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_gets_the_typed_error_and_never_pydantics_words(name, tool_input):
    error = TOOLS[name].validate(tool_input)
    if error is None:  # it fits the declared types: the executor judges it (tests/test_tool_executors_*.py)
        return
    assert set(error) == {"error"} and set(error["error"]) == {"code", "message"}
    assert error["error"]["code"] == "INVALID_INPUT"
    message = error["error"]["message"]
    assert len(message) < 400 and not any(word in message for word in ("pydantic", "Input should", "validation error", "type="))


def test_each_tools_arguments_are_its_executor_methods_keyword_arguments():
    """The typed call: what the arguments accept, the executor method takes, with the same
    arguments required (an executor may take more, e.g. write_file's expected_sha256 for approvals)."""
    for name, tool in TOOLS.items():
        parameters = dict(list(inspect.signature(getattr(tool.executor, name)).parameters.items())[1:])
        fields = tool.arguments.model_fields
        assert set(fields) <= set(parameters), name
        required = {key for key, parameter in parameters.items() if parameter.default is inspect.Parameter.empty}
        assert {key for key, field in fields.items() if field.is_required()} == required, name


def test_the_executor_gets_the_arguments_given_nulls_left_out():
    arguments, error = TOOLS["list_files"].parse({"path": None, "per_page": 20})
    assert error is None and arguments.given() == {"per_page": 20}
    arguments, _ = TOOLS["create_chart"].parse({"spec": {"mark": "bar"}, "query": "q", "title": None})
    assert arguments.given() == {"spec": {"mark": "bar"}, "query": "q"}
