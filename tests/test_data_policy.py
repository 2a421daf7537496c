"""The data policy (`sendRowsToModel: false`) against a model that asks for rows every way
it can: the requests the fake Messages API receives must hold no row value, while the
stored tool results (what the page shows) stay whole."""

import json

import pytest

from hexa.assistant import workspace_settings as ws
from hexa.assistant.data_policy import for_model, withheld
from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import ToolExecution
from hexa.assistant.service import send_message
from hexa.databases import api as databases
from hexa.files.api import bucket_path

# Row values that must never reach the model; none is a number or word found elsewhere.
NAMES = [f"Zanele-Secret-{i:03d}" for i in range(12)]
CODES = [8_675_309 + i for i in range(12)]
# 6 rows in North, 5 in South, 1 in a district whose name is itself a secret
DISTRICTS = ["North"] * 6 + ["South"] * 5 + ["Lonely-Secret-District"]
SECRETS = [*NAMES, *map(str, CODES), "Lonely-Secret-District"]


def owner_run(workspace, statement):
    connection = databases.connect(workspace, read_only=False)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture
def patients(roles):
    workspace = roles["workspace"]
    values = ", ".join(f"('{n}', '{d}', {c})" for n, d, c in zip(NAMES, DISTRICTS, CODES))
    owner_run(workspace, f"CREATE TABLE patients (name text, district text, code int); INSERT INTO patients VALUES {values}; ANALYZE patients;")
    root = bucket_path(workspace.bucket_name)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "patients.csv").write_text("name,district,code\n" + "\n".join(f"{n},{d},{c}" for n, d, c in zip(NAMES, DISTRICTS, CODES)))
    (root / "data" / "patients.json").write_text(json.dumps([{"name": n} for n in NAMES]))
    (root / "README.md").write_text("# About\nThe patients table holds one row per patient.\n")
    ws.update_settings(roles["admin"], workspace, {"send_rows_to_model": False})
    return workspace


EVERY_WAY = [
    ("query_database", {"query": "SELECT * FROM patients"}),
    ("query_database", {"query": "SELECT name, code FROM patients WHERE name LIKE '%000'"}),
    ("query_database", {"query": "SELECT count(*), max(name) FROM patients"}),
    ("query_database", {"query": "SELECT string_agg(name, ','), count(*) FROM patients"}),
    ("query_database", {"query": "SELECT count(*), sum(CASE WHEN name LIKE '%001' THEN code END) FROM patients"}),
    ("query_database", {"query": "SELECT count(*), sum(code) FILTER (WHERE name LIKE '%001') FROM patients"}),
    ("query_database", {"query": "SELECT count(*), sum(code) FROM (SELECT * FROM patients WHERE name LIKE '%001') p, generate_series(1, 9)"}),
    ("query_database", {"query": "SELECT count(*), sum(p.code) FROM patients p JOIN generate_series(1, 9) g ON true WHERE p.name LIKE '%001'"}),
    ("query_database", {"query": "WITH p AS (SELECT * FROM patients) SELECT count(*), sum(code) FROM p"}),
    ("query_database", {"query": "SELECT name, count(*) FROM patients GROUP BY name"}),
    ("query_database", {"query": "SELECT district, count(*), sum(code) FROM patients GROUP BY district"}),
    ("query_database", {"query": "SELECT district, count(*), sum(code), count(code) FROM patients GROUP BY district"}),
    ("query_database", {"query": "SELECT sum(code) FROM patients"}),  # no group size: withheld
    ("query_database", {"query": "SELECT code::text FROM patients UNION ALL SELECT count(*)::text FROM patients"}),
    ("query_database", {"query": "SELECT CAST(name AS int) FROM patients"}),
    ("query_database", {"query": "SELECT code / 0 FROM patients"}),
    ("query_database", {"query": "SELECT name AS \"QUERY PLAN\" FROM patients"}),
    ("query_database", {"query": "EXPLAIN SELECT * FROM patients WHERE district = 'North'"}),
    ("describe_tables", {"table_name": "patients"}),
    ("describe_tables", {}),
    ("read_file", {"path": "data/patients.csv"}),
    ("read_file", {"path": "data/patients.csv", "start_line": 2, "end_line": 3}),
    ("read_file", {"path": "data/patients.json"}),
    ("search_files", {"pattern": "*.csv", "contains": "Zanele"}),
    ("list_files", {"path": "data"}),
]


def test_no_row_value_reaches_the_model_whatever_it_asks(model, conversation, patients):
    model.script(tool_reply(EVERY_WAY), text_reply("Done."))
    result = send_message(conversation.user, conversation.id, "Show me every patient")
    assert result.error_code is None
    sent = json.dumps(model.server.requests[1]["body"])
    leaked = [secret for secret in SECRETS if secret in sent]
    assert leaked == []
    # the page still sees everything
    executions = {json.dumps(e.input): e for e in ToolExecution.objects.filter(message=result.message)}
    full = executions[json.dumps({"query": "SELECT * FROM patients"})]
    assert [row[0] for row in full.output["rows"]] == NAMES
    assert "Zanele-Secret-000" in executions[json.dumps({"path": "data/patients.csv"})].output["content"]


def model_view(model, tool_input):
    """What the model got back for the call with this input."""
    second = model.server.requests[1]["body"]
    calls = {b["id"]: b["input"] for b in second["messages"][-2]["content"] if b["type"] == "tool_use"}
    for block in second["messages"][-1]["content"]:
        if block.get("type") == "tool_result" and calls[block["tool_use_id"]] == tool_input:
            return json.loads(block["content"])
    raise AssertionError(tool_input)


def test_what_the_model_sees_instead(model, conversation, patients):
    model.script(tool_reply(EVERY_WAY), text_reply("Done."))
    send_message(conversation.user, conversation.id, "Show me every patient")
    everything = model_view(model, {"query": "SELECT * FROM patients"})
    assert everything["rows"] is None and everything["row_count"] == 12
    assert [c["name"] for c in everything["columns"]] == ["name", "district", "code"]
    assert "12 rows withheld" in everything["withheld"]
    # an allowed aggregate: values of groups of at least 5 rows
    grouped = model_view(model, {"query": "SELECT district, count(*), sum(code), count(code) FROM patients GROUP BY district"})
    assert sorted(row[0] for row in grouped["rows"]) == ["North", "South"]
    assert [row[1] for row in sorted(grouped["rows"])] == [6, 5]
    assert "1 group(s) of fewer than 5 rows" in grouped["withheld"]
    # a sum without the count of the values it adds up: no rows (NULLs could make one row the sum)
    assert model_view(model, {"query": "SELECT district, count(*), sum(code) FROM patients GROUP BY district"})["rows"] is None
    by_name = model_view(model, {"query": "SELECT name, count(*) FROM patients GROUP BY name"})
    assert by_name["rows"] == []
    # a casting error quotes the value: the model gets what the error is, not its message
    cast = model_view(model, {"query": "SELECT CAST(name AS int) FROM patients"})
    assert cast["error"]["code"] == "QUERY_ERROR" and "invalid text representation (SQLSTATE 22P02)" in cast["error"]["message"]
    plan = model_view(model, {"query": "EXPLAIN SELECT * FROM patients WHERE district = 'North'"})
    assert any("Seq Scan on patients" in row[0] for row in plan["rows"])
    faked_plan = model_view(model, {"query": 'SELECT name AS "QUERY PLAN" FROM patients'})
    assert faked_plan["rows"] is None
    described = model_view(model, {"table_name": "patients"})
    assert [c["name"] for c in described["table"]["columns"]] == ["name", "district", "code"]
    assert described["table"]["sample_rows"] is None
    csv = model_view(model, {"path": "data/patients.csv"})
    assert csv["content"] is None and "13 lines" in csv["withheld"]


def test_text_files_and_file_names_are_still_read(model, conversation, patients):
    model.script(tool_reply([("read_file", {"path": "README.md"}), ("list_files", {"path": "data"})]), text_reply("Ok"))
    send_message(conversation.user, conversation.id, "Read the readme")
    assert "one row per patient" in model_view(model, {"path": "README.md"})["content"]
    listed = model_view(model, {"path": "data"})
    assert {e["name"] for e in listed["entries"]} == {"patients.csv", "patients.json"}


def test_results_sent_before_the_policy_are_withheld_from_later_turns(model, conversation, roles, patients):
    ws.update_settings(roles["admin"], patients, {"send_rows_to_model": True})
    model.script(tool_reply([("query_database", {"query": "SELECT * FROM patients"})]), text_reply("Here."))
    send_message(conversation.user, conversation.id, "List the patients")
    assert "Zanele-Secret-000" in json.dumps(model.server.requests[1]["body"])  # the policy was off then
    ws.update_settings(roles["admin"], patients, {"send_rows_to_model": False})
    model.script(text_reply("Summary."))
    send_message(conversation.user, conversation.id, "Summarise")
    later = json.dumps(model.server.requests[2]["body"])
    assert [s for s in SECRETS if s in later] == []


def test_with_rows_allowed_the_model_sees_the_rows(model, conversation, roles, patients):
    ws.update_settings(roles["admin"], patients, {"send_rows_to_model": True})
    model.script(tool_reply([("query_database", {"query": "SELECT name FROM patients"})]), text_reply("Here."))
    send_message(conversation.user, conversation.id, "List the patients")
    assert model_view(model, {"query": "SELECT name FROM patients"})["rows"] == [[n] for n in NAMES]


# -- the generic rule, for tools that other modules add ------------------------------------


def test_the_generic_rule_covers_tools_it_does_not_know():
    chart = {"chart": {"type": "bar"}, "data": [{"x": "Zanele", "y": 1}], "points": [[1, 2]], "title": "Cases"}
    shown = for_model(None, {"spec": {}}, chart, send_rows=False)
    assert shown["data"] is None and shown["points"] is None and shown["title"] == "Cases"
    files = {"columns": [{"name": "a", "type": "VARCHAR"}], "rows": [["Zanele"]], "row_count": 1}
    assert withheld({"sql": "SELECT a FROM 'x.csv'"}, files)["rows"] is None
    allowed = {"columns": [{"name": "n"}], "rows": [[7]], "row_count": 1}
    assert withheld({"sql": "SELECT count(*) AS n FROM t"}, allowed)["rows"] == [[7]]
    nested = {"sheets": [{"name": "S1", "preview": [["Zanele"]]}]}
    assert withheld({"path": "a.xlsx"}, nested)["sheets"][0]["preview"] is None
    assert for_model(None, {}, chart, send_rows=True) is chart


@pytest.mark.parametrize(
    "query, allowed",
    [
        ("SELECT count(*) FROM t", True),
        ("SELECT d, count(*), avg(x), count(x), sum(t.y), count(y), count(DISTINCT z) FROM t WHERE d > 'a' GROUP BY d HAVING count(*) > 2 ORDER BY 2 LIMIT 5", True),
        ("SELECT pg_catalog.count(*) FROM t", True),
        ("SELECT evil.count(*) FROM t", False),
        ("SELECT d, count(*) FROM t GROUP BY ROLLUP (d)", False),
        ("SELECT d, count(*) FROM t GROUP BY lower(d)", False),
        ("SELECT lower(d), count(*) FROM t GROUP BY d", False),
        ("SELECT e, count(*) FROM t GROUP BY d", False),
        ("SELECT count(*) * 100, sum(x) FROM t", False),
        ("SELECT count(*) OVER (), x FROM t", False),
        ("SELECT count(*), sum(x ORDER BY x) FROM t", False),
        ("SELECT count(*), min(x) FROM t", False),
        ("SELECT count(*), array_agg(x) FROM t", False),
        ("SELECT count(*) FROM t, u", False),
        ("SELECT count(*) FROM t TABLESAMPLE SYSTEM (1)", False),
        ("SELECT count(*) FROM t UNION SELECT 1", False),
        ("SELECT count(*) FROM t; SELECT 1", False),
        ("not sql at all", False),
        # the rows of a group are all of the table's rows with its key (issue 30, item 5)
        ("SELECT count(*), sum(score), count(score) FROM t WHERE id = 2 OR score IS NULL", False),
        ("SELECT d, count(*), sum(x), count(x) FROM t WHERE a > 1 GROUP BY d", False),
        ("SELECT d, count(*), sum(x), count(x) FROM t WHERE d = 'North' OR d IN ('South', 'East') GROUP BY d", True),
        ("SELECT d, count(*), sum(x), count(x) FROM t WHERE lower(d) = 'north' GROUP BY d", False),
        ("SELECT d, count(*), sum(x), count(x) FROM t WHERE random() < 0.5 GROUP BY d", False),
        ("SELECT d, count(*), sum(x), count(x) FROM t WHERE d IN (SELECT d FROM t WHERE id = 2) GROUP BY d", False),
        ("SELECT d, count(*), sum(x), count(x) FROM t AS u WHERE u.d <> 'x' GROUP BY u.d", True),
        ("SELECT d, count(*), sum(x), count(x) FROM t WHERE other.d <> 'x' GROUP BY d", False),
        ('SELECT "D", count(*), sum(x), count(x) FROM t WHERE d = 1 GROUP BY "D"', False),
        # every sum or average beside the count of the values it adds up
        ("SELECT count(*), sum(x) FROM t", False),
        ("SELECT count(*), sum(x), count(y) FROM t", False),
        ("SELECT count(*), sum(x), count(DISTINCT x) FROM t", False),
        ("SELECT count(*), sum(DISTINCT x), count(x) FROM t", False),
        # HAVING tests keys and counts; ORDER BY shown columns; LIMIT numbers
        ("SELECT d, count(*) FROM t GROUP BY d HAVING sum(x) > 10", False),
        ("SELECT d, count(*) FROM t GROUP BY d HAVING count(x) > 10 AND d <> 'x'", True),
        ("SELECT d, count(*) FROM t GROUP BY d ORDER BY max(x) LIMIT 1", False),
        ("SELECT d, count(*) FROM t GROUP BY d ORDER BY sum(x) LIMIT 1", False),
        ("SELECT d, count(*) AS n FROM t GROUP BY d ORDER BY n DESC, d LIMIT 3", True),
        ("SELECT d, count(*) FROM t GROUP BY d LIMIT (SELECT count(*) FROM t WHERE id = 2)", False),
        ("SELECT DISTINCT ON (d) d, count(*) FROM t GROUP BY d", False),
        # text two parsers could read differently is not read
        ("SELECT d, count(*) FROM t WHERE d = 'a\\' OR id = 2 --' GROUP BY d", False),
        ("SELECT d, count(*) FROM t /* a /* b */ WHERE id = 2 */ GROUP BY d", False),
        ("SELECT d, count(*) FROM t WHERE d = $$x$$ GROUP BY d", False),
        ('SELECT U&"d", count(*) FROM t GROUP BY U&"d"', False),
        ("SELECT d, count(*) FROM t WHERE d = 'Kédougou' GROUP BY d", True),
        # nested deeper than the reading goes: not read
        ("SELECT d, count(*) FROM t WHERE " + " OR ".join(f"d = {i}" for i in range(3000)) + " GROUP BY d", False),
        # a plan shows no row; EXPLAIN ANALYZE's row counts would count any condition, with no minimum
        ("EXPLAIN (FORMAT JSON) SELECT * FROM t WHERE id = 2", True),
        ("EXPLAIN ANALYZE SELECT * FROM t WHERE id = 2 AND score > 50", False),
    ],
)
def test_which_aggregates_are_allowed(query, allowed, settings):
    settings.ASSISTANT_MIN_GROUP_SIZE = 5
    output = {"columns": [{"name": "a"}], "rows": [[9] * 8], "row_count": 1}
    shown = withheld({"query": query}, output)
    assert (shown["rows"] is not None) == allowed


# -- issue 30: error messages, padded groups, data files by content --------------------------


def sent_to_model(model, request=1) -> str:
    return json.dumps(model.server.requests[request]["body"])


def leaks(text) -> list[str]:
    return [secret for secret in [*SECRETS, "Quoted-Secret", "4242"] if secret in text]


@pytest.fixture
def quoted(patients):
    """Values that start with a double quote, which closed the quoted-text redaction early."""
    owner_run(patients, "CREATE TABLE quoted (name text); INSERT INTO quoted VALUES ('\"Quoted-Secret-1'), ('\"Quoted-Secret-2'); ANALYZE quoted;")
    return patients


POSTGRES_ERRORS = [
    # item 1: a value starting with " ends the quoted text early
    "SELECT ('\"' || string_agg(name || ':' || code, ','))::int FROM patients",
    "SELECT string_agg(name, ',')::int FROM quoted",
    "SELECT ('\"' || string_agg(histogram_bounds::text, ','))::int FROM pg_stats WHERE tablename = 'patients'",
    # item 3: exact numbers outside quotes
    "SELECT make_time(code, 0, 0) FROM patients",
    "SELECT get_byte('\\x00'::bytea, code) FROM patients",
    "SELECT chr(code * 1000) FROM patients",
    "SELECT name::regclass FROM patients",
]


def test_postgresql_errors_reach_the_model_without_values(model, conversation, quoted):
    calls = [("query_database", {"query": query}) for query in POSTGRES_ERRORS]
    calls.append(("create_chart", {"query": POSTGRES_ERRORS[0], "spec": {"mark": "bar", "encoding": {"x": {"field": "a", "type": "nominal"}}}}))
    model.script(tool_reply(calls), text_reply("Done."))
    result = send_message(conversation.user, conversation.id, "Break it")
    stored = [e.output["error"] for e in ToolExecution.objects.filter(message=result.message).order_by("created_at")]
    assert all(leaks(error["message"]) for error in stored[:2])  # the page gets PostgreSQL's words
    assert leaks(sent_to_model(model)) == []
    cast = model_view(model, {"query": POSTGRES_ERRORS[0]})["error"]
    assert cast["message"].startswith("PostgreSQL stopped the query while running it: invalid text representation (SQLSTATE 22P02).")
    assert model_view(model, {"query": POSTGRES_ERRORS[3]})["error"]["sqlstate"] == "22008"


def test_an_error_about_the_query_text_keeps_its_message(model, conversation, patients):
    model.script(tool_reply([("query_database", {"query": "SELECT nme FROM patients"})]), text_reply("Done."))
    send_message(conversation.user, conversation.id, "Typo")
    error = model_view(model, {"query": "SELECT nme FROM patients"})["error"]
    assert 'column "nme" does not exist' in error["message"] and error["stage"] == "check" and error["position"] == 8


def test_quoted_text_of_the_model_s_own_input_is_no_oracle(model, conversation, patients):
    guess = "SELECT CAST(name AS int) FROM patients WHERE name = 'Zanele-Secret-000'"
    model.script(tool_reply([("query_database", {"query": guess})]), text_reply("Done."))
    send_message(conversation.user, conversation.id, "Guess")
    message = model_view(model, {"query": guess})["error"]["message"]
    # the guess is in the query, not echoed back by the error: a right and a wrong guess read alike
    assert "Zanele-Secret-000" not in message and "invalid text representation" in message


DUCKDB_ERRORS = [
    "SELECT error(string_agg(name, ',')) FROM p",
    "SELECT strptime(name, '%Y') FROM p",
    "SELECT regexp_matches('a', name || '(') FROM p",
    "SELECT (code * 9223372036854775807)::bigint FROM p",
    "SELECT name::int FROM p",
    "SELECT name::date FROM p",
]


def test_duckdb_errors_reach_the_model_without_values(model, conversation, patients):
    calls = [("query_files", {"sql": sql, "files": {"p": "data/patients.csv"}}) for sql in DUCKDB_ERRORS]
    calls.append(("query_files", {"sql": "SELECT nme FROM p", "files": {"p": "data/patients.csv"}}))
    model.script(tool_reply(calls), text_reply("Done."))
    result = send_message(conversation.user, conversation.id, "Break the files")
    stored = [e.output for e in ToolExecution.objects.filter(message=result.message)]
    assert all("error" in output for output in stored)
    assert sum(bool(leaks(output["error"]["message"])) for output in stored) >= 5  # the page gets DuckDB's words
    assert leaks(sent_to_model(model)) == []
    cast = model_view(model, {"sql": "SELECT name::int FROM p", "files": {"p": "data/patients.csv"}})["error"]
    assert "DuckDB stopped the query while running it: Conversion Error. At character 12 of the query" in cast["message"]
    typo = model_view(model, {"sql": "SELECT nme FROM p", "files": {"p": "data/patients.csv"}})["error"]
    assert 'Referenced column "nme" not found' in typo["message"]


@pytest.fixture
def scores(patients):
    """Five rows: one score, four NULLs."""
    owner_run(patients, "CREATE TABLE scores (id int, district text, score int); INSERT INTO scores VALUES "
              "(1, 'North', NULL), (2, 'North', 4242), (3, 'North', NULL), (4, 'North', NULL), (5, 'North', NULL);")
    root = bucket_path(patients.bucket_name)
    (root / "data" / "scores.csv").write_text("id,district,score\n1,North,\n2,North,4242\n3,North,\n4,North,\n5,North,\n")
    return patients


PADDED = [
    ("query_database", {"query": "SELECT count(*), sum(score) FROM scores WHERE id = 2 OR score IS NULL"}),
    ("query_database", {"query": "SELECT count(*), avg(score), count(score) FROM scores WHERE id = 2 OR score IS NULL"}),
    ("query_database", {"query": "SELECT district, count(*), sum(score), count(score) FROM scores GROUP BY district"}),
    ("query_files", {"sql": "SELECT count(*), sum(score) FROM s WHERE id = 2 OR score IS NULL", "files": {"s": "data/scores.csv"}}),
    ("query_files", {"sql": "SELECT district, count(), sum(score), count(score) FROM s GROUP BY district", "files": {"s": "data/scores.csv"}}),
]


def test_a_group_cannot_be_padded_to_show_one_row(model, conversation, scores):
    model.script(tool_reply(PADDED), text_reply("Done."))
    result = send_message(conversation.user, conversation.id, "Scores")
    stored = [e.output for e in ToolExecution.objects.filter(message=result.message)]
    assert all("4242" in json.dumps(output["rows"]) for output in stored)  # the page sees them
    assert "4242" not in sent_to_model(model)
    grouped = model_view(model, PADDED[2][1])
    assert grouped["rows"] == [] and "1 group(s)" in grouped["withheld"]


def test_a_whole_group_with_enough_values_is_shown_from_files(model, conversation, patients):
    sql = "SELECT district, count(), sum(code), count(code) FROM p WHERE district <> 'Nowhere' GROUP BY district ORDER BY district"
    model.script(tool_reply([("query_files", {"sql": sql, "files": {"p": "data/patients.csv"}})]), text_reply("Done."))
    send_message(conversation.user, conversation.id, "Totals")
    rows = model_view(model, {"sql": sql, "files": {"p": "data/patients.csv"}})["rows"]
    assert [row[:2] for row in rows] == [["North", 6], ["South", 5]]


def test_data_files_are_told_by_their_content(model, conversation, patients):
    root = bucket_path(patients.bucket_name)
    (root / "data" / "patients.txt").write_text("name,district,code\n" + "\n".join(f"{n},{d},{c}" for n, d, c in zip(NAMES, DISTRICTS, CODES)))
    (root / "dump.sql").write_text("-- dump\nINSERT INTO patients VALUES ('Zanele-Secret-000', 'North', 8675309);\n")
    (root / "export").write_text('{"name": "Zanele-Secret-001"}\n{"name": "Zanele-Secret-002"}\n')
    (root / "printed.log").write_text("name               district   code\nZanele-Secret-003   North      8675312\nZanele-Secret-004   North      8675313\n")
    (root / "notes.txt").write_text("Meeting notes\nWe discussed the malaria figures, and the next steps.\nNothing else.\n")
    paths = ["data/patients.txt", "dump.sql", "export", "printed.log", "notes.txt"]
    model.script(tool_reply([("read_file", {"path": path}) for path in paths]), text_reply("Done."))
    send_message(conversation.user, conversation.id, "Read them")
    assert leaks(sent_to_model(model)) == []
    assert all(model_view(model, {"path": path})["content"] is None for path in paths[:4])
    assert "next steps" in model_view(model, {"path": "notes.txt"})["content"]


def test_every_error_code_is_either_engine_text_or_own_words():
    from hexa.assistant.data_policy import ENGINE_TEXT, OWN_WORDS
    from hexa.assistant.errors import ToolErrorCode

    assert set(ENGINE_TEXT) | OWN_WORDS == set(ToolErrorCode) and not set(ENGINE_TEXT) & OWN_WORDS
    for code in ("UNREADABLE_FILE", "MEMORY_LIMIT", "NOT_ALLOWED"):
        shown = withheld({}, {"error": {"code": code, "message": "DuckDB said: Zanele-Secret-000"}})
        assert "Zanele" not in shown["error"]["message"]


@pytest.mark.parametrize(
    "sql, allowed",
    [
        ("SELECT d, count(), mean(x), count(x) FROM t GROUP BY d", False),  # mean: not read
        ("SELECT d, count(), sum(x), count(x) FROM t GROUP BY ALL", False),
        ("FROM t SELECT d, count(*), sum(x), count(x) GROUP BY d", True),
        ("SELECT d, count(*), sum(x) FILTER (WHERE id = 2), count(x) FROM t GROUP BY d", False),
        ("SELECT d, count(*), sum(s.x), count(s.x) FROM t GROUP BY d", False),  # a struct's field
        ("SELECT d, count(*) FROM t USING SAMPLE 10 GROUP BY d", False),
        ("SELECT d, count(*) FROM read_csv('x.csv') GROUP BY d", False),
        ("SELECT d, count(*) FROM t WHERE d = getvariable('v') GROUP BY d", False),
    ],
)
def test_which_duckdb_aggregates_are_allowed(sql, allowed, settings):
    settings.ASSISTANT_MIN_GROUP_SIZE = 5
    output = {"columns": [{"name": "a"}], "rows": [[9] * 8], "row_count": 1}
    assert (withheld({"sql": sql, "files": {"t": "t.csv"}}, output)["rows"] is not None) == allowed


def test_answers_and_summaries_written_while_rows_were_sent_are_not_sent_again(model, conversation, roles, patients):
    from hexa.assistant.models import ConversationSummary, Message

    ws.update_settings(roles["admin"], patients, {"send_rows_to_model": True})
    model.script(
        tool_reply([("query_database", {"query": "SELECT * FROM patients WHERE name = 'Zanele-Secret-001'"})]),
        text_reply("The first patient is Zanele-Secret-000, code 8675309."),
    )
    first = send_message(conversation.user, conversation.id, "Who is the first patient?")
    assert Message.objects.get(pk=first.message.pk).rows_sent
    ConversationSummary.objects.create(
        conversation=conversation, through_index=first.message.index, tool_results_through=1,
        text="The user asked about Zanele-Secret-002.", model="claude-haiku-4-5-20251001",
    )
    ws.update_settings(roles["admin"], patients, {"send_rows_to_model": False})
    model.script(text_reply("Summary."))
    second = send_message(conversation.user, conversation.id, "Summarise")
    sent = sent_to_model(model, 2)
    assert leaks(sent) == []
    assert "Who is the first patient?" in sent and "This answer was written while the workspace sent rows" in sent
    assert not Message.objects.get(pk=second.message.pk).rows_sent
    # the page is told the newest answer the model no longer sees (the note goes below it)
    from hexa.assistant.graphql.types import resolve_last_answer_hidden_from_model
    from hexa.assistant.models import Conversation

    assert resolve_last_answer_hidden_from_model(Conversation.objects.get(pk=conversation.pk), None) == first.message.pk
    ws.update_settings(roles["admin"], patients, {"send_rows_to_model": True})
    assert resolve_last_answer_hidden_from_model(Conversation.objects.get(pk=conversation.pk), None) is None


def test_a_turn_begun_with_rows_sent_does_not_resume_under_the_policy(model, conversation, roles, patients):
    from hexa.assistant import answers

    ws.update_settings(roles["admin"], patients, {"send_rows_to_model": True})
    question = {"question": "Which one?", "choices": ["Zanele-Secret-000", "Zanele-Secret-001"], "allow_free_text": False}
    model.script(tool_reply([("ask_user", question)]), text_reply("Then Zanele-Secret-000."))
    result = send_message(conversation.user, conversation.id, "Pick a patient")
    assert result.message.status == "WAITING"
    ws.update_settings(roles["admin"], patients, {"send_rows_to_model": False})
    execution = ToolExecution.objects.get(message=result.message, name="ask_user")
    assert answers.answer_question(conversation.user, execution.id, "Zanele-Secret-001")[1] is None
    result.message.refresh_from_db()
    assert result.message.status == "FAILED" and result.message.error_code == "INTERRUPTED"
    assert "data policy was turned on" in result.message.error_message
    assert len(model.server.requests) == 1  # the model was not called again with what it wrote
