"""Storing a turn as it runs: one statement for its two messages, one per model call, and
two per tool call (the row when it starts, its result when it ends).

A model call changes three tables: the assistant message (its content so far and running
totals), the conversation's totals and the usage ledger. They are written by one
statement (data-modifying CTEs), so they never disagree and a turn pays one round trip and
no ORM query compilation per call: with dozens of turns on one server process, every
query is also a hand-over of the interpreter lock between threads. A finished tool call
likewise writes its execution row and its ledger row together.

The SQL is built from the models' own field definitions (columns, defaults, conversions),
so it writes exactly what `save()` would.
"""

from django.db import connection

from .models import Conversation, Message, ToolExecution, Usage, UsageKind, UsageRecord
from .pricing import TokenUsage

MESSAGE_FIELDS = ("content", "text", "stop_reason", "model", "status", "model_calls", *Usage.USAGE_FIELDS)
TOOL_EXECUTION_FIELDS = ("output", "success", "status", "duration_ms", "proposal")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _update(instance, fields) -> tuple[str, list]:
    """`UPDATE … SET … WHERE id = …` for `fields` of `instance` (and its auto_now
    `updated_at`, set as save() would), and its parameters."""
    meta = instance._meta
    assignments, params = [], []
    for name in [*fields, "updated_at"]:
        field = meta.get_field(name)
        assignments.append(f"{connection.ops.quote_name(field.column)} = %s")
        params.append(field.get_db_prep_save(field.pre_save(instance, False), connection))
    pk = meta.pk
    return (
        f"UPDATE {_table(type(instance))} SET {', '.join(assignments)} WHERE {connection.ops.quote_name(pk.column)} = %s",
        params + [pk.get_db_prep_value(instance.pk, connection)],
    )


def _insert(instance) -> tuple[str, list]:
    """`INSERT … VALUES …` of a new `instance` (defaults applied as save() would), and its
    parameters. The instance counts as saved afterwards (a later save() updates it)."""
    meta = instance._meta
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]  # the database numbers rows
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


def save_message(message: Message, *fields) -> None:
    """Store `fields` of a message (and its updated_at)."""
    _execute(final=_update(message, fields))


def record_tool_start(execution: ToolExecution) -> None:
    """Insert a tool call's row before it runs: a crash mid-call leaves its trace."""
    _execute(final=_insert(execution))


def record_model_call(message: Message, user, workspace, usage: TokenUsage, model: str):
    """Store the message as it stands after a model call, add `usage` (tokens and cost of
    that call) to its conversation's totals, and write the call's ledger row. Returns the
    conversation's total cost afterwards."""
    fields = usage.as_dict()
    increments = ", ".join(f"{q} = {q} + %s" for q in map(connection.ops.quote_name, Usage.USAGE_FIELDS))
    conversation = (
        f"UPDATE {_table(Conversation)} SET {increments} WHERE id = %s RETURNING cost",
        [fields[f] for f in Usage.USAGE_FIELDS] + [message.conversation_id],
    )
    ledger = _ledger_row(
        UsageKind.MODEL_CALL, user, workspace, message.conversation_id, message.id, model=model, **fields
    )
    row = _execute(_update(message, MESSAGE_FIELDS), _insert(ledger), final=conversation)
    return row[0] if row else None


def record_tool_call(execution: ToolExecution, user, workspace) -> None:
    """Store a finished tool execution (output, status, duration) and its ledger row."""
    ledger = _ledger_row(
        UsageKind.TOOL_CALL, user, workspace, execution.conversation_id, execution.message_id,
        tool_name=execution.name, success=execution.success is not False, duration_ms=execution.duration_ms,
    )
    _execute(_update(execution, TOOL_EXECUTION_FIELDS), final=_insert(ledger))
