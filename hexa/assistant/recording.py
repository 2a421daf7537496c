"""Storing a turn as it runs: one statement for its two messages, one per model call, and
two per tool call (the row when it starts, with its event; its result when it ends).

A model call's ledger row is written before its request is sent (`open_model_call`, with
the request's estimated input), so that a call the API may bill is in the ledger whatever
happens to the process; `record_model_call` completes it with the usage the API reported.

A model call changes three tables: the assistant message (its content so far and running
totals), the conversation's totals and the usage ledger. They are written by one
statement (data-modifying CTEs), so they never disagree and a turn pays one round trip and
no ORM query compilation per call: with dozens of turns on one server process, every
query is also a hand-over of the interpreter lock between threads. A finished tool call
likewise writes its execution row and its ledger row together.

The SQL is built from the models' own field definitions (columns, defaults, conversions),
so it writes exactly what `save()` would.
"""

import math

from django.db import connection, transaction
from django.db.models import F

from .compaction import DEFAULT_CHARS_PER_TOKEN, ESTIMATE_MARGIN
from .events import EventType
from .models import Conversation, Event, Message, ToolExecution, Usage, UsageKind, UsageRecord
from .pricing import TOKEN_FIELDS, TokenUsage, cost_of

MESSAGE_FIELDS = ("content", "text", "stop_reason", "model", "status")
TOOL_EXECUTION_FIELDS = ("output", "success", "status", "duration_ms", "proposal")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _increments(model, amounts: dict) -> tuple[list[str], list]:
    """`column = column + %s` for each field of `amounts` ({field: amount}), and the amounts:
    added to what is stored, whatever this process read."""
    columns = [connection.ops.quote_name(model._meta.get_field(name).column) for name in amounts]
    return [f"{column} = {column} + %s" for column in columns], list(amounts.values())


def _update(instance, fields, increments=None) -> tuple[str, list]:
    """`UPDATE … SET … WHERE id = …` for `fields` of `instance` (and its auto_now
    `updated_at`, set as save() would), and `increments` ({column: amount}) added to what is
    stored, and its parameters."""
    meta = instance._meta
    assignments, params = [], []
    for name in [*fields, "updated_at"]:
        field = meta.get_field(name)
        assignments.append(f"{connection.ops.quote_name(field.column)} = %s")
        params.append(field.get_db_prep_save(field.pre_save(instance, False), connection))
    added, amounts = _increments(type(instance), increments or {})
    assignments += added
    params += amounts
    pk = meta.pk
    return (
        f"UPDATE {_table(type(instance))} SET {', '.join(assignments)} WHERE {connection.ops.quote_name(pk.column)} = %s",
        params + [pk.get_db_prep_value(instance.pk, connection)],
    )


def _insert(instance) -> tuple[str, list]:
    """`INSERT … VALUES …` of a new `instance` (defaults applied as save() would), and its
    parameters. The instance counts as saved afterwards (a later save() updates it)."""
    meta = instance._meta
    # the database numbers rows, and computes generated columns (a message's search lexemes)
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field and not f.generated]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    instance._state.adding, instance._state.db = False, connection.alias
    return f"INSERT INTO {_table(type(instance))} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", params


def _execute(*statements, final):
    """Run data-modifying `statements` as CTEs ahead of `final`, in one statement; returns
    the first row `final` returns, if any."""
    ctes = ", ".join(f"step_{n} AS ({sql})" for n, (sql, _) in enumerate(statements))
    params = [p for _, statement_params in statements for p in statement_params] + final[1]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} {final[0]}" if statements else final[0], params)
        return cursor.fetchone() if cursor.description else None


def _ledger_row(kind, user, workspace, conversation_id, message_id, **fields) -> UsageRecord:
    return UsageRecord(
        kind=kind, user=user, workspace=workspace, conversation_uuid=conversation_id, message_uuid=message_id, **fields
    )


def create_turn_messages(user_message: Message, message: Message) -> None:
    """Insert a turn's user message and its (running) assistant message."""
    _execute(_insert(user_message), final=_insert(message))


def message_statement(message: Message, *fields) -> tuple[str, list]:
    """The UPDATE of `fields` of a message (and its updated_at)."""
    return _update(message, fields)


def save_message(message: Message, *fields) -> None:
    """Store `fields` of a message (and its updated_at)."""
    _execute(final=message_statement(message, *fields))


def tool_start_statement(execution: ToolExecution) -> tuple[str, list]:
    """The INSERT of a tool call's row, written before it runs (with its `tool_call` event:
    agent.Turn._run_tools): a crash mid-call leaves its trace."""
    return _insert(execution)


def execute_statement(statement: tuple[str, list]) -> None:
    _execute(final=statement)


def tokens_for_chars(chars: int, chars_per_token: float = 0) -> int:
    """Tokens of `chars` characters of text or JSON, estimated on the safe side (at the
    conversation's measured characters per token, as compaction estimates requests)."""
    return math.ceil(chars / (chars_per_token or DEFAULT_CHARS_PER_TOKEN) * ESTIMATE_MARGIN) if chars > 0 else 0


def open_model_call(message: Message, user, workspace, model: str, usage: TokenUsage, after_seq: int) -> UsageRecord:
    """Write a model call's ledger row before its request is sent: `usage` is its estimated
    input, and the row is marked in flight until the call is recorded (record_model_call) or
    closed by the run that resumes the turn after its worker died (close_dead_calls)."""
    row = _ledger_row(
        UsageKind.MODEL_CALL, user, workspace, message.conversation_id, message.id, model=model,
        estimated=True, in_flight_after_seq=after_seq, **usage.as_dict(),
    )
    sql, params = _insert(row)
    row.pk = _execute(final=(sql + " RETURNING id", params))[0]
    return row


def note_call_started(call: UsageRecord, usage: TokenUsage) -> None:
    """The API reported the call's input (`message_start`): the in-flight row gets it, so
    that a worker killed from now on leaves the exact input in the ledger."""
    fields = usage.as_dict()
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f)} = %s" for f in fields)
    _execute(final=(
        f"UPDATE {_table(UsageRecord)} SET {assignments} WHERE id = %s AND in_flight_after_seq IS NOT NULL",
        [*fields.values(), call.pk],
    ))


def drop_model_call(call: UsageRecord) -> None:
    """The API refused the request (an HTTP error): nothing was billed."""
    UsageRecord.objects.filter(pk=call.pk, in_flight_after_seq__isnull=False).delete()


def record_model_call(
    message: Message, user, workspace, usage: TokenUsage, model: str, call: UsageRecord | None = None, estimated=False
):
    """Store the message as it stands after a model call, add `usage` (tokens and cost of
    that call) to its and its conversation's totals, and write the call's ledger row
    (complete the one written before the request, `call`). Returns the conversation's total
    cost afterwards, or None when nothing was written: the call was closed already (by a run
    that took the turn over), or the conversation is gone.

    The message's totals are added to, not set from this process's copy: a run whose lease
    lapsed may still bill its cut call after another run took the turn over and read the
    message, and the later run's copy must not write that call out of the message's cost."""
    fields = usage.as_dict()
    message_update = _update(message, MESSAGE_FIELDS, increments={**fields, "model_calls": 1})
    if call is None:
        ledger = _ledger_row(
            UsageKind.MODEL_CALL, user, workspace, message.conversation_id, message.id, model=model,
            estimated=estimated, **fields,
        )
        statements, written = [message_update, _insert(ledger)], "TRUE"
    else:
        # the in-flight row is completed once: whoever closes it adds the call to the totals
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(f)} = %s" for f in (*fields, "model", "estimated"))
        closed = (
            f"UPDATE {_table(UsageRecord)} SET {assignments}, in_flight_after_seq = NULL "
            "WHERE id = %s AND in_flight_after_seq IS NOT NULL RETURNING id",
            [*fields.values(), model, estimated, call.pk],
        )
        message_sql, message_params = message_update
        statements = [closed, (message_sql + " AND EXISTS (SELECT 1 FROM step_0)", message_params)]
        written = "EXISTS (SELECT 1 FROM step_0)"
    added, amounts = _increments(Conversation, fields)
    conversation = (
        f"UPDATE {_table(Conversation)} SET {', '.join(added)} WHERE id = %s AND {written} RETURNING cost",
        [*amounts, message.conversation_id],
    )
    row = _execute(*statements, final=conversation)
    return row[0] if row else None


def close_dead_calls(message: Message, free: bool = False) -> int:
    """Close the model calls a dead worker left in flight on this turn: each is billed, as
    estimated, with its input (as reported at its start, or as estimated before it was sent)
    and the output it had streamed (its text deltas, stored as events), and added to the
    message's and the conversation's totals. Returns how many were closed."""
    closed = 0
    for call in UsageRecord.objects.filter(message_uuid=message.pk, in_flight_after_seq__isnull=False):
        deltas = Event.objects.filter(
            conversation_id=message.conversation_id, seq__gt=call.in_flight_after_seq, type=EventType.TEXT_DELTA,
            data__message_id=str(message.pk),
        ).values_list("data", flat=True)
        chars = sum(len(data.get("text", "")) for data in deltas)
        ratio = Conversation.objects.filter(pk=message.conversation_id).values_list("chars_per_token", flat=True).first()
        tokens = {f: getattr(call, f) for f in TOKEN_FIELDS}
        tokens["output_tokens"] = max(tokens["output_tokens"], tokens_for_chars(chars, ratio or 0))
        cost = cost_of(call.model, tokens, free=free)
        with transaction.atomic():
            if not UsageRecord.objects.filter(pk=call.pk, in_flight_after_seq__isnull=False).update(
                **tokens, cost=cost, estimated=True, in_flight_after_seq=None
            ):
                continue
            totals = {f: F(f) + value for f, value in (*tokens.items(), ("cost", cost))}
            Message.objects.filter(pk=message.pk).update(**totals, model_calls=F("model_calls") + 1)
            Conversation.objects.filter(pk=message.conversation_id).update(**totals)
        closed += 1
    if closed:
        message.refresh_from_db(fields=[*Usage.USAGE_FIELDS, "model_calls"])
    return closed


def record_tool_call(execution: ToolExecution, user, workspace) -> None:
    """Store a finished tool execution (output, status, duration) and its ledger row."""
    ledger = _ledger_row(
        UsageKind.TOOL_CALL, user, workspace, execution.conversation_id, execution.message_id,
        tool_name=execution.name, success=execution.success is not False, duration_ms=execution.duration_ms,
    )
    _execute(_update(execution, TOOL_EXECUTION_FIELDS), final=_insert(ledger))
