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
    grouped = model_view(model, {"query": "SELECT district, count(*), sum(code) FROM patients GROUP BY district"})
    assert sorted(row[0] for row in grouped["rows"]) == ["North", "South"]
    assert [row[1] for row in sorted(grouped["rows"])] == [6, 5]
    assert "1 group(s) of fewer than 5 rows" in grouped["withheld"]
    by_name = model_view(model, {"query": "SELECT name, count(*) FROM patients GROUP BY name"})
    assert by_name["rows"] == []
    # a casting error quotes the value: the quote is cut, the message kept
    cast = model_view(model, {"query": "SELECT CAST(name AS int) FROM patients"})
    assert cast["error"]["code"] == "QUERY_ERROR" and '"…"' in cast["error"]["message"]
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
        ("SELECT d, count(*), avg(x), sum(t.y), count(DISTINCT z) FROM t WHERE a > 1 GROUP BY d HAVING count(*) > 2 ORDER BY 2 LIMIT 5", True),
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
    ],
)
def test_which_aggregates_are_allowed(query, allowed, settings):
    settings.ASSISTANT_MIN_GROUP_SIZE = 5
    output = {"columns": [{"name": "a"}], "rows": [[9, 9, 9, 9, 9]], "row_count": 1}
    shown = withheld({"query": query}, output)
    assert (shown["rows"] is not None) == allowed
