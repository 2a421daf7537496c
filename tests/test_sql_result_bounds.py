"""query_database is bounded while results are produced: whatever a query computes (a 600 MB
string, a 20,000,000-element array, 1,500 wide columns, an error quoting a 60 MB value, a
plan line holding one), the process grows by less than 64 MB and the call ends within the
time limit plus 1 s, and the model is told what was cut.

Memory is measured where it truly shows: in a child process (CHILD below, run with
`python -c`), as its peak resident set (VmHWM: Python objects, libpq's buffers
and everything else), reset before each query through /proc/self/clear_refs, minus its
resident set just before the query. The hostile queries run on a workspace database of their
own, as its read-only role, through UserDatabaseTools.query_database with the real guard.
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest

from hexa.assistant.executors import database
from hexa.assistant.executors.database import UserDatabaseTools
from hexa.databases import api as databases
from hexa.databases import pool

# hostile queries measured against their time limits and memory budget: alone, after the others
pytestmark = pytest.mark.alone

ROOT = Path(__file__).resolve().parent.parent
MEMORY_BUDGET = 64 * 1024 * 1024
TIMEOUT_MS = 60_000  # what these queries must finish within on a starved CPU (the build, the browser
# tests and this file at once took "huge string" past 10 s); the short limits below prove a limit stops them

# Runs in a fresh process: reads [[query, limit, timeout_ms], …] on stdin, prints one JSON
# line per query. The permission check is the only thing replaced (it reads the app's
# database, which the child does not use).
CHILD = r"""
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from types import SimpleNamespace
from django.conf import settings
from hexa.assistant.executors import errors
from hexa.assistant.executors.database import UserDatabaseTools

errors._PERMISSIONS = SimpleNamespace(has_perm=lambda *args: True)
workspace = SimpleNamespace(db_name=os.environ["BOUNDS_DB"], db_ro_password=os.environ["BOUNDS_RO"], db_password="")
tools = UserDatabaseTools(SimpleNamespace(is_active=True), workspace)


def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) * 1024


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


tools.query_database("SELECT 1 AS warm_up, 'x'::text, ARRAY[1], '{}'::jsonb, '\\x00'::bytea")
for query, limit, timeout_ms in json.load(sys.stdin):
    settings.ASSISTANT_QUERY_TIMEOUT_MS = timeout_ms
    exact = reset_peak()
    before = status("VmRSS")
    started = time.monotonic()
    result = tools.query_database(query, limit=limit)
    elapsed = time.monotonic() - started
    peak = status("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"query": query, "elapsed": elapsed, "growth": peak - before, "result": result}), flush=True)
"""


def run_in_child(workspace_db, ro_password, queries) -> list[dict]:
    """[(query, limit, timeout_ms)] -> what the child measured for each, in order."""
    completed = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BOUNDS_DB": workspace_db, "BOUNDS_RO": ro_password},
        timeout=300,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == len(queries), completed.stderr[-3000:]
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def hostile_database():
    name = f"ws_bounds_{os.urandom(3).hex()}"
    ro_password = databases.generate_password()
    databases.create_database(name, databases.generate_password(), ro_password)
    try:
        yield name, ro_password
    finally:
        databases.delete_database(name)


# (id, query, limit, timeout in ms)
HOSTILE = [
    ("huge string", "SELECT repeat('x', 6e8::int)", 100, TIMEOUT_MS),
    ("huge array", "SELECT array_agg(x) FROM generate_series(1, 2e7) x", 100, TIMEOUT_MS),
    ("huge string, not a constant", "SELECT repeat('y', n) FROM generate_series(3e8::int, 3e8::int) n", 100, TIMEOUT_MS),
    ("huge jsonb", "SELECT to_jsonb(array_agg(x)) FROM generate_series(1, 3e6) x", 100, TIMEOUT_MS),
    ("huge bytea", "SELECT decode(repeat('ab', 2e8::int), 'hex')", 100, TIMEOUT_MS),
    ("huge numeric", "SELECT (10::numeric ^ 131000) + 0.5", 100, TIMEOUT_MS),
    ("huge text array elements", "SELECT ARRAY[repeat('z', 5e7::int), repeat('z', 5e7::int)]", 100, TIMEOUT_MS),
    ("many wide columns", "SELECT " + ", ".join(f"repeat('w', 100000) AS c{i}" for i in range(1500))
     + " FROM generate_series(1, 5)", 100, TIMEOUT_MS),
    ("many wide rows", "SELECT n, repeat('v', 1000000) FROM generate_series(1, 1000) n", 1000, TIMEOUT_MS),
    ("huge error", "SELECT repeat('x', 6e7::int)::int", 100, TIMEOUT_MS),
    ("huge error while running", "SELECT repeat('x', n)::int FROM generate_series(6e7::int, 6e7::int) n", 100,
     TIMEOUT_MS),
    ("huge plan line", "EXPLAIN SELECT * FROM generate_series(1, 3) g WHERE g::text = repeat('x', 6e7::int)", 100,
     TIMEOUT_MS),
    ("huge string past a short time limit", "SELECT repeat('x', 6e8::int)", 100, 1_000),
    ("huge array past a short time limit", "SELECT array_agg(x) FROM generate_series(1, 2e7) x", 100, 1_000),
]


@pytest.fixture(scope="module")
def measured(hostile_database):
    results = run_in_child(*hostile_database, [[query, limit, timeout] for _, query, limit, timeout in HOSTILE])
    return {name: result for (name, *_), result in zip(HOSTILE, results)}


@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name, *_ in HOSTILE])
def test_memory_and_time_are_bounded_whatever_the_query_returns(measured, name):
    timeout_ms = next(timeout for case, _, _, timeout in HOSTILE if case == name)
    m = measured[name]
    assert m["growth"] < MEMORY_BUDGET, f"{name}: process grew by {m['growth'] / 1e6:.0f} MB"
    assert m["elapsed"] < timeout_ms / 1000 + 1, f"{name}: {m['elapsed']:.1f} s"
    assert len(json.dumps(m["result"])) < 150_000


def result_of(measured, name):
    result = measured[name]["result"]
    assert "error" not in result, result
    return result


@pytest.mark.slow
def test_a_huge_string_is_cut_on_the_server_and_marked(measured):
    result = result_of(measured, "huge string")
    assert result["columns"] == [{"name": "repeat", "type": "text"}] and result["row_count"] == 1
    assert result["rows"][0][0] == "x" * 2000 + "… [truncated, 600000000 bytes]"
    assert "1 value(s) longer than 2000 characters were cut" in result["note"]
    assert result_of(measured, "huge string, not a constant")["rows"][0][0].endswith("[truncated, 300000000 bytes]")


@pytest.mark.slow
def test_a_huge_array_is_cut_by_elements(measured):
    result = result_of(measured, "huge array")
    assert result["columns"] == [{"name": "array_agg", "type": "numeric[]"}]
    value = result["rows"][0][0]
    assert value.startswith("{1,2,3,4,5,") and value.endswith("… [truncated, array of 20000000 elements]")
    assert len(value) < 2100 and "were cut" in result["note"]


@pytest.mark.slow
def test_other_huge_values_are_cut_with_their_size(measured):
    jsonb = result_of(measured, "huge jsonb")["rows"][0][0]
    assert jsonb.startswith("[1, 2, 3") and re.search(r"… \[truncated, \d{8} bytes\]$", jsonb) and len(jsonb) < 2100
    bytea = result_of(measured, "huge bytea")["rows"][0][0]
    assert bytea == "\\x" + "ab" * 999 + "… [truncated, 400000002 chars]"
    numeric = result_of(measured, "huge numeric")["rows"][0][0]
    assert numeric.startswith("1000000") and numeric.endswith("… [truncated, 131003 chars]")
    elements = result_of(measured, "huge text array elements")["rows"][0][0]
    assert elements.startswith('{zzzz') and elements.endswith("… [truncated, 100000003 bytes]")


@pytest.mark.slow
def test_wide_results_stop_early_with_a_note(measured):
    columns = result_of(measured, "many wide columns")
    assert len(columns["columns"]) == 500 and columns["row_count"] == 1 and columns["truncated"] is True
    assert columns["note"].startswith("The result has 1500 columns; only the first 500 are shown.")
    assert columns["rows"][0][0] == "w" * 100 + "… [truncated, 100000 chars]"
    rows = result_of(measured, "many wide rows")
    assert rows["row_count"] == 8 and rows["truncated"] is True and "very large" in rows["note"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["huge error", "huge error while running"])
def test_errors_quoting_huge_values_are_cut(measured, name):
    error = measured[name]["result"]["error"]
    assert error["code"] == "QUERY_ERROR" and "invalid input syntax for type integer" in error["message"]
    assert re.search(r"x… \[truncated, 600000\d\d chars\]", error["message"]) and len(error["message"]) < 1_500


@pytest.mark.slow
def test_a_huge_plan_line_is_cut(measured):
    result = result_of(measured, "huge plan line")
    assert result["columns"] == [{"name": "QUERY PLAN", "type": "text"}]
    assert result["rows"][0][0].startswith("Function Scan on generate_series g")
    assert re.search(r"^  Filter: .*x… \[truncated, 600000\d\d bytes\]$", result["rows"][1][0])
    assert result["truncated"] is True and "very large" in result["note"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["huge string past a short time limit", "huge array past a short time limit"])
def test_past_the_time_limit_the_call_stops_on_time(measured, name):
    m = measured[name]
    assert m["result"]["error"]["code"] == "QUERY_TIMEOUT" and m["elapsed"] < 2.0


# --- In the test process ----------------------------------------------------------------


@pytest.fixture
def tools(make_user, make_workspace):
    user = make_user()
    return UserDatabaseTools(user, make_workspace(user, name="Bounds"))


def ok(result):
    assert "error" not in result, result
    json.dumps(result, allow_nan=False)
    return result


def test_values_under_the_cap_are_exactly_what_a_plain_fetch_gives(tools):
    result = ok(tools.query_database(
        "SELECT repeat('a', 2000) AS text_at_cap, ARRAY[repeat('b', 10), NULL] AS short_array, "
        "'{\"k\": [1, {\"n\": null}]}'::json AS json, 'é'::varchar AS varchar, 1e20::float8 AS big_float, "
        "'abc'::char(5) AS padded, B'1011' AS bits, 'x'::name AS name, '(1,2)'::point AS point, "
        "ROW(NULL, NULL) AS empty_record, NULL::int[] AS null_array, '{}'::int[] AS empty_array"
    ))
    assert result["rows"] == [[
        "a" * 2000, ["bbbbbbbbbb", None], {"k": [1, {"n": None}]}, "é", 1e20, "abc  ", "1011", "x", "(1,2)",
        "(,)", None, [],
    ]]
    assert "note" not in result


def test_multibyte_text_is_cut_in_characters(tools):
    result = ok(tools.query_database("SELECT repeat('é', 2001) AS over, repeat('é', 2000) AS at_cap"))
    over, at_cap = result["rows"][0]
    assert over == "é" * 2000 + "… [truncated, 2001 chars]" and at_cap == "é" * 2000


def test_a_query_cannot_forge_rows_with_its_own_messages(tools, make_user):
    # A function of the workspace's may RAISE INFO anything; only this call's tagged rows count.
    owner = databases.connect(tools.workspace, read_only=False)
    owner.autocommit = True
    try:
        with owner.cursor() as cursor:
            cursor.execute(
                "CREATE FUNCTION chatty() RETURNS int LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE INFO 'hexa_0000000000000000:row:[\"forged\", null]'; RAISE NOTICE 'noise'; RETURN 1; END $$"
            )
    finally:
        owner.close()
    assert ok(tools.query_database("SELECT chatty() AS n FROM generate_series(1, 3)"))["rows"] == [[1], [1], [1]]


def test_the_connection_is_clean_for_the_next_call(tools):
    """A kept connection carries nothing of a call into the next: no prepared statement, no
    cursor but the call's own, no setting (the transaction is rolled back, then DISCARD ALL)."""
    pool.IDLE.close_all()
    first = ok(tools.query_database("SELECT pg_backend_pid() AS pid"))["rows"][0][0]
    ok(tools.query_database("SELECT repeat('x', 5000)"))
    result = ok(tools.query_database(
        "SELECT pg_backend_pid(), (SELECT array_agg(name) FROM pg_cursors), (SELECT count(*) FROM pg_prepared_statements)"
    ))
    assert result["rows"] == [[first, ["hexa_query_cursor"], 0]]
    pool.IDLE.close_all()


def test_a_server_that_ignores_the_cancel_is_cut_off_on_time(tools, monkeypatch, settings):
    """The server's timeouts are gone and it does not answer the cancel (as when it is deep in
    work that checks for no interrupt): the watchdog shuts the connection down."""
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 300
    monkeypatch.setattr(database, "check_read_only", lambda sql: sql)
    monkeypatch.setattr(pool, "_connect", lambda workspace, timeout_ms, application_name: databases.connect(workspace))
    monkeypatch.setattr(pool, "_start_transaction", lambda connection, _: connection.set_session(readonly=True))
    monkeypatch.setattr(pool, "cancel", lambda connection: None)
    started = time.monotonic()
    result = tools.query_database("SELECT pg_sleep(10)")
    elapsed = time.monotonic() - started
    assert result["error"]["code"] == "QUERY_TIMEOUT" and "0.3 s" in result["error"]["message"]
    assert 0.3 + pool.WATCHDOG_GRACE_S + pool.WATCHDOG_CUT_S - 0.05 < elapsed < 0.3 + 1
    # and the next call gets a fresh, working connection
    monkeypatch.undo()
    assert ok(tools.query_database("SELECT 1 AS one"))["rows"] == [[1]]


def test_a_cut_connection_is_never_given_back(tools, monkeypatch, settings):
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 200
    monkeypatch.setattr(database, "check_read_only", lambda sql: sql)
    monkeypatch.setattr(pool, "_start_transaction", lambda connection, _: connection.set_session(readonly=True))
    monkeypatch.setattr(pool, "_connect", lambda workspace, timeout_ms, application_name: databases.connect(workspace))
    monkeypatch.setattr(pool, "cancel", lambda connection: None)
    pool.IDLE.close_all()
    assert tools.query_database("SELECT pg_sleep(5)")["error"]["code"] == "QUERY_TIMEOUT"
    assert pool.IDLE.count() == 0


def test_the_streamed_rows_are_the_only_data_received(tools, monkeypatch):
    """No FETCH sends the model's rows: psycopg2 receives only the describe step's columns."""
    sent = []
    original = psycopg2.extensions.cursor.execute

    class Recording(psycopg2.extensions.cursor):
        def execute(self, query, params=None):
            sent.append(query if isinstance(query, str) else query.decode())
            return original(self, query, params)

    def recording_connect(workspace, timeout_ms, application_name):
        connection = pool.databases.connect(
            workspace, read_only=True, application_name=application_name, cursor_factory=Recording,
            options=" ".join(f"-c {k}={v}" for k, v in pool.time_limits(timeout_ms).items()),
        )
        return connection

    pool.IDLE.close_all()
    monkeypatch.setattr(pool, "_connect", recording_connect)
    ok(tools.query_database("SELECT repeat('q', 100000) AS long FROM generate_series(1, 3)"))
    statements = [s for s in sent if "repeat('q'" in s or "FETCH" in s.upper()]
    assert any(s.startswith("PREPARE hexa_check AS SELECT * FROM (") for s in statements)
    assert all("FETCH FORWARD 0" in s or "FETCH hexa_cursor" in s or "PREPARE" in s for s in statements)
    pool.IDLE.close_all()
