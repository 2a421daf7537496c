"""query_files' work, and read_file's for table files (CSV/TSV, Parquet, XLSX/XLS/ODS).


    query_files(bucket, sql, files, limit)
        -> {"columns": [{"name", "type"}], "rows", "row_count", "truncated", "limit", "duration_ms",
            "tables": {name: {"files": [...], "sheets"?}}, "note"?}
    read_table(bucket, rel, fmt, st, start_row, end_row, sheet)      # Parquet, XLSX/XLS/ODS
        -> {"path", "format", "size", "columns", "rows", "start_line", "end_line", "row_count",
            "total_rows" (None when not cheap to know), "truncated", "sheet"?, "sheets"?, "note"?}
    csv_header(bucket, rel, size, text)                               # CSV/TSV, beside their text
        -> {"dialect", "columns", "total_rows"} or {} when the sniffer cannot tell

The engine's work itself runs in a bounded child process (file_process.py, file_work.py).
Results follow query_database's conventions (hexa/assistant/executors/database_query.py): at most
`limit` rows, `truncated` when there were more, values JSON-safe (hexa.databases.values.Cells)
and cut: text in the engine itself, before it reaches Python, so a 600 MB string costs no
600 MB here; nested values (lists, structs, maps) and timestamps with time zone as their text.
"""

import atexit
import contextlib
import datetime
import os
import re
import secrets
import shutil
import tempfile
import threading
import time

import duckdb

from hexa.databases.values import Cells

from ..errors import AssistantError
from . import file_process, file_sql_guard, spreadsheets
from .bucket import show
from .database_query import checked_limit
from .file_tables import SPREADSHEETS, FileSession, header_names, resolve_files, single_format, timeout_s
from .file_work import CELL_MAX_CHARS, MAX_COLUMNS

MAX_TABLES = 20
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
PAGE_ROWS = 100  # rows read_file shows of a table by default
MAX_PAGE_ROWS = 500
COUNT_MAX_BYTES = 50_000_000  # a CSV this size or smaller has its rows counted for read_file
SNIFF_LINES = 200  # lines of a CSV's head its columns are sniffed from (the cost grows with them)
COUNT_TIME_S = 2.0  # counting a small CSV's rows for read_file
SHEET_COUNT_TIME_S = 0.3  # reading a sheet past the page to give total_rows


def _file_specs(files) -> dict[str, tuple[str, object]]:
    """{table name: (path or glob, sheet)} from the tool's `files` argument."""
    if not isinstance(files, dict) or not files:
        raise AssistantError(
            "INVALID_INPUT",
            'files must map table names to paths or globs, e.g. {"cases": "data/raw/2024/*.csv"}.',
        )
    if len(files) > MAX_TABLES:
        raise AssistantError("INVALID_INPUT", f"At most {MAX_TABLES} tables per query.")
    specs = {}
    for name, value in files.items():
        if not TABLE_NAME.match(name):
            raise AssistantError(
                "INVALID_INPUT",
                f"Table name {name[:80]!r} must be a plain identifier (letters, digits, _; not starting with a digit).",
            )
        sheet = None
        if isinstance(value, dict):
            unknown = set(value) - {"path", "sheet"}
            if unknown or "path" not in value:
                raise AssistantError("INVALID_INPUT", f'files.{name} must be a path, or {{"path": …, "sheet": …}}.')
            value, sheet = value["path"], value.get("sheet")
            if sheet is not None and (not isinstance(sheet, (str, int)) or isinstance(sheet, bool)):
                raise AssistantError("INVALID_INPUT", f"files.{name}.sheet must be a sheet name or a 0-based index.")
        if name.lower() in {n.lower() for n in specs}:
            raise AssistantError("INVALID_INPUT", f"Table name {name!r} is given twice.")
        specs[name] = (value, sheet)
    return specs


def _checked(sql, files) -> tuple[str, dict]:
    specs = _file_specs(files)
    file_sql_guard.check_select(sql, specs)
    return sql.strip().rstrip(";").rstrip(), specs  # it is wrapped in a subquery: no final semicolon


def _resolved(bucket, specs) -> list:
    """[(name, [(rel, /proc/self/fd/N)], format, sheet)]: the declared tables' files, opened here."""
    tables = []
    for name, (spec, sheet) in specs.items():
        resolved = resolve_files(bucket, spec)
        fmt = single_format(resolved, spec)
        if sheet is not None and fmt not in SPREADSHEETS:
            raise AssistantError("INVALID_INPUT", f"files.{name}.sheet is only for spreadsheets; {show(spec)} is {fmt}.")
        tables.append((name, resolved, fmt, sheet))
    return tables


def query_files(bucket, sql, files, limit=None, max_limit=None) -> dict:
    """`max_limit`: the most rows asked for (a chart's points; the model's queries:
    ASSISTANT_QUERY_MAX_ROWS). The engine runs in a bounded child process (file_process.py)."""
    started = time.monotonic()
    limit, limit_note = checked_limit(limit, max_limit)
    sql, specs = _checked(sql, files)
    tables = _resolved(bucket, specs)
    result = file_process.run_in_child(("query_in_child", (sql, limit)), tables, started + timeout_s())
    tables = result.pop("tables")
    result["duration_ms"] = round((time.monotonic() - started) * 1000)
    result["tables"] = tables
    notes = [n for n in (limit_note, result.pop("note", None)) if n]
    if any(t.get("sheets") for t in tables.values()):
        notes.append("Spreadsheet formulas are not evaluated: cells hold the values last saved with the file.")
    if notes:
        result["note"] = " ".join(notes)
    return result


def copy_csv(bucket, sql, files, max_rows: int, write, timeout: float, chunk_bytes: int = 256 * 1024) -> dict:
    """The query's rows as CSV (a header, then at most `max_rows` rows) passed to
    write(bytes) in chunks, fetched in batches in the bounded child: memory stays bounded
    whatever the result."""
    sql, specs = _checked(sql, files)
    tables = _resolved(bucket, specs)
    return file_process.run_in_child(
        ("copy_csv_in_child", (sql, max_rows, chunk_bytes)), tables, time.monotonic() + timeout, write
    )


# -- read_file on a table file ---------------------------------------------------------------------


def read_table(bucket, rel, fmt, st, start_row=None, end_row=None, sheet=None) -> dict:
    """A Parquet file or a spreadsheet sheet as columns and a page of rows."""
    first = start_row or 1
    wanted = min(MAX_PAGE_ROWS, (end_row - first + 1) if end_row else PAGE_ROWS)
    result = {"path": rel, "format": fmt, "size": st.st_size}
    files = resolve_files(bucket, rel)
    if fmt in SPREADSHEETS:
        result.update(_read_sheet(files[0][1], rel, fmt, sheet, first, wanted))
    else:
        if sheet is not None:
            raise AssistantError("INVALID_INPUT", f"`sheet` is only for spreadsheets; {show(rel)} is {fmt}.")
        page = file_process.run_in_child(
            ("page_in_child", (first, wanted)), [("data", files, fmt, None)], time.monotonic() + timeout_s()
        )
        result.update(page)
    _page_facts(result, first, wanted)
    return result


_sniffer = None
_sniffer_lock = threading.Lock()


def _sniffer_cursor():
    """A cursor of one process-wide connection that can read only its own private folder:
    sniffing a CSV's head must cost milliseconds, and a fresh connection costs ~20 ms."""
    global _sniffer
    with _sniffer_lock:
        if _sniffer is None:
            folder = tempfile.mkdtemp(prefix="hexa-sniff-")
            atexit.register(shutil.rmtree, folder, True)
            connection = duckdb.connect(":memory:", config={"threads": 1, "memory_limit": "64MB"})
            connection.execute(f"SET allowed_directories = ['{folder}/']")
            connection.execute("SET enable_external_access = false")
            connection.execute("SET lock_configuration = true")
            _sniffer = (connection, folder)
        connection, folder = _sniffer
        return connection.cursor(), folder


def csv_header(bucket, rel, size, text) -> dict:
    """What DuckDB's sniffer makes of a CSV/TSV: dialect, header and columns with types, from
    the first SNIFF_LINES lines of `text` (the head read_file returns, so the cost does not grow
    with the file), and the number of data rows when the file is small enough to count.
    Best effort: read_file still returns the text when the sniffer fails."""
    head = "".join(text.splitlines(keepends=True)[:SNIFF_LINES])
    cursor, folder = _sniffer_cursor()
    path = os.path.join(folder, f"{secrets.token_hex(8)}.csv")
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(head)
        row = cursor.execute("SELECT Delimiter, Quote, HasHeader, SkipRows, Columns FROM sniff_csv(?)", [path]).fetchone()
    except (duckdb.Error, OSError):
        return {}
    finally:
        cursor.close()
        with contextlib.suppress(OSError):
            os.unlink(path)
    header = {
        "dialect": {"delimiter": row[0], "quote": row[1], "header": row[2], "skip_rows": row[3]},
        "columns": [{"name": c["name"], "type": c["type"]} for c in row[4]][:MAX_COLUMNS],
        "total_rows": None,
    }
    if size <= COUNT_MAX_BYTES:
        try:
            with FileSession(time.monotonic() + COUNT_TIME_S) as session:
                files = resolve_files(bucket, rel)
                session.add_table("data", files, "csv")
                session.lock()
                header["total_rows"] = session.run("SELECT count(*) FROM data").fetchone()[0]
        except AssistantError:
            pass
    return header


def _read_sheet(path, rel, fmt, sheet, first, wanted) -> dict:
    deadline = time.monotonic() + timeout_s()
    names, chosen, rows = spreadsheets.open_sheet(path, fmt, sheet, rel, deadline)
    header = None
    page, seen, complete = [], 0, True
    cells = Cells(CELL_MAX_CHARS)
    try:
        for row in rows:
            if header is None:
                header = header_names(row)
                continue
            seen += 1
            if first <= seen < first + wanted:
                page.append(row[: len(header)] + [None] * max(0, len(header) - len(row)))
                if seen == first + wanted - 1:  # the page is complete: count what follows only briefly
                    deadline = min(deadline, time.monotonic() + SHEET_COUNT_TIME_S)
            elif seen % 1000 == 0 and time.monotonic() > deadline:
                complete = False
                break
    except AssistantError as error:
        if error.code != "QUERY_TIMEOUT" or seen < first + wanted - 1:
            raise
        complete = False  # the page is there; only the count ran out of time
    header = header or []
    result = {
        "sheet": chosen,
        "sheets": names[:50],
        "columns": [{"name": n, "type": _column_type([r[i] for r in page])} for i, n in enumerate(header)],
        "rows": [[cells(v) for v in row] for row in page],
        "row_count": len(page),
        "total_rows": seen if complete else None,
        "note_formulas": True,
    }
    if first > 1 and first > seen and complete:
        raise AssistantError(
            "INVALID_INPUT", f"start_line {first} is past the last row ({seen}) of sheet {chosen!r}.", row_count=seen
        )
    return result


def _column_type(values) -> str:
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return "NULL"
    if kinds == {bool}:
        return "BOOLEAN"
    if kinds == {int}:
        return "BIGINT"
    if kinds <= {int, float}:
        return "DOUBLE"
    if kinds == {datetime.date}:
        return "DATE"
    if kinds <= {datetime.date, datetime.datetime}:
        return "TIMESTAMP"
    return "VARCHAR"


def _page_facts(result, first, wanted):
    shown = result["row_count"]
    total = result.get("total_rows")
    result["start_line"] = first
    result["end_line"] = first + shown - 1
    more = (total is None and shown == wanted) or (total is not None and first + shown - 1 < total)
    result["truncated"] = more
    notes = []
    if result.pop("note_formulas", False):
        notes.append("Formulas are not evaluated: cells hold the values last saved with the file.")
    if more:
        notes.append(
            f"Rows {first}–{first + shown - 1} of {total if total is not None else 'more'} are shown (the header "
            f"is not counted). Call read_file with start_line={first + shown} for the next rows, or use query_files "
            "to filter and aggregate."
        )
    if result.get("note"):
        notes.insert(0, result.pop("note"))
    if notes:
        result["note"] = " ".join(notes)
