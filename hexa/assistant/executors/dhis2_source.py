"""DHIS2 as a source of chart and download rows (sources.py): a DHIS2 request's whole answer
as a table named `dhis2`, and one SELECT over it in query_files' engine.

    query = {"sql": "SELECT ou_name AS district, value FROM dhis2 ORDER BY value DESC",
             "dhis2": {"connection": "dhis2-demo", "resource": "analytics", "params": {…}}}

The request goes through query_dhis2's checks and bounds (dhis2_client.py: allow-listed
resources, time, bytes); its table is written, typed, to a Parquet file in a private
temporary folder, then read by the bounded child process of query_files (file_process.py)
with the same SQL guard (file_sql_guard.py: one SELECT, only the table `dhis2`), memory and
time limits. `query_dhis2`'s own results are downloaded as `SELECT * FROM dhis2`.
"""

import csv
import os
import shutil
import tempfile
import time

import duckdb

from ..errors import AssistantError
from . import file_process, file_sql_guard
from .connections import fetch_table
from .errors import requires
from .file_tables import timeout_s

TABLE = "dhis2"
ALL_ROWS = f"SELECT * FROM {TABLE}"
_NOT_A_MEMBER = "The user is not (or no longer) a member of this workspace, so its connections cannot be used."
_DUCKDB_TYPES = {"bigint": "BIGINT", "double precision": "DOUBLE", "boolean": "BOOLEAN", "text": "VARCHAR"}


def _parts(query) -> tuple[str, dict]:
    request = query.get("dhis2") if isinstance(query, dict) else None
    if not isinstance(query.get("sql") if isinstance(query, dict) else None, str) or not isinstance(request, dict):
        raise AssistantError(
            "INVALID_INPUT",
            'A DHIS2 chart needs `query` (one SELECT over the table "dhis2") and `dhis2` ({"connection", "resource", '
            '"params"}, as query_dhis2 takes them).',
        )
    unknown = set(request) - {"connection", "resource", "params", "limit"}
    if unknown:
        raise AssistantError("INVALID_INPUT", f"Unknown key(s) in `dhis2`: {', '.join(sorted(unknown))[:200]}.")
    return query["sql"].strip().rstrip(";").rstrip(), request


def _write_parquet(table: dict, folder: str) -> str:
    """The table as a typed Parquet file: its rows go through a CSV written here and read back
    with the declared types (an in-process engine reading only our own file)."""
    text_path, parquet_path = os.path.join(folder, "dhis2.csv"), os.path.join(folder, "dhis2.parquet")
    with open(text_path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([c["name"] for c in table["columns"]])
        writer.writerows(table["rows"])
    columns = ", ".join(
        f"{_literal(c['name'])}: {_literal(_DUCKDB_TYPES.get(c['type'], 'VARCHAR'))}" for c in table["columns"]
    )
    connection = duckdb.connect(":memory:", config={"threads": 1, "memory_limit": "256MB"})
    try:
        relation = f"read_csv({_literal(text_path)}, header = true, columns = {{{columns}}})" if columns else "(SELECT 1 WHERE false)"
        connection.execute(f"COPY (SELECT * FROM {relation}) TO {_literal(parquet_path)} (FORMAT parquet)")
    finally:
        connection.close()
    os.unlink(text_path)
    return parquet_path


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _Dhis2Table:
    """The answer of one DHIS2 request, opened as the table `dhis2` for the child process."""

    def __init__(self, workspace, request: dict):
        self.workspace, self.request = workspace, request

    def __enter__(self):
        connection, path, table = fetch_table(
            self.workspace, self.request.get("connection"), self.request.get("resource"), self.request.get("params")
        )
        if not table["columns"]:
            raise AssistantError("NOT_FOUND", "DHIS2's answer has no columns (no rows either): there is nothing to chart.")
        self.folder = tempfile.mkdtemp(prefix="hexa-dhis2-")
        try:
            self.fd = os.open(_write_parquet(table, self.folder), os.O_RDONLY | os.O_CLOEXEC)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        label = f"dhis2:{connection.slug}/{path}"
        return [(TABLE, [(label, f"/proc/self/fd/{self.fd}")], "parquet", None)]

    def __exit__(self, *exc):
        os.close(self.fd)
        shutil.rmtree(self.folder, ignore_errors=True)


def _checked(sql: str):
    file_sql_guard.check_select(sql, {TABLE: None})


@requires("workspaces.use_connections", _NOT_A_MEMBER)
def _rows(tools, query, limit, cell_max, max_chars) -> dict:
    sql, request = _parts(query)
    _checked(sql)
    with _Dhis2Table(tools.workspace, request) as tables:
        result = file_process.run_in_child(("query_in_child", (sql, limit)), tables, time.monotonic() + timeout_s())
    return {key: result[key] for key in ("columns", "rows", "row_count", "truncated", "note") if key in result}


@requires("workspaces.use_connections", _NOT_A_MEMBER)
def _copy_csv(tools, query, max_rows, write, timeout, chunk_bytes) -> dict:
    sql, request = _parts(query)
    _checked(sql)
    with _Dhis2Table(tools.workspace, request) as tables:
        return file_process.run_in_child(
            ("copy_csv_in_child", (sql, max_rows, chunk_bytes)), tables, time.monotonic() + timeout, write
        )


class _Caller:
    """What @requires reads: the user and the workspace."""

    def __init__(self, user, workspace):
        self.user, self.workspace = user, workspace


def rows(user, workspace, query, limit, cell_max, max_chars) -> dict:
    return _rows(_Caller(user, workspace), query, limit, cell_max, max_chars)


def copy_csv(user, workspace, query, max_rows, write, timeout, chunk_bytes) -> dict:
    return _copy_csv(_Caller(user, workspace), query, max_rows, write, timeout, chunk_bytes)

