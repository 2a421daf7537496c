"""query_files and read_file on table files: correctness on known files, every confinement rule
attacked (each wall alone where it can be), hostile files and limits.

Uses test_tool_executors_files' `bucket` fixture: a real workspace row and bucket directory.
"""

import datetime
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from hexa.assistant.executors import file_sql_guard, file_tables
from hexa.assistant.executors.bucket import Bucket as BucketFiles
from hexa.assistant.executors.file_tables import FileSession, resolve_files
from hexa.assistant.tools import TOOLS
from hexa.core.xlsx import write_xlsx

from . import test_tool_executors_files as file_tools
from .test_tool_executors_files import error, ok, run_with_timeout

bucket = file_tools.bucket  # the fixture

REPORTS = {
    "data/raw/2024/jan.csv": "district,confirmed_cases,period\nBo,10,2024-01-01\nKenema,5,2024-01-01\n",
    "data/raw/2024/feb.csv": "district,confirmed_cases,period\nBo,7,2024-02-01\nKailahun,3,2024-02-01\n",
}


def put_reports(bucket):
    for rel, text in REPORTS.items():
        bucket.put(rel, text)


def put_workbook(bucket, rel="data/hmis.xlsx"):
    path = bucket.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(
        path,
        {
            "Monthly": [
                ["district", "month", "confirmed", "positivity", "complete"],
                ["Bo", datetime.date(2024, 1, 1), 120, 0.25, True],
                ["Kenema", datetime.date(2024, 1, 1), ("=40*2", 80), 0.5, False],
                [None, None, None, None, None],
                ["Bo", datetime.date(2024, 2, 1), 90, 0.125, True],
            ],
            "Facilities": [["facility", "beds"], ["Bo Government Hospital", 250], ["Kenema CHC", "n/a"]],
        },
    )


def query(bucket, sql, files, **kwargs):
    return bucket.fs.query_files(sql, files, **kwargs)


# -- correctness ------------------------------------------------------------------------------------


def test_group_by_over_a_glob_of_csv_files(bucket):
    put_reports(bucket)
    bucket.put("data/raw/2024/notes.md", "not a table")
    result = ok(query(
        bucket,
        "SELECT district, SUM(confirmed_cases) AS cases FROM reports GROUP BY district ORDER BY cases DESC",
        {"reports": "data/raw/2024/*.csv"},
    ))
    assert result["rows"] == [["Bo", 17], ["Kenema", 5], ["Kailahun", 3]]
    assert [c["name"] for c in result["columns"]] == ["district", "cases"]
    assert result["row_count"] == 3 and result["truncated"] is False and result["limit"] == 100
    assert result["tables"]["reports"]["files"] == ["data/raw/2024/feb.csv", "data/raw/2024/jan.csv"]
    per_file = ok(query(bucket, "SELECT _file, count(*) FROM reports GROUP BY ALL ORDER BY 1", {"reports": "data/raw/2024/*.csv"}))
    assert per_file["rows"] == [["data/raw/2024/feb.csv", 2], ["data/raw/2024/jan.csv", 2]]


def test_read_file_on_a_csv_gives_its_text_and_typed_columns(bucket):
    text = "district;cases;day\nBo;1;2024-01-02\nKenema;2;2024-01-03\nBo;3;2024-01-04\n"
    bucket.put("data/semi.csv", text)
    result = ok(bucket.fs.read_file("data/semi.csv"))
    assert result["content"] == text and result["total_rows"] == 3
    assert result["dialect"]["delimiter"] == ";" and result["dialect"]["header"] is True
    assert result["columns"] == [
        {"name": "district", "type": "VARCHAR"}, {"name": "cases", "type": "BIGINT"}, {"name": "day", "type": "DATE"},
    ]
    # line ranges work as for any text file
    assert ok(bucket.fs.read_file("data/semi.csv", start_line=3, end_line=3))["content"] == "Kenema;2;2024-01-03\n"


def test_text_files_keep_their_behaviour(bucket):
    bucket.put("notes.md", "# Title\n")
    result = ok(bucket.fs.read_file("notes.md"))
    assert result["content"] == "# Title\n" and "columns" not in result
    error(bucket.fs.read_file("notes.md", sheet="x"), "INVALID_INPUT")


def test_read_file_on_a_workbook_lists_sheets_and_reads_one(bucket):
    put_workbook(bucket)
    first = ok(bucket.fs.read_file("data/hmis.xlsx"))
    assert first["sheets"] == ["Monthly", "Facilities"] and first["sheet"] == "Monthly"
    assert first["columns"] == [
        {"name": "district", "type": "VARCHAR"}, {"name": "month", "type": "DATE"},
        {"name": "confirmed", "type": "BIGINT"}, {"name": "positivity", "type": "DOUBLE"},
        {"name": "complete", "type": "BOOLEAN"},
    ]
    # the formula's cached value; the empty row is left out
    assert first["rows"] == [
        ["Bo", "2024-01-01", 120, 0.25, True], ["Kenema", "2024-01-01", 80, 0.5, False],
        ["Bo", "2024-02-01", 90, 0.125, True],
    ]
    assert first["total_rows"] == 3 and "Formulas are not evaluated" in first["note"]
    by_index = ok(bucket.fs.read_file("data/hmis.xlsx", sheet=1))
    assert by_index["sheet"] == "Facilities" and by_index["rows"][1] == ["Kenema CHC", "n/a"]
    assert ok(bucket.fs.read_file("data/hmis.xlsx", sheet="facilities"))["sheet"] == "Facilities"
    missing = error(bucket.fs.read_file("data/hmis.xlsx", sheet="Annual"), "NOT_FOUND")
    assert missing["sheets"] == ["Monthly", "Facilities"] and "'Monthly'" in missing["message"]


def test_query_over_a_sheet(bucket):
    put_workbook(bucket)
    result = ok(query(
        bucket, "SELECT district, SUM(confirmed) AS c FROM m GROUP BY ALL ORDER BY c DESC", {"m": "data/hmis.xlsx"}
    ))
    assert result["rows"] == [["Bo", 210], ["Kenema", 80]]
    assert "not evaluated" in result["note"]
    beds = ok(query(bucket, "SELECT * FROM f", {"f": {"path": "data/hmis.xlsx", "sheet": "Facilities"}}))
    assert beds["columns"] == [{"name": "facility", "type": "VARCHAR"}, {"name": "beds", "type": "VARCHAR"}]


def test_parquet_read_and_query(bucket):
    target = bucket.root / "data" / "facilities.parquet"
    target.parent.mkdir(parents=True)
    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT i AS id, 'F' || i AS name, i % 3 AS district_id FROM range(1000) t(i)) TO '{target}' "
        "(FORMAT parquet)"
    )
    connection.close()
    result = ok(bucket.fs.read_file("data/facilities.parquet", end_line=2))
    assert result["total_rows"] == 1000 and result["rows"] == [[0, "F0", 0], [1, "F1", 1]]
    assert result["truncated"] is True
    grouped = ok(query(bucket, "SELECT district_id, count(*) FROM f GROUP BY 1 ORDER BY 1", {"f": "data/*.parquet"}))
    assert grouped["rows"] == [[0, 334], [1, 333], [2, 333]]


def test_results_are_bounded_and_json_safe(bucket):
    put_reports(bucket)
    many = ok(query(bucket, "SELECT * FROM range(5000)", {"r": "data/raw/2024/jan.csv"}, limit=10))
    assert many["row_count"] == 10 and many["truncated"] is True and "more than 10 rows" in many["note"]
    long = ok(query(bucket, "SELECT repeat('x', 50000) AS v, [1, 2] AS l, {'a': 1} AS s", {"r": "data/raw/2024/jan.csv"}))
    value = long["rows"][0][0]
    assert value.startswith("xxx") and value.endswith("[truncated, 50000 chars]") and len(value) < 3000
    assert long["rows"][0][1:] == ["[1, 2]", "{'a': 1}"]
    odd = ok(query(
        bucket,
        "SELECT 'nan'::double AS n, 1.5::decimal(10,2) AS d, interval 3 day AS i, "
        "timestamptz '2024-01-01 10:00:00+00' AS tz, '\\x00'::blob AS b",
        {"r": "data/raw/2024/jan.csv"},
    ))
    assert odd["rows"][0][0] == "NaN" and odd["rows"][0][1] == 1.5 and odd["rows"][0][3].startswith("2024-01-01")
    assert ok(query(bucket, "SELECT 1 AS one; \n", {"r": "data/raw/2024/jan.csv"}))["rows"] == [[1]]
    wanted = error(query(bucket, "SELECT 1", {"r": "data/raw/2024/jan.csv"}, limit=0), "INVALID_INPUT")
    assert "limit" in wanted["message"]


# -- confinement: paths -------------------------------------------------------------------------------


def test_paths_and_globs_stay_in_the_bucket(bucket, tmp_path):
    put_reports(bucket)
    outside = tmp_path / "secret.csv"
    outside.write_text("secret\n42\n")
    sql = "SELECT * FROM t"
    assert error(query(bucket, sql, {"t": "../secret.csv"}), "INVALID_PATH")
    assert error(query(bucket, sql, {"t": "data/../../*.csv"}), "INVALID_PATH")
    # an absolute path means the bucket root, as for the other file tools
    error(query(bucket, sql, {"t": str(outside)}), "NOT_FOUND")
    error(query(bucket, sql, {"t": "/etc/*.csv"}), "NOT_FOUND")
    os.symlink(outside, bucket.root / "data" / "link.csv")
    error(query(bucket, sql, {"t": "data/link.csv"}), "INVALID_PATH")
    os.symlink(tmp_path, bucket.root / "data" / "out")
    error(query(bucket, sql, {"t": "data/out/*.csv"}), "INVALID_PATH")
    # a glob neither follows nor reports links: only the real files are read
    bucket.put("data/real.csv", "a\n1\n")
    result = ok(query(bucket, "SELECT count(*) FROM t", {"t": "data/*.csv"}))
    assert result["tables"]["t"]["files"] == ["data/real.csv"]
    os.mkfifo(bucket.root / "data" / "pipe.csv")
    error(run_with_timeout(lambda: query(bucket, sql, {"t": "data/pipe.csv"})), "NOT_A_FILE")
    assert "secret" not in str(result)


def test_hidden_files_and_too_many_files(bucket, monkeypatch):
    bucket.put("data/.hidden.csv", "a\n1\n")
    error(query(bucket, "SELECT * FROM t", {"t": "data/*.csv"}), "NOT_FOUND")
    for i in range(6):
        bucket.put(f"many/f{i}.csv", "a\n1\n")
    monkeypatch.setattr(file_tables, "MAX_FILES", 5)
    from hexa.assistant.executors import search

    monkeypatch.setattr(search, "SEARCH_MAX_RESULTS", 5)
    assert error(query(bucket, "SELECT * FROM t", {"t": "many/*.csv"}), "TOO_MANY_FILES")["rule"] == "max_files"


def test_input_shapes_are_checked(bucket):
    put_reports(bucket)
    error(query(bucket, "SELECT 1", {}), "INVALID_INPUT")
    error(query(bucket, "SELECT 1", {"bad name": "data/raw/2024/jan.csv"}), "INVALID_INPUT")
    error(query(bucket, "SELECT 1", {"t": {"path": "data/raw/2024/jan.csv", "sheet": "x"}}), "INVALID_INPUT")
    error(query(bucket, "SELECT 1", {"t": "notes/readme.md"}), "NOT_FOUND")
    bucket.put("notes/readme.md", "# hi\n")
    assert error(query(bucket, "SELECT 1", {"t": "notes/readme.md"}), "UNSUPPORTED_FORMAT")["rule"] == "format"
    bucket.put("data/raw/2024/x.parquet", b"PAR1")
    error(query(bucket, "SELECT 1", {"t": "data/raw/2024/*"}), "UNSUPPORTED_FORMAT")
    # through the tool's schema, as the model calls it
    tool = TOOLS["query_files"]
    assert tool.run(bucket.user, bucket.workspace, {"sql": "SELECT 1"})["error"]["code"] == "INVALID_INPUT"
    assert tool.run(bucket.user, bucket.workspace, {"sql": "SELECT 1", "files": "x"})["error"]["code"] == "INVALID_INPUT"
    assert TOOLS["read_file"].run(bucket.user, bucket.workspace, {"path": "a.xlsx", "sheet": True})["error"]["code"] == (
        "INVALID_INPUT"
    )


# -- confinement: SQL, the guard alone ---------------------------------------------------------------

REFUSED = [
    ("SELECT * FROM read_csv('/etc/passwd')", "FUNCTION_NOT_ALLOWED"),
    ("SELECT * FROM read_text('/proc/self/environ')", "FUNCTION_NOT_ALLOWED"),
    ("SELECT * FROM glob('/*')", "FUNCTION_NOT_ALLOWED"),
    ("SELECT * FROM duckdb_settings()", "FUNCTION_NOT_ALLOWED"),
    ("SELECT * FROM duckdb_secrets()", "FUNCTION_NOT_ALLOWED"),
    ("SELECT * FROM query('SELECT 1')", "FUNCTION_NOT_ALLOWED"),
    ("SELECT getenv('HOME')", "FUNCTION_NOT_ALLOWED"),
    ("SELECT current_setting('memory_limit')", "FUNCTION_NOT_ALLOWED"),
    ("SELECT which_secret('s3://x', 's3')", "FUNCTION_NOT_ALLOWED"),
    ("SELECT * FROM t WHERE EXISTS (SELECT * FROM read_parquet('x.parquet'))", "FUNCTION_NOT_ALLOWED"),
    ("SELECT * FROM '/etc/passwd'", "UNKNOWN_TABLE"),
    ("SELECT * FROM 'data/raw/2024/jan.csv'", "UNKNOWN_TABLE"),
    ("SELECT * FROM information_schema.tables", "UNKNOWN_TABLE"),
    ("SELECT * FROM duckdb_tables", "UNKNOWN_TABLE"),
    ("SELECT * FROM system.main.t", "UNKNOWN_TABLE"),
    ("COPY t TO '/tmp/out.csv'", "NOT_READ_ONLY"),
    ("COPY (SELECT 1) TO 'out.parquet'", "NOT_READ_ONLY"),
    ("ATTACH '/tmp/x.db'", "NOT_READ_ONLY"),
    ("CREATE TABLE x AS SELECT 1", "NOT_READ_ONLY"),
    ("EXPORT DATABASE '/tmp/x'", "NOT_READ_ONLY"),
    ("INSTALL httpfs", "NOT_READ_ONLY"),
    ("LOAD httpfs", "NOT_READ_ONLY"),
    ("SET enable_external_access = true", "NOT_READ_ONLY"),
    ("PRAGMA database_list", "NOT_READ_ONLY"),
    ("SELECT 1; SELECT 2", "MULTIPLE_STATEMENTS"),
    ("SELEC 1", "INVALID_SQL"),
    # statements an engine would act on while parsing them: text here
    ("IMPORT DATABASE '/etc'", "NOT_READ_ONLY"),
    ("PRAGMA import_database('/etc')", "NOT_READ_ONLY"),
    ("CALL pragma_version()", "NOT_READ_ONLY"),
    ("WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM x", "NOT_READ_ONLY"),
    ("PIVOT t ON a USING sum(b)", "NOT_READ_ONLY"),
    # a denied function by any spelling of its call
    ("SELECT 'HOME'.getenv()", "FUNCTION_NOT_ALLOWED"),
    ("SELECT main.getenv('HOME')", "FUNCTION_NOT_ALLOWED"),
    ('SELECT "getenv"(\'HOME\')', "FUNCTION_NOT_ALLOWED"),
    ("SELECT * FROM query_table('t')", "FUNCTION_NOT_ALLOWED"),
    ("SELECT * FROM json_each('[1]')", "FUNCTION_NOT_ALLOWED"),
    # a WITH name is a table only where that WITH is in scope
    ("(WITH y AS (SELECT 1) SELECT * FROM y) UNION ALL SELECT * FROM y", "UNKNOWN_TABLE"),
    ("SELECT (WITH z AS (SELECT 1) SELECT * FROM z), (SELECT * FROM z)", "UNKNOWN_TABLE"),
    ("WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a", "UNKNOWN_TABLE"),
    ("SELECT * FROM t WHERE EXISTS (WITH w AS (SELECT 1) SELECT 1) AND a IN (SELECT * FROM w)", "UNKNOWN_TABLE"),
    ("SELECT " + "(" * 200 + "1" + ")" * 200, "INVALID_SQL"),
    ("SELECT " + "+".join(["a"] * 12_000) + " FROM t", "INVALID_SQL"),
]


@pytest.mark.parametrize("sql,code", REFUSED)
def test_the_sql_guard_refuses(sql, code):
    with pytest.raises(Exception) as raised:
        file_sql_guard.check_select(sql, ["t"])
    assert raised.value.code == code, raised.value.message


def test_the_sql_guard_accepts_queries_over_declared_tables():
    for sql in (
        "WITH x AS (SELECT * FROM t) SELECT count(*) FROM x",
        "SELECT a, sum(b) OVER (PARTITION BY a) FROM t UNION ALL SELECT 1, 2",
        "SELECT * FROM range(10) r, unnest([1, 2])",
        "SELECT * FROM T",
        "WITH y AS (SELECT 1) SELECT * FROM y UNION ALL SELECT * FROM y",
        "WITH a AS (SELECT * FROM t), b AS (SELECT * FROM a) SELECT * FROM b",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r",
        "SELECT * EXCLUDE (a), [x * 2 FOR x IN [1, 2]], list_transform([1], x -> x + 1) FROM t",
        "FROM t SELECT a QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1",
        "SELECT a, sum(b) FROM t GROUP BY ALL ORDER BY ALL",
        "DESCRIBE t",
        "SUMMARIZE t",
        "VALUES (1, 2)",
        "SELECT 1;",
    ):
        file_sql_guard.check_select(sql, ["t"])


def test_the_sql_guard_never_touches_the_file_system(tmp_path):
    """IMPORT DATABASE and PRAGMA import_database make an engine read <path>/schema.sql while
    parsing: the guard parses without one. Its answer is the same whether the path exists, holds
    something or not, and names no server path; no engine is even loaded to check."""
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "schema.sql").write_text("CREATE TABLE leaked_schema_name (secret_column INTEGER);\n")
    (folder / "load.sql").write_text("SELECT 1;\n")
    child = (
        "import json, sys\n"
        "from hexa.assistant.executors import file_sql_guard\n"
        "answers = []\n"
        "for sql in json.load(sys.stdin):\n"
        "    try:\n"
        "        file_sql_guard.check_select(sql, ['t'])\n"
        "        answers.append(None)\n"
        "    except Exception as error:\n"
        "        answers.append([error.code, error.message])\n"
        "print(json.dumps({'answers': answers, 'engine_loaded': 'duckdb' in sys.modules}))\n"
    )
    paths = [str(folder), str(tmp_path / "missing"), "/etc/passwd", str(tmp_path)]
    statements = [template.format(path) for path in paths
                  for template in ("IMPORT DATABASE '{}'", "PRAGMA import_database('{}')")]
    completed = subprocess.run(
        [sys.executable, "-c", child], input=json.dumps(statements), capture_output=True, text=True,
        cwd=Path(__file__).resolve().parent.parent, timeout=60,
    )
    measured = json.loads(completed.stdout.splitlines()[-1])
    assert measured["engine_loaded"] is False
    answers = measured["answers"]
    assert all(answer[0] == "NOT_READ_ONLY" for answer in answers), answers
    assert len({answer[1] for answer in answers[0::2]}) == 1 and len({answer[1] for answer in answers[1::2]}) == 1
    text = json.dumps(answers)
    assert "leaked_schema_name" not in text and str(tmp_path) not in text and "Stack Trace" not in text


def test_refusals_reach_the_model_as_typed_errors(bucket):
    put_reports(bucket)
    refused = error(query(bucket, "SELECT * FROM read_csv('/etc/passwd')", {"t": "data/raw/2024/jan.csv"}),
                    "FUNCTION_NOT_ALLOWED")
    assert refused["rule"] == "table_functions"
    assert error(query(bucket, "COPY t TO 'x.csv'", {"t": "data/raw/2024/jan.csv"}), "NOT_READ_ONLY")["rule"] == (
        "select_only"
    )


# -- confinement: the engine alone (the guard bypassed) -----------------------------------------------


ENGINE_REFUSED = [
    "SELECT * FROM read_csv('{outside}')",
    "SELECT * FROM '{outside}'",
    "SELECT * FROM read_text('/proc/self/environ')",
    "SELECT * FROM glob('{folder}/*')",
    "COPY t TO '{folder}/written.csv'",
    "ATTACH '{folder}/x.db'",
    "EXPORT DATABASE '{folder}/export'",
    "IMPORT DATABASE '{folder}'",
    "PRAGMA import_database('{folder}')",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SELECT * FROM read_csv('https://example.org/x.csv')",
]


def test_the_locked_engine_refuses_on_its_own(bucket, tmp_path):
    put_reports(bucket)
    outside = tmp_path / "secret.csv"
    outside.write_text("secret\n42\n")
    with BucketFiles(bucket.workspace) as files, FileSession() as session:
        session.add_table("t", resolve_files(files, "data/raw/2024/jan.csv"), "csv")
        session.lock()
        assert session.run("SELECT count(*) FROM t").fetchone()[0] == 2
        threads, memory = session.run("SELECT current_setting('threads'), current_setting('memory_limit')").fetchone()
        assert threads == 2 and memory.startswith("183.1 MiB")  # ASSISTANT_FILE_QUERY_THREADS, _MEMORY_MB (192 MB)
        for template in ENGINE_REFUSED:
            sql = template.format(outside=outside, folder=tmp_path)
            with pytest.raises(Exception) as raised:
                session.run(sql)
            assert raised.value.code in ("NOT_ALLOWED", "QUERY_ERROR"), (sql, raised.value.message)
            assert "secret" not in raised.value.message or str(outside) in raised.value.message
        for setting in ("SET enable_external_access = true", "SET memory_limit = '10GB'", "RESET allowed_paths",
                        "SET allowed_directories = ['/']"):
            with pytest.raises(Exception) as raised:
                session.run(setting)
            assert "locked" in raised.value.message
        # the connection is in memory: what CREATE makes is gone with it, and no file was written
        assert sorted(os.listdir(tmp_path)) == ["secret.csv"]


def test_the_file_read_is_the_file_checked(bucket):
    """DuckDB reads the descriptor the bucket code opened: a name swapped for a link afterwards
    still reads the checked file."""
    bucket.put("data/a.csv", "v\n1\n")
    bucket.put("data/b.csv", "v\n2\n")
    with BucketFiles(bucket.workspace) as files, FileSession() as session:
        resolved = resolve_files(files, "data/a.csv")
        os.unlink(bucket.root / "data" / "a.csv")
        os.symlink("/etc/passwd", bucket.root / "data" / "a.csv")
        session.add_table("t", resolved, "csv")
        session.lock()
        assert session.run("SELECT v FROM t").fetchall() == [(1,)]


# -- hostile files ----------------------------------------------------------------------------------


def test_zip_bomb_workbook_is_refused_before_inflating(bucket):
    path = bucket.root / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * 1_000_000
            for _ in range(60):
                member.write(block)
    assert path.stat().st_size < 1_000_000
    started = time.monotonic()
    refused = error(bucket.fs.read_file("bomb.xlsx"), "UNREADABLE_FILE")
    assert refused["rule"] == "zip_bomb" and time.monotonic() - started < 2
    assert error(query(bucket, "SELECT * FROM t", {"t": "bomb.xlsx"}), "UNREADABLE_FILE")["rule"] == "zip_bomb"


def test_broken_files_give_clear_errors(bucket):
    bucket.put("fake.xlsx", "district,cases\nBo,1\n")
    assert "not a valid XLSX" in error(bucket.fs.read_file("fake.xlsx"), "UNREADABLE_FILE")["message"]
    bucket.put("broken.parquet", b"PAR1" + os.urandom(2000) + b"PAR1")
    error(bucket.fs.read_file("broken.parquet"), "QUERY_ERROR")
    error(query(bucket, "SELECT * FROM t", {"t": "broken.parquet"}), "QUERY_ERROR")
    bucket.put("broken.xls", os.urandom(3000))
    error(bucket.fs.read_file("broken.xls"), "UNREADABLE_FILE")
    bucket.put("badxml.xlsx", b"")
    with zipfile.ZipFile(bucket.root / "badxml.xlsx", "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='S' r:id='rId1'")
    error(bucket.fs.read_file("badxml.xlsx"), "UNREADABLE_FILE")


@pytest.mark.alone  # within the time limit only when nothing else runs
def test_a_csv_with_a_huge_line(bucket):
    bucket.put("huge.csv", "a,b\n1," + "x" * 5_000_000 + "\n2,y\n")
    started = time.monotonic()
    failed = error(query(bucket, "SELECT count(*) FROM t", {"t": "huge.csv"}), "QUERY_ERROR")
    assert "line" in failed["message"].lower() and time.monotonic() - started < 10
    assert "/proc/self/fd" not in failed["message"]


def test_mixed_encodings(bucket):
    bucket.put("mixed.csv", "district,cases\nBo,1\n".encode() + "Kénéma,2\n".encode("latin-1"))
    failed = error(query(bucket, "SELECT * FROM t", {"t": "mixed.csv"}), "QUERY_ERROR")
    assert "UTF-8" in failed["message"]


def test_time_and_memory_limits(bucket, settings):
    put_reports(bucket)
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 500
    started = time.monotonic()
    slow = error(
        query(bucket, "SELECT count(*) FROM range(100000000000) a", {"t": "data/raw/2024/jan.csv"}), "QUERY_TIMEOUT"
    )
    assert slow["rule"] == "time_limit" and time.monotonic() - started < 5
    settings.ASSISTANT_QUERY_TIMEOUT_MS = 20_000
    settings.ASSISTANT_FILE_QUERY_MEMORY_MB = 64
    big = error(
        query(bucket, "SELECT list(i) FROM range(50000000) t(i)", {"t": "data/raw/2024/jan.csv"}), "MEMORY_LIMIT"
    )
    assert big["rule"] == "memory_limit" and "64 MB" in big["message"]


def test_a_file_changing_while_read(bucket):
    """A CSV truncated between the check and the read gives an error or the rows left, never a hang."""
    bucket.put("data/grow.csv", "v\n" + "1\n" * 100_000)
    with BucketFiles(bucket.workspace) as files, FileSession() as session:
        resolved = resolve_files(files, "data/grow.csv")
        session.add_table("t", resolved, "csv")
        session.lock()
        os.truncate(bucket.root / "data" / "grow.csv", 1000)
        try:
            count = session.run("SELECT count(*) FROM t").fetchone()[0]
            assert count <= 100_000
        except Exception as failure:
            assert failure.code in ("QUERY_ERROR",)


def test_the_demo_files_read_as_tables(bucket):
    from hexa.core.demo import _bucket_files

    for rel, content in _bucket_files().items():
        bucket.put(rel, content)
    workbook = ok(bucket.fs.read_file("data/hmis/hmis_monthly_2024.xlsx"))
    assert workbook["sheets"] == ["Monthly", "Facilities"] and workbook["total_rows"] == 16 * 12
    assert [c["name"] for c in workbook["columns"]][-1] == "positivity" and workbook["columns"][1]["type"] == "DATE"
    facilities = ok(bucket.fs.read_file("data/hmis/hmis_monthly_2024.xlsx", sheet="Facilities"))
    assert facilities["total_rows"] == 192
    parquet = ok(bucket.fs.read_file("data/processed/facility_reports_2024.parquet", end_line=1))
    assert parquet["total_rows"] == 192 * 12 and parquet["columns"][0] == {"name": "period", "type": "DATE"}
    # the same totals from the raw CSVs, the Parquet file and the workbook
    sql = "SELECT district, SUM(confirmed_cases) AS cases FROM t GROUP BY district ORDER BY district"
    raw = ok(query(bucket, sql, {"t": "data/raw/2024/*.csv"}))
    assert raw["row_count"] == 16 and raw["tables"]["t"]["file_count"] == 12
    assert ok(query(bucket, sql, {"t": "data/processed/*.parquet"}))["rows"] == raw["rows"]
    assert ok(query(bucket, sql, {"t": "data/hmis/hmis_monthly_2024.xlsx"}))["rows"] == raw["rows"]


def test_a_parquet_file_with_one_huge_row_group(bucket, settings):
    """100 MB of text in one row group (6 MB on disk): within the default memory limit it is
    read; under a limit too small for its column chunk, the answer is MEMORY_LIMIT, not a crash."""
    target = bucket.root / "huge_group.parquet"
    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT i, repeat(chr((65 + i % 26)::INTEGER), 1000) || i AS text FROM range(100000) t(i)) "
        f"TO '{target}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"
    )
    assert connection.execute(f"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{target}')").fetchone()[0] == 1
    connection.close()
    sql, files = "SELECT count(*), max(length(text)) FROM t", {"t": "huge_group.parquet"}
    assert ok(query(bucket, sql, files))["rows"] == [[100000, 1005]]
    page = ok(bucket.fs.read_file("huge_group.parquet", end_line=2))
    assert page["total_rows"] == 100000 and page["rows"][0][1].startswith("AAAA")
    settings.ASSISTANT_FILE_QUERY_MEMORY_MB = 64
    assert error(query(bucket, sql, files), "MEMORY_LIMIT")["rule"] == "memory_limit"


def test_a_workbook_cell_of_a_million_characters(bucket):
    path = bucket.root / "long.xlsx"
    write_xlsx(path, {"S": [["note", "n"], ["x" * 1_000_000, 1], ["short", 2]]})
    result = ok(bucket.fs.read_file("long.xlsx"))
    assert len(result["rows"][0][0]) < 2100 and "truncated" in result["rows"][0][0]
    assert result["rows"][1] == ["short", 2]
    assert ok(query(bucket, "SELECT sum(n), max(length(note)) FROM t", {"t": "long.xlsx"}))["rows"] == [[3, 131072]]


def test_odd_column_names_and_dialects(bucket):
    bucket.put("odd.csv", "\"it's\",\"a \"\"b\"\"\",c\r\n1,x,2024-01-31\r\n2,\"y,z\",2024-02-29\r\n")
    result = ok(query(bucket, "SELECT \"it's\", \"a \"\"b\"\"\", c FROM t ORDER BY 1", {"t": "odd.csv"}))
    assert [c["name"] for c in result["columns"]] == ["it's", 'a "b"', "c"]
    assert result["rows"] == [[1, "x", "2024-01-31"], [2, "y,z", "2024-02-29"]]
    bucket.put("tabs.tsv", "a\tb\n1\t2\n")
    assert ok(query(bucket, "SELECT a + b FROM t", {"t": "tabs.tsv"}))["rows"] == [[3]]


def test_members_query_files_and_outsiders_are_refused(roles):
    from hexa.assistant.executors.files import UserFileSystemTools
    from hexa.files.api import bucket_path

    workspace = roles["workspace"]
    root = bucket_path(workspace.bucket_name)
    root.mkdir(parents=True, exist_ok=True)
    (root / "cases.csv").write_text("district,cases\nBo,4\n")
    sql, files = "SELECT sum(cases) FROM t", {"t": "cases.csv"}
    assert ok(UserFileSystemTools(roles["viewer"], workspace).query_files(sql, files))["rows"] == [[4]]
    refused = error(UserFileSystemTools(roles["outsider"], workspace).query_files(sql, files), "PERMISSION_DENIED")
    assert "4" not in refused["message"]
    assert error(UserFileSystemTools(roles["outsider"], workspace).read_file("cases.csv"), "PERMISSION_DENIED")


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  office:version="1.2"><office:body><office:spreadsheet>
<table:table table:name="Cases">
<table:table-row><table:table-cell office:value-type="string"><text:p>district</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>cases</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>Bo</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="12"><text:p>12</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>Kenema</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="30"><text:p>30</text:p></table:table-cell></table:table-row>
</table:table>
<table:table table:name="Notes"><table:table-row><table:table-cell office:value-type="string"><text:p>n</text:p>
</table:table-cell></table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>"""

ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def test_an_ods_workbook_through_calamine(bucket):
    path = bucket.root / "cases.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        # as LibreOffice writes it: no whitespace between elements
        content = "".join(line.strip() + (" " if line.rstrip().endswith('"') else "") for line in ODS_CONTENT.splitlines())
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    result = ok(bucket.fs.read_file("cases.ods"))
    assert result["sheets"] == ["Cases", "Notes"] and result["rows"] == [["Bo", 12], ["Kenema", 30]]
    assert result["columns"] == [{"name": "district", "type": "VARCHAR"}, {"name": "cases", "type": "BIGINT"}]
    assert ok(query(bucket, "SELECT sum(cases) FROM t", {"t": "cases.ods"}))["rows"] == [[42]]
    assert ok(bucket.fs.read_file("cases.ods", sheet="Notes"))["columns"] == [{"name": "n", "type": "NULL"}]
