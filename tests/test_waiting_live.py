"""Turns that wait for the user, with real processes: the waiting turn holds no worker, a
worker killed while it waits changes nothing, and the answer (or the approval) sent to the
web server resumes the same turn on whichever worker is there."""

import json

from django.db.models import Sum

from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Message, ToolExecution, UsageRecord
from hexa.files.api import bucket_path

from .support.live_server import read_events


def stream(client, conversation, text):
    with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json={"message": text}, timeout=60) as response:
        assert response.status_code == 200
        return read_events(response)


def follow(client, conversation, after):
    with client.stream("GET", f"/assistant/conversations/{conversation.id}/events/?after={after}", timeout=60) as response:
        assert response.status_code == 200
        return read_events(response)


def graphql(client, query, variables):
    response = client.post("/graphql/", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()["data"]


ANSWER = "mutation($input: AnswerAssistantQuestionInput!) { answerAssistantQuestion(input: $input) { success errors } }"
APPROVE = "mutation($id: UUID!) { approveAssistantToolExecution(id: $id) { success errors } }"


def test_a_waiting_turn_survives_its_worker_and_the_answer_resumes_it_on_another(chat, board, workers):
    conversation, client = chat
    board.script(
        tool_reply([("ask_user", {"question": "Per year or per month?", "choices": ["Per year", "Per month"]})]),
        text_reply("Per year, then: 3 years."),
    )
    first = workers()
    events = stream(client, conversation, "Chart cases over time")
    kinds = [kind for kind, _ in events if kind != "keepalive"]
    assert kinds[-1] == "waiting" and "done" not in kinds  # the stream ends where the turn waits
    message = Message.objects.get(conversation=conversation, role="assistant")
    assert message.status == "WAITING"
    conversation.refresh_from_db()
    assert not conversation.is_running and conversation.lease_owner is None
    first.kill()  # nothing runs: nothing is lost

    question = ToolExecution.objects.get(message=message)
    answered = graphql(client, ANSWER, {"input": {"toolExecutionId": str(question.id), "answer": "Per year"}})
    assert answered["answerAssistantQuestion"] == {"success": True, "errors": []}
    workers()  # another worker takes the queued turn
    resumed = follow(client, conversation, events[-1][1]["seq"])
    kinds = [kind for kind, _ in resumed if kind != "keepalive"]
    assert kinds[:2] == ["tool_result", "resumed"] and kinds[-1] == "done", kinds
    seqs = [data["seq"] for kind, data in resumed if kind != "keepalive"]
    assert seqs == list(range(events[-1][1]["seq"] + 1, events[-1][1]["seq"] + 1 + len(seqs)))  # no gap

    message.refresh_from_db()
    assert message.status == "COMPLETE" and message.text == "Per year, then: 3 years."
    assert message.runs == 1 and message.model_calls == 2 and board.requests == 2  # a wait is no crash
    calls = UsageRecord.objects.filter(message_uuid=message.pk, kind="MODEL_CALL")
    conversation.refresh_from_db()
    assert calls.count() == 2 and calls.aggregate(cost=Sum("cost"))["cost"] == message.cost == conversation.cost
    # the resumed call was made with the answer as the question's result
    assert json.loads(message.content[1]["content"][0]["content"]) == {"answer": "Per year"}


def test_an_approval_resumes_the_turn_on_a_worker(chat, board, workers, roles):
    conversation, client = chat
    board.script(
        tool_reply([("write_file", {"path": "reports/live.md", "content": "# Live\n"})]),
        text_reply("Written to reports/live.md."),
    )
    workers()
    events = stream(client, conversation, "Write reports/live.md")
    assert [kind for kind, _ in events][-1] == "waiting"
    write = ToolExecution.objects.get(conversation=conversation, name="write_file")
    assert graphql(client, APPROVE, {"id": str(write.id)})["approveAssistantToolExecution"] == {"success": True, "errors": []}
    resumed = follow(client, conversation, events[-1][1]["seq"])
    assert [kind for kind, _ in resumed if kind != "keepalive"][-1] == "done"
    message = Message.objects.get(conversation=conversation, role="assistant")
    assert message.status == "COMPLETE" and message.text == "Written to reports/live.md." and message.model_calls == 2
    assert (bucket_path(roles["workspace"].bucket_name) / "reports" / "live.md").read_text() == "# Live\n"
