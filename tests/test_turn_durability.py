"""What a turn keeps and bills when a model call does not end normally, and the history it
leaves for the next call (the agent loop in the test's thread, the real SDK against the
local Messages API server)."""

import json

from hexa.assistant.events import events_after
from hexa.assistant.local_model import Reply, StreamErrorReply, text_block, text_reply, tool_reply, tool_use_block
from hexa.assistant.models import Message, ToolExecution, UsageRecord
from hexa.assistant.service import MAX_RUNS, execute_turn, send_message, start_turn


def send(conversation, text="How many districts?"):
    return send_message(conversation.user, conversation.id, text)


def ledger(message):
    return UsageRecord.objects.filter(message_uuid=message.pk, kind="MODEL_CALL")


def test_a_cut_stream_keeps_the_text_the_user_saw_and_bills_what_was_reported(model, conversation):
    model.script(Reply(content=[text_block("Sixteen districts reported cases in 2024, most of them in the east.")], cut_after=6))
    result = send(conversation)
    message = Message.objects.get(pk=result.message.pk)
    assert (message.status, message.error_code) == ("FAILED", "API_ERROR")
    assert message.text and "Sixteen districts reported cases in 2024, most of them in the east.".startswith(message.text)
    assert message.model_calls == 1 and message.input_tokens > 0 and message.cost > 0
    assert ledger(message).count() == 1 and ledger(message).get().cost == message.cost
    # the next turn's history is valid (the local server checks every request as the API does)
    model.script(text_reply("Yes."))
    assert send(conversation, "Go on").error_code is None


def test_an_overload_mid_answer_keeps_the_partial_text_and_bills_it(model, conversation):
    model.script(StreamErrorReply(before=Reply(content=[text_block("The total is")])))
    result = send(conversation)
    message = Message.objects.get(pk=result.message.pk)
    assert (message.status, message.error_code, message.text) == ("FAILED", "OVERLOADED", "The total is")
    assert ledger(message).count() == 1 and message.input_tokens > 0


def test_malformed_tool_json_is_billed_and_typed(model, conversation):
    block = tool_use_block("query_database", {})
    block["_partial_json"] = '{"query": SELECT 1}'  # not JSON
    model.script(Reply(content=[text_block("Let me query."), block], stop_reason="tool_use"))
    result = send(conversation)
    message = Message.objects.get(pk=result.message.pk)
    assert message.status == "FAILED" and message.error_code == "API_ERROR"
    assert ledger(message).count() == 1 and message.input_tokens > 0
    assert not ToolExecution.objects.filter(message=message).exists()
    model.script(text_reply("Sorry."))
    assert send(conversation, "Again").error_code is None


def test_a_tool_input_that_is_not_an_object_does_not_poison_the_history(model, conversation):
    block = tool_use_block("query_database", {})
    block["_partial_json"] = '["SELECT 1"]'
    model.script(Reply(content=[block], stop_reason="tool_use"), text_reply("Done."))
    result = send(conversation)
    assert result.error_code is None
    execution = ToolExecution.objects.get(message=result.message)
    assert execution.input == {"_raw": "['SELECT 1']"} and execution.output["error"]["code"] == "INVALID_INPUT"
    stored_call = result.message.content[0]["content"][0]
    assert stored_call["type"] == "tool_use" and stored_call["input"] == {}
    # every later request is valid: the local server refuses a non-object tool input with a 400
    model.script(text_reply("Yes."))
    assert send(conversation, "And now?").error_code is None
    assert model.server.requests[-1]["body"]["messages"][1]["content"][0]["input"] == {}


def test_a_huge_tool_input_is_kept_once_and_not_sent_again(model, conversation):
    content = "x" * 2_000_000
    model.script(tool_reply([("write_file", {"path": "notes/big.txt", "content": content})]), text_reply("Proposed."))
    result = send(conversation, "Write a big file")
    assert result.error_code is None
    execution = ToolExecution.objects.get(message=result.message)
    assert execution.input["content"] == content  # kept whole, for the approval
    stored_call = result.message.content[0]["content"][0]
    assert "_omitted" in stored_call["input"] and len(json.dumps(result.message.content)) < 50_000
    tool_call_event = next(data for kind, data in events_after(conversation.id, 0) if kind == "tool_call")
    assert len(json.dumps(tool_call_event)) < 50_000
    second_request = json.dumps(model.server.requests[1]["body"])
    assert len(second_request) < 100_000  # not re-sent to the model


def test_a_turn_whose_workers_died_too_often_ends_interrupted_when_taken_again(model, conversation):
    message = start_turn(conversation.user, conversation.id, "How many districts?")
    Message.objects.filter(pk=message.pk).update(runs=MAX_RUNS)  # as if MAX_RUNS workers had died with it
    assert execute_turn(message.pk) is None
    message.refresh_from_db()
    conversation.refresh_from_db()
    assert (message.status, message.error_code) == ("FAILED", "INTERRUPTED") and not conversation.is_running
    kind, data = events_after(conversation.id, 0)[-1]
    assert kind == "error" and data["code"] == "INTERRUPTED" and data["message_id"] == str(message.pk)
    assert not model.server.requests  # not run a fourth time
