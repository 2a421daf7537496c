"""Bucket files as tables in an embedded DuckDB, confined by the server, not by the SQL.

    with Bucket(workspace) as bucket, FileSession(deadline) as session:
        files = resolve_files(bucket, "data/raw/2024/*.csv")     # [(rel, opened descriptor path)]
        session.add_table("cases", files, "csv")                  # a view (CSV, Parquet) or a table (sheets)
        session.lock()                                            # from here on, no file but those
        rows = session.run("SELECT … FROM cases").fetchall()  # errors as AssistantErrors

Confinement, in the order it happens:

1. Paths and globs are expanded here, inside the bucket, with the file tools' rules
   (bucket.py): no "..", no absolute path out, no link leading out, regular files only (no
   FIFO or device), hidden names skipped by globs, at most MAX_FILES files.
2. Each file is opened by the bucket code (component by component, O_NOFOLLOW) and DuckDB is
   given its descriptor's path, /proc/self/fd/N: what DuckDB reads is the very file that was
   checked, even if the name is swapped for a link afterwards.
3. The connection is then locked: enable_external_access=false with allowed_paths exactly
   those descriptor paths (no other file, no network, no ATTACH/COPY/EXPORT target, no
   extension install or load), Python replacement scans off, lock_configuration=true (no SET
   afterwards), threads and memory_limit from settings, spilling only to a private temporary
   folder with a size cap.
4. Time: a timer calls connection.interrupt() at the deadline (QUERY_TIMEOUT).

The model's SQL is also checked before it reaches this connection (file_sql_guard.py); each
wall holds on its own (tests/test_file_query.py).
"""

import csv
import os
import re
import shutil
import tempfile
import threading
import time

import duckdb
from django.conf import settings

from .. import leases
from ..errors import AssistantError
from . import dataset_files, search, spreadsheets
from .bucket import clean_path, show

MAX_FILES = 200  # files one path or glob may stand for
MAX_SHEET_CELLS = 5_000_000  # cells of spreadsheets loaded into one query
# A longer line is an error, not a 100 MB allocation. DuckDB's own default; its read buffer is
# 16 times this, per file being scanned, and counts against the memory limit.
CSV_MAX_LINE_BYTES = 2_097_152
TEMP_MAX_BYTES = "2GB"  # what a query may spill to its private temporary folder

FORMATS = {
    "csv": "csv", "tsv": "csv", "tab": "csv",
    "parquet": "parquet", "pq": "parquet",
    "xlsx": "xlsx", "xlsm": "xlsx",
    "xls": "xls", "ods": "ods",
}
SPREADSHEETS = ("xlsx", "xls", "ods")


def file_format(rel: str) -> str | None:
    """The table format of a file name, from its extension (None: not a table file)."""
    name = rel.rsplit("/", 1)[-1]
    return FORMATS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None


def memory_limit_mb() -> int:
    return max(32, int(settings.ASSISTANT_FILE_QUERY_MEMORY_MB))


def timeout_s() -> float:
    return max(1, int(settings.ASSISTANT_QUERY_TIMEOUT_MS)) / 1000


# -- resolving paths and globs ----------------------------------------------------------------

_GLOB_CHARS = set("*?[")


def resolve_files(bucket, spec) -> list[tuple[str, str]]:
    """[(path relative to the bucket, /proc/self/fd/N of the opened file)] for a path or a glob."""
    if not isinstance(spec, str) or not spec.strip():
        raise AssistantError("INVALID_INPUT", "Each file must be a path or a glob, e.g. 'data/raw/2024/*.csv'.")
    if dataset_files.is_dataset_path(spec):
        return dataset_files.resolve(bucket, spec)
    raw = spec.strip()
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if ".." in parts:
        clean_path(raw)  # raises INVALID_PATH with the file tools' message
    static = []
    for part in parts:
        if _GLOB_CHARS & set(part):
            break
        static.append(part)
    if len(static) == len(parts):
        rel = clean_path(raw)
        return [(rel, _open(bucket, rel))]
    base = clean_path("/".join(static))
    pattern = "/".join(parts[len(static):])
    if "\x00" in pattern or any(ord(c) < 32 for c in pattern):
        raise AssistantError("INVALID_PATH", f"{show(raw)} contains control characters.")
    regex, _, max_depth = search.compile_glob(pattern)
    # Unlike search_files, a pattern without "/" means "in this folder", as in a shell.
    max_depth = None if "**" in pattern else pattern.count("/")
    fd = bucket.open_dir(bucket.resolve(base), base, listable=True)
    found = search.search_folder(fd, base, regex, False, max_depth, None)
    if found.get("reason") in ("max_results", "max_scanned") or found["match_count"] > MAX_FILES:
        raise AssistantError(
            "TOO_MANY_FILES",
            f"{show(raw)} matches more than {min(MAX_FILES, search.SEARCH_MAX_RESULTS)} files (or too large a tree "
            "to walk); one query reads at most that many. Use a narrower glob.",
            rule="max_files",
        )
    if found.get("reason") == "time_limit":
        raise AssistantError("QUERY_TIMEOUT", f"Expanding {show(raw)} took too long. Use a narrower glob.")
    if not found["matches"]:
        raise AssistantError(
            "NOT_FOUND",
            f"No file matches {show(raw)} (globs match regular files only, hidden names and links are skipped). "
            "Use list_files or search_files to find the right path.",
        )
    return [(m["path"], _open(bucket, m["path"])) for m in found["matches"]]


def _open(bucket, rel) -> str:
    fd, _ = bucket.open_file(bucket.resolve(rel), rel)
    return f"/proc/self/fd/{fd}"


def single_format(files, spec) -> str:
    formats = {file_format(rel) for rel, _ in files}
    if None in formats:
        odd = next(rel for rel, _ in files if file_format(rel) is None)
        raise AssistantError(
            "UNSUPPORTED_FORMAT",
            f"{show(odd)} is not a table file. Files are read as tables by extension: "
            f"{', '.join(sorted('.' + e for e in FORMATS))}.",
            rule="format",
        )
    if len(formats) > 1:
        raise AssistantError(
            "UNSUPPORTED_FORMAT",
            f"{show(spec)} mixes formats ({', '.join(sorted(formats))}); give each format its own table name.",
            rule="format",
        )
    return formats.pop()


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_list(paths) -> str:
    return "[" + ", ".join(_sql_string(p) for p in paths) + "]"


def _scan(function: str, files, options: str = "") -> str:
    """SELECT over `files` ([(rel, path)]) with `function`. Several files are one table, columns
    matched by name, plus a column `_file`: the bucket path each row comes from."""
    paths = [path for _, path in files]
    if len(files) == 1:
        return f"SELECT * FROM {function}({_sql_list(paths)}{', ' + options if options else ''})"
    names = " ".join(f"WHEN {_sql_string(path)} THEN {_sql_string(rel)}" for rel, path in files)
    return (
        f"SELECT * REPLACE (CASE _file {names} END AS _file) FROM {function}({_sql_list(paths)}, "
        f"union_by_name=true, filename='_file'{', ' + options if options else ''})"
    )


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- the session --------------------------------------------------------------------------------


class FileSession:
    """A fresh in-memory DuckDB connection, configured for one call and closed after it."""

    def __init__(self, deadline: float | None = None):
        self.deadline = deadline if deadline is not None else time.monotonic() + timeout_s()
        self.allowed: list[str] = []
        self.sources: dict[str, str] = {}  # /proc path -> bucket path, for error messages
        self.locked = False
        self.timed_out = False

    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="hexa-files-")
        self.connection = duckdb.connect(
            ":memory:",
            config={
                "threads": max(1, int(settings.ASSISTANT_FILE_QUERY_THREADS)),
                "memory_limit": f"{memory_limit_mb()}MB",
                "temp_directory": self.tmp,
                "max_temp_directory_size": TEMP_MAX_BYTES,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "allow_community_extensions": False,
                "python_enable_replacements": False,
                "preserve_insertion_order": False,
            },
        )
        remaining = max(0.0, self.deadline - time.monotonic())
        self.timer = threading.Timer(remaining, self._interrupt)
        self.timer.daemon = True
        self.timer.start()
        # the user's Stop (or a hand-over) interrupts the query as the time limit does
        self.stop_hook = leases.on_stop(self._interrupt)
        self.stop_hook.__enter__()
        return self

    def _interrupt(self):
        self.timed_out = True
        try:
            self.connection.interrupt()
        except Exception:  # closed already
            pass

    def __exit__(self, *exc):
        self.timer.cancel()
        self.stop_hook.__exit__(None, None, None)
        try:
            self.connection.close()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def check_time(self):
        if self.timed_out or time.monotonic() > self.deadline:
            self.timed_out = True
            raise timeout_error()

    # -- tables

    def add_table(self, name: str, files, fmt: str, sheet=None) -> dict:
        """Make `files` ([(rel, proc path)], one format) the table `name`. Returns facts about it."""
        if self.locked:
            raise RuntimeError("tables are added before the session is locked")
        for rel, path in files:
            self.sources[path] = rel
        paths = [path for _, path in files]
        ident = quote_ident(name)
        if fmt == "csv":
            self.allowed += paths
            if len(files) == 1 and self._add_sniffed_csv(ident, paths[0]):
                return {}
            self.run(f"CREATE VIEW {ident} AS {_scan('read_csv', files, f'max_line_size={CSV_MAX_LINE_BYTES}')}")
            return {}
        if fmt == "parquet":
            self.allowed += paths
            self.run(f"CREATE VIEW {ident} AS {_scan('read_parquet', files)}")
            return {}
        return self._add_sheets(ident, files, fmt, sheet)

    def _add_sniffed_csv(self, ident, path) -> bool:
        """One CSV as a view with the dialect and columns its sniffer found, spelled out: a
        view with auto-detection sniffs the file again each time a query is bound (three
        times per call, ~0.1 s each on a 1 GB file). False when that cannot be done."""
        try:
            prompt = self.connection.execute(
                f"SELECT Prompt FROM sniff_csv(?, max_line_size={CSV_MAX_LINE_BYTES})", [path]
            ).fetchone()[0]
        except duckdb.Error:
            return False  # the view with auto-detection gives the error, with its message
        start = f"FROM read_csv({_sql_string(path)}, "
        if not prompt.startswith(start):
            return False
        options = prompt[len(start):].strip().rstrip(";").rstrip().removesuffix(")")
        try:
            self.connection.execute(
                f"CREATE VIEW {ident} AS SELECT * FROM read_csv({_sql_string(path)}, {options}, "
                f"max_line_size={CSV_MAX_LINE_BYTES})"
            )
        except duckdb.Error:
            return False
        return True

    def _add_sheets(self, ident, files, fmt, sheet) -> dict:
        """Spreadsheets are streamed into CSV files in the private folder, then loaded as a table
        before the lock (so the engine never needs access to them afterwards)."""
        cells, csv_paths, chosen = 0, [], []
        for index, (rel, path) in enumerate(files):
            names, name, rows = spreadsheets.open_sheet(path, fmt, sheet, rel, self.deadline)
            chosen.append({"path": rel, "sheet": name, "sheets": names[:50]})
            target = os.path.join(self.tmp, f"sheet{index}.csv")
            with open(target, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                header = None
                for row in rows:
                    if header is None:
                        header = header_names(row)
                        writer.writerow(header)
                        continue
                    cells += len(header)
                    if cells > MAX_SHEET_CELLS:
                        raise AssistantError(
                            "FILE_TOO_LARGE",
                            f"The sheets given hold more than {MAX_SHEET_CELLS:,} cells, the most one query loads. "
                            "Ask for a CSV or Parquet export of the data, or query fewer files.",
                            rule="max_sheet_cells",
                        )
                    if cells % 50_000 < len(header):
                        self.check_time()
                    writer.writerow([_csv_value(v) for v in row[: len(header)]])
            csv_paths.append(target)
        converted = [(rel, target) for (rel, _), target in zip(files, csv_paths)]
        self.run(f"CREATE TABLE {ident} AS {_scan('read_csv', converted, f'header=true, max_line_size={CSV_MAX_LINE_BYTES}')}")
        for target in csv_paths:
            os.unlink(target)
        return {"sheets": chosen}

    def lock(self):
        """From here on, the connection reads only the allowed files and its settings cannot change."""
        connection = self.connection
        connection.execute(f"SET allowed_paths = {_sql_list(self.allowed)}")
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        self.locked = True

    # -- running

    def run(self, sql: str, parameters=None, query: str | None = None):
        """`query`: the model's SQL, inside `sql` from its second line on (for error positions)."""
        self.check_time()  # the timer may have fired between statements, when there was nothing to interrupt
        try:
            return self.connection.execute(sql, parameters)
        except duckdb.Error as error:
            raise self.failure(error, query) from None

    def failure(self, error: Exception, query: str | None = None, binding: bool = False) -> AssistantError:
        """A DuckDB error as the model should see it: bucket paths, not descriptor paths.
        `query`: the model's SQL, from the second line of the statement that failed on;
        `binding`: the error came from binding it (no row read yet)."""
        if self.timed_out or isinstance(error, duckdb.InterruptException):
            self.timed_out = True
            return timeout_error()
        message = str(error)
        for path, rel in sorted(self.sources.items(), key=lambda item: -len(item[0])):
            message = message.replace(path, rel)
        message = message.replace(self.tmp + "/", "sheet:")
        message = message.strip()[:1500]
        if isinstance(error, duckdb.OutOfMemoryException):
            return AssistantError(
                "MEMORY_LIMIT",
                f"The query needed more than the {memory_limit_mb()} MB it may use. Aggregate more, select fewer "
                f"columns, or filter first. DuckDB said: {message}",
                rule="memory_limit",
            )
        if isinstance(error, duckdb.PermissionException):
            return AssistantError(
                "NOT_ALLOWED",
                f"Refused by the engine: only the files named in `files` can be read, and nothing can be written, "
                f"attached, installed or changed. DuckDB said: {message}",
                rule="engine_lockdown",
            )
        hint = ""
        if "unicode" in message.lower() or "utf-8" in message.lower() or "encoding" in message.lower():
            hint = " The file is not valid UTF-8 throughout (mixed encodings?); ask for a UTF-8 export."
        elif "maximum line size" in message.lower():
            hint = f" A line is longer than {CSV_MAX_LINE_BYTES // 1_000_000} MB; the file is probably not a CSV."
        return AssistantError(
            "QUERY_ERROR",
            f"DuckDB error: {message}{hint} Fix the query and try again.",
            **duckdb_error_facts(error, query, binding),
        )


# Errors of the parser and the binder are about the query's text and the tables' columns:
# raised while binding (before any row is read), their message quotes nothing else.
TEXT_ERRORS = (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException)
_CARET = re.compile(r"LINE (\d+): (.*)\n( *)\^")


def duckdb_error_facts(error: Exception, query: str | None, binding: bool) -> dict:
    """What an error is, without its message: the engine, its kind (the exception's class,
    e.g. "Conversion Error"), the stage ("check" for an error binding the text, else "run")
    and, when DuckDB points at it, its 1-based position in `query`."""
    kind = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__.removesuffix("Exception")).strip() + " Error"
    facts = {"engine": "duckdb", "kind": kind, "stage": "check" if binding and isinstance(error, TEXT_ERRORS) else "run"}
    position = _caret_position(str(error), query) if query else None
    if position is not None:
        facts["position"] = position
    return facts


def _caret_position(message: str, query: str) -> int | None:
    """The character DuckDB's `LINE n: …` and caret point at, in `query` (line 2 of the
    statement is its first line); DuckDB may show only a part of a long line, between "..."."""
    found = _CARET.search(message)
    if not found:
        return None
    lines = query.split("\n")
    line = int(found.group(1)) - 2
    if not 0 <= line < len(lines):
        return None
    shown, column = found.group(2), len(found.group(3)) - len(f"LINE {found.group(1)}: ")
    if shown.startswith("..."):
        shown, column = shown[3:], column - 3
    start = lines[line].find(shown.removesuffix("...")[:40])
    if start < 0 or column < 0:
        return None
    return sum(len(text) + 1 for text in lines[:line]) + start + column + 1


def timeout_error() -> AssistantError:
    return AssistantError(
        "QUERY_TIMEOUT",
        f"The query was stopped after {timeout_s():g} s, the time limit. Make it cheaper: filter or aggregate, "
        "read fewer files, or select fewer columns.",
        rule="time_limit",
    )


def header_names(row) -> list[str]:
    names, seen = [], set()
    for index, value in enumerate(row):
        name = str(value).strip() if value is not None and str(value).strip() else f"column{index + 1}"
        base, n = name, 2
        while name.lower() in seen:
            name, n = f"{base}_{n}", n + 1
        seen.add(name.lower())
        names.append(name)
    return names


def _csv_value(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
