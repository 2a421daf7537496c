"""The data policy: what the model sees of a tool's result when a workspace does not send
rows to the model (`send_rows_to_model = False`).

Every tool result passes through `for_model` as its `tool_result` block is built, here alone
(`tool_result_block`, for the turn's results and again for earlier turns' in `history_for_model`); the stored ToolExecution output,
which the page shows, stays whole. A tool may declare its own view (`Tool.for_model`);
every other tool, including tools added later, gets the generic rule below:

- Row values are withheld: a list under a row key (`rows`, `sample_rows`, `samples`,
  `sample`, `preview`, `records`, `data`, `values`, `points`) is replaced by null and a
  `withheld` note with its count; `columns`, types, `row_count`, `truncated`, schemas and
  file names stay.
- The `content` of a data file is withheld the same way, with its size and line count: a
  file is data by its extension (DATA_FILE_EXTENSIONS) or by its content, whatever its name
  (data_sniffing.py: a CSV saved as .txt, an SQL dump).
- Allowed aggregates pass (aggregate_rule.py, one reading for PostgreSQL's and DuckDB's SQL):
  groups that are whole groups of one table, each value a key, a count, or a sum/average
  beside the count of the rows that make it; rows where one of those counts is below
  ASSISTANT_MIN_GROUP_SIZE are dropped. EXPLAIN plans pass (they show no table data), not
  EXPLAIN ANALYZE (its row counts would be counts of any condition, without a minimum).
- Error messages that may quote the engine's or a reader's words (ENGINE_TEXT: a value that
  failed a cast, `error(string_agg(…))`, a line of a CSV…) are replaced by what the error is
  (its kind, SQLSTATE) and where it is in the model's query: nothing the engine wrote from
  the data. Errors of parsing and binding the query's text keep their message: it is made of
  the query and the schema only. Every other code's message is the executors' own words
  (OWN_WORDS); every code is in one of the two (a test checks it).
"""

import json
from pathlib import PurePosixPath

from django.conf import settings
from pglast import ast, parse_sql

from .aggregate_rule import checked_columns
from .data_sniffing import looks_like_data
from .errors import ToolErrorCode, is_error
from .history import HISTORY_TOOL_RESULT_MAX_CHARS

# Tool output sent back to the model within a turn is capped too: executors already bound
# their results, this is the last guard.
TOOL_RESULT_MAX_CHARS = 150_000
# A tool output's key for what only the page needs (a chart's spec and rows): stored and
# streamed with the output, never sent to the model.
PAGE_ONLY = "page"
ROW_KEYS = ("rows", "sample_rows", "samples", "sample", "preview", "records", "data", "values", "points")
DATA_FILE_EXTENSIONS = {
    ".csv", ".tsv", ".tab", ".psv", ".json", ".jsonl", ".ndjson", ".geojson", ".xml", ".xlsx", ".xls", ".ods",
    ".parquet", ".arrow", ".feather", ".dta", ".sav", ".sas7bdat", ".dbf", ".sqlite", ".db",
}
WITHHELD_NOTE = (
    "Row values are not sent to you in this workspace (its data policy); the user sees the full "
    "result on the page. You can use aggregates over one table: GROUP BY plain columns, WHERE only on "
    "those columns, count(*) in the select list and count(x) beside each sum(x) or avg(x)."
)


def without_page_only(output):
    """A tool output without its page-only part (what no model is sent)."""
    if isinstance(output, dict) and PAGE_ONLY in output:
        return {key: value for key, value in output.items() if key != PAGE_ONLY}
    return output


def tool_result_block(
    tool_use_id, output, tool=None, tool_input=None, send_rows=True,
    max_chars=TOOL_RESULT_MAX_CHARS, cut_note="[Result cut at {max_chars:,} characters.]",
) -> dict:
    """A tool's output as the tool_result block sent back to the model: through the
    workspace's data policy (the stored execution keeps the whole output for the page), and
    bounded."""
    output = for_model(tool, tool_input, output, send_rows)
    text = json.dumps(output, ensure_ascii=False, default=str)
    if len(text) > max_chars:
        text = text[:max_chars] + "\n" + cut_note.format(max_chars=max_chars)
    block = {"type": "tool_result", "tool_use_id": tool_use_id, "content": text}
    if is_error(output):
        block["is_error"] = True
    return block


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
        return _error_for_model(tool_input, output)
    query = tool_input.get("query") or tool_input.get("sql")
    checked = _allowed_query(query, _dialect(tool_input)) if isinstance(query, str) else None
    return _walk(output, tool_input, checked)


def _dialect(tool_input: dict) -> str:
    """The SQL of a query over files (query_files, a chart with `files`) is DuckDB's."""
    return "duckdb" if tool_input.get("files") is not None or tool_input.get("source") == "files" else "postgres"


def _walk(value, tool_input, checked):
    if isinstance(value, list):
        return [_walk(item, tool_input, checked) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in ROW_KEYS and isinstance(item, list):
            if checked == "plan" or (key == "rows" and isinstance(checked, tuple)):
                result[key], dropped = _large_groups(item, checked)
                minimum = settings.ASSISTANT_MIN_GROUP_SIZE
                if dropped:
                    result["withheld"] = (
                        f"{dropped} group(s) of fewer than {minimum} rows (or with fewer than {minimum} values under a "
                        "sum or average) are not sent to you (the workspace's data policy)."
                    )
                continue
            result[key] = None
            result["withheld"] = f"{len(item)} {key.replace('_', ' ')} withheld. {WITHHELD_NOTE}"
        elif key == "content" and isinstance(item, str) and is_data_file(value.get("path") or tool_input.get("path"), item):
            result[key] = None
            result["withheld"] = (
                f"The content of this data file ({len(item.encode())} bytes, {item.count(chr(10)) + 1} lines) is not "
                f"sent to you. {WITHHELD_NOTE}"
            )
        elif key in ("sample_error",):
            continue  # may quote a value
        else:
            result[key] = _walk(item, tool_input, checked)
    return result


def _large_groups(rows, checked):
    """The rows whose checked counts (aggregate_rule.checked_columns) all reach the minimum."""
    if checked == "plan":
        return rows, 0
    minimum = settings.ASSISTANT_MIN_GROUP_SIZE
    kept = [
        row for row in rows
        if isinstance(row, list) and all(p < len(row) and _as_int(row[p]) >= minimum for p in checked)
    ]
    return kept, len(rows) - len(kept)


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def is_data_file(path, content: str | None = None) -> bool:
    """A data file by its name, or by its content (data_sniffing.looks_like_data)."""
    if isinstance(path, str) and PurePosixPath(path).suffix.lower() in DATA_FILE_EXTENSIONS:
        return True
    return content is not None and looks_like_data(content)


# -- errors ---------------------------------------------------------------------------

# Codes whose message may hold an engine's or a reader's own words, and so a value: under the
# policy the model gets this instead (QUERY_ERROR: what and where, see _query_error).
ENGINE_TEXT = {
    ToolErrorCode.QUERY_ERROR: None,
    ToolErrorCode.UNREADABLE_FILE: "The file could not be read as a table: its content is damaged or not the format "
    "its name says.",
    ToolErrorCode.MEMORY_LIMIT: "The query needed more memory than it may use. Aggregate more, select fewer columns, "
    "or filter first.",
    ToolErrorCode.NOT_ALLOWED: "Refused by the engine: only the files named in `files` can be read, and nothing can "
    "be written, attached, installed or changed.",
}
# Codes whose message the executors write from the model's input, settings, names and sizes.
OWN_WORDS = set(ToolErrorCode) - set(ENGINE_TEXT)
NOT_SENT = (
    "The error's own message is not sent to you: it may quote values from the data (this workspace's data "
    "policy); the user sees it on the page."
)
ENGINES = {"postgresql": "PostgreSQL", "duckdb": "DuckDB"}


def _error_for_model(tool_input: dict, output: dict) -> dict:
    error = dict(output["error"])
    code = error.get("code")
    if code not in OWN_WORDS and not (code == ToolErrorCode.QUERY_ERROR and error.get("stage") == "check"):
        if code == ToolErrorCode.QUERY_ERROR:
            error["message"] = _query_error(tool_input, error)
        else:
            error["message"] = f"{ENGINE_TEXT.get(code) or 'The tool failed.'} {NOT_SENT}"
    rest = {k: v for k, v in output.items() if k != "error"}  # e.g. line_count beside the error
    return {**_walk(rest, tool_input, None), "error": error}


def _query_error(tool_input: dict, error: dict) -> str:
    """A query's error as its kind and its place in the query: enough to fix the SQL."""
    engine = ENGINES.get(error.get("engine"), "The engine")
    kind = error.get("kind") or "an error"
    sqlstate = f" (SQLSTATE {error['sqlstate']})" if isinstance(error.get("sqlstate"), str) else ""
    text = f"{engine} stopped the query while running it: {kind}{sqlstate}."
    query = tool_input.get("query") or tool_input.get("sql")
    position = error.get("position")
    if isinstance(position, int) and isinstance(query, str) and 0 < position <= len(query):
        # the model's own text around the place: the query, not the data
        text += f" At character {position} of the query: {query[max(0, position - 31): position + 29]!r}."
    return f"{text} {NOT_SENT} Fix the query and try again."


# -- allowed aggregates --------------------------------------------------------------


def _allowed_query(query: str, dialect: str):
    """"plan" for a PostgreSQL EXPLAIN without ANALYZE, the result columns to check for an
    allowed aggregate (aggregate_rule.py), else None. Anything unread is not allowed."""
    if dialect == "postgres":
        try:
            statements = parse_sql(query)
        except Exception:
            return None
        if len(statements) != 1:
            return None
        statement = statements[0].stmt
        if isinstance(statement, ast.ExplainStmt):
            analyze = any(option.defname.lower() == "analyze" for option in statement.options or ())
            return None if analyze else "plan"
    return checked_columns(query, dialect)


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
            rebuilt = tool_result_block(
                block["tool_use_id"], execution.output, tools.get(execution.name), execution.input, send_rows=False,
                max_chars=HISTORY_TOOL_RESULT_MAX_CHARS, cut_note="[Shortened in the conversation history.]",
            )
            message["content"][position] = {**block, "content": rebuilt["content"]}
    return messages
