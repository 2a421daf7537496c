"""Evaluations through the API and the command: only workspace ADMINs see, change and run
them (viewers and editors are refused, outsiders see nothing), a question whose expected
result cannot be had is refused with the reason, and `manage.py assistant_eval` prints the
table and fails under its minimum accuracy."""

import io

import pytest
from django.core.management import CommandError, call_command

from hexa.assistant.evaluations.models import EvaluationQuestion, EvaluationRun
from hexa.assistant.evaluations.runner import create_run, execute_run
from hexa.assistant.local_model import text_reply, tool_reply
from hexa.databases import api as databases

CREATE = """mutation($input: CreateAssistantEvaluationQuestionInput!) {
  createAssistantEvaluationQuestion(input: $input) { success errors message question { id question expectedKind tolerance } } }"""
UPDATE = """mutation($input: UpdateAssistantEvaluationQuestionInput!) {
  updateAssistantEvaluationQuestion(input: $input) { success errors question { question } } }"""
DELETE = "mutation($input: DeleteAssistantEvaluationQuestionInput!) { deleteAssistantEvaluationQuestion(input: $input) { success errors } }"
RUN = "mutation($input: RunAssistantEvaluationInput!) { runAssistantEvaluation(input: $input) { success errors run { id status } } }"
EVALUATIONS = "query($slug: String!) { workspace(slug: $slug) { assistantEvaluations { questions { question } runs { id } expectedKinds } } }"
RUN_QUERY = "query($id: UUID!) { assistantEvaluationRun(id: $id) { status } }"


@pytest.fixture
def cases(roles):
    connection = databases.connect(roles["workspace"], read_only=False)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE cases (district text, confirmed integer)")
        cursor.execute("INSERT INTO cases VALUES ('Bo', 200), ('Kenema', 300)")
    connection.close()
    return roles


def question_input(workspace, **extra):
    return {"input": {"workspaceSlug": workspace.slug, "question": "Cases per district?", "expectedKind": "SQL",
                      "expected": "SELECT district, confirmed FROM cases", **extra}}


def test_only_admins_see_change_and_run_evaluations(gql, cases):
    workspace = cases["workspace"]
    for who in ("viewer", "editor"):
        gql.login(cases[who])
        assert gql(EVALUATIONS, {"slug": workspace.slug})["data"]["workspace"]["assistantEvaluations"] is None
        refused = gql(CREATE, question_input(workspace))["data"]["createAssistantEvaluationQuestion"]
        assert refused == {"success": False, "errors": ["PERMISSION_DENIED"], "message": None, "question": None}
        assert gql(RUN, {"input": {"workspaceSlug": workspace.slug}})["data"]["runAssistantEvaluation"]["errors"] == ["PERMISSION_DENIED"]
    assert EvaluationQuestion.objects.count() == 0 and EvaluationRun.objects.count() == 0

    gql.login(cases["admin"])
    created = gql(CREATE, question_input(workspace, tolerance=0.01))["data"]["createAssistantEvaluationQuestion"]
    assert created["success"] and created["question"]["expectedKind"] == "SQL" and created["question"]["tolerance"] == 0.01
    question_id = created["question"]["id"]
    run = gql(RUN, {"input": {"workspaceSlug": workspace.slug}})["data"]["runAssistantEvaluation"]
    assert run["success"] and run["run"]["status"] == "QUEUED"
    again = gql(RUN, {"input": {"workspaceSlug": workspace.slug}})["data"]["runAssistantEvaluation"]
    assert again["errors"] == ["RUN_IN_PROGRESS"]
    listed = gql(EVALUATIONS, {"slug": workspace.slug})["data"]["workspace"]["assistantEvaluations"]
    assert listed["questions"] == [{"question": "Cases per district?"}] and listed["runs"] == [{"id": run["run"]["id"]}]
    assert "SQL" in listed["expectedKinds"]

    for who in ("viewer", "editor"):
        gql.login(cases[who])
        assert gql(RUN_QUERY, {"id": run["run"]["id"]})["data"]["assistantEvaluationRun"] is None
        assert gql(UPDATE, {"input": {"id": question_id, "question": "x"}})["data"]["updateAssistantEvaluationQuestion"]["errors"] == ["PERMISSION_DENIED"]
        assert gql(DELETE, {"input": {"id": question_id}})["data"]["deleteAssistantEvaluationQuestion"]["errors"] == ["PERMISSION_DENIED"]
    gql.login(cases["outsider"])
    assert gql(DELETE, {"input": {"id": question_id}})["data"]["deleteAssistantEvaluationQuestion"]["errors"] == ["NOT_FOUND"]
    assert gql(CREATE, question_input(workspace))["data"]["createAssistantEvaluationQuestion"]["errors"] == ["WORKSPACE_NOT_FOUND"]
    assert EvaluationQuestion.objects.get().question == "Cases per district?"


def test_a_question_that_could_never_pass_is_refused_with_the_reason(gql, cases):
    workspace = cases["workspace"]
    gql.login(cases["admin"])
    bad_sql = gql(CREATE, question_input(workspace, expected="SELECT nope FROM cases"))["data"]["createAssistantEvaluationQuestion"]
    assert bad_sql["errors"] == ["INVALID_EXPECTED"] and "nope" in bad_sql["message"]
    bad_json = gql(CREATE, question_input(workspace, expectedKind="FILES", expected="[1,"))["data"]["createAssistantEvaluationQuestion"]
    assert bad_json["errors"] == ["INVALID_EXPECTED"]
    bad_tolerance = gql(CREATE, question_input(workspace, tolerance=-1))["data"]["createAssistantEvaluationQuestion"]
    assert bad_tolerance["errors"] == ["INVALID_TOLERANCE"]
    empty = gql(CREATE, question_input(workspace, question="  "))["data"]["createAssistantEvaluationQuestion"]
    assert empty["errors"] == ["INVALID_QUESTION"]
    no_model = gql(RUN, {"input": {"workspaceSlug": workspace.slug, "model": "gpt-nothing"}})["data"]["runAssistantEvaluation"]
    assert no_model["errors"] == ["INVALID_MODEL"]
    none_yet = gql(RUN, {"input": {"workspaceSlug": workspace.slug}})["data"]["runAssistantEvaluation"]
    assert none_yet["errors"] == ["NO_QUESTIONS"]
    assert EvaluationQuestion.objects.count() == 0


def test_an_evaluation_conversation_keeps_its_title(cases, model, settings):
    """Its questions' conversations are titled "Evaluation: …" in the user's list: the title
    model does not rename them (nor is it called)."""
    settings.ASSISTANT_TITLE_MODEL = "claude-haiku-5-5"
    workspace, admin = cases["workspace"], cases["admin"]
    EvaluationQuestion.objects.create(workspace=workspace, question="Cases in Bo?", expected_kind="VALUES", expected="200", created_by=admin)
    model.script(text_reply("Bo had 200 cases."))
    run, _ = create_run(admin, workspace, None)
    run = execute_run(run.pk)
    assert run.accuracy == 1.0 and model.responder.calls == 1
    assert run.results.get().conversation.title == "Evaluation: Cases in Bo?"


def test_the_command_prints_the_table_and_fails_under_the_minimum(cases, model):
    workspace, admin = cases["workspace"], cases["admin"]
    for question, expected in (("Cases per district?", "SELECT district, confirmed FROM cases"), ("Cases in Bo?", "200")):
        EvaluationQuestion.objects.create(
            workspace=workspace, question=question, expected_kind="VALUES" if expected == "200" else "SQL", expected=expected, created_by=admin
        )
    # turns run inline in the tests of the loop: the questions are answered in order
    model.script(
        tool_reply([("query_database", {"query": "SELECT district, confirmed FROM cases"})]), text_reply("Bo 200, Kenema 300."),
        text_reply("Bo had 250 cases."),
    )
    out = io.StringIO()
    call_command("assistant_eval", "--workspace", workspace.slug, "--min-accuracy", "50%", stdout=out)
    table = out.getvalue()
    assert "Accuracy 50% (1/2)" in table and "NO_RESULT" in table and "Cases in Bo?" in table

    model.script(
        tool_reply([("query_database", {"query": "SELECT district, confirmed FROM cases WHERE confirmed > 250"})]), text_reply("Kenema 300."),
        text_reply("Bo had 200 cases."),
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="under the minimum") as raised:
        call_command("assistant_eval", "--workspace", workspace.slug, "--min-accuracy", "0.9", stdout=out)
    assert raised.value.returncode == 1
    assert "regressed: #1 Cases per district? (MISSING_ROWS)" in out.getvalue() and "fixed:     #2 Cases in Bo?" in out.getvalue()
