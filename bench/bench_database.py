"""UserDatabaseTools on real workspace databases: `python -m bench database`.

- query_database("SELECT * FROM big") with limit 100 on a 5,000,000-row table must stay small
  and fast (rows are fetched through a server-side cursor, at most limit + 1 of them), shown
  beside what a naive cursor.fetchall() of the same query costs;
- describe_tables() on a database of 500 tables must take a constant number of catalog
  queries, whatever the number of tables.
"""

import resource
import time

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
        results.append(result("sqlglot guard, typical query", seconds * 1000, "ms", "-", None))

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
