"""A turn's progress is stored with one statement per model call and per finished tool call."""

from decimal import Decimal
from uuid import uuid4

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Conversation, Message, MessageRole, MessageStatus, ToolExecution, UsageKind, UsageRecord
from hexa.assistant.pricing import TokenUsage
from hexa.assistant.recording import record_model_call, record_tool_call
from hexa.assistant.service import send_message
from hexa.workspaces.models import Workspace

from .support.models import TEST_MODEL

USAGE = TokenUsage(input_tokens=1200, output_tokens=30, cache_creation_input_tokens=4096, cache_read_input_tokens=0, cost=Decimal("0.032"))


@pytest.fixture
def answer(transactional_db, roles):
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
    message = Message.objects.create(conversation=conversation, index=1, role=MessageRole.ASSISTANT, status=MessageStatus.RUNNING)
    return conversation, message


def test_a_model_call_updates_the_message_the_conversation_totals_and_the_ledger(answer, roles):
    conversation, message = answer
    message.content = [{"role": "assistant", "content": [{"type": "text", "text": "Sixteen — «districts»."}]}]
    message.text, message.stop_reason, message.model = "Sixteen — «districts».", "end_turn", TEST_MODEL
    before = message.updated_at

    record_model_call(message, roles["editor"], roles["workspace"], USAGE, TEST_MODEL)
    record_model_call(message, roles["editor"], roles["workspace"], USAGE, TEST_MODEL)

    stored = Message.objects.get(pk=message.pk)
    assert stored.content == message.content and stored.text == "Sixteen — «districts»."
    # the message's totals are the sums of its calls, as the conversation's are
    assert (stored.stop_reason, stored.model_calls, stored.input_tokens, stored.cost) == ("end_turn", 2, 2400, Decimal("0.064"))
    assert stored.updated_at > before
    conversation.refresh_from_db()
    assert (conversation.input_tokens, conversation.cache_creation_input_tokens, conversation.cost) == (2400, 8192, Decimal("0.064"))
    rows = UsageRecord.objects.filter(message_uuid=message.pk)
    assert rows.count() == 2
    row = rows.first()
    assert (row.kind, row.user_id, row.workspace_id, row.conversation_uuid, row.model) == (
        UsageKind.MODEL_CALL, roles["editor"].pk, roles["workspace"].pk, conversation.pk, TEST_MODEL
    )
    assert (row.output_tokens, row.cost, row.tool_name, row.success, row.duration_ms) == (30, Decimal("0.032"), "", None, None)


def test_a_call_billed_by_a_run_that_lost_the_turn_stays_in_the_messages_cost(answer, roles):
    """A run whose lease lapsed bills its cut call after another run took the turn over and
    read the message: the later run's next call must not write that call out of the
    message's totals (they would no longer add up to the ledger's rows)."""
    conversation, message = answer
    taken_over = Message.objects.get(pk=message.pk)  # the run that took the turn over reads it

    record_model_call(message, roles["editor"], roles["workspace"], USAGE, TEST_MODEL, estimated=True)  # the cut call
    record_model_call(taken_over, roles["editor"], roles["workspace"], USAGE, TEST_MODEL)

    stored = Message.objects.get(pk=message.pk)
    billed = sum(UsageRecord.objects.filter(message_uuid=message.pk).values_list("cost", flat=True))
    assert (stored.model_calls, stored.input_tokens, stored.cost) == (2, 2400, billed)
    assert billed == Decimal("0.064")


def test_a_model_call_that_cannot_be_recorded_changes_nothing(answer, roles):
    conversation, message = answer
    message.text, message.cost = "half", Decimal("1")
    gone = Workspace(pk=uuid4(), name="Deleted meanwhile")  # the ledger row's foreign key fails

    with pytest.raises(IntegrityError):
        record_model_call(message, roles["editor"], gone, USAGE, TEST_MODEL)

    assert Message.objects.get(pk=message.pk).text == ""
    conversation.refresh_from_db()
    assert conversation.cost == 0
    assert not UsageRecord.objects.filter(message_uuid=message.pk).exists()


def test_a_finished_tool_call_updates_its_execution_and_the_ledger(answer, roles):
    conversation, message = answer
    execution = ToolExecution.objects.create(conversation=conversation, message=message, tool_use_id="toolu_1", name="query_database", input={"query": "SELECT 1"})
    execution.output, execution.success, execution.status, execution.duration_ms = {"rows": [[1]]}, False, "FAILED", 42

    record_tool_call(execution, roles["editor"], roles["workspace"])

    stored = ToolExecution.objects.get(pk=execution.pk)
    assert (stored.output, stored.success, stored.status, stored.duration_ms) == ({"rows": [[1]]}, False, "FAILED", 42)
    row = UsageRecord.objects.get(message_uuid=message.pk)
    assert (row.kind, row.tool_name, row.success, row.duration_ms, row.cost) == (UsageKind.TOOL_CALL, "query_database", False, 42, 0)


def test_a_tool_using_turn_writes_each_ledger_row_with_what_it_accounts_for(transactional_db, roles, model):
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
    model.script(
        tool_reply([("query_database", {"query": "SELECT 1 AS one"})]),
        tool_reply([("query_database", {"query": "SELECT 2 AS two"})]),
        text_reply("Done."),
    )
    with CaptureQueriesContext(connection) as queries:
        result = send_message(roles["editor"], conversation.id, "Count twice")
    assert result.error_code is None
    ledger_writes = [q["sql"] for q in queries.captured_queries if 'INSERT INTO "assistant_usagerecord"' in q["sql"]]
    # a model call's row is written before its request, then completed with its message and
    # its conversation's totals in one statement; a tool call's row with its execution
    opened = [sql for sql in ledger_writes if not sql.startswith("WITH ")]
    assert len(ledger_writes) == 5 and len(opened) == 3  # three model calls, two tool calls
    completed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('WITH step_0 AS (UPDATE "assistant_usagerecord"')]
    assert len(completed) == 3
    assert all('UPDATE "assistant_conversation" SET "input_tokens"' in sql and 'UPDATE "assistant_message"' in sql for sql in completed)
    # The whole turn, checks included, in a bounded number of round trips (events are
    # written in batches on the side): a regression here costs every running turn. Since
    # turns run on workers, a turn also takes its lease, reads its messages back and the
    # last event number, and the sender reads the result; it reads the workspace's assistant
    # settings and the conversation's latest summary, and a send closes a turn left waiting
    # (transaction brackets not counted); each model call's ledger row is written before its
    # request and given the input reported at its start (two statements per call).
    statements = [q for q in queries.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(statements) <= 58, "\n".join(q["sql"][:120] for q in statements)
