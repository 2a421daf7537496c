"""The agent's tool-use loop, against the local Messages API server through the real SDK."""

import json
import threading
from decimal import Decimal

import pytest

from hexa.assistant.data_policy import TOOL_RESULT_MAX_CHARS
from hexa.assistant.history import HISTORY_TOOL_RESULT_MAX_CHARS
from hexa.assistant.local_model import Reply, error_reply, max_tokens_reply, text_block, text_reply, tool_reply, tool_use_block
from hexa.assistant.models import Conversation, Message, ToolExecution
from hexa.assistant.pricing import cost_of
from hexa.assistant.errors import AssistantError
from hexa.assistant.service import send_message

from .support.models import TEST_MODEL, priced, published_prices


def send(conversation, text="How many districts are there?"):
    return send_message(conversation.user, conversation.id, text)


def bodies(model):
    return [r["body"] for r in model.server.requests]


def last_user_blocks(body):
    assert body["messages"][-1]["role"] == "user"
    return body["messages"][-1]["content"]


class TestSimpleTurn:
    def test_text_answer_is_stored_with_usage_and_cost(self, model, conversation):
        model.script(text_reply("There are 16 districts.", usage={"input_tokens": 1000, "output_tokens": 200}))
        result = send(conversation)
        assert result.error_code is None
        message = Message.objects.get(pk=result.message.pk)
        assert (message.status, message.text, message.stop_reason) == ("COMPLETE", "There are 16 districts.", "end_turn")
        assert message.input_tokens == 1000 and message.output_tokens == 200
        assert message.cost == priced({"input_tokens": 1000, "output_tokens": 200}) > 0
        conversation.refresh_from_db()
        assert conversation.cost == message.cost and conversation.output_tokens == 200
        assert conversation.title == "How many districts are there?"
        assert not conversation.is_running
        user_message = Message.objects.get(conversation=conversation, role="user")
        assert (user_message.index, message.index) == (0, 1)

    def test_request_carries_system_tools_and_cache_breakpoints(self, model, conversation):
        model.script(text_reply("Hi"))
        send(conversation, "Hello")
        body = bodies(model)[0]
        assert body["model"] == TEST_MODEL
        assert {t["name"] for t in body["tools"]} == {
            "ask_user", "list_files", "read_file", "write_file", "search_files", "query_database", "describe_tables",
            "create_chart", "query_files",
        }
        assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
        assert body["system"][-1]["cache_control"] == {"type": "ephemeral"}
        assert "Malaria" in body["system"][0]["text"] and "EDITOR" in body["system"][0]["text"]
        assert last_user_blocks(body)[-1]["cache_control"] == {"type": "ephemeral"}
        # cache_control is added per request, never stored
        stored = Message.objects.get(conversation=conversation, role="user").content
        assert "cache_control" not in json.dumps(stored)


class TestToolLoop:
    def test_multi_round_tool_use_runs_tools_and_returns_results(self, model, conversation):
        model.script(
            tool_reply([("describe_tables", {})], text="Let me look at the tables."),
            tool_reply([("query_database", {"query": "SELECT 41 + 1 AS answer"})]),
            text_reply("The answer is 42."),
        )
        result = send(conversation)
        message = result.message
        assert message.status == "COMPLETE" and message.model_calls == 3
        assert message.text == "Let me look at the tables.\n\nThe answer is 42."
        executions = list(ToolExecution.objects.filter(message=message).order_by("created_at"))
        assert [e.name for e in executions] == ["describe_tables", "query_database"]
        assert all(e.success and e.status == "COMPLETED" and e.duration_ms is not None for e in executions)
        assert executions[1].output["rows"] == [[42]]
        third = bodies(model)[2]
        result_block = [b for b in last_user_blocks(third) if b["type"] == "tool_result"][0]
        assert result_block["tool_use_id"] == executions[1].tool_use_id
        assert json.loads(result_block["content"])["rows"] == [[42]]
        assert "is_error" not in result_block

    def test_parallel_tool_calls_go_back_in_one_user_message(self, model, conversation):
        model.script(
            tool_reply([("list_files", {"path": ""}), ("query_database", {"query": "SELECT 1"}), ("read_file", {"path": "missing.txt"})]),
            text_reply("Done."),
        )
        result = send(conversation)
        second = bodies(model)[1]
        results = [b for b in last_user_blocks(second) if b["type"] == "tool_result"]
        assert len(results) == 3
        calls = [b for b in second["messages"][-2]["content"] if b["type"] == "tool_use"]
        assert [r["tool_use_id"] for r in results] == [c["id"] for c in calls]
        assert results[2]["is_error"] is True and json.loads(results[2]["content"])["error"]["code"] == "NOT_FOUND"
        failed = ToolExecution.objects.get(message=result.message, name="read_file")
        assert (failed.success, failed.status) == (False, "FAILED")

    def test_hostile_tool_input_is_an_error_result_not_a_crash(self, model, conversation):
        model.script(
            Reply([tool_use_block("query_database", {"query": 42}), tool_use_block("rm_rf", {"path": "/"})], stop_reason="tool_use"),
            text_reply("Sorry."),
        )
        result = send(conversation)
        assert result.message.status == "COMPLETE"
        codes = [json.loads(b["content"])["error"]["code"] for b in last_user_blocks(bodies(model)[1])]
        assert codes == ["INVALID_INPUT", "UNKNOWN_TOOL"]

    def test_max_tool_rounds(self, model, conversation, settings):
        settings.ASSISTANT_MAX_TOOL_ROUNDS = 3
        model.script(*[tool_reply([("query_database", {"query": "SELECT 1"})]) for _ in range(3)])
        result = send(conversation)
        assert result.error_code == "MAX_TOOL_ROUNDS"
        message = Message.objects.get(pk=result.message.pk)
        assert message.status == "FAILED" and message.model_calls == 3
        assert ToolExecution.objects.filter(message=message).count() == 3
        assert message.output_tokens > 0 and message.cost > 0  # kept and billed
        assert model.responder.remaining == 0


class TestStopReasons:
    def test_cut_off_tool_call_is_not_run(self, model, conversation):
        model.script(
            max_tokens_reply(tool=("write_file", {"path": "notes/a.md", "content": "x" * 400})),
            text_reply("I will write less."),
        )
        result = send(conversation)
        assert result.message.status == "COMPLETE"
        execution = ToolExecution.objects.get(message=result.message)
        assert execution.output["error"]["code"] == "CUT_OFF" and not execution.success
        block = last_user_blocks(bodies(model)[1])[0]
        assert block["is_error"] is True and "output token limit" in block["content"]

    def test_max_tokens_on_text_completes_with_the_stop_reason(self, model, conversation):
        model.script(max_tokens_reply(partial_text="The districts with the most cases are"))
        result = send(conversation)
        assert (result.message.status, result.message.stop_reason) == ("COMPLETE", "max_tokens")
        assert result.message.text == "The districts with the most cases are"

    def test_pause_turn_is_continued(self, model, conversation):
        model.script(Reply([text_block("Working on it…")], stop_reason="pause_turn"), text_reply("Finished."))
        result = send(conversation)
        assert result.message.status == "COMPLETE" and result.message.model_calls == 2
        second = bodies(model)[1]
        assert second["messages"][-1] == {"role": "assistant", "content": [{"type": "text", "text": "Working on it…"}]}

    def test_refusal(self, model, conversation):
        model.script(Reply([], stop_reason="refusal"))
        result = send(conversation)
        assert (result.message.status, result.message.stop_reason) == ("COMPLETE", "refusal")
        assert "declined" in result.message.text


class TestErrors:
    @pytest.mark.parametrize(
        "reply,code",
        [
            (error_reply(401), "AUTHENTICATION_FAILED"),
            (error_reply(403), "AUTHENTICATION_FAILED"),
            (error_reply(429, retry_after=7), "RATE_LIMITED"),
            (error_reply(529), "OVERLOADED"),
            (error_reply(500), "API_ERROR"),
            (error_reply(400, message="prompt is too long: 250000 tokens > 200000 maximum"), "CONTEXT_TOO_LONG"),
        ],
    )
    def test_api_errors_become_typed_codes(self, model, conversation, reply, code):
        model.script(reply)
        result = send(conversation)
        assert result.error_code == code
        message = Message.objects.get(pk=result.message.pk)
        assert message.status == "FAILED" and message.error_code == code and message.error_message
        if code == "RATE_LIMITED":
            assert "7 s" in message.error_message
        assert Message.objects.filter(conversation=conversation, role="user", text="How many districts are there?").exists()
        conversation.refresh_from_db()
        assert not conversation.is_running

    def test_failure_mid_turn_keeps_what_was_done_and_billed(self, model, conversation):
        model.script(tool_reply([("query_database", {"query": "SELECT 1"})], usage={"input_tokens": 500, "output_tokens": 50}), error_reply(529))
        result = send(conversation)
        assert result.error_code == "OVERLOADED"
        message = Message.objects.get(pk=result.message.pk)
        assert message.input_tokens == 500 and message.cost == priced({"input_tokens": 500, "output_tokens": 50}) > 0
        assert ToolExecution.objects.get(message=message).success
        assert [m["role"] for m in message.content] == ["assistant", "user"]
        conversation.refresh_from_db()
        assert conversation.cost == message.cost

    def test_the_next_turn_after_a_failure_has_a_valid_history(self, model, conversation):
        model.script(tool_reply([("query_database", {"query": "SELECT 1"})]), error_reply(500))
        send(conversation)
        model.script(text_reply("Back again."))
        result = send(conversation, "Try again")
        assert result.error_code is None
        messages = bodies(model)[-1]["messages"]
        roles = [m["role"] for m in messages]
        assert all(a != b for a, b in zip(roles, roles[1:]))  # alternating
        assert messages[-1]["content"][0]["type"] == "tool_result"  # results first, then the new text
        assert messages[-1]["content"][-1]["text"] == "Try again"

    def test_no_api_key(self, model, conversation, settings):
        settings.ANTHROPIC_API_KEY = ""
        with pytest.raises(AssistantError) as error:
            send(conversation)
        assert error.value.code == "ASSISTANT_NOT_CONFIGURED"
        assert not Message.objects.exists() and not model.server.requests

    @pytest.mark.parametrize("text,code", [("", "EMPTY_MESSAGE"), ("   \n ", "EMPTY_MESSAGE"), ("x" * 32_001, "MESSAGE_TOO_LONG")])
    def test_bad_messages(self, model, conversation, text, code):
        with pytest.raises(AssistantError) as error:
            send(conversation, text)
        assert error.value.code == code and not Message.objects.exists()


class TestHistory:
    def test_history_replays_tool_blocks_of_earlier_turns(self, model, conversation):
        model.script(tool_reply([("query_database", {"query": "SELECT 7 AS n"})]), text_reply("It is 7."))
        send(conversation, "What is n?")
        model.script(text_reply("Still 7."))
        send(conversation, "And now?")
        messages = bodies(model)[-1]["messages"]
        assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant", "user"]
        assert messages[1]["content"][0]["type"] == "tool_use"
        assert json.loads(messages[2]["content"][0]["content"])["rows"] == [[7]]
        assert messages[3]["content"] == [{"type": "text", "text": "It is 7."}]
        # the newest two user messages carry cache breakpoints
        assert messages[4]["content"][-1]["cache_control"] and messages[2]["content"][-1]["cache_control"]
        assert "cache_control" not in json.dumps(messages[0])

    def test_large_tool_results_are_shortened_in_later_turns(self, model, conversation):
        query = "SELECT repeat('x', 1500) AS big FROM generate_series(1, 20)"
        model.script(tool_reply([("query_database", {"query": query})]), text_reply("Big."))
        send(conversation)
        full = last_user_blocks(bodies(model)[1])[0]["content"]
        assert len(full) > HISTORY_TOOL_RESULT_MAX_CHARS
        model.script(text_reply("OK"))
        send(conversation, "next")
        replayed = bodies(model)[-1]["messages"][2]["content"][0]["content"]
        assert len(replayed) < len(full) and "Shortened in the conversation history" in replayed
        assert len(full) <= TOOL_RESULT_MAX_CHARS + 100


class TestAccessAndConcurrency:
    def test_another_users_conversation_is_not_found(self, model, conversation, roles):
        with pytest.raises(AssistantError) as error:
            send_message(roles["admin"], conversation.id, "hi")
        assert error.value.code == "NOT_FOUND"

    def test_membership_is_checked_on_every_send(self, model, conversation):
        conversation.workspace.memberships.filter(user=conversation.user).delete()
        with pytest.raises(AssistantError) as error:
            send(conversation)
        assert error.value.code == "NOT_FOUND"

    @pytest.mark.django_db(transaction=True)
    def test_concurrent_sends_get_conversation_busy(self, model, conversation):
        model.script(text_reply("slow answer", delay=1.0), text_reply("never used"))
        outcomes = []

        def worker():
            try:
                outcomes.append(send(conversation).message.text)
            except AssistantError as error:
                outcomes.append(error.code)
            finally:
                from django.db import connection

                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        threads[0].start()
        threading.Event().wait(0.3)
        threads[1].start()
        for thread in threads:
            thread.join(10)
        assert sorted(outcomes) == ["CONVERSATION_BUSY", "slow answer"]
        assert Message.objects.filter(conversation=conversation).count() == 2
        assert not Conversation.objects.get(pk=conversation.pk).is_running


class TestPricing:
    def test_cost_arithmetic_is_exact(self):
        usage = {"input_tokens": 1_000_000, "output_tokens": 1_000_000, "cache_creation_input_tokens": 1_000_000, "cache_read_input_tokens": 1_000_000}
        assert cost_of(TEST_MODEL, usage) == sum(published_prices().values())  # a million of each kind
        assert cost_of("claude-sonnet-4-5-20250929", {"input_tokens": 3}) == Decimal("0.000009")
        assert cost_of("claude-haiku-4-5", {"cache_read_input_tokens": 10}) == Decimal("0.000001")
        assert cost_of(TEST_MODEL, usage, free=True) == 0

    def test_unknown_models_are_not_under_billed(self):
        assert cost_of("some-future-model", {"output_tokens": 1_000_000}) == Decimal("75")

    def test_sums_do_not_drift(self):
        one = cost_of(TEST_MODEL, {"input_tokens": 1, "cache_read_input_tokens": 1})
        prices = published_prices()
        assert sum([one] * 1_000_000) == prices["input_tokens"] + prices["cache_read_input_tokens"]
