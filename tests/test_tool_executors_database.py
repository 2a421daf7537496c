"""UserDatabaseTools against a real workspace database.

Each defence layer is shown to hold on its own: the SQL guard is bypassed (monkeypatched
to accept anything) and then, one at a time, the read-only role is swapped for the owner or
the read-only transaction for a read-write one. test_sql_guard.py covers the guard alone.

Most tests share one workspace database per module (creating one costs ~0.4 s); its tables
are made once, as the owner, and the tests only read them.
"""

import json
import secrets
import threading
import time
import tracemalloc
from types import SimpleNamespace

import psycopg2
import pytest

from hexa.assistant.executors import database, database_catalog, database_query, sql_guard
from hexa.assistant.executors.database import UserDatabaseTools
from hexa.databases import api as databases
from hexa.databases import pool
from hexa.databases.values import NUMBER_TYPES, TEXT_TYPES
from hexa.user_management.models import User
from hexa.workspaces.models import Workspace, WorkspaceMembership, WorkspaceMembershipRole

SCHEMA = """
CREATE TABLE districts (id int PRIMARY KEY, name text NOT NULL UNIQUE, region text);
COMMENT ON TABLE districts IS 'Administrative districts';
COMMENT ON COLUMN districts.name IS 'Official name';
INSERT INTO districts VALUES (1, 'Bo', 'Southern'), (2, 'Kenema', 'Eastern'), (3, 'Kono', 'Eastern');

CREATE TABLE cases (
    id bigserial PRIMARY KEY,
    district_id int NOT NULL REFERENCES districts (id),
    period date NOT NULL,
    confirmed int NOT NULL DEFAULT 0
);
CREATE INDEX cases_period ON cases (period);
INSERT INTO cases (district_id, period, confirmed)
SELECT 1 + i % 3, date '2024-01-01' + (i % 12) * interval '1 month', i FROM generate_series(1, 1000) AS i;

CREATE VIEW district_totals AS
SELECT d.name, sum(c.confirmed) AS confirmed FROM cases c JOIN districts d ON d.id = c.district_id GROUP BY d.name;
COMMENT ON VIEW district_totals IS 'Confirmed cases per district';
CREATE MATERIALIZED VIEW monthly AS SELECT period, sum(confirmed) AS confirmed FROM cases GROUP BY period;
CREATE VIEW broken AS SELECT 1 / 0 AS x;

CREATE TABLE "Mixed Case" ("Value" int);
INSERT INTO "Mixed Case" VALUES (7);
CREATE TABLE "a.b" (x int);

CREATE SCHEMA analytics;
CREATE TABLE analytics.cases (district text, total int);
INSERT INTO analytics.cases VALUES ('Bo', 42);
GRANT USAGE ON SCHEMA analytics TO {reader};
GRANT SELECT ON analytics.cases TO {reader};
CREATE SCHEMA hidden;
CREATE TABLE hidden.secret (x int);

CREATE TABLE notes (t text);
CREATE SEQUENCE counter;
CREATE FUNCTION add_note() RETURNS int LANGUAGE sql AS $$ INSERT INTO notes VALUES ('written') RETURNING 1 $$;
ANALYZE;
"""


def owner_run(workspace, statement):
    connection = databases.connect(workspace, read_only=False)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        user = User.objects.create_user(f"db-tools-{secrets.token_hex(4)}@example.org", "pw", is_staff=True)
        workspace = Workspace.objects.create_if_has_perm(user, name="Database tools")
    try:
        owner_run(workspace, SCHEMA.replace("{reader}", f'"{databases.read_only_role(workspace.db_name)}"'))
        yield SimpleNamespace(user=user, workspace=workspace)
    finally:
        with django_db_blocker.unblock():
            workspace.delete_if_has_perm(user)
            user.delete()


@pytest.fixture
def tools(shared, db):
    return UserDatabaseTools(shared.user, shared.workspace)


def ok(result):
    """The result is not an error and is valid JSON as the model will get it."""
    assert "error" not in result, result
    json.dumps(result, allow_nan=False)
    return result


def error_code(result):
    json.dumps(result, allow_nan=False)
    return result["error"]["code"]


@pytest.fixture
def bypass_guard(monkeypatch):
    monkeypatch.setattr(database, "check_read_only", lambda sql: sql)


@pytest.fixture
def as_owner(monkeypatch):
    """Layer 4 removed: the query runs as the database owner, who may write anything."""
    monkeypatch.setattr(pool, "_connect", lambda workspace, *_: databases.connect(workspace, read_only=False))


@pytest.fixture
def read_write_transaction(monkeypatch):
    """Layer 3 removed: a READ WRITE transaction (overriding the role's read-only default)."""
    monkeypatch.setattr(pool, "_start_transaction", lambda connection, _: connection.set_session(readonly=False))


def nothing_was_created_or_dropped(shared):
    made, notes = owner_run(shared.workspace, "SELECT to_regclass('made'), to_regclass('notes')")[0]
    return made is None and notes == "notes"


def notes_count(shared):
    return owner_run(shared.workspace, "SELECT count(*) FROM notes")[0][0]


def assistant_sessions(shared):
    """The assistant's connections still open on the shared database. A closed connection's
    backend exits asynchronously, so give it a moment to go."""
    deadline = time.monotonic() + 3
    while True:
        [(count,)] = owner_run(
            shared.workspace,
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = 'openhexa-assistant'",
        )
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


# --- Querying ----------------------------------------------------------------------------


def test_query_returns_columns_rows_and_types(tools):
    result = ok(tools.query_database("SELECT id, name, region FROM districts ORDER BY id", limit=10))
    assert result["columns"] == [
        {"name": "id", "type": "integer"}, {"name": "name", "type": "text"}, {"name": "region", "type": "text"}
    ]
    assert result["rows"] == [[1, "Bo", "Southern"], [2, "Kenema", "Eastern"], [3, "Kono", "Eastern"]]
    assert result["row_count"] == 3 and result["truncated"] is False and result["limit"] == 10
    assert isinstance(result["duration_ms"], int) and "note" not in result


def test_aggregates_views_and_the_demo_style_query(tools):
    result = ok(tools.query_database(
        "SELECT name, confirmed FROM district_totals ORDER BY confirmed DESC", limit=2
    ))
    assert result["columns"][1] == {"name": "confirmed", "type": "bigint"}
    assert [row[0] for row in result["rows"]] == ["Kenema", "Bo"] and result["truncated"] is True


@pytest.mark.parametrize(
    "sql,rows",
    [
        ("SELECT 1 AS one;", [[1]]),
        ("SELECT 1 AS one -- trailing comment", [[1]]),
        ("SELECT 1 AS one; /* after */", [[1]]),
        ("VALUES (1, 'a'), (2, 'b')", [[1, "a"], [2, "b"]]),
        ('TABLE "Mixed Case"', [[7]]),
        ("WITH t AS (SELECT 2 AS x) SELECT x * 2 FROM t", [[4]]),
        ("SELECT 1 UNION SELECT 2 ORDER BY 1 DESC", [[2], [1]]),
        ("SELECT total FROM analytics.cases", [[42]]),
        ("SELECT ';DROP TABLE notes' AS s", [[";DROP TABLE notes"]]),
    ],
)
def test_the_callers_sql_runs_as_written(tools, sql, rows):
    assert ok(tools.query_database(sql))["rows"] == rows


def test_duplicate_and_unnamed_columns_survive(tools):
    result = ok(tools.query_database("SELECT 1 AS a, 2 AS a, 3, 4"))
    assert [c["name"] for c in result["columns"]] == ["a", "a", "?column?", "?column?"]
    assert result["rows"] == [[1, 2, 3, 4]]


def test_queries_without_columns_or_without_end(tools):
    assert ok(tools.query_database("SELECT FROM districts")) | {"duration_ms": 0} == {
        "columns": [], "rows": [[], [], []], "row_count": 3, "truncated": False, "limit": 100, "duration_ms": 0
    }
    endless = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r"
    result = ok(tools.query_database(endless, limit=3))
    assert result["rows"] == [[1], [2], [3]] and result["truncated"] is True


def test_sql_errors_carry_the_servers_message_and_hint(tools):
    result = tools.query_database("SELECT nme FROM districts")
    assert error_code(result) == "QUERY_ERROR"
    message = result["error"]["message"]
    assert 'column "nme" does not exist' in message
    assert 'Perhaps you meant to reference the column "districts.name"' in message
    assert "Near character 8 of the query: 'SELECT nme FROM districts'" in message
    assert "Fix the query" in message


@pytest.mark.parametrize(
    "sql,expected",
    [
        ("SELECT 1 / 0", "division by zero"),
        ("SELECT * FROM nope", 'relation "nope" does not exist'),
        ("SELECT * FROM hidden.secret", "permission denied for schema hidden"),
        ("SELECT 'abc'::int", "invalid input syntax for type integer"),
        ("SELECT $1", "there is no parameter $1"),
    ],
)
def test_other_server_errors_are_query_errors(tools, sql, expected):
    result = tools.query_database(sql)
    assert error_code(result) == "QUERY_ERROR" and expected in result["error"]["message"]


def test_guard_refusals_come_back_as_errors(tools):
    assert error_code(tools.query_database("SELECT 1; DROP TABLE notes")) == "MULTIPLE_STATEMENTS"
    assert error_code(tools.query_database("DELETE FROM notes")) == "NOT_READ_ONLY"
    assert error_code(tools.query_database("SELECT pg_sleep(10)")) == "NOT_READ_ONLY"
    assert error_code(tools.query_database("")) == "INVALID_SQL"
    assert error_code(tools.query_database(None)) == "INVALID_INPUT"


# --- Layer 2 alone: the cursor wrapper refuses anything but a query ----------------------


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO notes VALUES ('x')",
        "UPDATE notes SET t = 'x'",
        "DELETE FROM notes",
        "CREATE TABLE made (i int)",
        "DROP TABLE notes",
        "SELECT * INTO made FROM notes",
        "WITH d AS (INSERT INTO notes VALUES ('x') RETURNING *) SELECT * FROM d",
        "COPY notes FROM PROGRAM 'id'",
    ],
)
def test_without_the_guard_the_wrapper_still_refuses_statements(shared, tools, bypass_guard, sql):
    assert error_code(tools.query_database(sql)) == "QUERY_ERROR"
    assert notes_count(shared) == 0
    assert nothing_was_created_or_dropped(shared)


# --- Layer 3 alone: the READ ONLY transaction, even for the owner -------------------------


def test_the_owner_could_write_so_the_next_tests_mean_something(shared):
    connection = databases.connect(shared.workspace, read_only=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT add_note(), nextval('counter')")
            assert cursor.fetchone() == (1, 1)
    finally:
        connection.rollback()
        connection.close()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT add_note()",
        "SELECT nextval('counter')",
        # the guard refuses this; unguarded, PostgreSQL reads three statements behind DECLARE
        "SELECT 1) q; DROP TABLE notes; SELECT (1",
    ],
)
def test_without_the_guard_the_read_only_transaction_refuses_writes_even_as_owner(
    shared, tools, bypass_guard, as_owner, sql
):
    result = tools.query_database(sql)
    assert error_code(result) == "QUERY_ERROR"
    assert "read-only transaction" in result["error"]["message"]
    assert notes_count(shared) == 0


# --- Layer 4 alone: the read-only role, in a read-write transaction -----------------------


def test_the_transaction_really_is_read_write_in_the_next_tests(tools, bypass_guard, read_write_transaction):
    assert ok(tools.query_database("SELECT current_setting('transaction_read_only')"))["rows"] == [["off"]]


@pytest.mark.parametrize(
    "sql,expected",
    [
        ("SELECT add_note()", "permission denied for table notes"),
        ("SELECT nextval('counter')", "permission denied for sequence counter"),
        ("SELECT 1) q; DROP TABLE notes; SELECT (1", "must be owner of table notes"),
        # even after ending our transaction and lifting the role's read-only default
        ("SELECT 1) q; COMMIT; SET default_transaction_read_only = off; COMMIT; CREATE TABLE made (i int); SELECT (1",
         "permission denied for schema public"),
        ("SELECT 1) q; COMMIT; SET default_transaction_read_only = off; COMMIT; CREATE TEMP TABLE made (i int); "
         "SELECT (1", "permission denied to create temporary tables"),
    ],
)
def test_without_the_guard_the_role_refuses_writes_in_a_read_write_transaction(
    shared, tools, bypass_guard, read_write_transaction, sql, expected
):
    result = tools.query_database(sql)
    assert error_code(result) == "QUERY_ERROR" and expected in result["error"]["message"]
    assert notes_count(shared) == 0
    assert nothing_was_created_or_dropped(shared)


def test_settings_changed_by_a_query_do_not_outlive_it(tools, bypass_guard, settings):
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 1500
    # PostgreSQL allows set_config in a read-only transaction; the guard refuses it, and
    # without the guard the change dies with the rolled-back transaction and closed connection.
    assert ok(tools.query_database("SELECT set_config('statement_timeout', '0', false)"))["rows"] == [["0"]]
    result = ok(tools.query_database("SELECT set_config('default_transaction_read_only', 'off', false)"))
    assert result["rows"] == [["off"]]
    result = ok(tools.query_database(
        "SELECT current_setting('statement_timeout'), current_setting('transaction_read_only')"
    ))
    assert result["rows"] == [["1500ms", "on"]]


# --- Layer 5: time ----------------------------------------------------------------------


def test_statement_timeout_stops_a_sleeping_query(tools, bypass_guard, settings):
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 200
    started = time.monotonic()
    result = tools.query_database("SELECT pg_sleep(5)")
    assert error_code(result) == "QUERY_TIMEOUT" and "0.2 s" in result["error"]["message"]
    assert time.monotonic() - started < 1.5


def test_statement_timeout_stops_a_legitimate_heavy_query(tools, settings):
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 200
    started = time.monotonic()
    result = tools.query_database("SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b")
    assert error_code(result) == "QUERY_TIMEOUT"
    assert time.monotonic() - started < 1.5


def test_watchdog_cancels_when_the_server_timeouts_are_missing(tools, bypass_guard, monkeypatch, settings):
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 200
    monkeypatch.setattr(pool, "WATCHDOG_GRACE_S", 0.3)
    monkeypatch.setattr(pool, "_connect", lambda workspace, timeout_ms, application_name: databases.connect(workspace))
    monkeypatch.setattr(pool, "_start_transaction", lambda connection, _: connection.set_session(readonly=True))
    started = time.monotonic()
    assert error_code(tools.query_database("SELECT pg_sleep(5)")) == "QUERY_TIMEOUT"
    assert 0.4 < time.monotonic() - started < 2


def test_a_locked_table_gives_a_timeout_not_a_hang(shared, tools, settings):
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 1000
    locker = databases.connect(shared.workspace, read_only=False)
    try:
        with locker.cursor() as cursor:
            cursor.execute("LOCK TABLE districts IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            result = tools.query_database("SELECT * FROM districts")
        assert error_code(result) == "QUERY_TIMEOUT" and "locked" in result["error"]["message"]
        assert time.monotonic() - started < 1.5
    finally:
        locker.rollback()
        locker.close()


def test_connections_are_closed_after_errors_and_timeouts(shared, tools, bypass_guard, settings):
    pool.IDLE.close_all()
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 200
    tools.query_database("SELECT 1 / 0")
    tools.query_database("SELECT pg_sleep(2)")
    assert assistant_sessions(shared) == 0


def test_clean_connections_are_reused_and_reset(shared, tools, bypass_guard):
    pool.IDLE.close_all()
    first = ok(tools.query_database("SELECT pg_backend_pid() AS pid"))["rows"][0][0]
    # with the guard bypassed: a session-level lock and a prepared statement, then rolled back
    ok(tools.query_database("SELECT pg_advisory_lock(42) IS NULL AS locked"))
    assert ok(tools.query_database("SELECT pg_backend_pid() AS pid"))["rows"][0][0] == first  # the same session
    # this session's: the live workers of other test files hold advisory locks on the same server
    locks = "SELECT count(*) AS locks FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
    assert ok(tools.query_database(locks))["rows"] == [[0]]
    assert assistant_sessions(shared) == 1
    pool.IDLE.close_all()
    assert assistant_sessions(shared) == 0


def test_a_pooled_connection_closed_by_the_server_is_replaced(shared, tools):
    pool.IDLE.close_all()
    ok(tools.query_database("SELECT 1"))
    with databases._admin_cursor(dbname=shared.workspace.db_name) as cursor:  # as a server restart would
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = 'openhexa-assistant'"
        )
        assert cursor.fetchall() == [(True,)]
    assert ok(tools.query_database("SELECT 2 AS n"))["rows"] == [[2]]


# --- Rows: limits and budgets -----------------------------------------------------------


@pytest.mark.alone  # timed
def test_ten_million_rows_are_never_materialised(tools):
    tracemalloc.start()
    try:
        started = time.monotonic()
        result = ok(tools.query_database("SELECT * FROM generate_series(1, 10000000) AS n", limit=100))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result["row_count"] == 100 and result["rows"][-1] == [100] and result["truncated"] is True
    assert "more than 100 rows" in result["note"]
    assert elapsed < 1.5  # fetching 10M rows would take seconds and gigabytes
    assert peak < 5_000_000


def test_even_an_order_by_over_many_rows_uses_a_bounded_sort(tools):
    started = time.monotonic()
    result = ok(tools.query_database("SELECT n FROM generate_series(1, 2000000) AS n ORDER BY n DESC", limit=3))
    assert result["rows"] == [[2000000], [1999999], [1999998]]
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("limit,truncated", [(5, False), (6, False), (4, True), (1, True)])
def test_truncated_says_exactly_whether_rows_were_left_out(tools, limit, truncated):
    result = ok(tools.query_database("SELECT * FROM generate_series(1, 5)", limit=limit))
    assert result["truncated"] is truncated and result["row_count"] == min(limit, 5)


@pytest.mark.parametrize("limit", [0, -1, "10", True, 1.5, [10]])
def test_invalid_limits(tools, limit):
    result = tools.query_database("SELECT 1", limit=limit)
    assert error_code(result) == "INVALID_INPUT" and "limit" in result["error"]["message"]


def test_limit_is_capped_by_settings(tools, settings):
    settings.ASSISTANT_QUERY_MAX_ROWS = 50
    result = ok(tools.query_database("SELECT * FROM generate_series(1, 1000)", limit=500))
    assert result["row_count"] == 50 and result["limit"] == 50 and "lowered to 50" in result["note"]
    assert ok(tools.query_database("SELECT 1", limit=None))["limit"] == 50


def test_long_values_are_cut_and_marked(tools):
    result = ok(tools.query_database("SELECT repeat('x', 5000) AS long, 'short' AS short"))
    long, short = result["rows"][0]
    assert long == "x" * 2000 + "… [truncated, 5000 chars]" and short == "short"
    assert "1 value(s) longer than 2000 characters were cut" in result["note"]


def test_huge_values_stop_the_fetch_early_and_bound_memory(tools):
    tracemalloc.start()
    try:
        result = ok(tools.query_database("SELECT n, repeat('x', 3000000) FROM generate_series(1, 100) AS n"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 1 <= result["row_count"] <= 3 and result["truncated"] is True and "very large" in result["note"]
    assert peak < 40_000_000  # 100 rows would be 300 MB


def test_the_result_size_is_bounded(tools):
    result = ok(tools.query_database("SELECT repeat('y', 1900) FROM generate_series(1, 1000)", limit=1000))
    assert 40 < result["row_count"] < 60 and result["truncated"] is True and "size limit" in result["note"]
    assert len(json.dumps(result)) < 110_000


def test_wide_rows_get_shorter_cells(tools):
    columns = ", ".join(f"repeat('z', 1000) AS c{i}" for i in range(300))
    result = ok(tools.query_database(f"SELECT {columns}"))
    assert result["row_count"] == 1 and len(result["rows"][0]) == 300
    assert result["rows"][0][0].startswith("z" * 166 + "… [truncated, 1000 chars]")
    assert len(json.dumps(result)) < 110_000


# --- Values -----------------------------------------------------------------------------


def test_values_are_json_safe_and_lose_nothing(tools):
    result = ok(tools.query_database(
        """SELECT 42 AS int4, 9007199254740993::bigint AS int8, true AS bool, NULL::text AS null,
                  1.50::numeric AS numeric, 10::numeric(10, 2) AS numeric_whole,
                  12345678901234567890.123456789::numeric AS numeric_precise,
                  'NaN'::numeric AS numeric_nan, 'Infinity'::numeric AS numeric_inf,
                  0.1::float8 AS float8, 'NaN'::float8 AS float_nan, '-Infinity'::float8 AS float_neg_inf,
                  1.5::real AS float4,
                  date '2024-03-01' AS date, 'infinity'::date AS date_inf, '0044-03-15 BC'::date AS date_bc,
                  timestamptz '2024-03-01 10:00:00+00' AS timestamptz, timestamp '2024-03-01 10:30:15.5' AS timestamp,
                  time '10:30' AS time, interval '1 year 2 months 3 days 04:05:06' AS interval,
                  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS uuid, '\\x00ff10'::bytea AS bytea,
                  '{"a": [1, 2.5, null], "b": "x"}'::jsonb AS jsonb, '{"big": 1e400}'::json AS json_big,
                  ARRAY[1, 2, NULL] AS int_array, '{{1,2},{3,4}}'::int[] AS int_matrix, ARRAY['a', 'b c'] AS text_array,
                  ARRAY[date '2024-01-01', 'infinity'] AS date_array, ARRAY[1.5, 'NaN']::numeric[] AS numeric_array,
                  '192.168.0.1/24'::inet AS inet, '[1,5)'::int4range AS int4range, 'empty'::daterange AS empty_range,
                  '{[1,3), [5,7)}'::int4multirange AS multirange, '12.50'::money AS money, ROW(1, 'a') AS record,
                  'a fat cat'::tsvector AS tsvector, 'abc'::char(5) AS bpchar"""
    ))
    values = dict(zip([c["name"] for c in result["columns"]], result["rows"][0]))
    assert values == {
        "int4": 42, "int8": 9007199254740993, "bool": True, "null": None,
        "numeric": 1.5, "numeric_whole": 10, "numeric_precise": "12345678901234567890.123456789",
        "numeric_nan": "NaN", "numeric_inf": "Infinity",
        "float8": 0.1, "float_nan": "NaN", "float_neg_inf": "-Infinity", "float4": 1.5,
        "date": "2024-03-01", "date_inf": "infinity", "date_bc": "0044-03-15 BC",
        "timestamptz": values["timestamptz"], "timestamp": "2024-03-01 10:30:15.5",
        "time": "10:30:00", "interval": "P1Y2M3DT4H5M6S",
        "uuid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "bytea": "\\x00ff10",
        "jsonb": {"a": [1, 2.5, None], "b": "x"}, "json_big": {"big": "Infinity"},
        "int_array": [1, 2, None], "int_matrix": [[1, 2], [3, 4]], "text_array": ["a", "b c"],
        "date_array": ["2024-01-01", "infinity"], "numeric_array": [1.5, "NaN"],
        "inet": "192.168.0.1/24", "int4range": "[1,5)", "empty_range": "empty",
        "multirange": "{[1,3),[5,7)}", "money": "$12.50", "record": "(1,a)",
        "tsvector": "'a' 'cat' 'fat'", "bpchar": "abc  ",
    }
    assert values["timestamptz"].startswith("2024-03-01") and values["timestamptz"][10] == " "
    types = {c["name"]: c["type"] for c in result["columns"]}
    assert types["timestamptz"] == "timestamp with time zone" and types["int_array"] == "integer[]"
    assert types["numeric_whole"] == "numeric" and types["jsonb"] == "jsonb"


def test_casters_cover_the_oids_the_server_uses(shared):
    """The type OIDs in hexa/databases/values.py are PostgreSQL's fixed ones; check them, arrays included."""
    expected = {**TEXT_TYPES, **NUMBER_TYPES}
    oids = ",".join(map(str, expected))
    found = dict(owner_run(shared.workspace, f"SELECT oid::int, typarray::int FROM pg_type WHERE oid IN ({oids})"))
    assert found == expected


# --- describe_tables ----------------------------------------------------------------------


def count_catalog_queries(monkeypatch):
    calls = []
    original = database._catalog_query

    def counting(cursor, query, params=None):
        calls.append(query)
        return original(cursor, query, params)

    for module in (database, database_catalog, database_query):  # each module that reads the catalog
        monkeypatch.setattr(module, "_catalog_query", counting)
    return calls


def test_describe_lists_what_the_read_only_role_can_read(tools):
    result = ok(tools.describe_tables())
    names = [(t["schema"], t["name"]) for t in result["tables"]]
    assert names == [  # public first, then other schemas; names case-insensitively; no hidden.secret
        ("public", "a.b"), ("public", "broken"), ("public", "cases"), ("public", "district_totals"),
        ("public", "districts"), ("public", "Mixed Case"), ("public", "monthly"), ("public", "notes"),
        ("analytics", "cases"),
    ]
    assert result["table_count"] == 9 and result["truncated"] is False
    tables = {(t["schema"], t["name"]): t for t in result["tables"]}
    assert tables["public", "districts"] == {
        "schema": "public", "name": "districts", "kind": "table", "comment": "Administrative districts",
        "row_estimate": 3,
        "columns": [
            {"name": "id", "type": "integer", "nullable": False},
            {"name": "name", "type": "text", "nullable": False, "comment": "Official name"},
            {"name": "region", "type": "text", "nullable": True},
        ],
        "primary_key": ["id"],
        "unique": [["name"]],
    }
    cases = tables["public", "cases"]
    assert cases["row_estimate"] == 1000
    assert cases["columns"][0] == {
        "name": "id", "type": "bigint", "nullable": False, "default": "nextval('cases_id_seq'::regclass)"
    }
    assert cases["columns"][3] == {"name": "confirmed", "type": "integer", "nullable": False, "default": "0"}
    assert cases["foreign_keys"] == [
        {"columns": ["district_id"], "references": "districts", "referenced_columns": ["id"]}
    ]
    assert tables["public", "district_totals"]["kind"] == "view"
    assert "row_estimate" not in tables["public", "district_totals"]
    assert tables["public", "district_totals"]["comment"] == "Confirmed cases per district"
    assert tables["public", "monthly"]["kind"] == "materialized view"
    assert tables["analytics", "cases"]["columns"][0] == {"name": "district", "type": "text", "nullable": True}


def test_describe_uses_a_constant_number_of_catalog_queries(tools, monkeypatch, make_user, make_workspace):
    calls = count_catalog_queries(monkeypatch)
    ok(tools.describe_tables())
    small = len(calls)
    user = make_user()
    workspace = make_workspace(user, name="Many tables")
    owner_run(workspace, "".join(
        f"CREATE TABLE t{i} (id int PRIMARY KEY, parent int REFERENCES t{max(i - 1, 0)}(id), label text);"
        f"COMMENT ON TABLE t{i} IS 'table {i}';" for i in range(60)
    ))
    calls.clear()
    result = ok(UserDatabaseTools(user, workspace).describe_tables())
    assert result["table_count"] == 60 and len(calls) == small == 3
    t5 = next(table for table in result["tables"] if table["name"] == "t5")
    assert t5["foreign_keys"] == [{"columns": ["parent"], "references": "t4", "referenced_columns": ["id"]}]
    calls.clear()
    ok(UserDatabaseTools(user, workspace).describe_tables("t7"))
    detail = len(calls)
    calls.clear()
    ok(tools.describe_tables("cases"))
    assert len(calls) == detail


def test_describe_is_bounded_for_huge_databases(tools, monkeypatch):
    monkeypatch.setattr(database_catalog, "DESCRIBE_MAX_CHARS", 1_000)
    monkeypatch.setattr(database_catalog, "DESCRIBE_MAX_LISTED", 3)
    result = ok(tools.describe_tables())
    shown = len(result["tables"])
    assert 1 <= shown < 9 and result["truncated"] is True and result["table_count"] == 9
    assert len(result["more_tables"]) == 3 and result["more_tables"][-1] != "analytics.cases"
    assert f"columns are shown for the first {shown}" in result["note"] and "table_name" in result["note"]


def test_describe_an_empty_database(make_user, make_workspace):
    user = make_user()
    tools = UserDatabaseTools(user, make_workspace(user, name="Empty"))
    assert ok(tools.describe_tables()) == {
        "tables": [], "table_count": 0, "truncated": False,
        "note": "The database has no tables or views the assistant can read yet.",
    }
    assert error_code(tools.describe_tables("anything")) == "NOT_FOUND"


def test_describe_one_table_with_indexes_and_sample_rows(tools):
    table = ok(tools.describe_tables("cases"))["table"]
    assert (table["schema"], table["name"], table["kind"]) == ("public", "cases", "table")
    assert table["indexes"] == [
        "CREATE UNIQUE INDEX cases_pkey ON public.cases USING btree (id)",
        "CREATE INDEX cases_period ON public.cases USING btree (period)",
    ]
    assert len(table["sample_rows"]) == 5 and len(table["sample_rows"][0]) == len(table["columns"]) == 4
    assert isinstance(table["sample_rows"][0][2], str)  # dates as ISO text


def test_describe_a_view_shows_its_definition_and_survives_a_failing_sample(tools):
    view = ok(tools.describe_tables("district_totals"))["table"]
    assert "sum(c.confirmed)" in view["definition"] and len(view["sample_rows"]) == 3
    broken = ok(tools.describe_tables("broken"))["table"]
    assert "division by zero" in broken["sample_error"] and "sample_rows" not in broken


@pytest.mark.parametrize(
    "name,schema,table",
    [
        ("cases", "public", "cases"),
        ("public.cases", "public", "cases"),
        ("analytics.cases", "analytics", "cases"),
        ('"analytics"."cases"', "analytics", "cases"),
        ("  districts  ", "public", "districts"),
        ("DISTRICTS", "public", "districts"),
        ("Public.Districts", "public", "districts"),
        ("Mixed Case", "public", "Mixed Case"),
        ('"Mixed Case"', "public", "Mixed Case"),
        ('public."Mixed Case"', "public", "Mixed Case"),
        ("a.b", "public", "a.b"),
        ("monthly", "public", "monthly"),
    ],
)
def test_describe_finds_tables_as_stored_then_as_sql_would_read_them(tools, name, schema, table):
    found = ok(tools.describe_tables(name))["table"]
    assert (found["schema"], found["name"]) == (schema, table)


def test_unknown_table_is_not_found_with_suggestions(tools):
    result = tools.describe_tables("distrcts")
    assert error_code(result) == "NOT_FOUND"
    assert "Similar names: districts" in result["error"]["message"]
    assert "describe_tables without table_name" in result["error"]["message"]


@pytest.mark.parametrize(
    "name",
    [
        "districts; DROP TABLE notes",
        '"districts"; --',
        "' OR 1=1 --",
        'x" FROM districts; DROP TABLE notes; --',
        "hidden.secret",
        "pg_catalog.pg_class",
        "information_schema.tables",
        "..",
        '"',
        "a.b.c.d",
        "é" * 200,
    ],
)
def test_hostile_table_names_are_simply_not_found(shared, tools, name):
    assert error_code(tools.describe_tables(name)) == "NOT_FOUND"
    assert owner_run(shared.workspace, "SELECT to_regclass('notes') IS NOT NULL") == [(True,)]


@pytest.mark.parametrize("name", ["cases\x00", "x" * 10_000, "a\nb", 42, ["cases"]])
def test_malformed_table_names_are_invalid_input(tools, name):
    assert error_code(tools.describe_tables(name)) == "INVALID_INPUT"


@pytest.mark.parametrize("name", [None, "", "   "])
def test_no_table_name_means_the_whole_database(tools, name):
    assert ok(tools.describe_tables(name))["table_count"] == 9


# --- Who may read -------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(WorkspaceMembershipRole))
def test_every_member_role_may_read(shared, make_user, role):
    member = make_user()
    WorkspaceMembership.objects.create(workspace=shared.workspace, user=member, role=role)
    tools = UserDatabaseTools(member, shared.workspace)
    assert ok(tools.query_database("SELECT count(*) FROM districts"))["rows"] == [[3]]
    assert ok(tools.describe_tables("districts"))["table"]["name"] == "districts"


def test_a_former_member_is_refused(shared, make_user):
    member = make_user()
    membership = WorkspaceMembership.objects.create(
        workspace=shared.workspace, user=member, role=WorkspaceMembershipRole.VIEWER
    )
    tools = UserDatabaseTools(member, shared.workspace)
    assert ok(tools.query_database("SELECT 1"))
    membership.delete()  # removed in the middle of a conversation
    for result in (tools.query_database("SELECT 1"), tools.describe_tables(), tools.describe_tables("districts")):
        assert error_code(result) == "PERMISSION_DENIED" and "member" in result["error"]["message"]


def test_outsiders_and_inactive_users_are_refused(shared, make_user):
    outsider = UserDatabaseTools(make_user(), shared.workspace)
    assert error_code(outsider.query_database("SELECT 1")) == "PERMISSION_DENIED"
    superuser = make_user(is_superuser=True)  # superusers too: the assistant acts as a member
    assert error_code(UserDatabaseTools(superuser, shared.workspace).describe_tables()) == "PERMISSION_DENIED"
    inactive = make_user()
    WorkspaceMembership.objects.create(workspace=shared.workspace, user=inactive, role=WorkspaceMembershipRole.ADMIN)
    inactive.is_active = False
    assert error_code(UserDatabaseTools(inactive, shared.workspace).query_database("SELECT 1")) == "PERMISSION_DENIED"


def test_an_unreachable_database_is_reported_without_leaking_details(shared, tools):
    workspace = Workspace.objects.get(pk=shared.workspace.pk)
    workspace.db_ro_password = "not-the-password"
    for result in (UserDatabaseTools(shared.user, workspace).query_database("SELECT 1"),
                   UserDatabaseTools(shared.user, workspace).describe_tables()):
        assert error_code(result) == "DATABASE_UNAVAILABLE"
        assert "password" not in result["error"]["message"] and workspace.db_name not in result["error"]["message"]


def test_unexpected_failures_become_error_dicts(tools, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(database, "_run_select", explode)
    assert error_code(tools.query_database("SELECT 1")) == "INTERNAL_ERROR"


def test_a_lost_connection_is_database_unavailable(shared, tools, bypass_guard):
    # An administrator terminates the assistant's backend mid-query, as a server restart would.
    def terminate():
        connection = psycopg2.connect(**databases.server_params())
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND usename = %s",
                    [shared.workspace.db_name, databases.read_only_role(shared.workspace.db_name)],
                )
        finally:
            connection.close()

    timer = threading.Timer(0.3, terminate)
    timer.start()
    try:
        result = tools.query_database("SELECT pg_sleep(3)")
    finally:
        timer.join()
    assert error_code(result) == "DATABASE_UNAVAILABLE"


# --- EXPLAIN ------------------------------------------------------------------------------
# sql_guard.split_explain vets the EXPLAIN (tests/test_sql_guard.py); the executor runs it
# outside the SELECT wrapper, in the same read-only, time-limited, bounded way.


def test_plain_explain_of_a_select_returns_the_plan(tools):
    result = ok(tools.query_database(
        "EXPLAIN SELECT d.name, sum(c.confirmed) FROM cases c JOIN districts d ON d.id = c.district_id GROUP BY d.name"
    ))
    assert result["columns"] == [{"name": "QUERY PLAN", "type": "text"}]
    plan = "\n".join(row[0] for row in result["rows"])
    assert "Scan on cases c" in plan and "cost=" in plan and "Join" in plan
    assert result["row_count"] == len(result["rows"]) > 2 and result["truncated"] is False


def test_explain_analyze_in_json_runs_the_query_and_returns_a_structured_plan(tools):
    result = ok(tools.query_database("EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM cases"))
    assert result["columns"] == [{"name": "QUERY PLAN", "type": "json"}] and result["row_count"] == 1
    [[[plan]]] = result["rows"]
    assert plan["Plan"]["Node Type"] == "Aggregate" and plan["Plan"]["Actual Rows"] == 1
    assert "Execution Time" in plan


@pytest.mark.parametrize("sql", ["EXPLAIN (FORMAT YAML) SELECT 1", "EXPLAIN (FORMAT XML) (SELECT 1)", "EXPLAIN TABLE notes"])
def test_explain_in_other_formats(tools, sql):
    result = ok(tools.query_database(sql))
    assert result["row_count"] >= 1 and result["columns"][0]["name"] == "QUERY PLAN"


def test_explain_lines_are_rows_under_the_limit(tools):
    result = ok(tools.query_database(
        "EXPLAIN SELECT * FROM cases WHERE district_id IN (SELECT id FROM districts WHERE region = 'Eastern')", limit=1
    ))
    assert result["row_count"] == 1 and result["truncated"] is True and "more than 1 rows" in result["note"]


@pytest.mark.parametrize(
    "sql",
    ["EXPLAIN DELETE FROM notes", "EXPLAIN ANALYZE DELETE FROM notes", "EXPLAIN ANALYZE INSERT INTO notes VALUES ('x')",
     "EXPLAIN ANALYZE WITH d AS (DELETE FROM notes RETURNING *) SELECT * FROM d", "EXPLAIN ANALYZE SELECT pg_sleep(5)"],
)
def test_explain_of_a_write_is_refused(shared, tools, sql):
    assert error_code(tools.query_database(sql)) == "NOT_READ_ONLY"
    assert notes_count(shared) == 0


def test_explain_analyze_of_a_select_that_writes_is_stopped_by_the_database(shared, tools):
    result = tools.query_database("EXPLAIN ANALYZE SELECT add_note()")  # the guard cannot see inside add_note
    assert error_code(result) == "QUERY_ERROR" and "read-only transaction" in result["error"]["message"]
    assert notes_count(shared) == 0


@pytest.mark.parametrize("inner", ["DELETE FROM notes", "SELECT 1) q; DELETE FROM notes; SELECT (1"])
def test_without_the_guard_an_explained_write_is_still_refused(shared, tools, bypass_guard, as_owner, monkeypatch,
                                                                inner):
    """Layers 2 and 3 alone: split_explain lets a write through, the query runs as the owner;
    the PREPARE check refuses anything but a query, and the READ ONLY transaction any write."""
    monkeypatch.setattr(sql_guard, "split_explain", lambda sql: ("EXPLAIN (ANALYZE, FORMAT TEXT)", inner))
    result = tools.query_database("EXPLAIN ANALYZE " + inner)
    assert error_code(result) == "QUERY_ERROR"
    message = result["error"]["message"]
    assert "syntax error" in message or "read-only transaction" in message
    assert notes_count(shared) == 0


def test_explain_errors_carry_the_position_in_the_query(tools):
    result = tools.query_database("EXPLAIN SELECT nme FROM districts")
    assert error_code(result) == "QUERY_ERROR"
    assert 'column "nme" does not exist' in result["error"]["message"]
    assert "Near character 8 of the query: 'SELECT nme FROM districts'" in result["error"]["message"]


def test_explain_analyze_is_stopped_by_the_time_limit(tools, settings):
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 200
    started = time.monotonic()
    result = tools.query_database(
        "EXPLAIN ANALYZE SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b"
    )
    assert error_code(result) == "QUERY_TIMEOUT" and time.monotonic() - started < 1.5


def test_the_guards_refusals_still_hold_next_to_explain(tools):
    assert error_code(tools.query_database("EXPLAIN SELECT 1; DROP TABLE notes")) == "MULTIPLE_STATEMENTS"
    assert error_code(tools.query_database("EXPLAIN (FORMAT HTML) SELECT 1")) == "INVALID_SQL"
    assert error_code(tools.query_database("SHOW search_path")) == "NOT_READ_ONLY"
    assert error_code(tools.query_database("SELECT 1; DROP TABLE notes")) == "MULTIPLE_STATEMENTS"


# --- Values are cut on the server ------------------------------------------------------


def test_long_values_of_every_kind_are_cut_on_the_server(tools):
    result = ok(tools.query_database(
        "SELECT repeat('a', 3000) AS text, decode(repeat('ff', 3000), 'hex') AS bytea, "
        "array_fill(7, ARRAY[5000]) AS array, (SELECT jsonb_agg(n) FROM generate_series(1, 2000) n) AS jsonb, "
        "repeat('b', 3000)::char(3000) AS bpchar, (10::numeric ^ 3000) AS numeric"
    ))
    text, bytea, array, jsonb, bpchar, numeric = result["rows"][0]
    assert text == "a" * 2000 + "… [truncated, 3000 chars]"
    assert bytea == "\\x" + "f" * 1998 + "… [truncated, 6002 chars]"
    assert array == "{" + "7," * 999 + "7" + "… [truncated, array of 5000 elements]"
    assert jsonb.startswith("[1, 2, 3") and jsonb.endswith("… [truncated, 10893 chars]")
    assert bpchar == "b" * 2000 + "… [truncated, 3000 chars]" and numeric.endswith("… [truncated, 3001 chars]")
    assert "6 value(s) longer than 2000 characters were cut" in result["note"]


def test_an_error_quoting_a_huge_value_is_cut(tools):
    result = tools.query_database("SELECT repeat('x', 5000000)::int")
    assert error_code(result) == "QUERY_ERROR" and len(result["error"]["message"]) < 1_500
    assert "invalid input syntax for type integer" in result["error"]["message"]
    assert "… [truncated, 5000041 chars]" in result["error"]["message"]
