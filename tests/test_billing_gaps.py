"""Every call the API may bill is in the ledger, with real processes: a web server, worker
processes killed, stopped and handed over, and a fake Messages API that counts what it
served (`LocalModelServer.served`), which each test compares with the ledger.

Where the API reported the call's usage, the ledger holds exactly that; where it could not
(a worker killed, a call cut before its final usage), it holds the server's estimate,
marked `estimated`: the input reported at the call's start or measured before it was sent,
and the output streamed so far (never the single token of `message_start`)."""

import json
import time
from decimal import Decimal

import pytest
from django.db.models import Sum

from hexa.assistant.local_model import Reply, text_block, text_reply, tool_reply, tool_use_block
from hexa.assistant.models import Conversation, Event, Message, MessageRole, MessageStatus, UsageRecord

from .support import live_turns
from .support.live_server import read_events, session_for
from .support.live_turns import wait_until

# kills and stops real worker processes and times how soon turns end: by itself
pytestmark = pytest.mark.alone

WORDS_47 = (
    "The districts with the most confirmed malaria cases last month were in the eastern region, where the "
    "rainy season started early and the facilities reported on time; the western districts reported fewer "
    "cases, partly because three of their facilities did not send a report at all this month."
)


QUESTION = "Which districts had the most cases?"


@pytest.fixture
def chat(chat, api):
    """The shared live chat (tests/support/live_turns.py), with the model server's count of
    what it served cleared for the test."""
    api.clear_requests()
    return chat


def stream_in_background(client, conversation, message=QUESTION):
    return live_turns.stream_in_background(client, conversation, message)


def in_flight(conversation):
    return UsageRecord.objects.filter(conversation_uuid=conversation.pk, in_flight_after_seq__isnull=False).exists()


def deltas(conversation):
    return Event.objects.filter(conversation=conversation, type="text_delta").count()


def graphql(client, query, **variables):
    return client.post("/graphql/", json={"query": query, "variables": variables}).json()


def cancel(client, conversation):
    result = graphql(client, "mutation($id: UUID!) { cancelAssistantRun(conversationId: $id) { success errors } }", id=str(conversation.id))
    assert result["data"]["cancelAssistantRun"] == {"success": True, "errors": []}


def ledger(conversation) -> list[UsageRecord]:
    return list(UsageRecord.objects.filter(conversation_uuid=conversation.pk, kind="MODEL_CALL").order_by("id"))


INPUT_FIELDS = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


def exact(row, served):
    return {f: getattr(row, f) for f in (*INPUT_FIELDS, "output_tokens")} == {f: served[f] for f in (*INPUT_FIELDS, "output_tokens")}


def input_of(item) -> int:
    get = item.get if isinstance(item, dict) else lambda f: getattr(item, f)
    return sum(get(f) for f in INPUT_FIELDS)


def report(fault, rows, served, took=None):
    """One line of the comparison table (pytest -s shows it)."""
    print(
        f"\nLEDGER {fault}" + (f" (ended {took:.1f} s after the fault)" if took is not None else "") + ": "
        + json.dumps({
            "ledger": [[input_of(r), r.output_tokens, "estimated" if r.estimated else "reported"] for r in rows],
            "served": [[input_of(s), s["output_tokens"], "complete" if s["complete"] else "cut"] for s in served],
        })
    )


def assert_cut_before_first_byte(row, served=()):
    """A call cut before its first byte: billed as estimated, on its measured input, with no
    output; if the API answered before the worker read it (`served`), the estimate is on the
    safe side."""
    assert row.estimated and row.output_tokens == 0 and row.input_tokens > 0
    if served:
        assert input_of(row) >= input_of(served[0])


def assert_bill_is_the_ledger(conversation, message=None):
    """The message's and the conversation's totals are the ledger's, and nothing is left in flight."""
    assert not in_flight(conversation)
    billed = UsageRecord.objects.filter(conversation_uuid=conversation.pk, kind="MODEL_CALL").aggregate(cost=Sum("cost"))["cost"]
    if message is not None:
        message.refresh_from_db()
        conversation.refresh_from_db()
        assert billed == message.cost == conversation.cost


def test_a_worker_killed_after_the_response_started_leaves_its_call_in_the_ledger(chat, board, api, workers):
    conversation, client = chat
    board.script(
        tool_reply([("query_database", {"query": "SELECT 16 AS districts"})], text=WORDS_47, chunk_delay=0.2),
        tool_reply([("query_database", {"query": "SELECT 16 AS districts"})]),
        text_reply("There are 16 districts."),
    )
    first = workers()
    reader, events = stream_in_background(client, conversation)
    wait_until(lambda: deltas(conversation) >= 12, what="12 words streamed")
    first.kill()  # after message_start: the API bills this call; its worker never learns how much
    killed_at = time.monotonic()
    workers()
    reader.join(90)
    took = time.monotonic() - killed_at
    assert not reader.is_alive() and events[-1][0] == "done"
    message = Message.objects.get(conversation=conversation, role=MessageRole.ASSISTANT)
    assert message.status == MessageStatus.COMPLETE and message.runs == 2
    rows, served = ledger(conversation), api.served
    report("kill -9 after message_start", rows, served, took)
    assert len(rows) == len(served) == 3
    killed = rows[0]
    # its input as message_start reported it, its output from the words stored before the kill
    assert killed.estimated and input_of(killed) == input_of(served[0])
    assert killed.output_tokens >= 10, killed.output_tokens
    assert not any(r.estimated for r in rows[1:]) and all(exact(r, s) for r, s in zip(rows[1:], served[1:]))
    assert message.model_calls == 3
    assert_bill_is_the_ledger(conversation, message)


def test_stop_before_the_first_byte_bills_the_request_as_estimated(chat, board, api, workers):
    conversation, client = chat
    board.script(text_reply("Never read.", delay=3))
    workers()
    reader, events = stream_in_background(client, conversation)
    wait_until(lambda: in_flight(conversation), what="the call sent")
    stopped_at = time.monotonic()
    cancel(client, conversation)
    reader.join(30)
    assert events[-1][0] == "done" and events[-1][1]["status"] == "CANCELLED"
    rows, served = ledger(conversation), api.served
    report("Stop before the first byte", rows, served, time.monotonic() - stopped_at)
    [row] = rows
    assert_cut_before_first_byte(row, served)
    assert row.cost > 0 and board.requests == 1
    assert_bill_is_the_ledger(conversation, Message.objects.get(conversation=conversation, role=MessageRole.ASSISTANT))


def test_a_hand_over_before_the_first_byte_bills_the_cut_request(chat, board, api, workers):
    conversation, client = chat
    board.script(text_reply("Never read.", delay=6), text_reply("Sixteen."))
    both = workers.several(2)
    reader, events = stream_in_background(client, conversation)
    wait_until(lambda: in_flight(conversation), what="the call sent")
    [first] = [w for w in both if "Starting job" in open(w.log.name).read()]
    first.process.terminate()  # drains 1 s, then hands the turn over
    assert first.process.wait(30) == 0
    reader.join(60)
    assert events[-1][0] == "done"
    message = Message.objects.get(conversation=conversation, role=MessageRole.ASSISTANT)
    assert message.status == MessageStatus.COMPLETE and message.text == "Sixteen."
    rows, served = ledger(conversation), api.served
    report("hand-over before the first byte", rows, served)
    assert len(rows) == 2 and board.requests == 2
    assert_cut_before_first_byte(rows[0])
    assert not rows[1].estimated and exact(rows[1], served[-1])
    assert_bill_is_the_ledger(conversation, message)


def test_delete_before_the_first_byte_keeps_the_cut_request_in_the_ledger(chat, board, api, workers):
    conversation, client = chat
    board.script(text_reply("Never read.", delay=3))
    workers()
    reader, events = stream_in_background(client, conversation)
    wait_until(lambda: in_flight(conversation), what="the call sent")
    deleted = graphql(client, "mutation($id: UUID!) { deleteAssistantConversation(input: {id: $id}) { success errors } }", id=str(conversation.id))
    assert deleted["data"]["deleteAssistantConversation"] == {"success": True, "errors": []}
    reader.join(30)
    assert not Conversation.objects.filter(pk=conversation.pk).exists()
    rows = ledger(conversation)
    report("delete before the first byte", rows, api.served)
    [row] = rows
    assert_cut_before_first_byte(row)
    assert row.in_flight_after_seq is None


def _long_history(conversation, pairs=6, chars=9000):
    """Earlier turns, stored: too long together for a small context, so the next turn
    summarises them first."""
    for n in range(pairs):
        question, answer = f"Question {n}: tell me everything about district {n}.", f"District {n}: " + "facts " * (chars // 6)
        Message.objects.create(conversation=conversation, index=2 * n, role=MessageRole.USER, text=question,
                               content=[{"role": "user", "content": [{"type": "text", "text": question}]}], status=MessageStatus.COMPLETE)
        Message.objects.create(conversation=conversation, index=2 * n + 1, role=MessageRole.ASSISTANT, text=answer,
                               content=[{"role": "assistant", "content": [{"type": "text", "text": answer}]}], status=MessageStatus.COMPLETE)


def test_stop_during_a_compaction_summary_sends_no_other_request(chat, board, api, workers):
    conversation, client = chat
    _long_history(conversation)
    board.script(Reply([text_block("Questions about districts 0 to 4.")], delay=3), text_reply("Never sent."))
    workers(ASSISTANT_CONTEXT_TOKENS=20000)
    reader, events = stream_in_background(client, conversation)
    wait_until(lambda: board.requests == 1, what="the summary requested")
    stopped_at = time.monotonic()
    cancel(client, conversation)
    reader.join(30)
    took = time.monotonic() - stopped_at
    assert events[-1][0] == "done" and events[-1][1]["status"] == "CANCELLED"
    # Stop cuts the summary's HTTP request: the turn ends within a second (0.4 s measured;
    # 17.9 s when the summary ran to its end and the turn's own request followed), the bound
    # generous for a loaded machine
    assert took < 2.5
    time.sleep(0.5)
    assert board.requests == 1  # the turn's own request was not sent after Stop
    rows, served = ledger(conversation), api.served
    report("Stop during a compaction summary", rows, served, took)
    [row] = rows  # the summary call, cut before its first byte: billed on its measured input
    assert_cut_before_first_byte(row, served)
    assert row.cost > 0
    assert_bill_is_the_ledger(conversation, Message.objects.get(conversation=conversation, role=MessageRole.ASSISTANT, index=13))


def test_malformed_tool_json_is_billed_with_its_final_usage(chat, board, api, workers):
    conversation, client = chat
    block = tool_use_block("query_database", {})
    block["_partial_json"] = '{"query": SELECT count(*) FROM districts WHERE region = \'east\'}'  # not JSON
    board.script(Reply(content=[text_block("Let me count the districts of the east."), block], stop_reason="tool_use"))
    workers()
    reader, events = stream_in_background(client, conversation)
    reader.join(30)
    assert events[-1][0] == "error" and events[-1][1]["code"] == "API_ERROR"
    rows, served = ledger(conversation), api.served
    report("malformed tool JSON", rows, served)
    [row] = rows
    assert served[0]["complete"] and served[0]["output_tokens"] > 12
    assert not row.estimated and exact(row, served[0])  # message_delta's usage, not message_start's 1 token
    assert_bill_is_the_ledger(conversation, Message.objects.get(conversation=conversation, role=MessageRole.ASSISTANT))


def test_a_stream_cut_after_47_words_is_billed_for_them(chat, board, api, workers):
    conversation, client = chat
    # message_start, ping, the block's start, then 47 words, then the connection is cut
    board.script(Reply(content=[text_block(WORDS_47)], cut_after=3 + 47))
    workers()
    reader, events = stream_in_background(client, conversation)
    reader.join(30)
    assert events[-1][0] == "error" and events[-1][1]["code"] == "API_ERROR"
    rows, served = ledger(conversation), api.served
    report("stream cut after 47 words", rows, served)
    [row] = rows
    assert not served[0]["complete"]
    assert row.estimated and input_of(row) == input_of(served[0])
    # the words streamed, on the safe side: not the single token message_start reports
    assert served[0]["output_tokens"] <= row.output_tokens <= 2 * served[0]["output_tokens"], (row.output_tokens, served[0])
    usage_event = next(data for kind, data in events if kind == "usage")
    assert usage_event["estimated"] is True and usage_event["output_tokens"] == row.output_tokens
    assert_bill_is_the_ledger(conversation, Message.objects.get(conversation=conversation, role=MessageRole.ASSISTANT))


def test_the_admin_sees_estimated_calls_apart(chat, board, api, workers, web, roles):
    conversation, client = chat
    board.script(Reply(content=[text_block(WORDS_47)], cut_after=20), text_reply("Complete."))
    workers()
    for text in ("First?", "Second?"):
        with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json={"message": text}, timeout=60) as response:
            read_events(response)
    query = """query($slug: String!) { workspace(slug: $slug) { assistantUsage {
        totals { modelCalls cost estimatedModelCalls estimatedCost } } } }"""
    with web.client(session_for(roles["admin"])) as admin:
        totals = graphql(admin, query, slug=roles["workspace"].slug)["data"]["workspace"]["assistantUsage"]["totals"]
    estimated = UsageRecord.objects.get(conversation_uuid=conversation.pk, estimated=True)
    assert totals["modelCalls"] == 2 and totals["estimatedModelCalls"] == 1
    assert Decimal(totals["estimatedCost"]) == estimated.cost > 0
    assert Decimal(totals["cost"]) > Decimal(totals["estimatedCost"])
