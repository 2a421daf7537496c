"""Verified queries: an editor saves an answer's query as verified; a later question worded
differently gets it in its user turn (the cached prefix, tools and system prompt, is the same
as without it), an unrelated one does not; the answer that runs it is marked with who
verified it; edits and removals keep their history; viewers cannot verify; an admin saves an
answer as an evaluation question in one click."""

import pytest

from hexa.assistant.evaluations.models import EvaluationQuestion
from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Conversation, ToolExecution
from hexa.assistant.service import send_message
from hexa.assistant.verified.models import VerifiedQuery, VerifiedQueryChange
from hexa.assistant.verified.search import relevant
from hexa.databases import api as databases

from .support.models import TEST_MODEL

TOP = "SELECT district, sum(confirmed) AS cases FROM cases GROUP BY district ORDER BY cases DESC"
VERIFY = """mutation($input: VerifyAssistantQueryInput!) { verifyAssistantQuery(input: $input) {
  success errors verifiedQuery { id question tool input verifiedBy { email } } } }"""
UPDATE = """mutation($input: UpdateAssistantVerifiedQueryInput!) { updateAssistantVerifiedQuery(input: $input) { success errors } }"""
DELETE = """mutation($input: DeleteAssistantVerifiedQueryInput!) { deleteAssistantVerifiedQuery(input: $input) { success errors } }"""
SAVE = """mutation($input: SaveAssistantAnswerAsEvaluationInput!) { saveAssistantAnswerAsEvaluation(input: $input) {
  success errors question { question expectedKind expected } } }"""
MESSAGES = """query($id: UUID!) { assistantConversation(id: $id) {
  verifiedAnswers { messageId verifiedQueries { question } } messages { items { id role verifiedQueries { question verifiedBy { email } } } } } }"""
CHANGES = """query($slug: String!) { workspace(slug: $slug) { assistantVerifiedQueryChanges { action user { email } before after } } }"""


@pytest.fixture
def cases(roles):
    connection = databases.connect(roles["workspace"], read_only=False)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE cases (district text, confirmed integer)")
        cursor.execute("INSERT INTO cases VALUES ('Bo', 200), ('Kenema', 300)")
    connection.close()
    return roles


def ask(user, workspace, question, model, sql=TOP):
    conversation = Conversation.objects.create(user=user, workspace=workspace, model=TEST_MODEL)
    model.script(tool_reply([("query_database", {"query": sql})]), text_reply("Kenema 300, Bo 200."))
    outcome = send_message(user, conversation.id, question)
    assert outcome.message.status == "COMPLETE"
    return conversation, ToolExecution.objects.get(message=outcome.message)


def first_request(model, question):
    """The first request of the turn that asked `question`."""
    for request in model.server.requests:
        last = request["body"]["messages"][-1]
        if last["role"] == "user" and last["content"][-1].get("text") == question:
            return request["body"]
    raise AssertionError(f"no request for {question!r}")


def test_a_verified_query_is_given_for_a_paraphrase_in_the_user_turn_and_marks_the_answer(gql, cases, model):
    workspace, editor = cases["workspace"], cases["editor"]
    _, execution = ask(editor, workspace, "Which districts had the most malaria cases?", model)
    gql.login(editor)
    verified = gql(VERIFY, {"input": {"toolExecutionId": str(execution.id)}})["data"]["verifyAssistantQuery"]
    assert verified["success"] and verified["verifiedQuery"]["question"] == "Which districts had the most malaria cases?"
    assert verified["verifiedQuery"]["input"] == {"query": TOP} and verified["verifiedQuery"]["verifiedBy"] == {"email": editor.email}

    paraphrase = "What are the districts with the highest number of malaria cases?"
    unrelated = "List the files of the reports folder"
    assert [q.question for q in relevant(workspace, paraphrase)] == ["Which districts had the most malaria cases?"]
    assert relevant(workspace, unrelated) == []

    conversation, _ = ask(cases["admin"], workspace, paraphrase, model)
    ask(cases["admin"], workspace, unrelated, model, sql="SELECT 1")
    with_note, without = first_request(model, paraphrase), first_request(model, unrelated)
    note = with_note["messages"][-1]["content"][0]["text"]
    assert note.startswith("<verified_queries>") and TOP in note and "highest" not in note
    assert len(without["messages"][-1]["content"]) == 1  # the user's words only
    # the cached prefix is the same: tools and system prompt do not change with the note
    assert with_note["tools"] == without["tools"] and with_note["system"] == without["system"]

    gql.login(cases["admin"])
    read = gql(MESSAGES, {"id": str(conversation.id)})["data"]["assistantConversation"]
    items = read["messages"]["items"]
    assert items[1]["verifiedQueries"] == [{"question": "Which districts had the most malaria cases?", "verifiedBy": {"email": editor.email}}]
    assert read["verifiedAnswers"] == [{"messageId": items[1]["id"], "verifiedQueries": [{"question": "Which districts had the most malaria cases?"}]}]


def test_editors_edit_and_remove_with_history_and_viewers_cannot_verify(gql, cases, model):
    workspace = cases["workspace"]
    _, viewers_call = ask(cases["viewer"], workspace, "Cases per district?", model)
    gql.login(cases["viewer"])
    refused = gql(VERIFY, {"input": {"toolExecutionId": str(viewers_call.id)}})["data"]["verifyAssistantQuery"]
    assert refused == {"success": False, "errors": ["PERMISSION_DENIED"], "verifiedQuery": None}
    assert gql(CHANGES, {"slug": workspace.slug})["data"]["workspace"]["assistantVerifiedQueryChanges"] == []

    _, editors_call = ask(cases["editor"], workspace, "Cases per district?", model)
    gql.login(cases["admin"])  # someone else's call is not found
    assert gql(VERIFY, {"input": {"toolExecutionId": str(editors_call.id)}})["data"]["verifyAssistantQuery"]["errors"] == ["NOT_FOUND"]
    gql.login(cases["editor"])
    query_id = gql(VERIFY, {"input": {"toolExecutionId": str(editors_call.id), "question": "Confirmed cases per district"}})["data"]["verifyAssistantQuery"]["verifiedQuery"]["id"]
    gql.login(cases["viewer"])
    assert gql(UPDATE, {"input": {"id": query_id, "question": "x"}})["data"]["updateAssistantVerifiedQuery"]["errors"] == ["PERMISSION_DENIED"]
    assert gql(DELETE, {"input": {"id": query_id}})["data"]["deleteAssistantVerifiedQuery"]["errors"] == ["PERMISSION_DENIED"]
    gql.login(cases["admin"])
    edited = gql(UPDATE, {"input": {"id": query_id, "sql": TOP + " LIMIT 1"}})["data"]["updateAssistantVerifiedQuery"]
    assert edited == {"success": True, "errors": []}
    assert gql(DELETE, {"input": {"id": query_id}})["data"]["deleteAssistantVerifiedQuery"] == {"success": True, "errors": []}
    assert not VerifiedQuery.objects.exists()
    history = gql(CHANGES, {"slug": workspace.slug})["data"]["workspace"]["assistantVerifiedQueryChanges"]
    assert [(c["action"], c["user"]["email"]) for c in history] == [
        ("REMOVED", cases["admin"].email), ("EDITED", cases["admin"].email), ("VERIFIED", cases["editor"].email),
    ]
    assert history[1]["before"]["input"] == {"query": TOP} and history[1]["after"]["input"] == {"query": TOP + " LIMIT 1"}
    assert VerifiedQueryChange.objects.count() == 3


def test_an_admin_saves_an_answer_as_an_evaluation_question(gql, cases, model):
    workspace = cases["workspace"]
    _, admins_call = ask(cases["admin"], workspace, "Which districts had the most cases?", model)
    _, editors_call = ask(cases["editor"], workspace, "Which districts had the most cases?", model)
    gql.login(cases["editor"])
    assert gql(SAVE, {"input": {"toolExecutionId": str(editors_call.id)}})["data"]["saveAssistantAnswerAsEvaluation"]["errors"] == ["PERMISSION_DENIED"]
    gql.login(cases["admin"])
    saved = gql(SAVE, {"input": {"toolExecutionId": str(admins_call.id)}})["data"]["saveAssistantAnswerAsEvaluation"]
    assert saved["success"] and saved["question"] == {"question": "Which districts had the most cases?", "expectedKind": "SQL", "expected": TOP}
    assert EvaluationQuestion.objects.get().created_by == cases["admin"]
