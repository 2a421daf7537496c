"""What a question expects, and what an answer gave, as result sets `{"columns", "rows"}`.

An expected result is given by kind: SQL on the workspace database, a `query_files` call
over the bucket's files, or literal values. The SQL and files kinds are tool calls run
read-only as the user who runs the evaluation, through the same tools as the model: the
expected result is what the model could have found. A kind is one entry of KINDS; the DHIS2
tool (`query_dhis2`) becomes one more entry, `"DHIS2": ToolKind("query_dhis2", _json_input)`,
and one more name in ANSWER_TOOLS, once it exists.
"""

import json
from dataclasses import dataclass
from typing import Callable

from django.conf import settings

from ..errors import ToolErrorCode, is_error
from ..tool_executors import run_tool
from .models import ExpectedKind

MAX_EXPECTED_CHARS = 20_000


class ExpectedError(Exception):
    """The expected result could not be had: a bad query, a missing file, bad JSON."""


def _sql_input(text: str) -> dict:
    return {"query": text.strip().rstrip(";"), "limit": settings.ASSISTANT_QUERY_MAX_ROWS}


def _json_input(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ExpectedError(f"The expected call is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise ExpectedError("The expected call must be a JSON object (the tool's input).")
    return {**value, "limit": settings.ASSISTANT_QUERY_MAX_ROWS}


@dataclass(frozen=True)
class ToolKind:
    tool: str
    tool_input: Callable[[str], dict]


KINDS = {
    ExpectedKind.SQL: ToolKind("query_database", _sql_input),
    ExpectedKind.FILES: ToolKind("query_files", _json_input),
}

# Tools whose result is the result set of an answer (the last such call of the turn).
ANSWER_TOOLS = ("query_database", "query_files")


def table_of(output) -> dict | None:
    """`{"columns": [names], "rows": [[…]], "truncated"}` of a tool's output; None if it has none."""
    if not isinstance(output, dict) or is_error(output) or not isinstance(output.get("rows"), list):
        return None
    columns = [c.get("name") if isinstance(c, dict) else str(c) for c in output.get("columns") or []]
    rows = [list(row.values()) if isinstance(row, dict) else list(row) for row in output["rows"]]
    return {"columns": columns, "rows": rows, "truncated": bool(output.get("truncated"))}


def _literal(text: str) -> dict:
    """A JSON list of rows (`[["Bo", 120], ["Kenema", 98]]`), a list of values (one
    column), an object (one row, its keys the columns) or one value."""
    try:
        value = json.loads(text)
    except ValueError:
        value = text.strip()  # a bare word or figure
    if isinstance(value, dict):
        return {"columns": list(value), "rows": [list(value.values())]}
    if isinstance(value, list):
        rows = [row if isinstance(row, list) else [row] for row in value]
        width = max((len(row) for row in rows), default=0)
        return {"columns": [f"value_{n + 1}" for n in range(width)], "rows": rows}
    return {"columns": ["value"], "rows": [[value]]}


def expected_result(user, workspace, kind: str, expected: str) -> dict:
    """The expected result set of a question; raises ExpectedError."""
    if not isinstance(expected, str) or not expected.strip():
        raise ExpectedError("The expected result is empty.")
    if len(expected) > MAX_EXPECTED_CHARS:
        raise ExpectedError(f"The expected result is longer than {MAX_EXPECTED_CHARS:,} characters.")
    if kind == ExpectedKind.VALUES:
        return _literal(expected)
    source = KINDS.get(kind)
    if source is None:
        raise ExpectedError(f"Unknown kind of expected result: {kind}.")
    tool_input = source.tool_input(expected)
    output = run_tool(user, workspace, source.tool, tool_input)
    if is_error(output) and output["error"].get("code") == ToolErrorCode.QUERY_TIMEOUT:
        # once more: a first query over files may time out while its engine starts on a busy machine
        output = run_tool(user, workspace, source.tool, tool_input)
    if is_error(output):
        error = output["error"]
        raise ExpectedError(f"{error.get('code')}: {error.get('message')}")
    table = table_of(output)
    if table is None:
        raise ExpectedError(f"The {source.tool} call returned no result set.")
    return table
