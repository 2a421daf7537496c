"""Context management: long conversations keep working within the model's context window.

The local Messages API server is given a small window (it answers 400 "prompt is too long"
beyond it, like the API) and counts tokens as it bills them; the agent goes through the
real SDK. A conversation of many turns, each reading a large file, must never be refused."""

import pytest

from hexa.assistant import compaction
from hexa.assistant.agent import MAX_OUTPUT_TOKENS, Turn
from hexa.assistant.approvals import approve
from hexa.assistant.compaction import SUMMARY_HEADER, ContextManager
from hexa.assistant.history import with_cache_breakpoints
from hexa.assistant.local_model import LocalModelServer, Reply, text_block, text_reply, tool_reply
from hexa.assistant.local_model.demo import summary_of, summary_requested
from hexa.assistant.models import Conversation, ConversationSummary, Message, ToolExecution, UsageKind, UsageRecord
from hexa.assistant.service import send_message
from hexa.files.api import bucket_path

WINDOW = 30_000
LONG = 70  # turns: enough for old results to be stubbed, then summarised
FILE_CHARS = 16_000  # about 4,000 tokens per read, as the local server counts them


class DataTalk:
    """A model that reads a large file for every question, then answers in a sentence;
    asked to summarise, it lists the questions. `write` turns make a write_file call."""

    path = "data/big_{}.txt"

    def __init__(self):
        self.turn = 0

    def __call__(self, body):
        if summary_requested(body):
            return Reply([text_block(summary_of(body))])
        last = body["messages"][-1]
        blocks = last["content"] if isinstance(last["content"], list) else [{"type": "text", "text": last["content"]}]
        if any(b.get("type") == "tool_result" for b in blocks):
            return text_reply(f"Answer {self.turn}: the file has what you need.")
        self.turn += 1
        question = blocks[-1].get("text", "")
        if question.startswith("write"):
            return tool_reply([("write_file", {"path": f"notes/n{self.turn}.md", "content": "note"})])
        return tool_reply([("read_file", {"path": self.path.format(self.turn % 3)})], text="Reading.")


@pytest.fixture
def windowed(settings, conversation):
    root = bucket_path(conversation.workspace.bucket_name)
    (root / "data").mkdir(exist_ok=True)
    for n in range(3):
        line = f"row {n} " + "x" * 70 + "\n"
        (root / "data" / f"big_{n}.txt").write_text(line * (FILE_CHARS // len(line)))
    server = LocalModelServer(DataTalk(), context_window=WINDOW).start()
    settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL = "test-key", server.url
    settings.ASSISTANT_API_MAX_RETRIES, settings.ASSISTANT_OFFLINE_MODEL = 0, False
    settings.ASSISTANT_CONTEXT_TOKENS, settings.ASSISTANT_RATE_LIMIT = WINDOW, ""
    yield server
    server.stop()


def talk(conversation, turns, start=0):
    for n in range(start, start + turns):
        outcome = send_message(conversation.user, conversation.id, f"Question {n}: what is in the big file?")
        assert outcome.error_code is None, (n, outcome.message.error_message)


def message_requests(server):
    return [r["body"] for r in server.requests if r["path"] == "/v1/messages"]


def turn_requests(server):
    return [b for b in message_requests(server) if not summary_requested(b)]


def stubbed(body) -> int:
    return sum(
        1
        for m in body["messages"]
        if isinstance(m["content"], list)
        for b in m["content"]
        if b.get("type") == "tool_result" and "Removed to save context" in str(b.get("content"))
    )


def test_a_long_conversation_never_exceeds_the_window(windowed, conversation):
    talk(conversation, LONG)
    for body in message_requests(windowed):
        assert windowed.billing.count_input_tokens(body) + body["max_tokens"] <= WINDOW
    assert Message.objects.filter(conversation=conversation, status="COMPLETE", role="assistant").count() == LONG
    assert ConversationSummary.objects.filter(conversation=conversation).exists()
    last = turn_requests(windowed)[-1]
    assert last["messages"][0]["content"][0]["text"].startswith(SUMMARY_HEADER)


def test_without_compaction_the_same_conversation_fails(windowed, conversation, monkeypatch):
    """The test above means something: the window is really reached."""
    monkeypatch.setattr(compaction, "ENABLED", False)
    with pytest.raises(AssertionError, match="does not fit|too long"):
        talk(conversation, LONG)
    failed = Message.objects.get(conversation=conversation, status="FAILED")
    assert failed.error_code == "CONTEXT_TOO_LONG"


def test_old_tool_results_are_stubbed_before_anything_is_summarised(windowed, conversation):
    talk(conversation, 8)
    bodies = turn_requests(windowed)
    assert any(stubbed(b) for b in bodies)
    assert not ConversationSummary.objects.exists()
    # the results the model has just asked for are never stubbed
    for body in bodies:
        newest = body["messages"][-1]["content"]
        assert all("Removed to save context" not in str(b.get("content")) for b in newest if b.get("type") == "tool_result")
    # a stub names the tool and says how to get the result back
    stub = next(b for m in bodies[-1]["messages"] if isinstance(m["content"], list) for b in m["content"]
                if b.get("type") == "tool_result" and "Removed to save context" in b["content"])
    assert "read_file" in stub["content"] and "Call the tool again" in stub["content"]


def test_summaries_are_stored_billed_and_reused(windowed, conversation):
    talk(conversation, LONG)
    summaries = list(ConversationSummary.objects.filter(conversation=conversation).order_by("through_index"))
    summary_calls = [b for b in message_requests(windowed) if summary_requested(b)]
    assert len(summaries) == len(summary_calls) >= 1
    # far fewer summaries than turns: once written, a summary is sent as is for several turns
    assert len(summaries) <= 10
    newest = summaries[-1]
    assert newest.input_tokens > 0 and newest.output_tokens > 0 and newest.cost > 0
    assert "Question 0" in newest.text  # a newer summary carries the older ones
    # every call, summaries included, is in the ledger and in the conversation's cost
    conversation.refresh_from_db()
    ledger = UsageRecord.objects.filter(conversation_uuid=conversation.id, kind=UsageKind.MODEL_CALL)
    assert ledger.count() == len(message_requests(windowed))
    assert sum(r.cost for r in ledger) == conversation.cost
    # the requests after a summary start with it, word for word
    sent = [b["messages"][0]["content"][0].get("text", "") for b in turn_requests(windowed)]
    assert all(sent.count(SUMMARY_HEADER + s.text) >= 2 for s in summaries[:-1])


def test_the_prompt_cache_keeps_working_after_compaction(windowed, conversation):
    talk(conversation, LONG)
    first_summary = ConversationSummary.objects.filter(conversation=conversation).order_by("created_at").first()
    later = UsageRecord.objects.filter(
        conversation_uuid=conversation.id, kind=UsageKind.MODEL_CALL, created_at__gt=first_summary.created_at
    ).order_by("created_at")
    reads = [r.cache_read_input_tokens for r in later]
    # most calls after a compaction read a cached prefix: the history holds still between compactions
    assert sum(1 for r in reads if r > 0) >= len(reads) // 2, reads


def test_input_tokens_per_call_stay_bounded(windowed, conversation):
    talk(conversation, LONG)
    sizes = [windowed.billing.count_input_tokens(b) for b in turn_requests(windowed)]
    budget = WINDOW - MAX_OUTPUT_TOKENS
    assert max(sizes) <= budget
    # calls after the first compaction use well under the budget on average
    assert sum(sizes[-20:]) / 20 < budget


def test_token_count_is_checked_with_the_api_near_the_limit(windowed, conversation):
    talk(conversation, 6)
    counts = [r for r in windowed.requests if r["path"] == "/v1/messages/count_tokens"]
    assert counts
    conversation.refresh_from_db()
    # calibrated on the conversation's own calls: the local server counts 4 characters a token
    assert 3.0 < conversation.chars_per_token < 5.0


def test_every_original_message_is_still_shown(windowed, conversation, gql):
    talk(conversation, LONG)
    gql.login(conversation.user)
    query = """query($id: UUID!) { assistantConversation(id: $id) {
        messages(page: 2, perPage: 100) { totalItems items { id text } }
        summaries { text lastMessageId cost } } }"""
    data = gql(query, {"id": str(conversation.id)})["data"]["assistantConversation"]
    assert data["messages"]["totalItems"] == 2 * LONG
    assert any(m["text"] == "Question 0: what is in the big file?" for m in data["messages"]["items"])
    summaries = data["summaries"]
    assert summaries and summaries[-1]["text"] and float(summaries[-1]["cost"]) > 0
    covered = Message.objects.get(pk=summaries[-1]["lastMessageId"])
    assert covered.role == "assistant" and covered.conversation_id == conversation.id


def test_a_resumed_turn_sends_the_same_history(windowed, conversation):
    """What the model is sent is a function of what is stored: a turn run again (by
    another worker, after a crash) rebuilds the very same messages."""
    talk(conversation, 12)
    last_body = turn_requests(windowed)[-1]
    message = Message.objects.filter(conversation=conversation, role="assistant").order_by("-index").first()
    turn = Turn(message)
    turn.prefix = turn._prefix()
    turn.context = ContextManager(turn)
    # the turn's content before its last call: the tool call and its result
    rebuilt = with_cache_breakpoints(turn.context.messages(message.content[:2]))
    assert rebuilt == last_body["messages"]


def test_one_huge_round_is_cut_to_fit(windowed, conversation, settings):
    """Results the model has just asked for are never stubbed; too big, they are shortened."""
    root = bucket_path(conversation.workspace.bucket_name)
    for n in range(3):
        (root / "data" / f"big_{n}.txt").write_text(("y" * 79 + "\n") * 1200)  # 96,000 characters
    talk(conversation, 1)
    body = turn_requests(windowed)[-1]
    result = body["messages"][-1]["content"][0]
    assert "to fit the context" in result["content"]
    assert windowed.billing.count_input_tokens(body) + body["max_tokens"] <= WINDOW


def test_a_write_awaiting_approval_resumes_its_turn_after_compaction(windowed, conversation):
    """Deep in a compacted conversation, a write waits for the user; approving it resumes
    the same turn with a request that still fits, and the conversation goes on."""
    talk(conversation, LONG)
    assert ConversationSummary.objects.filter(conversation=conversation).exists()
    outcome = send_message(conversation.user, conversation.id, "write a note")
    assert outcome.error_code is None and outcome.message.status == "WAITING"
    pending = ToolExecution.objects.get(conversation=conversation, status="PENDING_APPROVAL")
    execution, error = approve(conversation.user, pending.id)
    assert error is None and execution.status == "APPROVED"
    assert (bucket_path(conversation.workspace.bucket_name) / "notes" / f"n{LONG + 1}.md").read_text() == "note"
    resumed = turn_requests(windowed)[-1]
    assert windowed.billing.count_input_tokens(resumed) + resumed["max_tokens"] <= WINDOW
    assert resumed["messages"][0]["content"][0]["text"].startswith(SUMMARY_HEADER)
    assert "was written" in resumed["messages"][-1]["content"][0]["content"]
    assert Message.objects.get(pk=outcome.message.pk).status == "COMPLETE"
    talk(conversation, 2, start=LONG)  # the conversation goes on: its requests stay valid


def test_conversation_model_fields_start_clean(conversation):
    assert (conversation.stubbed_tool_results, conversation.chars_per_token) == (0, 0)
    assert Conversation.objects.get(pk=conversation.pk).summaries.count() == 0



def test_with_the_data_policy_on_neither_history_nor_summaries_carry_rows(windowed, conversation):
    """What compaction sends and summarises is what the data policy lets the model see."""
    from hexa.assistant.models import AssistantSettings

    root = bucket_path(conversation.workspace.bucket_name)
    for n in range(3):  # a CSV with a header row (a header-less one may have its first row read as names)
        text = (root / "data" / f"big_{n}.txt").read_text()
        (root / "data" / f"big_{n}.csv").write_text("line\n" + text)
    DataTalk.path = "data/big_{}.csv"
    try:
        talk(conversation, 3)
    finally:
        DataTalk.path = "data/big_{}.txt"
    AssistantSettings.objects.create(workspace=conversation.workspace, send_rows_to_model=False)
    message = Message.objects.filter(conversation=conversation, role="assistant").order_by("-index").first()
    turn = Turn(message)
    context = ContextManager(turn)
    seen = str(context.contents) + str(context.messages([]))
    assert "row 1 xxxx" not in seen and "row 0 xxxx" not in seen
    # the rows are still stored, and shown on the page
    assert "row 1 xxxx" in str(ToolExecution.objects.filter(conversation=conversation).values_list("output", flat=True))
