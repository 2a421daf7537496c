"""The grading of evaluation answers, on result sets from the real tools: PostgreSQL (the
workspace database through query_database) and DuckDB (bucket files through query_files).
Rows and columns in any order and under any names, numbers within the tolerance, and each
failure reason."""

import json

import pytest

from hexa.assistant.evaluations.compare import check_text, compare_results, grade, numbers_in_text
from hexa.assistant.evaluations.expected import ExpectedError, expected_result, table_of
from hexa.assistant.tool_executors import run_tool
from hexa.databases import api as databases
from hexa.files.api import bucket_path


@pytest.fixture
def data(roles):
    workspace = roles["workspace"]
    connection = databases.connect(workspace, read_only=False)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE cases (district text, month date, confirmed integer, rate numeric(6, 4))")
        cursor.execute(
            "INSERT INTO cases VALUES ('Bo', '2024-01-01', 120, 0.2500), ('Bo', '2024-02-01', 80, 0.3333), "
            "('Kenema', '2024-01-01', 200, 0.1250), ('Kenema', '2024-02-01', 100, 0.5000), ('Kono', '2024-01-01', 50, 0.1000)"
        )
    connection.close()
    folder = bucket_path(workspace.bucket_name) / "data"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cases.csv").write_text(
        "district,month,confirmed\nBo,2024-01,120\nBo,2024-02,80\nKenema,2024-01,200\nKenema,2024-02,100\nKono,2024-01,50\n"
    )
    return roles["admin"], workspace


def sql(data, query):
    user, workspace = data
    return table_of(run_tool(user, workspace, "query_database", {"query": query}))


def files(data, query):
    """DuckDB's result (through expected_result, which asks again after a first call timed out
    while the file engine started on a busy machine)."""
    return expected_result(*data, "FILES", json.dumps({"files": {"cases": "data/cases.csv"}, "sql": query}))


EXPECTED = "SELECT district, sum(confirmed) AS cases FROM cases GROUP BY district"


def test_rows_and_columns_in_any_order_and_under_any_names_match(data):
    expected = expected_result(*data, "SQL", EXPECTED)
    assert sorted(expected["rows"]) == [["Bo", 200], ["Kenema", 300], ["Kono", 50]]
    reordered = sql(data, "SELECT sum(confirmed) AS total_confirmed, upper(district) AS name FROM cases GROUP BY district ORDER BY 1 DESC")
    assert compare_results(expected, reordered).passed
    # the same figures from DuckDB over the bucket's CSV, with an extra column of context
    from_files = files(data, "SELECT count(*) AS months, district AS d, sum(confirmed) AS n FROM cases GROUP BY district")
    assert compare_results(expected, from_files).passed


def test_numbers_match_within_the_tolerance_only(data):
    expected = expected_result(*data, "SQL", "SELECT district, avg(rate) AS rate FROM cases GROUP BY district")
    rounded = sql(data, "SELECT district, round(avg(rate), 2) AS rate FROM cases GROUP BY district")
    exact = compare_results(expected, rounded)
    assert not exact.passed and exact.reason == "DIFFERENT_VALUES"
    assert compare_results(expected, rounded, tolerance=0.02).passed


def test_each_failure_has_its_reason(data):
    expected = expected_result(*data, "SQL", EXPECTED)
    missing = compare_results(expected, sql(data, EXPECTED + " HAVING sum(confirmed) > 100"))
    assert (missing.passed, missing.reason) == (False, "MISSING_ROWS") and "kono" in missing.detail
    extra = compare_results(expected, sql(data, EXPECTED + " UNION ALL SELECT 'Bonthe', 7"))
    assert (extra.passed, extra.reason) == (False, "EXTRA_ROWS") and "bonthe" in extra.detail
    different = compare_results(expected, sql(data, "SELECT district, max(confirmed) FROM cases GROUP BY district"))
    assert (different.passed, different.reason) == (False, "DIFFERENT_VALUES")
    columns = compare_results(expected, sql(data, "SELECT DISTINCT district FROM cases"))
    assert (columns.passed, columns.reason) == (False, "MISSING_COLUMNS")
    assert compare_results(expected, None).reason == "NO_RESULT"
    # a right result set with a text that states other figures
    right = sql(data, EXPECTED)
    assert grade(expected, right, "Bo had 200 cases, Kenema 300 and Kono 50.").passed
    wrong_text = grade(expected, right, "Bo had 210 cases, Kenema 300 and Kono 50.")
    assert (wrong_text.passed, wrong_text.reason, wrong_text.text_matches) == (False, "TEXT_MISMATCH", False)


def test_dates_from_postgresql_and_duckdb_compare_equal(data):
    expected = expected_result(*data, "SQL", "SELECT month, sum(confirmed) FROM cases GROUP BY month")
    from_files = files(data, "SELECT strptime(month, '%Y-%m')::DATE AS m, sum(confirmed) AS c FROM cases GROUP BY 1")
    assert compare_results(expected, from_files).passed


def test_literal_values_and_an_answer_with_no_result_set_graded_on_its_text(data):
    user, workspace = data
    expected = expected_result(user, workspace, "VALUES", json.dumps([["Kenema", 300]]))
    assert grade(expected, None, "Kenema had the most cases: 300.").passed
    assert grade(expected, None, "Kenema had the most cases: 310.").reason == "NO_RESULT"
    assert grade(expected, None, "Bo had the most cases: 300.").reason == "NO_RESULT"
    assert expected_result(user, workspace, "VALUES", "550")["rows"] == [[550]]


def test_an_expected_result_that_cannot_be_had_says_why(data):
    user, workspace = data
    with pytest.raises(ExpectedError, match="QUERY_ERROR|does not exist"):
        expected_result(user, workspace, "SQL", "SELECT nothing FROM nowhere")
    with pytest.raises(ExpectedError, match="not JSON"):
        expected_result(user, workspace, "FILES", "{not json")
    with pytest.raises(ExpectedError, match="NOT_READ_ONLY|read-only|refused"):
        expected_result(user, workspace, "SQL", "DELETE FROM cases")


def test_numbers_are_read_from_text_in_english_and_french_spellings():
    values = [value for value, _ in numbers_in_text("12,345 cases; 12 345 tests; 1\u202f234,5 km; 0.75 and 45%")]
    assert values[:5] == [12345, 12345, 1234.5, 0.75, 45] and 0.45 in values
    expected = {"columns": ["a"], "rows": [[1234.56]]}
    assert check_text(expected, "about 1,234.6") is True  # written to one decimal
    assert check_text(expected, "about 1,240") is False
    assert check_text(expected, "see the table") is None  # no figure stated: not checked
