"""The data policy: what the model sees of a tool's result when a workspace does not send
rows to the model (`send_rows_to_model = False`).

Every tool result passes through `for_model` before it goes into a `tool_result` block (and
earlier turns' results again through `history_for_model`); the stored ToolExecution output,
which the page shows, stays whole. A tool may declare its own view (`Tool.for_model`);
every other tool, including tools added later, gets the generic rule below:

- Row values are withheld: a list under a row key (`rows`, `sample_rows`, `samples`,
  `sample`, `preview`, `records`, `data`, `values`, `points`) is replaced by null and a
  `withheld` note with its count; `columns`, types, `row_count`, `truncated`, schemas and
  file names stay.
- The `content` of a data file (by extension: DATA_FILE_EXTENSIONS) is withheld the same
  way, with its size and line count.
- Allowed aggregates pass: a query (`query` or `sql` input) whose result rows are only
  group keys and counts/sums/averages of plain columns of one table, with `count(*)` among
  them (see `_aggregate_count_column`); groups of fewer than ASSISTANT_MIN_GROUP_SIZE rows
  are dropped. EXPLAIN plans pass (they show no table data).
- Error messages keep quoted text only where the model's own input has it: PostgreSQL
  quotes the offending value in its errors (`invalid input syntax for type integer: "…"`),
  which would otherwise carry a row value out.
"""

import json
import re
from pathlib import PurePosixPath

from django.conf import settings
from pglast import ast, parse_sql

from .errors import is_error
from .history import HISTORY_TOOL_RESULT_MAX_CHARS
from .tools.base import without_page_only

ROW_KEYS = ("rows", "sample_rows", "samples", "sample", "preview", "records", "data", "values", "points")
DATA_FILE_EXTENSIONS = {
    ".csv", ".tsv", ".tab", ".psv", ".json", ".jsonl", ".ndjson", ".geojson", ".xml", ".xlsx", ".xls", ".ods",
    ".parquet", ".arrow", ".feather", ".dta", ".sav", ".sas7bdat", ".dbf", ".sqlite", ".db",
}
AGGREGATES = {"count", "sum", "avg"}
WITHHELD_NOTE = (
    "Row values are not sent to you in this workspace (its data policy); the user sees the full "
    "result on the page. You can use aggregates: counts, sums and averages of plain columns of one "
    "table, with count(*) per group and GROUP BY on plain columns."
)
_QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")


def for_model(tool, tool_input, output, send_rows: bool):
    """What the model gets of `output`, the result of `tool` (a Tool or None) called with
    `tool_input`, under the workspace's data policy (and never the output's page-only part)."""
    output = without_page_only(output)
    if send_rows or not isinstance(output, dict):
        return output
    custom = getattr(tool, "for_model", None)
    if custom is not None:
        return custom(tool_input, output)
    return withheld(tool_input if isinstance(tool_input, dict) else {}, output)


def withheld(tool_input: dict, output: dict) -> dict:
    """The generic rule (see the module docstring)."""
    if is_error(output):
        return _redacted_error(tool_input, output)
    query = tool_input.get("query") or tool_input.get("sql")
    count_column = _allowed_query(query) if isinstance(query, str) else None
    return _walk(output, tool_input, count_column)


def _walk(value, tool_input, count_column):
    if isinstance(value, list):
        return [_walk(item, tool_input, count_column) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in ROW_KEYS and isinstance(item, list):
            if count_column == "plan" or (key == "rows" and isinstance(count_column, int)):
                result[key], dropped = _large_groups(item, count_column)
                if dropped:
                    result["withheld"] = (
                        f"{dropped} group(s) of fewer than {settings.ASSISTANT_MIN_GROUP_SIZE} rows are not sent to you "
                        "(the workspace's data policy)."
                    )
                continue
            result[key] = None
            result["withheld"] = f"{len(item)} {key.replace('_', ' ')} withheld. {WITHHELD_NOTE}"
        elif key == "content" and isinstance(item, str) and _is_data_file(value.get("path") or tool_input.get("path")):
            result[key] = None
            result["withheld"] = (
                f"The content of this data file ({len(item.encode())} bytes, {item.count(chr(10)) + 1} lines) is not "
                f"sent to you. {WITHHELD_NOTE}"
            )
        elif key in ("sample_error",):
            continue  # may quote a value
        else:
            result[key] = _walk(item, tool_input, count_column)
    return result


def _large_groups(rows, count_column):
    if count_column == "plan":
        return rows, 0
    minimum = settings.ASSISTANT_MIN_GROUP_SIZE
    kept = [
        row for row in rows
        if isinstance(row, list) and count_column < len(row) and _as_int(row[count_column]) >= minimum
    ]
    return kept, len(rows) - len(kept)


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _is_data_file(path) -> bool:
    return isinstance(path, str) and PurePosixPath(path).suffix.lower() in DATA_FILE_EXTENSIONS


def _redacted_error(tool_input: dict, output: dict) -> dict:
    error = dict(output["error"])
    own = json.dumps(tool_input, ensure_ascii=False)
    message = str(error.get("message", ""))

    def keep_own(match):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        return match.group(0) if quoted and (quoted in own or json.dumps(quoted)[1:-1] in own) else '"…"'

    error["message"] = _QUOTED.sub(keep_own, message)
    rest = {k: v for k, v in output.items() if k != "error"}  # e.g. line_count beside the error
    return {**_walk(rest, tool_input, None), "error": error}


# -- allowed aggregates --------------------------------------------------------------


def _allowed_query(query: str):
    """"plan" for an EXPLAIN, the position of the count(*) column for an allowed aggregate
    query, else None. Anything this cannot read is not allowed (fail closed)."""
    try:
        statements = parse_sql(query)
    except Exception:
        return None
    if len(statements) != 1:
        return None
    statement = statements[0].stmt
    if isinstance(statement, ast.ExplainStmt):
        return "plan"
    if isinstance(statement, ast.SelectStmt):
        return _aggregate_count_column(statement)
    return None


def _column(node) -> tuple | None:
    if isinstance(node, ast.ColumnRef) and all(isinstance(f, ast.String) for f in node.fields):
        return tuple(f.sval for f in node.fields)
    return None


def _aggregate_count_column(select: ast.SelectStmt) -> int | None:
    """An allowed aggregate query is one SELECT over one plain table or view (no join,
    subquery, function or CTE in FROM: those could repeat a row to fill a group), grouped by
    plain columns, whose output columns are group columns or count/sum/avg of a plain column
    (count(*) too) with no FILTER, ORDER or OVER (which could pick one row out of a group),
    and one of which is a plain count(*): the group size, checked on every row."""
    if select.larg is not None or select.withClause or select.valuesLists or select.intoClause:
        return None
    if not select.fromClause or len(select.fromClause) != 1 or not isinstance(select.fromClause[0], ast.RangeVar):
        return None
    groups = set()
    for item in select.groupClause or ():
        column = _column(item)
        if column is None:
            return None
        groups.add(column)
    count_column = None
    for position, target in enumerate(select.targetList or ()):
        value = target.val
        column = _column(value)
        if column is not None:
            if column not in groups and column[-1:] not in {g[-1:] for g in groups}:
                return None
            continue
        if not isinstance(value, ast.FuncCall) or value.over or value.agg_filter or value.agg_order or value.agg_within_group:
            return None
        name = value.funcname[-1].sval.lower() if value.funcname else ""
        schema = [part.sval for part in value.funcname[:-1]]
        if name not in AGGREGATES or schema not in ([], ["pg_catalog"]):
            return None
        if value.agg_star:
            if name != "count":
                return None
            if not value.agg_distinct and count_column is None:
                count_column = position
            continue
        if not value.args or len(value.args) != 1 or _column(value.args[0]) is None:
            return None
    return count_column


def history_for_model(messages: list[dict], executions, tools: dict) -> list[dict]:
    """`messages` (API history) with every tool_result rebuilt from its stored execution
    through the policy: results of turns run before the policy was set hold rows."""
    by_id = {e.tool_use_id: e for e in executions}
    for message in messages:
        if message["role"] != "user" or not isinstance(message["content"], list):
            continue
        for position, block in enumerate(message["content"]):
            execution = by_id.get(block.get("tool_use_id")) if block.get("type") == "tool_result" else None
            if execution is None or execution.output is None:
                continue
            shown = for_model(tools.get(execution.name), execution.input, execution.output, send_rows=False)
            text = json.dumps(shown, ensure_ascii=False, default=str)
            if len(text) > HISTORY_TOOL_RESULT_MAX_CHARS:
                text = text[:HISTORY_TOOL_RESULT_MAX_CHARS] + "\n[Shortened in the conversation history.]"
            message["content"][position] = {**block, "content": text}
    return messages
