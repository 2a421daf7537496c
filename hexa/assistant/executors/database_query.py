"""query_database's work: one vetted read query (or an EXPLAIN of one) run in bounded time
and bounded memory, its values cut on the server (see "Queries" below; the facade is database.py)."""

import json
import re
import secrets

import psycopg2
import psycopg2.extensions as ext
from django.conf import settings
from psycopg2 import sql

from hexa.databases.values import Cells

from ..errors import AssistantError
from . import sql_guard
from .database_session import CHECK_PREFIX, CHECK_SUFFIX, ERROR_MAX_CHARS, _query_failure

DEFAULT_LIMIT = 100
CELL_MAX_CHARS = 2_000  # one value, as the model sees it
PLAN_MAX_CHARS = 50_000  # an EXPLAIN in FORMAT JSON, YAML or XML: the whole plan is one value
RESULT_MAX_CHARS = 100_000  # all rows of one result, as JSON
FETCH_MAX_BYTES = 8_000_000  # values one call makes the server produce before it stops sending rows
RECEIVE_MAX_BYTES = 1_000_000  # rows (already cut) one call receives at most
INFO_BATCH_BYTES = 64_000  # rows travel in messages about this size


# --- Queries -------------------------------------------------------------------------
#
# One query is four round trips, and none can send this process more than the caps allow,
# whatever the query computes:
#
# 1. `PREPARE hexa_check AS SELECT * FROM (<text>) AS hexa_query; DEALLOCATE hexa_check`,
#    alone (check_text): PostgreSQL parses and analyses the text but neither plans nor runs
#    it, so syntax and name errors come back with their position and quote at most the text
#    itself and the schema; being alone, its errors are known to be such (stage "check": the
#    data policy lets the model read them whole). Then a DO
#    block OPENs the cursor `hexa_query_cursor` FOR EXECUTE `SELECT * FROM (<text>) AS
#    hexa_query LIMIT <limit + 1>`, and FETCH 0 gives the result's column names and types,
#    with nothing run. (Planning computes constant expressions such as repeat('x', 600000000)
#    ::int, whose error quotes the 600 MB value: errors are caught in the DO block and raised
#    again with their texts cut; small ones are raised unchanged, with their position.)
# 2. The result types' names and sizes: one catalog query.
# 3. A DO block FETCHes the cursor's rows into variables of the columns' types and turns
#    each value into its text as PostgreSQL outputs it, cut to the cell cap there, on the
#    server (only the first characters of a 600 MB string, the first elements of a
#    20,000,000-element array, are ever converted or sent), with its full size beside it;
#    rows go to the client as JSON lines in INFO messages of about INFO_BATCH_BYTES, until
#    limit + 1 rows, RECEIVE_MAX_BYTES sent or FETCH_MAX_BYTES of values produced. Errors are
#    cut as in 1. The query is thus planned once and run once. An EXPLAIN runs the same way,
#    one plan line a row (its query parsed alone first, as in 1).
#
# Back here, each value is read by psycopg2's own typecaster for its type (those
# hexa.databases.values registers on the connection, then psycopg2's), so an uncut value is
# exactly what a plain fetch would give; a cut one is its first characters and a marker.

PARAMETER = "hexa_assistant.sql"  # the statement a DO block runs: a transaction-local setting
CURSOR = "hexa_query_cursor"
MAX_COLUMNS = 500  # shown of one result (~100 kB at 100 characters a value; PL/pgSQL FETCHes into 1,024 at most)
FIXED_MAX_BYTES = 64  # types this size or smaller (numbers, booleans, dates, uuid, name…) travel whole
TEXT_TYPES = {25, 1043}  # text, varchar: cut as they are, without a conversion
BYTEA = 17
COUNT_CHARS_MAX_BYTES = 1_000_000  # a longer cut value's size is given in bytes: counting characters is O(n)

# Per result type: its name, its size in bytes (-1, -2: variable), whether it is an array
# type, and the type of a PL/pgSQL variable that holds its values unchanged: the type itself,
# named without a modifier (`pg_catalog.bpchar`, not `character`, which means char(1)), or
# text for pseudo-types and types in schemas the role may not use.
TYPES_SQL = """
SELECT t.oid::int, format_type(t.oid, NULL), t.typlen::int,
       t.typtype = 'b' AND t.typlen = -1
       AND EXISTS (SELECT FROM pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid),
       CASE WHEN t.typtype = 'p' OR NOT has_schema_privilege(n.oid, 'USAGE') THEN 'text'
            ELSE quote_ident(n.nspname) || '.' || quote_ident(t.typname) END
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.oid = ANY(%s::oid[])
"""


def _cut_sql(name: str) -> str:
    text = f"coalesce({name}, '')"
    return (
        f"CASE WHEN length({text}) > {ERROR_MAX_CHARS} THEN left({text}, {ERROR_MAX_CHARS}) || '… [truncated, ' "
        f"|| length({text}) || ' chars]' ELSE {text} END"
    )


_ERROR_VARIABLES = "hexa_state text; hexa_message text; hexa_detail text; hexa_hint text; hexa_context text;"
# An error small enough is raised again as it is (with its position), a larger one cut.
# OTHERS catches neither a cancel nor a timeout: those go through untouched.
_ON_ERROR = f"""EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS hexa_state = RETURNED_SQLSTATE, hexa_message = MESSAGE_TEXT,
    hexa_detail = PG_EXCEPTION_DETAIL, hexa_hint = PG_EXCEPTION_HINT, hexa_context = PG_EXCEPTION_CONTEXT;
  IF coalesce(octet_length(hexa_message), 0) + coalesce(octet_length(hexa_detail), 0)
     + coalesce(octet_length(hexa_hint), 0) + coalesce(octet_length(hexa_context), 0) <= {4 * ERROR_MAX_CHARS} THEN
    RAISE;
  END IF;
  RAISE EXCEPTION USING ERRCODE = hexa_state, MESSAGE = {_cut_sql('hexa_message')},
    DETAIL = {_cut_sql('hexa_detail')}, HINT = {_cut_sql('hexa_hint')};"""

_OPEN = f"""DO $hexa$
DECLARE
  hexa_cursor refcursor := '{CURSOR}';
  {_ERROR_VARIABLES}
BEGIN
  OPEN hexa_cursor NO SCROLL FOR EXECUTE current_setting('{PARAMETER}');
{_ON_ERROR}
END
$hexa$"""


def _stream_sql(tag: str, declarations: str, loop: str, cells_code: str, limit: int) -> str:
    """A DO block that sends rows to the client as INFO messages: `<tag>:rows` then one JSON
    array of texts a line, about every INFO_BATCH_BYTES, and last `<tag>:end:<why it stopped>`
    (then the last rows): `end` (no more rows), `limit` (a row beyond `limit` exists), `size`
    (the next row would pass RECEIVE_MAX_BYTES), `fetch` (the values produced reached
    FETCH_MAX_BYTES). `loop` starts a LOOP that yields rows, `cells_code` sets hexa_cells (the
    row's texts and sizes) and hexa_size (the bytes of its values). INFO messages reach the
    client whatever client_min_messages says; the query's own notices and warnings do not."""

    def finish(why):
        return f"RAISE INFO '%', '{tag}:end:{why}' || E'\\n' || array_to_string(hexa_batch, E'\\n'); RETURN;"

    return f"""DO $hexa$
DECLARE
  hexa_cells text[]; hexa_size bigint; hexa_line text; hexa_text text; hexa_n bigint;
  hexa_batch text[] := '{{}}'; hexa_batch_bytes bigint := 0;
  hexa_rows int := 0; hexa_sent bigint := 0; hexa_produced bigint := 0;
  {declarations}
  {_ERROR_VARIABLES}
BEGIN
  PERFORM set_config('client_min_messages', 'error', true);
  {loop}
    IF hexa_rows >= {limit} THEN {finish('limit')} END IF;
    {cells_code}
    hexa_line := array_to_json(hexa_cells)::text;
    IF hexa_rows > 0 AND hexa_sent + octet_length(hexa_line) > {RECEIVE_MAX_BYTES} THEN {finish('size')} END IF;
    hexa_batch := hexa_batch || hexa_line;
    hexa_rows := hexa_rows + 1;
    hexa_sent := hexa_sent + octet_length(hexa_line);
    hexa_produced := hexa_produced + hexa_size;
    IF hexa_produced >= {FETCH_MAX_BYTES} THEN {finish('fetch')} END IF;
    hexa_batch_bytes := hexa_batch_bytes + octet_length(hexa_line);
    IF hexa_batch_bytes >= {INFO_BATCH_BYTES} THEN
      RAISE INFO '%', '{tag}:rows' || E'\\n' || array_to_string(hexa_batch, E'\\n');
      hexa_batch := '{{}}';
      hexa_batch_bytes := 0;
    END IF;
  END LOOP;
  {finish('end')}
{_ON_ERROR}
END
$hexa$"""


class _Messages:
    """Where psycopg2 puts the notices of a call (it calls `append` with each): keeps this
    call's rows, as JSON texts, and why they stopped; drops anything else."""

    def __init__(self):
        self.tag = f"hexa_{secrets.token_hex(8)}"  # no text the query makes up can pass for a row
        self.rows: list[str] = []
        self.end = None

    def append(self, message: str):
        start = message.find(f"{self.tag}:")
        if start < 0:
            return
        head, *lines = message[start + len(self.tag) + 1:].split("\n")  # JSON holds no raw newline
        if head.startswith("end:"):
            self.end = head[4:]
        self.rows.extend(line for line in lines if line)  # libpq ends the message with a newline


def _set_parameter(connection, statement: str) -> str:
    return f"SELECT set_config('{PARAMETER}', {sql.Literal(statement).as_string(connection)}, true)"


def _stream(connection, cursor, make_sql, before: str = ""):
    """Run the DO block `make_sql(tag)`: (rows as lists of texts, why they stopped)."""
    messages = _Messages()
    kept, connection.notices = connection.notices, messages
    try:
        # No parameters are passed, so psycopg2 leaves the text alone (a '%' stays a '%').
        cursor.execute(f"{before}{make_sql(messages.tag)}")
    finally:
        connection.notices = kept
    return [json.loads(row) for row in messages.rows], messages.end or "end"


def check_text(cursor, query: str):
    """The PREPARE check alone (step 1's first part), in a round trip of its own: its errors
    are about the query's text (and the schema), never about rows, and say so (stage "check")."""
    try:
        cursor.execute(f"{CHECK_PREFIX}{query}{CHECK_SUFFIX}")
    except psycopg2.Error as error:
        raise _query_failure(error, query, stage="check") from None


def _open(connection, cursor, query: str, limit: int) -> list[tuple[str, int]]:
    """Step 1: the (name, type oid) of each column of the query's result, its cursor open."""
    rows = f"SELECT * FROM (\n{query}\n) AS hexa_query LIMIT {limit + 1}"
    check_text(cursor, query)
    cursor.execute(f"{_set_parameter(connection, rows)}; {_OPEN}; FETCH FORWARD 0 FROM {CURSOR}")
    return [(column.name, column.type_code) for column in cursor.description]


def _catalog_query(cursor, query: str, params=None) -> list[tuple]:
    """Every catalog read goes through here (tests count them: their number must not grow with the database)."""
    cursor.execute(query, params)
    return cursor.fetchall()


def _types(cursor, oids) -> dict[int, tuple]:
    """Step 2: oid -> (name, size in bytes or -1/-2, is an array type, PL/pgSQL variable type)."""
    return {row[0]: row[1:] for row in _catalog_query(cursor, TYPES_SQL, (sorted(oids),))}


def _kind(oid: int, types) -> tuple[str, str]:
    """How the values of a type are cut, and the type of the variable that receives them."""
    _, size, is_array, variable = types.get(oid, ("unknown", -1, False, "text"))
    if variable == "text":
        return "other", variable
    if 0 < size <= FIXED_MAX_BYTES:
        return "fixed", variable
    if oid in TEXT_TYPES:
        return "text", variable
    if oid == BYTEA:
        return "bytea", variable
    return ("array" if is_array else "other"), variable


def _longer_than(text: str, cap: int) -> str:
    """How long the text is if it is longer than `cap` characters ('5000 chars'), else NULL.
    Characters are counted only when its bytes are over `cap`, and not at all over
    COUNT_CHARS_MAX_BYTES (counting 600 MB takes a second): then its bytes are given."""
    return (
        f"CASE WHEN octet_length({text}) > {COUNT_CHARS_MAX_BYTES} THEN octet_length({text}) || ' bytes' "
        f"WHEN octet_length({text}) > {cap} THEN nullif(greatest(length({text}), {cap}), {cap}) || ' chars' END"
    )


def _cells_code(kinds: list[str], cap: int) -> tuple[str, str]:
    """(declarations, PL/pgSQL) setting hexa_cells to (text, how long it was when cut, …) for
    the variables v0, v1…, and hexa_size to the bytes of their values. A value whose text is
    needed twice is converted once, into a variable of its own; text and bytea are cut without
    converting the whole value; an array of more than `cap` elements is converted for its
    first `cap` elements only."""
    declarations, steps, cells, sizes = [], [], [], []
    for i, kind in enumerate(kinds):
        v, t, why, size = f"v{i}", f"hexa_t{i}", f"hexa_l{i}", f"hexa_s{i}"
        if kind == "fixed":
            cells += [f"CASE WHEN num_nulls({v}) = 0 THEN format('%s', {v}) END", "NULL::text"]
            sizes.append("16")
        elif kind == "text":
            cells += [f"substr({v}, 1, {cap})", _longer_than(v, cap)]
            sizes.append(f"coalesce(octet_length({v}), 0)")
        elif kind == "bytea":
            chars = f"(2 + 2 * octet_length({v})::bigint)"
            cells += [
                f"substr(E'\\\\x' || encode(substr({v}, 1, {cap}), 'hex'), 1, {cap})",
                f"CASE WHEN {chars} > {cap} THEN {chars} || ' chars' END",
            ]
            sizes.append(f"coalesce({chars}, 0)")
        elif kind == "array":
            first = f"array_lower({v}, 1)"
            declarations.append(f"{t} text; {why} text; {size} bigint;")
            steps.append(
                f"IF cardinality({v}) > {cap} THEN {t} := ({v}[{first}:{first} + {cap - 1}])::text; "
                f"{why} := 'array of ' || cardinality({v}) || ' elements'; {size} := 2 * cardinality({v}); "
                f"ELSE {t} := {v}::text; {why} := {_longer_than(t, cap)}; {size} := coalesce(octet_length({t}), 0); "
                "END IF;"
            )
            cells += [f"substr({t}, 1, {cap})", why]
            sizes.append(size)
        else:
            declarations.append(f"{t} text;")
            steps.append(f"{t} := CASE WHEN num_nulls({v}) = 0 THEN format('%s', {v}) END;")
            cells += [f"substr({t}, 1, {cap})", _longer_than(t, cap)]
            sizes.append(f"coalesce(octet_length({t}), 0)")
    steps.append(f"hexa_cells := ARRAY[{', '.join(cells)}]::text[];" if cells else "hexa_cells := '{}';")
    steps.append(f"hexa_size := {_balanced_sum(sizes) if sizes else '0'};")
    return " ".join(declarations), "\n    ".join(steps)


def _balanced_sum(terms: list[str]) -> str:
    """a + b + c… nested as a balanced tree: a flat chain of 500 terms would nest 500 deep."""
    if len(terms) == 1:
        return terms[0]
    half = len(terms) // 2
    return f"({_balanced_sum(terms[:half])} + {_balanced_sum(terms[half:])})"


def _fetch_sql(tag: str, kinds: list[tuple[str, str]], cap: int, limit: int) -> str:
    """Step 3: the DO block reading the open cursor's rows into typed variables (a row's
    columns beyond the variables, past MAX_COLUMNS, are left out by FETCH)."""
    converted, code = _cells_code([kind for kind, _ in kinds], cap)
    declarations = f"hexa_cursor refcursor := '{CURSOR}'; {converted} " + " ".join(
        f"v{i} {variable};" for i, (_, variable) in enumerate(kinds)
    )
    targets = ", ".join(f"v{i}" for i in range(len(kinds)))
    fetch = f"FETCH hexa_cursor INTO {targets};" if kinds else "MOVE hexa_cursor;"  # no columns: only count rows
    loop = f"LOOP\n    {fetch}\n    EXIT WHEN NOT FOUND;"
    return _stream_sql(tag, declarations, loop, code, limit)


def _caster(connection, oid: int):
    """psycopg2's typecaster for values of this type: the connection's own, else the global one."""
    if oid in TEXT_TYPES:
        return None
    return connection.string_types.get(oid) or ext.string_types.get(oid)


def _decoder(connection, cursor, oids: list[int], cells: Cells):
    """A function turning one streamed row (text, size if cut, text, size if cut…) into JSON-safe values."""
    casters = [_caster(connection, oid) for oid in oids]

    def decode(raw: list) -> list:
        row = []
        for i, caster in enumerate(casters):
            text, size = raw[2 * i], raw[2 * i + 1]
            if text is None:
                row.append(None)
            elif size is not None:
                row.append(cells.server_cut(text, size))
            else:
                row.append(cells(caster(text, cursor) if caster else text))
        return row

    return decode


def _collected(raw_rows, end: str, decode, max_chars: int = RESULT_MAX_CHARS):
    """The rows the model gets, under `max_chars`, and why they stopped early (or None)."""
    rows, used = [], 0
    for raw in raw_rows:
        row = decode(raw)
        row_chars = len(json.dumps(row, ensure_ascii=False, allow_nan=False))
        if rows and used + row_chars > max_chars:
            return rows, "size"
        rows.append(row)
        used += row_chars
    return rows, (None if end == "end" else end)


def _cell_cap(cell_max: int, column_count: int) -> int:
    """Wide rows get shorter cells, so that one row stays well within RESULT_MAX_CHARS."""
    return max(100, min(cell_max, RESULT_MAX_CHARS // (2 * max(1, column_count))))


def _run_select(
    connection, query: str, limit: int, cell_max: int = CELL_MAX_CHARS, max_chars: int = RESULT_MAX_CHARS
) -> dict:
    """Run a vetted read query: its columns and at most `limit` rows, values cut on the server,
    at most `max_chars` of rows as JSON (a chart's data may be larger than what the model reads)."""
    with connection.cursor() as cursor:
        try:
            columns = _open(connection, cursor, query, limit)
            column_count, columns = len(columns), columns[:MAX_COLUMNS]
            types = _types(cursor, {oid for _, oid in columns})
            cells = Cells(cell_max if max_chars > RESULT_MAX_CHARS else _cell_cap(cell_max, len(columns)))
            kinds = [_kind(oid, types) for _, oid in columns]
            raw_rows, end = _stream(
                connection, cursor, lambda tag: f"{_fetch_sql(tag, kinds, cells.cap, limit)}; CLOSE {CURSOR}"
            )
            decode = _decoder(connection, cursor, [oid for _, oid in columns], cells)
            rows, stopped = _collected(raw_rows, end, decode, max_chars)
        except psycopg2.Error as error:
            raise _query_failure(error, query) from None
    names = [{"name": name, "type": types.get(oid, ("unknown",))[0]} for name, oid in columns]
    result = _result(names, rows, stopped, cells, limit)
    if column_count > MAX_COLUMNS:
        result["note"] = (
            f"The result has {column_count} columns; only the first {MAX_COLUMNS} are shown. "
            + result.get("note", "")
        ).strip()
    return result


# EXPLAIN's output by FORMAT: the type of its one column, "QUERY PLAN", and the most
# characters one row may hold (TEXT: a line; the others: the whole plan in one row).
PLAN_FORMATS = {
    "text": (25, "text", CELL_MAX_CHARS),
    "json": (114, "json", PLAN_MAX_CHARS),
    "yaml": (25, "text", PLAN_MAX_CHARS),
    "xml": (142, "xml", PLAN_MAX_CHARS),
}


def _run_explain(connection, prefix: str, query: str, limit: int) -> dict:
    """Run `<prefix> <query>` (an EXPLAIN, vetted by sql_guard.split_explain) in the same
    bounded way: its plan as rows of one column, "QUERY PLAN"."""
    found = re.search(r"\bFORMAT\s+(\w+)", prefix, re.IGNORECASE)
    oid, type_name, cap = PLAN_FORMATS.get(found.group(1).lower() if found else "text", PLAN_FORMATS["text"])
    cells = Cells(cap)
    loop = f"FOR hexa_text IN EXECUTE current_setting('{PARAMETER}') LOOP"
    cells_code = (
        f"hexa_cells := ARRAY[substr(hexa_text, 1, {cap}), {_longer_than('hexa_text', cap)}]; "
        "hexa_size := coalesce(octet_length(hexa_text), 0);"
    )
    with connection.cursor() as cursor:
        try:
            # the query is parsed alone first: its errors come back with their position, as for a SELECT
            check_text(cursor, query)
            explain = _set_parameter(connection, f"{prefix}\n{query}\n")
            raw_rows, end = _stream(
                connection, cursor, lambda tag: _stream_sql(tag, "", loop, cells_code, limit), before=f"{explain}; "
            )
            rows, stopped = _collected(raw_rows, end, _decoder(connection, cursor, [oid], cells))
        except psycopg2.Error as error:
            raise _query_failure(error, query) from None
    return _result([{"name": "QUERY PLAN", "type": type_name}], rows, stopped, cells, limit)


def _result(columns: list[dict], rows: list, stopped: str | None, cells: Cells, limit: int) -> dict:
    result = {
        "columns": columns, "rows": rows, "row_count": len(rows), "truncated": stopped is not None, "limit": limit,
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
    + f"{FETCH_MAX_BYTES // 1_000_000} MB). Select fewer columns, or shorten values in SQL, e.g. left(col, 200).",
}


def checked_limit(limit, maximum=None) -> tuple[int, str | None]:
    """A query's row limit from the tool input (and a note when lowered); `maximum`: the most
    rows asked for (default ASSISTANT_QUERY_MAX_ROWS). query_files uses it too."""
    maximum = maximum or int(settings.ASSISTANT_QUERY_MAX_ROWS)
    if limit is None:
        return min(DEFAULT_LIMIT, maximum), None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise AssistantError("INVALID_INPUT", f"`limit` must be a whole number from 1 to {maximum}.")
    if limit > maximum:
        return maximum, f"`limit` was lowered to {maximum}, the most rows one query may return."
    return limit, None


def _split_explain(query):
    """sql_guard.split_explain: (EXPLAIN prefix or None, the query to check and run)."""
    split = getattr(sql_guard, "split_explain", None)
    return split(query) if split is not None else (None, query)
