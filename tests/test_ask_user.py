"""Turns that wait for the user: ask_user questions, writes to approve, and how the same
turn goes on when they are answered (turns run inline here; test_waiting_live.py has the
worker processes)."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from hexa.assistant import answers, approvals, waiting
from hexa.assistant.events import events_after
from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Conversation, Message, ToolExecution, UsageRecord
from hexa.assistant.service import send_message
from hexa.files.api import bucket_path

QUESTION = {"question": "Per year or per month?", "choices": ["Per year", "Per month"], "allow_free_text": False}


def ask(model, conversation, question=QUESTION, then=("Per year, then.",), text="Chart cases over time"):
    """A turn that asks `question` and waits; `then`: the replies scripted for after it."""
    model.script(tool_reply([("ask_user", question)]), *then)
    result = send_message(conversation.user, conversation.id, text)
    assert result.error_code is None and result.message.status == "WAITING", result.message.error_message
    return result.message, ToolExecution.objects.get(message=result.message, name="ask_user")


def tool_result_of(request, tool_use_id):
    for message in request["body"]["messages"]:
        for block in message["content"] if isinstance(message["content"], list) else []:
            if block.get("type") == "tool_result" and block["tool_use_id"] == tool_use_id:
                return block
    raise AssertionError(f"no result for {tool_use_id}")


def test_a_question_pauses_the_turn_and_the_answer_resumes_the_same_turn(model, conversation):
    message, execution = ask(model, conversation)
    conversation.refresh_from_db()
    assert not conversation.is_running and conversation.lease_owner is None  # nothing holds the turn
    assert execution.status == "AWAITING_ANSWER" and execution.output["choices"] == ["Per year", "Per month"]
    assert message.waiting_expires_at > timezone.now() + timedelta(hours=23)
    kinds = [t for t, _ in events_after(conversation.id, 0)]
    assert kinds[-1] == "waiting" and "done" not in kinds
    waiting_event = events_after(conversation.id, 0)[-1][1]
    assert waiting_event["awaiting"] == [{"id": str(execution.id), "tool_use_id": execution.tool_use_id, "name": "ask_user", "status": "AWAITING_ANSWER"}]
    assert len(model.server.requests) == 1

    answered, error = answers.answer_question(conversation.user, execution.id, "Per year")
    assert error is None and answered.status == "ANSWERED" and answered.output == {"answer": "Per year"}
    message.refresh_from_db()
    assert message.status == "COMPLETE" and message.text == "Per year, then." and message.model_calls == 2 and message.runs == 1
    result = tool_result_of(model.server.requests[1], execution.tool_use_id)
    assert json.loads(result["content"]) == {"answer": "Per year"} and "is_error" not in result
    kinds = [t for t, _ in events_after(conversation.id, 0)]
    after = kinds[kinds.index("waiting"):]
    assert after[:4] == ["waiting", "tool_result", "resumed", "text_delta"] and after[-2:] == ["usage", "done"]
    # the bill: both model calls on the one message, the conversation and the ledger agree
    calls = UsageRecord.objects.filter(message_uuid=message.id, kind="MODEL_CALL")
    assert calls.count() == 2
    conversation.refresh_from_db()
    assert sum(c.cost for c in calls) == message.cost == conversation.cost > 0
    assert sum(c.input_tokens for c in calls) == message.input_tokens


def test_a_typed_answer_when_free_text_is_allowed(model, conversation):
    _, execution = ask(model, conversation, {"question": "Which district?", "choices": ["Bo", "Kenema"]})
    assert answers.answer_question(conversation.user, execution.id, "  Kailahun  ")[1] is None
    assert ToolExecution.objects.get(pk=execution.pk).output == {"answer": "Kailahun"}
    assert "Kailahun" in tool_result_of(model.server.requests[1], execution.tool_use_id)["content"]


@pytest.mark.parametrize("answer", ["Per decade", "", "   ", "Per year\x00", "x" * 4001, "\ud800"])
def test_invalid_answers_are_refused_and_the_question_stays_open(model, conversation, answer):
    message, execution = ask(model, conversation)
    assert answers.answer_question(conversation.user, execution.id, answer)[1] == "INVALID_ANSWER"
    assert ToolExecution.objects.get(pk=execution.pk).status == "AWAITING_ANSWER"
    assert Message.objects.get(pk=message.pk).status == "WAITING"
    assert answers.answer_question(conversation.user, execution.id, "Per month")[1] is None


def test_a_choice_spelled_as_the_model_did_is_a_choice(model, conversation):
    _, execution = ask(model, conversation, {"question": "Which?", "choices": ["Per  year", "Per month"], "allow_free_text": False})
    assert answers.answer_question(conversation.user, execution.id, "Per  year")[1] is None


def test_answered_once_and_strangers_get_not_found(model, conversation, roles):
    _, execution = ask(model, conversation)
    for someone in (roles["admin"], roles["viewer"], roles["outsider"]):
        assert answers.answer_question(someone, execution.id, "Per year") == (None, "NOT_FOUND")
    assert answers.answer_question(conversation.user, "00000000-0000-0000-0000-000000000000", "Per year") == (None, "NOT_FOUND")
    assert answers.answer_question(conversation.user, execution.id, "Per year")[1] is None
    assert answers.answer_question(conversation.user, execution.id, "Per month")[1] == "ALREADY_SETTLED"
    assert ToolExecution.objects.get(pk=execution.pk).output == {"answer": "Per year"}


def test_a_write_is_not_a_question(model, conversation):
    model.script(tool_reply([("write_file", {"path": "a.md", "content": "x"})]))
    result = send_message(conversation.user, conversation.id, "Write a.md")
    write = ToolExecution.objects.get(message=result.message)
    assert answers.answer_question(conversation.user, write.id, "yes") == (None, "NOT_FOUND")
    assert approvals.approve(conversation.user, ask_id := write.id)[0].pk == ask_id  # approvals do take it


def test_a_new_message_closes_the_question_and_the_model_is_told(model, conversation):
    message, execution = ask(model, conversation, then=("Here is the table.",))
    result = send_message(conversation.user, conversation.id, "Just show me the table")
    assert result.message.status == "COMPLETE" and result.message.text == "Here is the table."
    closed = tool_result_of(model.server.requests[-1], execution.tool_use_id)
    assert closed["is_error"] and "UNANSWERED" in closed["content"] and "wrote a new message" in closed["content"]
    message.refresh_from_db()
    assert message.status == "COMPLETE" and message.content[-1]["role"] == "user"  # the history is whole
    assert ToolExecution.objects.get(pk=execution.pk).status == "UNANSWERED"
    assert answers.answer_question(conversation.user, execution.id, "Per year")[1] == "CLOSED"


def test_an_expired_wait_is_closed_lazily_and_by_the_recovery(model, conversation, roles):
    message, execution = ask(model, conversation, then=())
    Message.objects.filter(pk=message.pk).update(waiting_expires_at=timezone.now() - timedelta(seconds=1))
    assert answers.answer_question(conversation.user, execution.id, "Per year")[1] == "CLOSED"
    assert Message.objects.get(pk=message.pk).status == "COMPLETE"
    assert "did not answer within 24 hours" in ToolExecution.objects.get(pk=execution.pk).output["error"]["message"]

    other = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model="m")
    message, execution = ask(model, other)
    assert waiting.expire_waiting_turns() == []  # not yet
    Message.objects.filter(pk=message.pk).update(waiting_expires_at=timezone.now() - timedelta(seconds=1))
    from hexa.assistant.tasks import recover_turns

    assert recover_turns() == [(str(message.pk), "wait expired")]
    assert ToolExecution.objects.get(pk=execution.pk).status == "UNANSWERED"
    assert [t for t, _ in events_after(other.id, 0)][-2:] == ["tool_result", "done"]
    assert len(model.server.requests) == 2  # closing costs no model call


def test_several_writes_in_one_response_wait_together(model, conversation, roles):
    root = bucket_path(roles["workspace"].bucket_name)
    model.script(
        tool_reply([("write_file", {"path": "a.md", "content": "A"}), ("write_file", {"path": "b.md", "content": "B"})]),
        text_reply("a.md is written; b.md was not."),
    )
    result = send_message(conversation.user, conversation.id, "Write a.md and b.md")
    assert result.message.status == "WAITING"
    first, second = ToolExecution.objects.filter(message=result.message).order_by("created_at")
    assert approvals.approve(conversation.user, first.id)[1] is None
    assert Message.objects.get(pk=result.message.pk).status == "WAITING" and len(model.server.requests) == 1
    assert approvals.reject(conversation.user, second.id, "not b")[1] is None
    message = Message.objects.get(pk=result.message.pk)
    assert message.status == "COMPLETE" and message.text == "a.md is written; b.md was not."
    request = model.server.requests[1]
    results = request["body"]["messages"][-1]["content"]
    assert [r["tool_use_id"] for r in results] == [first.tool_use_id, second.tool_use_id]  # in the calls' order
    assert "a.md was written" in results[0]["content"] and "not b" in results[1]["content"]
    assert (root / "a.md").read_text() == "A" and not (root / "b.md").exists()


def test_a_question_beside_other_calls_waits_for_them_and_keeps_their_results(model, conversation, roles):
    (bucket_path(roles["workspace"].bucket_name) / "readme.md").write_text("hello")
    model.script(
        tool_reply([("read_file", {"path": "readme.md"}), ("ask_user", {"question": "Summarise or translate?"})]),
        text_reply("Translated."),
    )
    result = send_message(conversation.user, conversation.id, "Do something with readme.md")
    assert result.message.status == "WAITING"
    ask_call = ToolExecution.objects.get(message=result.message, name="ask_user")
    read_call = ToolExecution.objects.get(message=result.message, name="read_file")
    assert read_call.status == "COMPLETED"
    assert answers.answer_question(conversation.user, ask_call.id, "translate")[1] is None
    results = model.server.requests[1]["body"]["messages"][-1]["content"]
    assert [r["tool_use_id"] for r in results] == [read_call.tool_use_id, ask_call.tool_use_id]
    assert "hello" in results[0]["content"]
    assert UsageRecord.objects.filter(message_uuid=result.message.id, kind="TOOL_CALL", tool_name="read_file").count() == 1  # not run twice


def test_a_malformed_question_is_an_error_for_the_model_not_a_wait(model, conversation):
    model.script(tool_reply([("ask_user", {"question": "  ", "choices": ["a"] * 3})]), text_reply("Sorry."))
    result = send_message(conversation.user, conversation.id, "?")
    assert result.message.status == "COMPLETE"
    execution = ToolExecution.objects.get(message=result.message)
    assert execution.status == "FAILED" and execution.output["error"]["code"] == "INVALID_INPUT"


def test_two_answers_at_once_exactly_one_wins(model, conversation, transactional_db):
    _, execution = ask(model, conversation)
    outcomes, barrier = [], threading.Barrier(2)

    def answer(text):
        barrier.wait()
        try:
            outcomes.append(answers.answer_question(conversation.user, execution.id, text)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(text,)) for text in ("Per year", "Per month")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == ["ALREADY_SETTLED", None] or sorted(outcomes, key=str) == [None, "ALREADY_SETTLED"]
    assert outcomes.count(None) == 1
    assert len(model.server.requests) == 2  # resumed once
    assert UsageRecord.objects.filter(kind="MODEL_CALL", conversation_uuid=conversation.id).count() == 2


ANSWER = """mutation($input: AnswerAssistantQuestionInput!) { answerAssistantQuestion(input: $input) {
  success errors toolExecution { status question { question choices allowFreeText answer } } } }"""
WAITING_STATE = """query($id: UUID!) { assistantConversation(id: $id) { isRunning messages { items { role status waitingExpiresAt
  awaiting { id tool status input question { question choices allowFreeText answer } } } } } }"""


def test_graphql_shows_the_waiting_state_and_answers(gql, model, conversation, roles):
    message, execution = ask(model, conversation)
    gql.login(roles["editor"])
    data = gql(WAITING_STATE, {"id": str(conversation.id)})["data"]["assistantConversation"]
    assert data["isRunning"] is False
    waiting_message = data["messages"]["items"][-1]
    assert waiting_message["status"] == "WAITING" and waiting_message["waitingExpiresAt"]
    assert waiting_message["awaiting"] == [{
        "id": str(execution.id), "tool": "ask_user", "status": "AWAITING_ANSWER", "input": QUESTION,
        "question": {"question": "Per year or per month?", "choices": ["Per year", "Per month"], "allowFreeText": False, "answer": None},
    }]
    bad = gql(ANSWER, {"input": {"toolExecutionId": str(execution.id), "answer": "Per week"}})["data"]["answerAssistantQuestion"]
    assert bad["errors"] == ["INVALID_ANSWER"] and not bad["success"]
    gql.login(roles["admin"])
    stranger = gql(ANSWER, {"input": {"toolExecutionId": str(execution.id), "answer": "Per year"}})["data"]["answerAssistantQuestion"]
    assert stranger == {"success": False, "errors": ["NOT_FOUND"], "toolExecution": None}
    gql.login(roles["editor"])
    ok = gql(ANSWER, {"input": {"toolExecutionId": str(execution.id), "answer": "Per year"}})["data"]["answerAssistantQuestion"]
    assert ok["success"] and ok["toolExecution"]["status"] == "ANSWERED" and ok["toolExecution"]["question"]["answer"] == "Per year"
    again = gql(ANSWER, {"input": {"toolExecutionId": str(execution.id), "answer": "Per year"}})["data"]["answerAssistantQuestion"]
    assert again["errors"] == ["ALREADY_ANSWERED"]
    done = gql(WAITING_STATE, {"id": str(conversation.id)})["data"]["assistantConversation"]["messages"]["items"][-1]
    assert done["status"] == "COMPLETE" and done["awaiting"] == [] and done["waitingExpiresAt"] is None


def test_an_answer_that_comes_before_the_pause_queues_the_turn_again(model, conversation, django_capture_on_commit_callbacks):
    """The page may show a question (or a write) while the worker is still finishing the
    response: the answer is stored, and the pause, finding nothing left to wait for, queues
    the turn again instead of waiting."""
    from uuid import uuid4

    from procrastinate.contrib.django.models import ProcrastinateJob

    from hexa.assistant.events import EventRecorder

    message, execution = ask(model, conversation)
    Message.objects.filter(pk=message.pk).update(status="RUNNING")  # as before the pause
    Conversation.objects.filter(pk=conversation.pk).update(turn_started_at=timezone.now(), lease_owner=uuid4())
    assert answers.answer_question(conversation.user, execution.id, "Per year")[1] is None
    assert Message.objects.get(pk=message.pk).status == "RUNNING" and len(model.server.requests) == 1
    released = []
    message.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # the turn is queued once the pause commits
        assert waiting.pause(message, EventRecorder(conversation.id), lambda: released.append(True)) is False
    assert released == [True] and Message.objects.get(pk=message.pk).status == "RUNNING"
    assert ProcrastinateJob.objects.filter(args__message_id=str(message.pk), status="todo").exists()


def test_the_api_keeps_its_name_for_a_closed_question(gql, model, conversation, roles):
    """Inside, a wait closed unanswered is CLOSED whatever it waited for (waiting.settle); the
    API answers QUESTION_CLOSED, as it always has."""
    _, execution = ask(model, conversation, then=("Here is the table.",))
    send_message(conversation.user, conversation.id, "Just show me the table")
    gql.login(roles["editor"])
    closed = gql(ANSWER, {"input": {"toolExecutionId": str(execution.id), "answer": "Per year"}})["data"]["answerAssistantQuestion"]
    assert closed["errors"] == ["QUESTION_CLOSED"] and not closed["success"]
    assert closed["toolExecution"]["status"] == "UNANSWERED"
