"""An evaluation run end to end, with real processes: the web server queues the run, a
worker runs it, each question is a real turn on the workers answered by the fake Messages
API through the SDK (one right, one wrong, one failing), the figures are stored, and a
second run is compared with the first (what regressed, what was fixed)."""

import json
import time

import pytest

from hexa.assistant.evaluations.models import EvaluationQuestion, EvaluationRun
from hexa.assistant.local_model import error_reply, text_reply, tool_reply
from hexa.assistant.models import Message, UsageRecord
from hexa.databases import api as databases

from .support.live_server import session_for

TOTALS = "SELECT district, sum(confirmed) AS cases FROM cases GROUP BY district"
RIGHT = "How many confirmed cases per district?"
WRONG = "Which district had the fewest cases?"
FAILING = "How many months are reported?"

RUN = "mutation($input: RunAssistantEvaluationInput!) { runAssistantEvaluation(input: $input) { success errors run { id status } } }"
RUN_QUERY = """query($id: UUID!) { assistantEvaluationRun(id: $id) {
  status accuracy cost passedCount questionCount durationMs previousRun { id }
  results { question passed reason detail cost durationMs conversationId previouslyPassed regressed }
  regressions { question } } }"""


@pytest.fixture
def evaluation(transactional_db, roles):
    workspace, admin = roles["workspace"], roles["admin"]
    connection = databases.connect(workspace, read_only=False)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE cases (district text, month date, confirmed integer)")
        cursor.execute(
            "INSERT INTO cases VALUES ('Bo', '2024-01-01', 120), ('Bo', '2024-02-01', 80), "
            "('Kenema', '2024-01-01', 200), ('Kenema', '2024-02-01', 100), ('Kono', '2024-01-01', 50)"
        )
    connection.close()
    for question, kind, expected in (
        (RIGHT, "SQL", TOTALS),
        (WRONG, "VALUES", json.dumps([["Kono", 50]])),
        (FAILING, "SQL", "SELECT count(DISTINCT month) FROM cases"),
    ):
        EvaluationQuestion.objects.create(workspace=workspace, question=question, expected_kind=kind, expected=expected, created_by=admin)
    return workspace, admin


def answering(answers):
    """A responder that answers each question by its text, whatever the order the parallel
    turns reach the model in: `answers[question]` is (SQL to run, final text) or a reply."""

    def respond(body):
        messages = body["messages"]
        question = messages[0]["content"][-1]["text"]
        answer = answers[question]
        if not isinstance(answer, tuple):
            return answer
        query, text = answer
        last = messages[-1]["content"]
        if any(block.get("type") == "tool_result" for block in last):
            return text_reply(text)
        return tool_reply([("query_database", {"query": query})])

    return respond


def run_and_wait(client, workspace):
    started = client.post("/graphql/", json={"query": RUN, "variables": {"input": {"workspaceSlug": workspace.slug}}}).json()
    result = started["data"]["runAssistantEvaluation"]
    assert result["success"] and result["run"]["status"] == "QUEUED", result
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        run = client.post("/graphql/", json={"query": RUN_QUERY, "variables": {"id": result["run"]["id"]}}).json()["data"]["assistantEvaluationRun"]
        if run["status"] == "COMPLETE":
            return run
        time.sleep(0.3)
    raise AssertionError(f"the run did not end: {run}")


def test_a_run_on_the_workers_grades_each_answer_and_the_next_run_shows_what_regressed(evaluation, web, workers, board):
    workspace, admin = evaluation
    client = web.client(session_for(admin))
    board.responder = answering({
        RIGHT: (TOTALS, "Bo had 200 confirmed cases, Kenema 300 and Kono 50."),
        WRONG: ("SELECT district, sum(confirmed) FROM cases GROUP BY district ORDER BY 2 DESC LIMIT 1", "Kenema, with 300 cases."),
        FAILING: error_reply(500, "boom", "api_error"),
    })
    workers()
    first = run_and_wait(client, workspace)
    results = {r["question"]: r for r in first["results"]}
    assert (results[RIGHT]["passed"], results[RIGHT]["reason"]) == (True, None)
    assert (results[WRONG]["passed"], results[WRONG]["reason"]) == (False, "DIFFERENT_VALUES")
    assert "kono" in results[WRONG]["detail"] and "kenema" in results[WRONG]["detail"]
    assert (results[FAILING]["passed"], results[FAILING]["reason"]) == (False, "ERROR")
    assert results[FAILING]["detail"].startswith("API_ERROR")
    assert (first["accuracy"], first["passedCount"], first["questionCount"]) == (pytest.approx(1 / 3), 1, 3)
    assert first["previousRun"] is None and first["regressions"] == []
    # the stored figures are the turns' own: cost per question from its answer, summed
    for result in first["results"]:
        message = Message.objects.get(conversation_id=result["conversationId"], role="assistant")
        assert result["cost"] == format(message.cost.normalize(), "f")
        assert result["durationMs"] is not None and result["durationMs"] >= 0
    billed = sum(UsageRecord.objects.filter(kind="MODEL_CALL", workspace=workspace).values_list("cost", flat=True))
    assert float(first["cost"]) == pytest.approx(float(billed)) and float(first["cost"]) > 0
    assert first["durationMs"] > 0

    # the next run: the right answer goes wrong, the failing one is answered
    board.responder = answering({
        RIGHT: ("SELECT district, sum(confirmed) FROM cases WHERE month < '2024-02-01' GROUP BY district", "Bo 120, Kenema 200, Kono 50."),
        WRONG: ("SELECT district, sum(confirmed) FROM cases GROUP BY district ORDER BY 2 DESC LIMIT 1", "Kenema, with 300 cases."),
        FAILING: ("SELECT count(DISTINCT month) AS months FROM cases", "2 months are reported."),
    })
    second = run_and_wait(client, workspace)
    results = {r["question"]: r for r in second["results"]}
    assert second["previousRun"] == {"id": str(first_id(first, client, workspace))}
    assert (results[RIGHT]["passed"], results[RIGHT]["reason"], results[RIGHT]["regressed"]) == (False, "DIFFERENT_VALUES", True)
    assert (results[FAILING]["passed"], results[FAILING]["previouslyPassed"], results[FAILING]["regressed"]) == (True, False, False)
    assert second["regressions"] == [{"question": RIGHT}]
    assert second["accuracy"] == pytest.approx(1 / 3)


def first_id(first, client, workspace):
    runs = client.post(
        "/graphql/",
        json={"query": "query($s: String!) { workspace(slug: $s) { assistantEvaluations { runs { id status } } } }", "variables": {"s": workspace.slug}},
    ).json()["data"]["workspace"]["assistantEvaluations"]["runs"]
    assert [r["status"] for r in runs] == ["COMPLETE", "COMPLETE"]
    return runs[1]["id"]


def test_a_run_whose_worker_is_killed_goes_on_on_another_worker(evaluation, web, workers, board):
    workspace, admin = evaluation
    client = web.client(session_for(admin))
    answers = answering({
        RIGHT: (TOTALS, "Bo had 200 confirmed cases, Kenema 300 and Kono 50."),
        WRONG: ("SELECT 'Kono', 50", "Kono, with 50 cases."),
        FAILING: ("SELECT count(DISTINCT month) AS months FROM cases", "2 months are reported."),
    })

    def slowly(body):  # the turns are still running when the worker dies
        time.sleep(1.5)
        return answers(body)

    board.responder = slowly
    first = workers()
    started = client.post("/graphql/", json={"query": RUN, "variables": {"input": {"workspaceSlug": workspace.slug}}}).json()
    run_id = started["data"]["runAssistantEvaluation"]["run"]["id"]
    run = EvaluationRun.objects.get(pk=run_id)
    deadline = time.monotonic() + 60
    while not run.results.filter(message_uuid__isnull=False).exists():
        assert time.monotonic() < deadline, "no question was asked"
        time.sleep(0.1)
    first.kill()  # the run's job and its turns die with it
    assert EvaluationRun.objects.get(pk=run_id).status == "RUNNING"
    workers()  # its recovery loop queues the run again once its heartbeat is stale
    deadline = time.monotonic() + 90
    while EvaluationRun.objects.get(pk=run_id).status != "COMPLETE":
        assert time.monotonic() < deadline, "the run was not taken up again"
        time.sleep(0.3)
    run = EvaluationRun.objects.get(pk=run_id)
    assert [r.passed for r in run.results.all()] == [True, True, True] and run.accuracy == 1.0
    # each question was answered once, in one conversation
    assert len({r.conversation_id for r in run.results.all()}) == 3
