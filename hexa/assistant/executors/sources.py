"""Where a chart's rows and a download's rows come from: one entry per data source.

    SOURCES["database"].rows(user, workspace, query, limit, cell_max, max_chars)
        -> {"columns": [{"name", "type"}], "rows": [[…]], "row_count", "truncated", "note"?}
    SOURCES["database"].copy_csv(user, workspace, query, max_rows, write)
        -> {"row_count", "truncated"}; the CSV (a header, then rows) goes to write(bytes) in chunks
    stored_query(execution) -> (source name, query) of a tool execution whose result can be
        downloaded, or None

A source runs its query read-only, bounded, with its own permission, exactly as the tool
that reads it for the model does. Adding one (SQL over the bucket's files, say) is a
`Source` in SOURCES and a line in STORED_QUERIES for the tool whose results it re-runs;
`create_chart` then accepts it as its `source` and downloads follow.
"""

from collections.abc import Callable
from dataclasses import dataclass

import psycopg2
from django.conf import settings

from ..errors import AssistantError
from . import csv_cells, dhis2_source, file_query
from .database import _NOT_A_MEMBER
from .database_query import _run_select, _split_explain
from .database_session import CHECK_PREFIX, CHECK_SUFFIX, _query_failure, _read_only_session
from .bucket import Bucket
from .errors import requires
from .sql_guard import check_read_only

CSV_CHUNK_BYTES = 256 * 1024  # a download travels in pieces about this size


@dataclass(frozen=True)
class Source:
    rows: Callable[..., dict]
    copy_csv: Callable[..., dict]


class _Enough(Exception):
    """The row past the download's cap arrived: stop the COPY."""


class _CsvSink:
    """What COPY … TO STDOUT writes into. psycopg2 calls `write` once per CopyData message,
    and PostgreSQL sends one message per row (the header is the first), so rows are counted
    here exactly, even when a value holds newlines; bytes are passed on in chunks."""

    __slots__ = ("buffer", "records", "max_records", "send")

    def __init__(self, send, max_rows: int):
        self.buffer = bytearray()
        self.records = 0
        self.max_records = max_rows + 1  # the header, then max_rows rows
        self.send = send

    def write(self, data):
        if self.records == self.max_records:
            raise _Enough
        self.records += 1
        self.buffer += data
        if len(self.buffer) >= CSV_CHUNK_BYTES:
            self.flush()

    def flush(self):
        for start in range(0, len(self.buffer), CSV_CHUNK_BYTES):  # a wide row goes in pieces too
            self.send(bytes(self.buffer[start:start + CSV_CHUNK_BYTES]))
        self.buffer.clear()


# PostgreSQL types written as they are: numbers, booleans, dates and times, uuids (by type oid)
_PLAIN_TYPES = {16, 20, 21, 23, 26, 700, 701, 1700, 1082, 1083, 1114, 1184, 1186, 1266, 2950}


def _database_cells(description) -> str:
    cap = csv_cells.cell_cap(len(description))
    cells = []
    for index, column in enumerate(description):
        value = f"c{index}" if column.type_code in _PLAIN_TYPES else csv_cells.cell_expression(f"c{index}::text", cap)
        cells.append(f'{value} AS "{column.name.replace(chr(34), chr(34) * 2)}"')
    return ", ".join(cells)


class _Database:
    """The workspace database, through the same layers as query_database (database.py)."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    @staticmethod
    def _checked(query) -> str:
        if not isinstance(query, str) or not query.strip():
            raise AssistantError("INVALID_INPUT", "`query` must be one SQL SELECT statement.")
        prefix, inner = _split_explain(query)
        if prefix is not None:
            raise AssistantError("INVALID_SQL", "An EXPLAIN has no rows to chart or download: give the SELECT itself.")
        return check_read_only(inner)

    @requires("databases.query_database", _NOT_A_MEMBER)
    def rows(self, query, limit, cell_max, max_chars) -> dict:
        text = self._checked(query)
        with _read_only_session(self.workspace) as connection:
            return _run_select(connection, text, limit, cell_max, max_chars)

    @requires("databases.query_database", _NOT_A_MEMBER)
    def copy_csv(self, query, max_rows, write) -> dict:
        text = self._checked(query)
        sink = _CsvSink(write, max_rows)
        timeout_ms = max(1, int(settings.ASSISTANT_DOWNLOAD_TIMEOUT_MS))
        truncated = False
        try:
            with _read_only_session(self.workspace, timeout_ms) as connection, connection.cursor() as cursor:
                try:
                    # layer 2 as for the model's queries: parsed as a subquery, where writes are refused
                    cursor.execute(f"{CHECK_PREFIX}{text}{CHECK_SUFFIX}")
                    # PostgreSQL writes the CSV itself (text output: ISO dates, exact numbers),
                    # cells bounded and formulas neutralised (csv_cells.py): no row becomes a
                    # Python object here, and none is larger than ROW_MAX_CHARS.
                    cursor.execute(f"SELECT * FROM (\n{text}\n) AS hexa_query LIMIT 0")
                    cursor.copy_expert(
                        f"COPY (SELECT {_database_cells(cursor.description)} FROM (\n{text}\n) AS "
                        f"hexa_query({', '.join(f'c{i}' for i in range(len(cursor.description)))}) "
                        f"LIMIT {max_rows + 1}) TO STDOUT WITH (FORMAT csv, HEADER)",
                        sink,
                    )
                except psycopg2.Error as error:
                    raise _query_failure(error, text) from None
        except _Enough:  # the session was closed, not kept: it was in the middle of a COPY
            truncated = True
        sink.flush()
        return {"row_count": max(0, sink.records - 1), "truncated": truncated}


class _Files:
    """SQL over the bucket's files, through the same layers as query_files (file_query.py):
    `query` is {"sql", "files"}, as query_files takes them."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    @staticmethod
    def _parts(query) -> tuple[str, dict]:
        if not isinstance(query, dict) or not isinstance(query.get("sql"), str) or not query.get("files"):
            raise AssistantError(
                "INVALID_INPUT", 'A files query needs `query` (one SQL SELECT) and `files` ({table name: path or glob}).'
            )
        return query["sql"], query["files"]

    @requires("files.read_files", _NOT_A_MEMBER)
    def rows(self, query, limit, cell_max, max_chars) -> dict:
        sql, files = self._parts(query)
        with Bucket(self.workspace) as bucket:
            result = file_query.query_files(bucket, sql, files, limit, max_limit=limit)
        return {key: result[key] for key in ("columns", "rows", "row_count", "truncated", "note") if key in result}

    @requires("files.read_files", _NOT_A_MEMBER)
    def copy_csv(self, query, max_rows, write) -> dict:
        sql, files = self._parts(query)
        timeout = max(1, int(settings.ASSISTANT_DOWNLOAD_TIMEOUT_MS)) / 1000
        with Bucket(self.workspace) as bucket:
            return file_query.copy_csv(bucket, sql, files, max_rows, write, timeout, CSV_CHUNK_BYTES)


def _files_rows(user, workspace, query, limit, cell_max, max_chars) -> dict:
    return _Files(user, workspace).rows(query, limit, cell_max, max_chars)


def _files_csv(user, workspace, query, max_rows, write) -> dict:
    return _Files(user, workspace).copy_csv(query, max_rows, write)


def _database_rows(user, workspace, query, limit, cell_max, max_chars) -> dict:
    return _Database(user, workspace).rows(query, limit, cell_max, max_chars)


def _database_csv(user, workspace, query, max_rows, write) -> dict:
    return _Database(user, workspace).copy_csv(query, max_rows, write)


def _dhis2_csv(user, workspace, query, max_rows, write) -> dict:
    timeout = max(1, int(settings.ASSISTANT_DOWNLOAD_TIMEOUT_MS)) / 1000
    return dhis2_source.copy_csv(user, workspace, query, max_rows, write, timeout, CSV_CHUNK_BYTES)


SOURCES: dict[str, Source] = {
    "database": Source(rows=_database_rows, copy_csv=_database_csv),
    "files": Source(rows=_files_rows, copy_csv=_files_csv),
    "dhis2": Source(rows=dhis2_source.rows, copy_csv=_dhis2_csv),
}


def chart_query(tool_input: dict):
    """A create_chart input's query, as its source takes it."""
    if (tool_input.get("source") or "database") == "files":
        return {"sql": tool_input.get("query"), "files": tool_input.get("files")}
    if tool_input.get("source") == "dhis2":
        return {"sql": tool_input.get("query"), "dhis2": tool_input.get("dhis2")}
    return tool_input.get("query")


# Tool name -> (source, query) of its stored input: the results that can be downloaded.
STORED_QUERIES: dict[str, Callable[[dict], tuple]] = {
    "query_database": lambda tool_input: ("database", tool_input.get("query")),
    "query_files": lambda tool_input: ("files", {"sql": tool_input.get("sql"), "files": tool_input.get("files")}),
    "create_chart": lambda tool_input: (tool_input.get("source") or "database", chart_query(tool_input)),
    "query_dhis2": lambda tool_input: ("dhis2", {"sql": dhis2_source.ALL_ROWS, "dhis2": tool_input}),
}


def stored_query(execution) -> tuple | None:
    read = STORED_QUERIES.get(execution.name)
    if read is None or not isinstance(execution.input, dict):
        return None
    source, query = read(execution.input)
    if source not in SOURCES:
        return None
    text = query.get("sql") if isinstance(query, dict) else query
    if not isinstance(text, str) or not text.strip():
        return None
    return source, query
