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
import re
import time
from contextlib import contextmanager

import psycopg2
import psycopg2.errors
from django.conf import settings
from psycopg2 import sql

from hexa.databases import pool
from hexa.databases.values import Cells, cut, raw_size

from ..errors import AssistantError
from .errors import requires, tool_method
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
# What the model's text runs inside. DECLARE only accepts a query, and the LIMIT lets the
# planner stop early (a top-N sort instead of a full one under ORDER BY).
DECLARE_PREFIX = "DECLARE hexa_query_cursor NO SCROLL CURSOR FOR SELECT * FROM (\n"
FETCH = "FETCH FORWARD {} FROM hexa_query_cursor"

KINDS = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view", "f": "foreign table"}


# --- Sessions ------------------------------------------------------------------------
# Connections, read-only transactions and the watchdog are hexa.databases.pool's; the
# assistant names its connections, reads its time limit from settings and turns psycopg2's
# errors into its own codes.

APPLICATION_NAME = "openhexa-assistant"  # how the assistant's sessions show in pg_stat_activity


def _timeout_ms() -> int:
    return max(1, int(settings.ASSISTANT_QUERY_TIMEOUT_MS))  # read per call: settings may change


@contextmanager
def _read_only_session(workspace):
    """A connection in a read-only, time-limited transaction; psycopg2 errors become AssistantErrors.
    Layers 3, 4 and 5 (the transaction, the role, the time limits) are set up by the pool."""
    try:
        with pool.read_only_session(workspace, _timeout_ms(), APPLICATION_NAME) as connection:
            yield connection
    except pool.Unavailable:
        raise AssistantError(
            "DATABASE_UNAVAILABLE",
            "Could not connect to the workspace database; it may be temporarily unavailable. Try again in a "
            "moment, or tell the user.",
        ) from None
    except psycopg2.Error as error:
        raise _query_failure(error) from None


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
            cells = Cells(max(100, min(cell_max, RESULT_MAX_CHARS // (2 * max(1, len(cursor.description))))))
        for raw in chunk:
            if len(rows) == limit:
                stopped = "limit"
                break
            size = raw_size(raw)
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
        entry["definition"] = cut(definition.strip(), DEFINITION_MAX_CHARS)
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

_NOT_A_MEMBER = (
    "The user is not (or no longer) a member of this workspace, so its database cannot be read. "
    "Tell the user; retrying will not help."
)


class UserDatabaseTools:
    """The workspace database, read-only, on behalf of one of its members (any role may read:
    `databases.query_database`, hexa/databases/permissions.py)."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    @_tool
    @requires("databases.query_database", _NOT_A_MEMBER)
    def query_database(self, query, limit=DEFAULT_LIMIT) -> dict:
        started = time.monotonic()
        limit, limit_note = _checked_limit(limit)
        text = check_read_only(query)
        with _read_only_session(self.workspace) as connection:
            result = _run_select(connection, text, limit)
        result["duration_ms"] = round((time.monotonic() - started) * 1000)
        if limit_note:
            result["note"] = f"{limit_note} {result.get('note', '')}".strip()
        return result

    @_tool
    @requires("databases.query_database", _NOT_A_MEMBER)
    def describe_tables(self, table_name=None) -> dict:
        name = _checked_table_name(table_name)
        with _read_only_session(self.workspace) as connection, connection.cursor() as cursor:
            relations = _catalog_query(cursor, RELATIONS_SQL)
            if name is None:
                return _overview(cursor, relations)
            return _detail(connection, cursor, _resolve(relations, name))
