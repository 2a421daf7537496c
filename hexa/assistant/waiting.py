"""Turns that wait for the user: a question (ask_user) or writes to approve.

A call whose result is the user's to give is held (AWAITING_ANSWER, PENDING_APPROVAL) and
gets no tool_result. When every call of the model's response is done or held, the turn
pauses: its message goes WAITING, the conversation is freed and the worker moves on, so a
waiting turn holds nothing and survives any restart. Answering, approving or rejecting
stores the call's result (settle); when the last held call of the response is settled, the
same turn is queued again and goes on from its stored history, the user's answers as tool
results (settle returns it to its caller, which runs it itself when turns run inline).

Every change of a waiting turn takes the conversation's row lock first (the pause, each
answer, a new message, the expiry), so two of them never interleave: of two answers to one
question exactly one wins. A wait ends unanswered when the user sends a new message instead
or after ASSISTANT_WAIT_EXPIRY_H hours: its held calls get an UNANSWERED error as their
result, so the history the model sees next stays whole.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .data_policy import tool_result_block
from .errors import AssistantError, ToolErrorCode, error_result, is_error
from .events import EventRecorder, EventType
from .executors.questions import UserQuestions, normalised_question
from .models import AWAITING_USER, Conversation, Message, MessageStatus, ToolExecution, ToolExecutionStatus
from .pipeline_proposals import propose_run, propose_stop
from .proposals import propose_write
from .queue import enqueue_turn, queue_turn
from .tools import TOOLS
from .workspace_settings import settings_for

NEW_MESSAGE = "The user did not answer: they wrote a new message instead (it follows)."


def expired_text() -> str:
    return f"The user did not answer within {settings.ASSISTANT_WAIT_EXPIRY_H:g} hours; the request was closed."


def hold_question(execution: ToolExecution, user, workspace) -> dict:
    """Hold an ask_user call for the user's answer."""
    asked = UserQuestions(user, workspace).ask_user(**execution.input)
    if is_error(asked):
        return asked
    execution.status = ToolExecutionStatus.AWAITING_ANSWER
    return {"status": "awaiting_answer", **asked}


# What a tool may wait for (its `awaits`), and how its call is held: hold(execution, user,
# workspace) sets the held status (one of AWAITING_USER) and returns what the model is told
# meanwhile, or an error (the call is then not held). Whatever settles the call later calls
# settle() (answers.py, approvals.py).
WAITS = {
    "answer": hold_question,
    "approval": propose_write,
    # approved, a run is held again until it ends (AWAITING_RUN): pipeline_waits.py
    "pipeline_run": propose_run,
    "pipeline_stop": propose_stop,
}


def hold(kind: str, execution: ToolExecution, user, workspace) -> dict:
    """Hold a call of a tool that awaits `kind` (the turn waits once every call is done or held)."""
    return WAITS[kind](execution, user, workspace)


def held_view(execution: ToolExecution) -> dict:
    """A held call as the `waiting` event shows it."""
    return {"id": str(execution.id), "tool_use_id": execution.tool_use_id, "name": execution.name, "status": execution.status}


def result_event(execution: ToolExecution) -> tuple[str, dict]:
    return EventType.TOOL_RESULT, {
        "id": str(execution.id), "tool_use_id": execution.tool_use_id, "name": execution.name,
        "success": execution.success, "status": execution.status, "output": execution.output,
    }


def _lock_conversation(conversation_id) -> Conversation | None:
    return Conversation.objects.select_for_update().filter(pk=conversation_id).first()


# -- the pause -------------------------------------------------------------------------


def pause(message: Message, recorder: EventRecorder, release_lease) -> bool:
    """End the running part of a turn whose calls now wait for the user: the message goes
    WAITING and the conversation is freed, with the `waiting` event, together. If the user
    settled every held call already (a quick click), the turn is queued again instead.
    Returns whether it waits."""
    with transaction.atomic():
        conversation = _lock_conversation(message.conversation_id)
        held = list(ToolExecution.objects.filter(message=message, status__in=AWAITING_USER).order_by("created_at"))
        if conversation is None:
            return False
        if not held:
            recorder.flush()
            release_lease()
            enqueue_turn(message.pk)
            return False
        expires = timezone.now() + timedelta(hours=settings.ASSISTANT_WAIT_EXPIRY_H)
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.WAITING, waiting_expires_at=expires, updated_at=timezone.now()
        )
        message.status, message.waiting_expires_at = MessageStatus.WAITING, expires
        recorder(EventType.WAITING, {
            "message_id": str(message.pk), "status": MessageStatus.WAITING, "expires_at": expires.isoformat(),
            "awaiting": [held_view(e) for e in held],
        })
        recorder.flush()
        conversation.end_turn()
        return True


# -- settling a held call ---------------------------------------------------------------


class Refused(Exception):
    """Raised by a `resolve` function: the call stays held; the code is the caller's error."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def settle(user, execution_id, resolve, honour_expiry=True, **kind) -> tuple[ToolExecution | None, str | None, Message | None]:
    """Settle one held call of `user`'s, of the `kind` given as filters (e.g. name="ask_user"):
    `resolve(execution)` sets its status and output, and may return an error code to report
    (the call is settled all the same) or raise Refused (it is not). Resumes the turn when
    it was the last held call of its response: returns its message then, for the caller to
    run it when no worker was given it (service.run_unqueued).

    Errors: NOT_FOUND (unknown, someone else's, or not such a call), ALREADY_SETTLED,
    CLOSED (the wait ended unanswered, or expired now: unless `honour_expiry` is False, for
    what settles a wait that is not the user's, a pipeline run's end)."""
    found = ToolExecution.objects.filter_for_user(user).filter(pk=execution_id, **kind).only("conversation_id").first()
    if found is None:
        return None, "NOT_FOUND", None
    resumed = None
    with transaction.atomic():
        _lock_conversation(found.conversation_id)
        execution = (
            ToolExecution.objects.select_for_update(of=("self",))
            .select_related("message", "conversation__workspace")
            .filter(pk=execution_id)
            .first()
        )
        if execution is None or not user.has_perm("assistant.send_message", execution.conversation):
            return None, "NOT_FOUND", None
        message = execution.message
        if honour_expiry and message.status == MessageStatus.WAITING and message.waiting_expires_at and message.waiting_expires_at <= timezone.now():
            recorder = EventRecorder(message.conversation_id)
            close(message, recorder, expired_text())
            recorder.flush()
            execution.refresh_from_db()
        if execution.status == ToolExecutionStatus.UNANSWERED:
            return execution, "CLOSED", None
        if execution.status not in AWAITING_USER:
            return execution, "ALREADY_SETTLED", None
        try:
            error = resolve(execution)
        except Refused as refused:
            return execution, refused.code, None
        execution.resolved_at = timezone.now()
        # told through the tool result when its turn goes on (see proposals.outcomes_note)
        execution.outcome_reported = message.status in (MessageStatus.WAITING, MessageStatus.RUNNING)
        execution.save()
        if message.status == MessageStatus.WAITING:
            recorder = EventRecorder(message.conversation_id)
            recorder(*result_event(execution))
            if not ToolExecution.objects.filter(message=message, status__in=AWAITING_USER).exists():
                _resume(message, recorder)
                resumed = message
            recorder.flush()
        # a RUNNING message: the turn is about to pause (see pause), and will find this
        # call settled; its worker alone writes the conversation's events meanwhile
    return execution, error, resumed


def _resume(message: Message, recorder: EventRecorder):
    """Queue the waiting turn again (in the caller's transaction): the conversation is the
    turn's again, the message RUNNING, its run count anew (a wait is no crash)."""
    now = timezone.now()
    Conversation.objects.filter(pk=message.conversation_id).update(
        turn_started_at=now, cancel_requested=False, lease_owner=None,
        lease_expires_at=now + timedelta(seconds=settings.ASSISTANT_TURN_LEASE_S),
    )
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.RUNNING, runs=0, waiting_expires_at=None, updated_at=now)
    message.status, message.runs, message.waiting_expires_at = MessageStatus.RUNNING, 0, None
    recorder(EventType.RESUMED, {"message_id": str(message.pk), "text": message.text, "reason": "answered"})
    queue_turn(message)


# -- closing a wait unanswered ------------------------------------------------------------


def close(message: Message, recorder: EventRecorder, why: str):
    """End a waiting turn without the user's answers (conversation locked by the caller):
    held calls get an UNANSWERED error as their result, the tool results are stored after
    the model's last response so that the history stays whole, and the message is COMPLETE."""
    executions = {e.tool_use_id: e for e in ToolExecution.objects.select_for_update().filter(message=message)}
    now = timezone.now()
    for execution in executions.values():
        if execution.status in AWAITING_USER:
            execution.status, execution.success = ToolExecutionStatus.UNANSWERED, False
            execution.output = error_result(ToolErrorCode.UNANSWERED, why)
            execution.resolved_at, execution.outcome_reported = now, True
            execution.save()
            recorder(*result_event(execution))
    content = list(message.content or [])
    if content and content[-1]["role"] == "assistant":
        send_rows = settings_for(message.conversation.workspace).send_rows_to_model
        results = []
        for block in content[-1]["content"]:
            if block.get("type") == "tool_use":
                execution = executions.get(block["id"])
                output = execution.output if execution is not None and execution.output is not None else error_result(ToolErrorCode.UNANSWERED, why)
                results.append(tool_result_block(block["id"], output, TOOLS.get(block.get("name")), block.get("input"), send_rows))
        if results:
            content.append({"role": "user", "content": results})
    Message.objects.filter(pk=message.pk).update(
        content=content, status=MessageStatus.COMPLETE, waiting_expires_at=None, updated_at=now
    )
    message.content, message.status, message.waiting_expires_at = content, MessageStatus.COMPLETE, None
    recorder(EventType.DONE, {"message_id": str(message.pk), "status": MessageStatus.COMPLETE, "unanswered": True})


def close_waiting_turns(conversation: Conversation, recorder: EventRecorder, why: str = NEW_MESSAGE):
    """Close the conversation's waiting turn, if any (a new message is being sent: the
    conversation is locked by its claim)."""
    for message in Message.objects.select_for_update().filter(conversation=conversation, status=MessageStatus.WAITING):
        close(message, recorder, why)


def expire_waiting_turns() -> list[str]:
    """Close every wait past its expiry (the workers' recovery loop); returns the messages."""
    closed = []
    now = timezone.now()
    for message_id, conversation_id in Message.objects.filter(status=MessageStatus.WAITING, waiting_expires_at__lte=now).values_list("pk", "conversation_id"):
        with transaction.atomic():
            _lock_conversation(conversation_id)
            message = Message.objects.select_for_update().filter(pk=message_id, status=MessageStatus.WAITING).first()
            if message is None:
                continue
            recorder = EventRecorder(conversation_id)
            close(message, recorder, expired_text())
            recorder.flush()
            closed.append(str(message_id))
    return closed


def question_of(execution: ToolExecution) -> dict | None:
    """The question an ask_user call shows, or None when its input was refused."""
    try:
        return normalised_question(**execution.input) if isinstance(execution.input, dict) else None
    except (TypeError, AssistantError):
        return None
