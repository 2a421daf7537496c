"""The `query_files` tool."""

from typing import Annotated

from django.conf import settings

from ..executors.files import UserFileSystemTools
from .arguments import Arguments, AtMostSetting, Field, JsonObject, PositiveInt
from .base import Tool


def _description() -> str:
    max_rows = settings.ASSISTANT_QUERY_MAX_ROWS
    timeout_s = settings.ASSISTANT_QUERY_TIMEOUT_MS / 1000
    memory_mb = settings.ASSISTANT_FILE_QUERY_MEMORY_MB
    return (
        "Run one read-only SQL query (DuckDB dialect) over files of the workspace bucket: CSV/TSV, Parquet, "
        "XLSX/XLSM/XLS/ODS. Name each table in `files`, mapping a table name to a path or a glob relative to "
        'the bucket root ("data/raw/2024/*.csv": the files of that folder; "data/**/*.parquet": at any depth; '
        "several files are read as one table, columns matched by name, with a column `_file`: the file of each "
        'row), or to {"path": ..., "sheet": name or '
        "0-based index} for a sheet other than the first (or a dataset file's `path` from list_datasets). "
        "Then use those names in the SQL; paths and file "
        "functions (read_csv, glob, …) cannot be used in the SQL itself. Only one SELECT is accepted (WITH, "
        "UNION, GROUP BY, window functions…); nothing can be written, attached, exported or configured. "
        "Call read_file on one of the files first, or query `DESCRIBE <table>`, to learn columns and types. The first row of a sheet is "
        "its header; formulas are not evaluated (cells hold the values saved with the file). "
        f"Returns at most `limit` rows (default 100, at most {max_rows}); `truncated` says when there were more: "
        f"aggregate in SQL. Queries stop after {timeout_s:g} s and may use {memory_mb} MB of memory. On an error "
        "the engine's message is returned: fix the query and try again. Example: "
        '{"files": {"reports": "data/raw/2024/*.csv"}, "sql": "SELECT district, SUM(confirmed_cases) AS cases '
        'FROM reports GROUP BY district ORDER BY cases DESC", "limit": 20}.'
    )


# What Claude is told a `files` entry may be; file_query.py checks it, with its own messages.
_FILES_ENTRY = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {"path": {"type": "string"}, "sheet": {"type": ["string", "integer"]}},
            "required": ["path"],
            "additionalProperties": False,
        },
    ]
}


class QueryFilesArguments(Arguments):
    sql: str = Field(description="One SELECT query (DuckDB dialect) over the tables named in files.")
    files: JsonObject = Field(
        description='Table name -> path or glob, or {"path": ..., "sheet": ...} for a spreadsheet sheet.',
        json_schema_extra={"additionalProperties": _FILES_ENTRY},
    )
    limit: Annotated[PositiveInt, AtMostSetting("ASSISTANT_QUERY_MAX_ROWS")] | None = Field(
        None, description="Most rows to return (default 100)."
    )


TOOL = Tool(
    name="query_files",
    description=_description,
    arguments=QueryFilesArguments,
    executor=UserFileSystemTools,
)
