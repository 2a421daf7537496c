"""The sqlglot layer alone: pure, no database. What it lets through is run by the layers
tested in test_tool_executors_database.py, which hold even when this one is bypassed."""

import time

import pytest

from hexa.assistant.errors import AssistantError
from hexa.assistant.executors.sql_guard import MAX_QUERY_CHARS, check_read_only, denied_function_reason


def refusal(sql) -> AssistantError:
    with pytest.raises(AssistantError) as caught:
        check_read_only(sql)
    return caught.value


REFUSED = [
    # more than one statement, whatever the second one is
    ("SELECT 1; DROP TABLE t", "MULTIPLE_STATEMENTS"),
    ("COMMIT; CREATE TABLE x(i int)", "MULTIPLE_STATEMENTS"),
    ("SET TRANSACTION READ WRITE; SELECT 1", "MULTIPLE_STATEMENTS"),
    ("SELECT 1; SELECT 2", "MULTIPLE_STATEMENTS"),
    ("SELECT 1;\n-- harmless\nDELETE FROM t", "MULTIPLE_STATEMENTS"),
    ("SELECT 1; DO $$ BEGIN END $$", "MULTIPLE_STATEMENTS"),
    # standard_conforming_strings: 'a\' is a whole string, so a second statement follows
    ("SELECT 'a\\'; DROP TABLE t; --'", "MULTIPLE_STATEMENTS"),
    ("SELECT e'\\\\'; DROP TABLE t; --'", "MULTIPLE_STATEMENTS"),
    # crafted to survive naive wrapping in SELECT * FROM (…): sqlglot cannot parse it
    ("SELECT 1) q; COMMIT; DROP TABLE t; SELECT (1", "INVALID_SQL"),
    ("SELECT 1 /* a /* nested */ ; DROP TABLE t */ */", "INVALID_SQL"),
    # nothing to run
    ("", "INVALID_SQL"),
    ("   \n\t ", "INVALID_SQL"),
    ("-- just a comment", "INVALID_SQL"),
    ("/* only this */", "INVALID_SQL"),
    (";", "INVALID_SQL"),
    # not SQL sqlglot can read: refused, never guessed at
    ("SELEC 1 FROM", "INVALID_SQL"),
    ("SELECT a$b$; DROP TABLE t; $b$ FROM t", "INVALID_SQL"),
    ("SELECT 1 \\g", "INVALID_SQL"),
    ("(" * 3000 + "1" + ")" * 3000, "INVALID_SQL"),
    ('SELECT U&"pg\\0073leep"(1)', "INVALID_SQL"),
    ('SELECT U&"d!0061t" UESCAPE \'!\' FROM t', "INVALID_SQL"),
    # not a read query at the root (typed statements and sqlglot's Command fallback)
    ("INSERT INTO t VALUES (1)", "NOT_READ_ONLY"),
    ("UPDATE t SET a = 1", "NOT_READ_ONLY"),
    ("DELETE FROM t", "NOT_READ_ONLY"),
    ("MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE", "NOT_READ_ONLY"),
    ("TRUNCATE t", "NOT_READ_ONLY"),
    ("DROP TABLE t", "NOT_READ_ONLY"),
    ("CREATE TABLE x AS SELECT 1", "NOT_READ_ONLY"),
    ("ALTER TABLE t ADD COLUMN b int", "NOT_READ_ONLY"),
    ("GRANT SELECT ON t TO public", "NOT_READ_ONLY"),
    ("COPY t TO PROGRAM 'id'", "NOT_READ_ONLY"),
    ("COPY t FROM '/etc/passwd'", "NOT_READ_ONLY"),
    ("DO $$ BEGIN END $$", "NOT_READ_ONLY"),
    ("EXPLAIN ANALYZE DELETE FROM t", "NOT_READ_ONLY"),
    ("EXPLAIN SELECT 1", "NOT_READ_ONLY"),
    ("VACUUM", "NOT_READ_ONLY"),
    ("VACUUM FULL t", "NOT_READ_ONLY"),
    ("LOCK TABLE t", "NOT_READ_ONLY"),
    ("PREPARE p AS SELECT 1", "NOT_READ_ONLY"),
    ("EXECUTE p", "NOT_READ_ONLY"),
    ("CALL p()", "NOT_READ_ONLY"),
    ("SET statement_timeout = 0", "NOT_READ_ONLY"),
    ("RESET ALL", "NOT_READ_ONLY"),
    ("SHOW search_path", "NOT_READ_ONLY"),
    ("BEGIN", "NOT_READ_ONLY"),
    ("COMMIT", "NOT_READ_ONLY"),
    ("ROLLBACK", "NOT_READ_ONLY"),
    ("DISCARD ALL", "NOT_READ_ONLY"),
    ("LISTEN channel", "NOT_READ_ONLY"),
    ("NOTIFY channel", "NOT_READ_ONLY"),
    ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "NOT_READ_ONLY"),
    # writers, INTO and locks hidden inside a read query
    ("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "NOT_READ_ONLY"),
    ("WITH d AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM d", "NOT_READ_ONLY"),
    ("WITH d AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM d", "NOT_READ_ONLY"),
    ("WITH d AS (DELETE FROM t RETURNING 1) SELECT 1 UNION SELECT 2", "NOT_READ_ONLY"),
    ("SELECT * FROM (WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d) x", "NOT_READ_ONLY"),
    ("SELECT * INTO x FROM t", "NOT_READ_ONLY"),
    ("SELECT 1 INTO TEMP x", "NOT_READ_ONLY"),
    ("SELECT 1 INTO x UNION SELECT 2", "NOT_READ_ONLY"),
    ("SELECT * FROM t FOR UPDATE", "NOT_READ_ONLY"),
    ("SELECT * FROM t FOR SHARE", "NOT_READ_ONLY"),
    ("SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED", "NOT_READ_ONLY"),
    ("SELECT * FROM t FOR KEY SHARE", "NOT_READ_ONLY"),
    ("SELECT * FROM (SELECT * FROM t FOR UPDATE) x", "NOT_READ_ONLY"),
    ("SELECT 1 FROM t WHERE EXISTS (SELECT 1 FROM u FOR SHARE)", "NOT_READ_ONLY"),
    # denied functions, however they are spelt
    ("SELECT pg_sleep(60)", "NOT_READ_ONLY"),
    ("select PG_SLEEP(1)", "NOT_READ_ONLY"),
    ("SELECT pg_catalog.pg_sleep(1)", "NOT_READ_ONLY"),
    ("SELECT pg_catalog . pg_sleep /* x */ (1)", "NOT_READ_ONLY"),
    ('SELECT "pg_sleep"(1)', "NOT_READ_ONLY"),
    ('SELECT pg_catalog."pg_sleep"(1)', "NOT_READ_ONLY"),
    ("SELECT * FROM pg_sleep(1)", "NOT_READ_ONLY"),
    ("SELECT (SELECT pg_sleep(1))", "NOT_READ_ONLY"),
    ("SELECT * FROM t WHERE a IN (SELECT pg_sleep(1))", "NOT_READ_ONLY"),
    ("SELECT pg_sleep_for('1 minute')", "NOT_READ_ONLY"),
    ("SELECT pg_sleep_until(now() + interval '1 hour')", "NOT_READ_ONLY"),
    ("SELECT pg_read_file('/etc/passwd')", "NOT_READ_ONLY"),
    ("SELECT pg_read_binary_file('/etc/passwd')", "NOT_READ_ONLY"),
    ("SELECT * FROM pg_ls_dir('.')", "NOT_READ_ONLY"),
    ("SELECT * FROM pg_ls_waldir()", "NOT_READ_ONLY"),
    ("SELECT pg_stat_file('postgresql.conf')", "NOT_READ_ONLY"),
    ("SELECT set_config('statement_timeout','0',false)", "NOT_READ_ONLY"),
    ("SELECT pg_catalog.set_config('default_transaction_read_only','off',false)", "NOT_READ_ONLY"),
    ("SELECT * FROM dblink('host=evil','SELECT 1') AS t(a int)", "NOT_READ_ONLY"),
    ("SELECT dblink_exec('x', 'DROP TABLE t')", "NOT_READ_ONLY"),
    ("SELECT dblink_connect('x')", "NOT_READ_ONLY"),
    ("SELECT postgres_fdw_disconnect_all()", "NOT_READ_ONLY"),
    ("SELECT lo_import('/etc/passwd')", "NOT_READ_ONLY"),
    ("SELECT lo_export(1, '/tmp/x')", "NOT_READ_ONLY"),
    ("SELECT lo_from_bytea(0, 'x')", "NOT_READ_ONLY"),
    ("SELECT loread(0, 10)", "NOT_READ_ONLY"),
    ("SELECT lowrite(0, 'x')", "NOT_READ_ONLY"),
    ("SELECT nextval('s')", "NOT_READ_ONLY"),
    ("SELECT setval('s', 1)", "NOT_READ_ONLY"),
    ("SELECT pg_advisory_lock(1)", "NOT_READ_ONLY"),
    ("SELECT pg_try_advisory_xact_lock(1)", "NOT_READ_ONLY"),
    ("SELECT pg_terminate_backend(1)", "NOT_READ_ONLY"),
    ("SELECT pg_cancel_backend(pid) FROM pg_stat_activity", "NOT_READ_ONLY"),
    ("SELECT pg_reload_conf()", "NOT_READ_ONLY"),
    ("SELECT pg_rotate_logfile()", "NOT_READ_ONLY"),
    ("SELECT pg_promote()", "NOT_READ_ONLY"),
    ("SELECT pg_switch_wal()", "NOT_READ_ONLY"),
    ("SELECT pg_notify('c', 'x')", "NOT_READ_ONLY"),
    ("SELECT pg_stat_reset()", "NOT_READ_ONLY"),
    ("SELECT pg_create_logical_replication_slot('s', 'pgoutput')", "NOT_READ_ONLY"),
    ("SELECT query_to_xml('delete from t', true, true, '')", "NOT_READ_ONLY"),
    ("SELECT query_to_xml_and_xmlschema('select 1', true, true, '')", "NOT_READ_ONLY"),
    ("SELECT cursor_to_xml('c', 1, true, true, '')", "NOT_READ_ONLY"),
    ("SELECT table_to_xml('t', true, true, '')", "NOT_READ_ONLY"),
    ("SELECT database_to_xml(true, true, '')", "NOT_READ_ONLY"),
    ("SELECT * FROM ts_stat('SELECT vector FROM t')", "NOT_READ_ONLY"),
    ("SELECT count(*) FROM t WHERE a = (SELECT nextval('s'))", "NOT_READ_ONLY"),
]


@pytest.mark.parametrize("sql,code", REFUSED, ids=[sql[:60] for sql, _ in REFUSED])
def test_refused(sql, code):
    error = refusal(sql)
    assert error.code == code, error.message
    assert error.message and "\x1b" not in error.message  # written for a model, no terminal colours


ALLOWED = [
    "SELECT 1",
    "select * from malaria_cases where period >= '2024-01-01' order by period desc limit 10",
    "SELECT 1;",
    "SELECT 1 ;; ",
    "SELECT 1; -- done",
    "SELECT 1 /* ; DROP TABLE t */",
    "SELECT 1 /* a /* nested */ ; DROP TABLE t; */",
    "SELECT ';DROP TABLE t'",
    "SELECT 'it''s'",
    "SELECT $$;DROP TABLE t$$",
    "SELECT $tag$ ; DROP TABLE t $tag$",
    "SELECT E'a\\'; DROP TABLE t; --'",
    "SELECT 'pg_sleep(1)'",
    "SELECT 1 FROM t AS pg_sleep",
    "SELECT pg_sleep FROM t",
    "WITH a AS (SELECT 1 AS x) SELECT * FROM a",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
    "WITH a AS MATERIALIZED (SELECT 1) SELECT * FROM a",
    "SELECT 1 UNION SELECT 2",
    "SELECT 1 UNION ALL SELECT 2 ORDER BY 1",
    "SELECT 1 INTERSECT SELECT 1",
    "SELECT 1 EXCEPT SELECT 2",
    "(SELECT 1) UNION (SELECT 2) ORDER BY 1",
    "(SELECT 1)",
    "VALUES (1, 'a'), (2, 'b')",
    "TABLE districts",
    "SELECT district, SUM(cases) OVER (PARTITION BY region ORDER BY period ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"
    " FROM t",
    "SELECT sum(a) OVER w FROM t WINDOW w AS (PARTITION BY b)",
    "SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE u.x > 1)",
    "SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.t_id = t.id LIMIT 1) x",
    "SELECT a, count(*) FILTER (WHERE b > 1) FROM t GROUP BY ROLLUP (a) HAVING count(*) > 1",
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) FROM t",
    "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b DESC NULLS LAST",
    "SELECT string_agg(name, ', ' ORDER BY name), array_agg(id), jsonb_agg(t) FROM t",
    "SELECT date_trunc('month', period)::date, extract(year FROM period), period + interval '1 month' FROM t",
    "SELECT data->>'name', data #> '{a,b}', data ? 'key' FROM t",
    "SELECT * FROM generate_series(1, 10) WITH ORDINALITY AS g(n, i)",
    "SELECT * FROM unnest(ARRAY[1, 2]) AS u(x)",
    "SELECT CASE WHEN a > 1 THEN 'big' ELSE 'small' END, coalesce(b, 0), nullif(c, 0) FROM t",
    "SELECT * FROM t OFFSET 5 ROWS FETCH NEXT 3 ROWS ONLY",
    'SELECT "Weird Column" FROM "My Table"',
    "SELECT current_setting('TimeZone'), currval('s'), txid_current(), version()",
    "SELECT * FROM pg_catalog.pg_tables WHERE schemaname = 'public'",
    "SELECT * FROM information_schema.columns",
]


@pytest.mark.parametrize("sql", ALLOWED)
def test_allowed(sql):
    assert check_read_only(sql)


@pytest.mark.parametrize(
    "sql,runs",
    [
        ("SELECT 1;", "SELECT 1"),
        ("SELECT 1 ;; \n", "SELECT 1"),
        ("SELECT 1; -- done", "SELECT 1"),
        ("SELECT 1 -- a comment with no newline", "SELECT 1"),
        ("SELECT 'a;b' /* c */ ;", "SELECT 'a;b'"),
        ("  SELECT $$x$$  ", "  SELECT $$x$$"),
        ("SELECT 1 -- c\n FROM t", "SELECT 1 -- c\n FROM t"),
    ],
)
def test_the_text_to_run_is_the_callers_own_without_what_follows_its_last_token(sql, runs):
    # The executor wraps it in SELECT * FROM (…): a trailing ';' or '--' would break the wrapper.
    assert check_read_only(sql) == runs


def test_sql_is_never_regenerated():
    sql = "select  a::text , 'x'  from t  where b ilike '%é%'"
    assert check_read_only(sql) == sql


@pytest.mark.parametrize("value", [None, 42, b"SELECT 1", ["SELECT 1"]])
def test_a_query_must_be_a_string(value):
    assert refusal(value).code == "INVALID_INPUT"


def test_nul_and_oversized_queries_are_invalid_input():
    assert refusal("SELECT 1\x00; DROP TABLE t").code == "INVALID_INPUT"
    assert refusal("SELECT " + "1 + " * MAX_QUERY_CHARS + "1").code == "INVALID_INPUT"


def test_messages_tell_the_model_what_to_do():
    assert "one" in refusal("SELECT 1; SELECT 2").message
    assert "pg_sleep()" in refusal("SELECT pg_catalog.pg_sleep(5)").message
    assert "INTO" in refusal("SELECT * INTO x FROM t").message
    assert "current_setting" in refusal("SHOW work_mem").message
    assert "'DROP'" in refusal(";; DROP TABLE t").message
    parse_error = refusal("SELECT 1) q").message
    assert "line 1" in parse_error and "column" in parse_error


@pytest.mark.parametrize(
    "name,denied",
    [
        ("pg_sleep", True), ("PG_SLEEP", True), ("pg_ls_logdir", True), ("lo_unlink", True), ("dblink_open", True),
        ("pg_advisory_unlock_all", True), ("binary_upgrade_set_next_pg_type_oid", True),
        ("lower", False), ("log", False), ("longitude", False), ("pg_typeof", False), ("now", False),
        ("currval", False), ("current_setting", False), ("pg_size_pretty", False),
    ],
)
def test_deny_list(name, denied):
    assert (denied_function_reason(name) is not None) is denied


def test_large_legitimate_queries_are_checked_quickly():
    sql = "SELECT " + ", ".join(f"coalesce(col_{i}, 0) + {i} AS c{i}" for i in range(2_000)) + " FROM t"
    started = time.perf_counter()
    assert check_read_only(sql) == sql
    assert time.perf_counter() - started < 2
