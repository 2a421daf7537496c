"""Read-only access to the workspace database: `UserDatabaseTools(user, workspace)`.

    db.query_database("SELECT …", limit=100)
        -> {"columns": [{"name", "type"}], "rows": [[…]], "row_count", "truncated", "limit", "duration_ms", "note"?}
    db.query_database("EXPLAIN SELECT …")
        -> the same, one column "QUERY PLAN" (one row per line; one row for FORMAT JSON/YAML/XML)
    db.describe_tables()
        -> {"tables": [{schema, name, kind, comment?, row_estimate?, columns, primary_key?, foreign_keys?, unique?}],
            "table_count", "truncated", "more_tables"?, "note"?}
    db.describe_tables("schema.table")
        -> {"table": {…the same, plus indexes?, definition? (views), sample_rows (ordered like columns)}}

Failures are `{"error": {"code", "message"}}`; no exception leaves a public method.

Model-written SQL passes five layers, each of which would stop a write on its own (each is
tested alone in tests/test_sql_guard.py and tests/test_tool_executors_database.py):

1. sql_guard.check_read_only: one read query, no writer/lock/denied function; an EXPLAIN only
   of such a query, with the options sql_guard.split_explain allows.
2. Statement shape: the text is only ever parsed as
   `PREPARE hexa_check AS SELECT * FROM (<text>) AS hexa_query` (never run that way: PostgreSQL
   itself rejects INSERT/UPDATE/DELETE, SELECT … INTO and writable CTEs there, and text
   smuggled past layer 1 would also have to balance the parentheses), then run by PL/pgSQL's
   EXECUTE inside `SELECT … FROM (SELECT * FROM (<text>) AS hexa_query LIMIT n) …` (or after
   the EXPLAIN prefix), which accepts exactly one statement.
3. A READ ONLY transaction on a fresh connection, always rolled back, always closed.
4. The workspace's `<db>_ro` role: SELECT on public tables, nothing else (no temporary
   tables, no sequences, no server-file functions), and no view of the server's other
   databases, roles and sessions (hexa/databases/api.py, isolate_database).
5. Time: statement, lock and idle-in-transaction timeouts on the server (as session options
   and SET LOCAL), and a client-side watchdog that cancels the call, then cuts its connection,
   if they did not fire (hexa/databases/pool.py).

Results are bounded while they are produced, on the server: every value longer than the
cell cap is cut there (text, json, arrays, bytea… only their first characters leave
PostgreSQL), at most limit + 1 rows and about RECEIVE_MAX_BYTES are sent, and so are error
messages (a value quoted in an error is cut too). What the process receives for one call is
therefore a few megabytes at most, whatever the query computes; see database_query.py.

How the work is split (this module is the facade: arguments, permissions, one session per call):

- database_session.py: read-only, time-limited sessions (layers 3 to 5 come from
  hexa.databases.pool) and PostgreSQL's errors as the assistant's codes;
- database_query.py: query_database's work, a vetted query run with its results bounded on
  the server (layer 2), and the row limit query_files shares;
- database_catalog.py: describe_tables' work, the catalog read and bounded, table names resolved.
"""

import time

from .database_catalog import RELATIONS_SQL, _checked_table_name, _detail, _overview, _resolve
from .database_query import DEFAULT_LIMIT, _catalog_query, _run_explain, _run_select, _split_explain, checked_limit
from .database_session import _read_only_session
from .errors import requires, tool_method
from .sql_guard import check_read_only

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
        limit, limit_note = checked_limit(limit)
        prefix, inner = _split_explain(query)
        text = check_read_only(inner)  # an EXPLAIN's query is checked like any other
        with _read_only_session(self.workspace) as connection:
            if prefix is None:
                result = _run_select(connection, text, limit)
            else:  # an EXPLAIN cannot sit in the SELECT wrapper: it runs on its own, as bounded
                result = _run_explain(connection, prefix, text, limit)
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
