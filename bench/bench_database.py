"""UserDatabaseTools on real workspace databases: `python -m bench database`.

- query_database("SELECT * FROM big") with limit 100 on a 5,000,000-row table must stay small
  and fast (rows are fetched through a server-side cursor, at most limit + 1 of them), shown
  beside what a naive cursor.fetchall() of the same query costs;
- describe_tables() on a database of 500 tables must take a constant number of catalog
  queries, whatever the number of tables;
- the two hostile queries of the attack suite, SELECT repeat('x', 6e8) and SELECT
  array_agg(x) FROM generate_series(1, 2e7) x, must keep the process within 64 MB of its
  baseline and end within the time limit + 1 s. Each runs in a fresh process, whose peak
  resident set (VmHWM: Python and libpq alike, reset before the query) minus its resident set
  before the query is the memory figure. Beside them, their floors: the same process for
  `SELECT 1`, and the time the server takes to compute the value alone (octet_length /
  cardinality of it). Before values were cut on the server, they took 8.7 s and +1,800 MB,
  and 22.4 s (past the 10 s limit) and +1,680 MB.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from hexa.assistant.executors.database import UserDatabaseTools
from hexa.assistant.executors.sql_guard import check_read_only
from hexa.databases import api as databases

from .common import peak_python_memory, result, temporary_workspace, timed

BIG_ROWS = 5_000_000
TABLES = 500

BIG_SQL = f"""
CREATE TABLE big (id bigint, name text, value numeric(12, 2), created timestamptz);
INSERT INTO big
SELECT i, 'facility ' || i, i * 1.5, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second'
FROM generate_series(1, {BIG_ROWS}) AS i;
ANALYZE big;
"""


def _tables_sql() -> str:
    """500 tables in one batch: a few columns each, every other one with a foreign key, comments."""
    statements = []
    for i in range(TABLES):
        parent = f", parent_id int REFERENCES t{i - 1:03d} (id)" if i % 2 else ""
        statements.append(
            f"CREATE TABLE t{i:03d} (id int PRIMARY KEY, name text NOT NULL, value numeric(10, 2),"
            f" created timestamptz DEFAULT now(){parent});"
            f" COMMENT ON TABLE t{i:03d} IS 'Benchmark table {i}';"
            f" COMMENT ON COLUMN t{i:03d}.name IS 'A name';"
        )
    return "\n".join(statements)


def _owner_run(workspace, statement):
    connection = databases.connect(workspace, read_only=False)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def _naive_fetchall(workspace):
    """What the executor avoids: the whole result materialised in Python."""
    connection = databases.connect(workspace, read_only=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM big")
            return len(cursor.fetchall())
    finally:
        connection.close()


HOSTILE = [
    ("SELECT repeat('x', 6e8)", "SELECT repeat('x', 6e8::int)", "SELECT octet_length(repeat('x', 6e8::int))"),
    ("SELECT array_agg(x) FROM generate_series(1, 2e7) x", "SELECT array_agg(x) FROM generate_series(1, 2e7) x",
     "SELECT cardinality(array_agg(x)) FROM generate_series(1, 2e7) x"),
]
MEMORY_BUDGET_MB = 64

# A fresh process: reads [query, …] on stdin, prints {"elapsed", "growth", "result"} per query.
CHILD = r"""
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from types import SimpleNamespace
from hexa.assistant.executors import errors
from hexa.assistant.executors.database import UserDatabaseTools

errors._PERMISSIONS = SimpleNamespace(has_perm=lambda *args: True)  # the app's database is not used here
workspace = SimpleNamespace(db_name=os.environ["BENCH_DB"], db_ro_password=os.environ["BENCH_RO"], db_password="")
tools = UserDatabaseTools(SimpleNamespace(is_active=True), workspace)


def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key))


tools.query_database("SELECT 1 AS warm_up, 'x'::text, ARRAY[1], '{}'::jsonb")
for query in json.load(sys.stdin):
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak resident set starts again from here
    before = status("VmRSS")
    started = time.monotonic()
    result = tools.query_database(query)
    elapsed = time.monotonic() - started
    print(json.dumps({"elapsed": elapsed, "growth": status("VmHWM") - before, "result": result}), flush=True)
"""


def _in_fresh_process(workspace, queries) -> list[dict]:
    completed = subprocess.run(
        [sys.executable, "-c", CHILD], input=json.dumps(queries), capture_output=True, text=True, timeout=600,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "BENCH_DB": workspace.db_name, "BENCH_RO": workspace.db_ro_password},
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if len(lines) != len(queries):
        raise RuntimeError(completed.stderr[-3000:])
    return [json.loads(line) for line in lines]


def _hostile(workspace) -> list[dict]:
    from django.conf import settings

    limit_s = settings.ASSISTANT_QUERY_TIMEOUT_MS / 1000 + 1
    queries = ["SELECT 1"] + [query for _, query, _ in HOSTILE] + [floor for _, _, floor in HOSTILE]
    floor, *measured = _in_fresh_process(workspace, queries)
    hostile, floors = measured[: len(HOSTILE)], measured[len(HOSTILE):]
    results = []
    for (label, _, floor_query), m, f in zip(HOSTILE, hostile, floors):
        assert "error" not in m["result"] and "truncated" in m["result"]["rows"][0][0], m["result"]
        cut = m["result"]["rows"][0][0].rsplit("… ", 1)[1]
        results.append(result(
            f"hostile {label}: time", m["elapsed"], "s", f"< {limit_s:g} s", m["elapsed"] < limit_s,
            f"floor {f['elapsed']:.2f} s (the server computing it: {floor_query.split(' FROM')[0][7:]}); value {cut}",
        ))
        growth = m["growth"] / 1e6
        results.append(result(
            f"hostile {label}: memory", growth, "MB", f"< {MEMORY_BUDGET_MB} MB", growth < MEMORY_BUDGET_MB,
            f"process peak above its baseline; floor (SELECT 1) {floor['growth'] / 1e6:.2f} MB",
        ))
    return results


def _max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def run() -> list[dict]:
    results = []
    with temporary_workspace("Bench database") as (user, workspace):
        started = time.perf_counter()
        _owner_run(workspace, BIG_SQL)
        setup_s = time.perf_counter() - started
        tools = UserDatabaseTools(user, workspace)

        seconds, answer = timed(lambda: tools.query_database("SELECT * FROM big", limit=100))
        assert answer["row_count"] == 100 and answer["truncated"], answer
        results.append(result(
            "query 5M-row table, limit 100", seconds, "s", "< 0.1 s", seconds < 0.1,
            f"{BIG_ROWS:,} rows loaded in {setup_s:.1f} s",
        ))
        peak, _ = peak_python_memory(lambda: tools.query_database("SELECT * FROM big", limit=100))
        results.append(result("query 5M-row table: peak memory", peak / 1e6, "MB", "< 20 MB", peak < 20e6))

        sorted_query = "SELECT * FROM big ORDER BY value DESC"
        seconds, answer = timed(lambda: tools.query_database(sorted_query, limit=100), repeat=3)
        assert answer["row_count"] == 100, answer
        results.append(result("query 5M rows ORDER BY, limit 100", seconds, "s", "-", None, "top-N sort on the server"))

        seconds, _ = timed(lambda: check_read_only(
            "WITH m AS (SELECT district_id, date_trunc('month', period) AS month, sum(confirmed) AS cases "
            "FROM cases GROUP BY 1, 2) SELECT d.name, m.month, m.cases, rank() OVER (PARTITION BY m.month "
            "ORDER BY m.cases DESC) FROM m JOIN districts d ON d.id = m.district_id ORDER BY m.month, 4"
        ), repeat=20)
        results.append(result("SQL guard, typical query", seconds * 1000, "ms", "-", None))

        results += _hostile(workspace)

        # Last, once: the naive fetchall raises the process's memory high-water mark.
        rss_before = _max_rss_bytes()
        seconds, count = timed(lambda: _naive_fetchall(workspace), repeat=1)
        rss_growth = _max_rss_bytes() - rss_before
        results.append(result(
            "naive fetchall of the same query", seconds, "s", "(for scale)", None,
            f"{count:,} rows, process memory +{rss_growth / 1e6:,.0f} MB",
        ))

    with temporary_workspace("Bench describe") as (user, workspace):
        _owner_run(workspace, _tables_sql())
        _owner_run(workspace, "ANALYZE")
        tools = UserDatabaseTools(user, workspace)
        seconds, answer = timed(lambda: tools.describe_tables())
        assert answer["table_count"] == TABLES, answer
        results.append(result(
            f"describe_tables() on {TABLES} tables", seconds, "s", "< 0.3 s", seconds < 0.3,
            f"{len(answer['tables'])} with columns, {len(answer.get('more_tables', []))} by name",
        ))
        seconds, answer = timed(lambda: tools.describe_tables("t251"))
        assert answer["table"]["name"] == "t251", answer
        results.append(result(f"describe_tables('t251') among {TABLES}", seconds, "s", "-", None, "with sample rows"))
    return results
