"""Read-only access to the workspace database: `UserDatabaseTools(user, workspace)`.

    db.query_database("SELECT …", limit=100)
        -> {"columns": [{"name", "type"}], "rows": [[…]], "row_count", "truncated", "limit", "duration_ms", "note"?}
    db.describe_tables()
        -> {"tables": [{schema, name, kind, comment?, row_estimate?, columns, primary_key?, foreign_keys?, unique?}],
            "table_count", "truncated", "more_tables"?, "note"?}
    db.describe_tables("schema.table")
        -> {"table": {…the same, plus indexes?, definition? (views), sample_rows (ordered like columns)}}

Failures are `{"error": {"code", "message"}}`; no exception leaves a public method.

Model-written SQL passes five layers, each of which would stop a write on its own (each is
tested alone in tests/test_sql_guard.py and tests/test_tool_executors_database.py):

1. sql_guard.check_read_only: one read query, no writer/lock/denied function (sqlglot).
2. Statement shape: the text only ever runs as
   `DECLARE <cursor> CURSOR FOR SELECT * FROM (<text>) AS hexa_query LIMIT <n>`, where
   PostgreSQL itself rejects INSERT/UPDATE/DELETE, SELECT … INTO and writable CTEs, and where
   text smuggled past layer 1 would also have to balance the wrapper's parentheses.
3. A READ ONLY transaction on a fresh connection, always rolled back, always closed.
4. The workspace's `<db>_ro` role: SELECT on public tables, nothing else (no temporary
   tables, no sequences, no server-file functions).
5. Time: statement, lock and idle-in-transaction timeouts on the server (as session options
   and SET LOCAL), and a client-side watchdog that cancels the call if they did not fire.

Results are bounded as well: at most limit + 1 rows leave the server, fetched in batches
sized by a byte budget, and long values and large results are cut, with a note saying so.
"""

import difflib
import json
import logging
import math
import re
import threading
import time
from contextlib import contextmanager
from datetime import date, datetime, time as clock_time
from decimal import Decimal

import psycopg2
import psycopg2.errors
import psycopg2.extensions as ext
from django.conf import settings
from psycopg2 import sql

from hexa.databases import api as databases

from ..errors import AssistantError
from .errors import tool_method
from .sql_guard import check_read_only

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 100
CELL_MAX_CHARS = 2_000  # one value, as the model sees it
SAMPLE_CELL_MAX_CHARS = 300  # one value of describe_tables' sample rows
RESULT_MAX_CHARS = 100_000  # all rows of one result, as JSON
FETCH_MAX_BYTES = 8_000_000  # raw values pulled from the server by one call (memory bound)
SAMPLE_ROWS = 5
DEFINITION_MAX_CHARS = 4_000  # a view's SQL in describe_tables(table_name)
DESCRIBE_MAX_CHARS = 80_000  # the detailed part of describe_tables()
DESCRIBE_MAX_DETAILED = 500  # relations whose columns describe_tables() reads at most
DESCRIBE_MAX_LISTED = 2_000  # relations listed by name only beyond those
TABLE_NAME_MAX_CHARS = 300  # 63-byte identifiers, a schema, quotes: anything longer is not a name
WATCHDOG_GRACE_S = 1.0  # the watchdog fires this long after the server's own timeout should have
# What the model's text runs inside. DECLARE only accepts a query, and the LIMIT lets the
# planner stop early (a top-N sort instead of a full one under ORDER BY).
DECLARE_PREFIX = "DECLARE hexa_query_cursor NO SCROLL CURSOR FOR SELECT * FROM (\n"
FETCH = "FETCH FORWARD {} FROM hexa_query_cursor"

KINDS = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view", "f": "foreign table"}


# --- Values --------------------------------------------------------------------------
# psycopg2's default conversions lose information or crash: 'infinity'::date becomes
# 9999-12-31, a BC date raises ValueError, interval '1 mon' becomes 30 days, numeric becomes
# Decimal (not JSON). Per connection, these types are therefore read from PostgreSQL's own
# text output (ISO dates, ISO-8601 intervals, exact numerics), which is already what the
# model should see.


def _as_text(value, cursor):
    return value


def _as_number(value, cursor=None):
    """numeric/float text -> int; float when nothing is lost; else the exact text ("NaN", 40 digits…)."""
    if value is None or value in ("NaN", "Infinity", "-Infinity"):
        return value
    if value.lstrip("-").isdigit():
        return int(value) if len(value) <= 40 else value
    number = float(value)
    return number if math.isfinite(number) and Decimal(repr(number)) == Decimal(value) else value


_TEXT_TYPES = {  # oid: array oid
    1082: 1182, 1083: 1183, 1266: 1270, 1114: 1115, 1184: 1185, 1186: 1187,  # date, time(tz), timestamp(tz), interval
    17: 1001, 2950: 2951, 790: 791,  # bytea, uuid, money
    869: 1041, 650: 651, 829: 1040, 774: 775,  # inet, cidr, macaddr, macaddr8
    3904: 3905, 3906: 3907, 3908: 3909, 3910: 3911, 3912: 3913, 3926: 3927,  # ranges
    4451: 6150, 4532: 6151, 4533: 6152, 4534: 6153, 4535: 6155, 4536: 6157,  # multiranges
}
_NUMBER_TYPES = {1700: 1231, 700: 1021, 701: 1022}  # numeric, float4, float8
_TEXT = ext.new_type(tuple(_TEXT_TYPES), "HEXA_TEXT", _as_text)
_NUMBER = ext.new_type(tuple(_NUMBER_TYPES), "HEXA_NUMBER", _as_number)
CASTERS = (
    _TEXT,
    ext.new_array_type(tuple(_TEXT_TYPES.values()), "HEXA_TEXT_ARRAY", _TEXT),
    _NUMBER,
    ext.new_array_type(tuple(_NUMBER_TYPES.values()), "HEXA_NUMBER_ARRAY", _NUMBER),
)


def _scalar(value):
    """A JSON-safe scalar. Most types already arrive as text (CASTERS); the rest covers values
    from json/jsonb (floats: 1e400 parses as inf) and from typecasters registered globally."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Decimal):
        return _as_number(str(value))
    if isinstance(value, (datetime, date, clock_time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    return str(value)  # timedelta, Range, UUID, ipaddress…


def _plain(value):
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return _scalar(value)


def _cut(text: str, cap: int) -> str:
    return text if len(text) <= cap else f"{text[:cap]}… [truncated, {len(text)} chars]"


def _raw_size(value) -> int:
    """Roughly how many bytes a fetched value took, to bound what one call pulls in."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, (list, tuple)):
        return 8 + sum(_raw_size(item) for item in value)
    if isinstance(value, dict):
        return 8 + sum(len(key) + _raw_size(item) for key, item in value.items())
    return 8


class _Cells:
    """Turns fetched values into JSON-safe ones no longer than `cap` characters, counting cuts."""

    def __init__(self, cap: int):
        self.cap = cap
        self.cut = 0

    def __call__(self, value):
        if isinstance(value, (list, tuple, dict)):  # arrays, json, jsonb: cut as a whole, as JSON text
            value = _plain(value)
            text = json.dumps(value, ensure_ascii=False, allow_nan=False)
            if len(text) <= self.cap:
                return value
            value = text
        value = _scalar(value)
        if isinstance(value, str) and len(value) > self.cap:
            self.cut += 1
            return _cut(value, self.cap)
        return value


# --- Sessions ------------------------------------------------------------------------


def _timeout_ms() -> int:
    return max(1, int(settings.ASSISTANT_QUERY_TIMEOUT_MS))  # read per call: settings may change


def _time_limits(timeout_ms: int) -> dict[str, int]:
    return {
        "statement_timeout": timeout_ms,
        # A lock wait (say, behind a pipeline's ALTER TABLE) fails early, with its own message.
        "lock_timeout": max(1, timeout_ms // 2),
        # Frees the server if this process stalls between FETCHes with the transaction open.
        "idle_in_transaction_session_timeout": timeout_ms + 10_000,
    }


def _connect(workspace, timeout_ms: int):
    """A fresh connection as the workspace's read-only role. The time limits are also session
    options, so they hold for every statement, even one that escaped our transaction."""
    options = " ".join(f"-c {name}={value}" for name, value in _time_limits(timeout_ms).items())
    return databases.connect(
        workspace, read_only=True, options=options, application_name="openhexa-assistant",
        keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3,
    )


def _start_transaction(connection, timeout_ms: int) -> None:
    """BEGIN READ ONLY, with this call's settings SET LOCAL so that none outlives the transaction."""
    connection.set_session(readonly=True, autocommit=False)
    local = {name: str(value) for name, value in _time_limits(timeout_ms).items()}
    # The guard's tokenizer reads 'a\' as a complete string, as PostgreSQL does only with this on.
    local["standard_conforming_strings"] = "on"
    local.update(DateStyle="ISO", IntervalStyle="iso_8601")  # output only: ISO dates, ISO-8601 intervals
    calls = ", ".join(["set_config(%s, %s, true)"] * len(local))  # is_local = true: SET LOCAL
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", [item for pair in local.items() for item in pair])


def _cancel(connection) -> None:
    try:
        connection.cancel()
    except Exception:  # already closed: nothing left to stop
        pass


def _close(connection) -> None:
    try:
        connection.rollback()  # nothing this call did may persist, not even a setting
    except Exception:
        pass
    connection.close()


class _IdleConnections:
    """Read-only connections kept between calls of this process, per workspace database.

    Opening one costs a server process and a password exchange, more than most queries.
    A connection is kept only after a call that ended cleanly: rolled back, then DISCARD ALL
    (nothing of a session — locks, prepared statements, settings — reaches the next call).
    """

    MAX_PER_DATABASE = 8
    MAX_IDLE_SECONDS = 60

    def __init__(self):
        self._idle: dict[tuple, list[tuple[float, object]]] = {}
        self._lock = threading.Lock()

    def take(self, key):
        now = time.monotonic()
        with self._lock:
            stack = self._idle.get(key, [])
            while stack:
                since, connection = stack.pop()
                if now - since < self.MAX_IDLE_SECONDS and not connection.closed:
                    return connection
                connection.close()
        return None

    def give(self, key, connection):
        with self._lock:
            stack = self._idle.setdefault(key, [])
            if len(stack) < self.MAX_PER_DATABASE:
                stack.append((time.monotonic(), connection))
                return
        connection.close()

    def close_all(self):
        with self._lock:
            stacks, self._idle = list(self._idle.values()), {}
        for stack in stacks:
            for _, connection in stack:
                connection.close()


IDLE = _IdleConnections()


def _pool_key(workspace, timeout_ms: int) -> tuple:
    params = databases.connection_params(workspace, read_only=True)
    # the password is part of the key: a changed one must not reuse an old session
    return (params["host"], params["port"], params["dbname"], params["user"], params["password"], timeout_ms)


def _reusable(connection) -> bool:
    """Rolled back and cleaned, ready for the next call; False if anything is off."""
    try:
        connection.rollback()  # nothing this call did may persist, not even a setting
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("DISCARD ALL")
        connection.autocommit = False
        return connection.get_transaction_status() == ext.TRANSACTION_STATUS_IDLE
    except Exception:
        return False


@contextmanager
def _read_only_session(workspace):
    """A connection in a read-only, time-limited transaction; psycopg2 errors become AssistantErrors."""
    timeout_ms = _timeout_ms()
    key = _pool_key(workspace, timeout_ms)
    connection = IDLE.take(key)
    if connection is not None:
        try:
            _start_transaction(connection, timeout_ms)
        except psycopg2.Error:  # the server closed it meanwhile (restart, idle timeout): open anew
            _close(connection)
            connection = None
    if connection is None:
        try:
            connection = _connect(workspace, timeout_ms)
            for caster in CASTERS:
                ext.register_type(caster, connection)
            _start_transaction(connection, timeout_ms)
        except psycopg2.Error as error:
            logger.warning("Workspace database %s unreachable: %s", workspace.db_name, error)
            if connection is not None:
                _close(connection)
            raise AssistantError(
                "DATABASE_UNAVAILABLE",
                "Could not connect to the workspace database; it may be temporarily unavailable. Try again in a "
                "moment, or tell the user.",
            ) from None
    # Bounds the whole call, not each statement: several FETCHes could otherwise each take
    # almost the statement timeout, and a server that ignores it must not hang the worker.
    fired = threading.Event()

    def stop_the_call():
        fired.set()
        _cancel(connection)

    watchdog = threading.Timer(timeout_ms / 1000 + WATCHDOG_GRACE_S, stop_the_call)
    watchdog.daemon = True
    watchdog.start()
    clean = False
    try:
        yield connection
        clean = True
    except psycopg2.Error as error:
        raise _query_failure(error) from None
    finally:
        watchdog.cancel()
        # a cancel sent by the watchdog could still land on the next call's query
        if clean and not fired.is_set() and _reusable(connection):
            IDLE.give(key, connection)
        else:
            _close(connection)


def _query_failure(error: psycopg2.Error, query: str | None = None) -> AssistantError:
    if isinstance(error, psycopg2.errors.LockNotAvailable):
        return AssistantError(
            "QUERY_TIMEOUT",
            "A table this query reads is locked by another operation (for example a pipeline loading data). "
            "Try again in a moment.",
        )
    if isinstance(error, psycopg2.errors.QueryCanceled):
        return AssistantError(
            "QUERY_TIMEOUT",
            f"The query was stopped after {_timeout_ms() / 1000:g} s, the time limit. Make it cheaper: filter with "
            "WHERE, aggregate with GROUP BY, avoid large joins without conditions, or try it on fewer rows first.",
        )
    code = error.pgcode or ""
    lost = isinstance(error, (psycopg2.OperationalError, psycopg2.InterfaceError)) and not code
    if lost or code.startswith("08") or code in ("57P01", "57P02", "57P03"):
        logger.warning("Workspace database connection lost: %s", error)
        return AssistantError(
            "DATABASE_UNAVAILABLE",
            "The connection to the workspace database was lost. Try again in a moment, or tell the user.",
        )
    return AssistantError("QUERY_ERROR", _server_message(error, query))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _server_message(error: psycopg2.Error, query: str | None) -> str:
    """The server's own words (what the model learns from), placed in the model's query."""
    diag = error.diag
    primary = diag.message_primary or (str(error).strip().splitlines() or [type(error).__name__])[0]
    parts = [_sentence(f"PostgreSQL error: {primary}")]
    if diag.message_detail:
        parts.append(_sentence(f"Detail: {diag.message_detail}"))
    if diag.message_hint:
        parts.append(_sentence(f"Hint: {diag.message_hint}"))
    if query and diag.statement_position:
        offset = int(diag.statement_position) - 1 - len(DECLARE_PREFIX)  # positions count the wrapper
        if 0 <= offset < len(query):
            parts.append(f"Near character {offset + 1} of the query: {query[max(0, offset - 30): offset + 30]!r}.")
    parts.append("Fix the query and try again.")
    return " ".join(parts)


# --- Queries -------------------------------------------------------------------------


def _catalog_query(cursor, query: str, params=None) -> list[tuple]:
    """Every catalog read goes through here (tests count them: their number must not grow with the database)."""
    cursor.execute(query, params)
    return cursor.fetchall()


def _type_names(connection, oids) -> dict[int, str]:
    with connection.cursor() as cursor:
        rows = _catalog_query(
            cursor, "SELECT oid::int, format_type(oid, NULL) FROM pg_type WHERE oid = ANY(%s::oid[])", (sorted(oids),)
        )
    return dict(rows)


def _run_select(connection, query: str, limit: int, cell_max: int = CELL_MAX_CHARS) -> dict:
    """Run a vetted read query through a server-side cursor: columns and at most `limit` rows."""
    with connection.cursor() as cursor:
        try:
            # No parameters are passed, so psycopg2 leaves the text alone (a '%' stays a '%').
            cursor.execute(f"{DECLARE_PREFIX}{query}\n) AS hexa_query LIMIT {limit + 1}")
            rows, stopped, cells = _fetch_rows(cursor, limit, cell_max)
            description = cursor.description
        except psycopg2.Error as error:
            raise _query_failure(error, query) from None
    types = _type_names(connection, {column.type_code for column in description})
    result = {
        "columns": [{"name": column.name, "type": types.get(column.type_code, "unknown")} for column in description],
        "rows": rows,
        "row_count": len(rows),
        "truncated": stopped is not None,
        "limit": limit,
    }
    notes = [_STOP_NOTES[stopped].format(n=len(rows), limit=limit)] if stopped else []
    if cells.cut:
        notes.append(
            f"{cells.cut} value(s) longer than {cells.cap} characters were cut (marked '… [truncated, N chars]'); "
            "use left() or substring() in SQL to read a part."
        )
    if notes:
        result["note"] = " ".join(notes)
    return result


_STOP_NOTES = {
    "limit": "There are more than {limit} rows; only the first {limit} are shown. Aggregate or filter in SQL "
    "(GROUP BY, COUNT, WHERE) rather than reading many rows.",
    "size": "Only the first {n} rows are shown: the result reached the size limit (~"
    + f"{RESULT_MAX_CHARS // 1000} kB). Select fewer or narrower columns, or aggregate.",
    "fetch": "Only the first {n} rows are shown: their values are very large (over "
    + f"{FETCH_MAX_BYTES // 1_000_000} MB read). Select fewer columns, or shorten values in SQL, e.g. left(col, 200).",
}


def _fetch_rows(cursor, limit: int, cell_max: int):
    """Fetch at most limit + 1 rows in batches: the first batch is one row, later ones are
    sized so that what is pulled in stays under FETCH_MAX_BYTES even when values are huge.
    Returns (rows, why rows stopped early or None, the cell converter)."""
    rows, cells = [], None
    fetched_bytes, widest_row, used_chars = 0, 1, 0
    batch, stopped = 1, None
    while stopped is None:
        cursor.execute(FETCH.format(batch))
        chunk = cursor.fetchall()
        if cells is None:  # the column count is known after the first FETCH: wide rows get shorter cells
            cells = _Cells(max(100, min(cell_max, RESULT_MAX_CHARS // (2 * max(1, len(cursor.description))))))
        for raw in chunk:
            if len(rows) == limit:
                stopped = "limit"
                break
            size = _raw_size(raw)
            fetched_bytes += size
            widest_row = max(widest_row, size)
            row = [cells(value) for value in raw]
            row_chars = len(json.dumps(row, ensure_ascii=False, allow_nan=False))
            if rows and used_chars + row_chars > RESULT_MAX_CHARS:
                stopped = "size"
                break
            rows.append(row)
            used_chars += row_chars
            if fetched_bytes >= FETCH_MAX_BYTES:
                stopped = "fetch"
                break
        if len(chunk) < batch:
            break
        batch = max(1, min(limit + 1 - len(rows), (FETCH_MAX_BYTES - fetched_bytes) // widest_row))
    return rows, stopped, cells


def _checked_limit(limit) -> tuple[int, str | None]:
    maximum = int(settings.ASSISTANT_QUERY_MAX_ROWS)
    if limit is None:
        return min(DEFAULT_LIMIT, maximum), None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise AssistantError("INVALID_INPUT", f"`limit` must be a whole number from 1 to {maximum}.")
    if limit > maximum:
        return maximum, f"`limit` was lowered to {maximum}, the most rows one query may return."
    return limit, None


# --- Catalog -------------------------------------------------------------------------

# Relations the read-only role can actually read: public first, then by schema, then by name
# ignoring case (the same order on every server, whatever its collation).
# Partitions are left out: their parent stands for them.
RELATIONS_SQL = """
SELECT c.oid::int, n.nspname, c.relname, c.relkind, d.description,
       CASE WHEN c.relkind IN ('r', 'm', 'f') AND c.reltuples >= 0 THEN c.reltuples::bigint END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
  AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname <> 'public', n.nspname COLLATE "C", lower(c.relname) COLLATE "C", c.relname COLLATE "C"
"""

COLUMNS_SQL = """
SELECT a.attrelid::int, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       CASE WHEN a.attidentity = 'a' THEN 'generated always as identity'
            WHEN a.attidentity = 'd' THEN 'generated by default as identity'
            WHEN a.attgenerated <> '' THEN 'generated always as (' || pg_get_expr(ad.adbin, ad.adrelid) || ')'
            ELSE pg_get_expr(ad.adbin, ad.adrelid) END,
       d.description
FROM pg_attribute a
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
WHERE a.attrelid = ANY(%s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

CONSTRAINTS_SQL = """
SELECT con.conrelid::int, con.contype,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.i),
       fn.nspname, fc.relname,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.i)
FROM pg_constraint con
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.conrelid = ANY(%s::oid[]) AND con.contype IN ('p', 'f', 'u')
ORDER BY con.conrelid, con.contype, con.conname
"""

EXTRAS_SQL = """
SELECT ARRAY(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid ORDER BY i.indexrelid),
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END
FROM pg_class c WHERE c.oid = %s
"""


def _qualified(schema: str, name: str) -> str:
    return name if schema == "public" else f"{schema}.{name}"


def _grouped(rows) -> dict[int, list[tuple]]:
    groups = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row[1:])
    return groups


def _entry(relation, columns, constraints) -> dict:
    """One relation for the model. Empty fields are left out: describe_tables() may list hundreds."""
    _, schema, name, kind, comment, estimate = relation
    entry = {"schema": schema, "name": name, "kind": KINDS[kind]}
    if comment:
        entry["comment"] = comment
    if kind != "v":
        entry["row_estimate"] = estimate  # null: never analysed, so unknown
    entry["columns"] = []
    for column_name, type_name, nullable, default, column_comment in columns:
        column = {"name": column_name, "type": type_name, "nullable": nullable}
        if default is not None:
            column["default"] = default
        if column_comment:
            column["comment"] = column_comment
        entry["columns"].append(column)
    for contype, keys, ref_schema, ref_name, ref_keys in constraints:
        if contype == "p":
            entry["primary_key"] = keys
        elif contype == "u":
            entry.setdefault("unique", []).append(keys)
        else:
            entry.setdefault("foreign_keys", []).append(
                {"columns": keys, "references": _qualified(ref_schema, ref_name), "referenced_columns": ref_keys}
            )
    return entry


def _overview(cursor, relations) -> dict:
    detailed = relations[:DESCRIBE_MAX_DETAILED]
    oids = [relation[0] for relation in detailed]
    columns = _grouped(_catalog_query(cursor, COLUMNS_SQL, (oids,)))
    constraints = _grouped(_catalog_query(cursor, CONSTRAINTS_SQL, (oids,)))
    tables, used = [], 0
    for relation in detailed:
        entry = _entry(relation, columns.get(relation[0], []), constraints.get(relation[0], []))
        size = len(json.dumps(entry, ensure_ascii=False))
        if tables and used + size > DESCRIBE_MAX_CHARS:
            break
        tables.append(entry)
        used += size
    result = {"tables": tables, "table_count": len(relations), "truncated": len(tables) < len(relations)}
    if not relations:
        result["note"] = "The database has no tables or views the assistant can read yet."
    elif result["truncated"]:
        listed = relations[len(tables): len(tables) + DESCRIBE_MAX_LISTED]
        result["more_tables"] = [_qualified(schema, name) for _, schema, name, *_ in listed]
        unlisted = len(relations) - len(tables) - len(listed)
        result["note"] = (
            f"The database has {len(relations)} tables and views: columns are shown for the first {len(tables)}, "
            f"`more_tables` names {len(listed)} more" + (f" and {unlisted} are not shown" if unlisted else "")
            + ". Call describe_tables with table_name for any of them."
        )
    return result


def _detail(connection, cursor, relation) -> dict:
    oid, schema, name = relation[:3]
    columns = _catalog_query(cursor, COLUMNS_SQL, ([oid],))
    constraints = _catalog_query(cursor, CONSTRAINTS_SQL, ([oid],))
    [(indexes, definition)] = _catalog_query(cursor, EXTRAS_SQL, (oid,))
    entry = _entry(relation, [c[1:] for c in columns], [c[1:] for c in constraints])
    if indexes:
        entry["indexes"] = indexes
    if definition:
        entry["definition"] = _cut(definition.strip(), DEFINITION_MAX_CHARS)
    sample = sql.SQL("SELECT * FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(name)).as_string(connection)
    try:
        entry["sample_rows"] = _run_select(connection, sample, SAMPLE_ROWS, SAMPLE_CELL_MAX_CHARS)["rows"]
    except AssistantError as error:  # e.g. a view that fails or times out: the description still helps
        entry["sample_error"] = error.message
    return {"table": entry}


# `name`, `schema.name`, each part optionally "double-quoted" ("" inside quotes is a quote).
_NAME_PART = re.compile(r'"((?:[^"]|"")*)"|([^."]+)')


def _split_qualified(text: str) -> list[tuple[str, bool]] | None:
    parts, position = [], 0
    while True:
        match = _NAME_PART.match(text, position)
        if not match:
            return None
        quoted = match.group(1) is not None
        parts.append((match.group(1).replace('""', '"') if quoted else match.group(2).strip(), quoted))
        position = match.end()
        if position == len(text):
            return parts if len(parts) <= 2 else None
        if text[position] != ".":
            return None
        position += 1


def _name_candidates(text: str) -> list[tuple[str | None, str]]:
    """(schema or None, name) pairs to look for, most literal first: the name as stored
    (a table may be called "Cases" or even "a.b"), then as SQL would read it (unquoted -> lower case)."""
    candidates = [(None, text)]
    parts = _split_qualified(text)
    if parts:
        exact = [value for value, _ in parts]
        lowered = [value if quoted else value.lower() for value, quoted in parts]
        for names in (exact, lowered):
            candidates.append((None, names[0]) if len(names) == 1 else tuple(names))
    candidates.append((None, text.lower()))
    return list(dict.fromkeys(candidates))


def _resolve(relations, text: str):
    for schema, name in _name_candidates(text):
        # relations come public first: an unqualified name found in several schemas means public
        match = next((r for r in relations if r[2] == name and (schema is None or r[1] == schema)), None)
        if match:
            return match
    names = [_qualified(schema, name) for _, schema, name, *_ in relations]
    shown = repr(text[:100])
    if not names:
        raise AssistantError(
            "NOT_FOUND", f"There is no table or view named {shown}: the database has no tables or views yet."
        )
    close = difflib.get_close_matches(text.lower(), names[:5_000], n=5, cutoff=0.6)
    hint = f"Similar names: {', '.join(close)}." if close else f"Some of the {len(names)}: {', '.join(names[:5])}."
    raise AssistantError(
        "NOT_FOUND",
        f"There is no table or view named {shown} that the assistant can read. {hint} "
        "Call describe_tables without table_name to list them all.",
    )


def _checked_table_name(table_name) -> str | None:
    if table_name is None:
        return None
    if not isinstance(table_name, str):
        raise AssistantError(
            "INVALID_INPUT", "`table_name` must be a string, e.g. \"malaria_cases\" or \"analytics.cases\"."
        )
    table_name = table_name.strip()
    if len(table_name) > TABLE_NAME_MAX_CHARS:
        raise AssistantError(
            "INVALID_INPUT", f"`table_name` is {len(table_name)} characters long; table names are far shorter."
        )
    if any(ord(char) < 32 for char in table_name):
        raise AssistantError("INVALID_INPUT", "`table_name` contains control characters (e.g. NUL); no table name does.")
    return table_name or None  # "" means the whole database


# --- The executor --------------------------------------------------------------------


_tool = tool_method(hint="Try a simpler query.")


class UserDatabaseTools:
    """The workspace database, read-only, on behalf of one of its members (any role may read)."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    @_tool
    def query_database(self, query, limit=DEFAULT_LIMIT) -> dict:
        started = time.monotonic()
        self._check_access()
        limit, limit_note = _checked_limit(limit)
        text = check_read_only(query)
        with _read_only_session(self.workspace) as connection:
            result = _run_select(connection, text, limit)
        result["duration_ms"] = round((time.monotonic() - started) * 1000)
        if limit_note:
            result["note"] = f"{limit_note} {result.get('note', '')}".strip()
        return result

    @_tool
    def describe_tables(self, table_name=None) -> dict:
        self._check_access()
        name = _checked_table_name(table_name)
        with _read_only_session(self.workspace) as connection, connection.cursor() as cursor:
            relations = _catalog_query(cursor, RELATIONS_SQL)
            if name is None:
                return _overview(cursor, relations)
            return _detail(connection, cursor, _resolve(relations, name))

    def _check_access(self) -> None:
        # Checked on every call: a membership may be revoked in the middle of a conversation.
        if not (getattr(self.user, "is_active", False) and self.workspace.role_of(self.user)):
            raise AssistantError(
                "PERMISSION_DENIED",
                "The user is not (or no longer) a member of this workspace, so its database cannot be read. "
                "Tell the user; retrying will not help.",
            )
