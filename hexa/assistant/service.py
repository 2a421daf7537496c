"""The one way into a turn, for the GraphQL mutation and the streaming view alike.

start_turn makes every check, then stores the turn and queues it for a worker; a worker
runs it with execute_turn (tasks.run_turn); the stream follows its stored events, the
mutation waits for its end.
"""

import sys
import time
import uuid
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from hexa.core.db import retry_db
from hexa.core.rows import CompiledQuery, columns, fetch_instances, table
from hexa.core.text import STORABLE_TEXT_MESSAGE, is_storable_text
from hexa.user_management.models import User
from hexa.workspaces.models import Workspace

from . import branches, follow_ups, leases, waiting
from .liveness import live_workers, locks
from .agent import Turn, TurnResult
from .proposals import outcomes_note
from .errors import AssistantError, ErrorCode
from .events import EventRecorder, EventType
from .logs import log_event
from .models import Conversation, Event, Message, MessageRole, MessageStatus, ToolExecution
from .recording import close_dead_calls, create_turn_messages
from .queue import enqueue_turn, queue_turn
from .titles import should_write_title, write_title
from .verified.search import note as verified_queries_note
from .usage import BudgetExceeded, RateLimited, check_budgets, check_rate_limit
from .workspace_settings import conversation_model

MAX_MESSAGE_CHARS = 32_000
PICKUP_POLL_S = 0.02
TURN_NOT_STARTED_MESSAGE = "The assistant is too busy to start right now; nothing was sent. Try again in a moment."
# A turn whose workers died this many times is not resumed again (it may be what kills them).
MAX_RUNS = 3
INTERRUPTED_MESSAGE = (
    "The assistant was interrupted (its server stopped) and could not go on. What was done so far is kept; "
    "send your message again to continue."
)


# Marks where get_conversation's values go in its compiled statement: ids no row has.
_CONVERSATION_MARK, _USER_MARK = uuid.UUID(int=1), uuid.UUID(int=2)


@cache
def _conversation_query(superuser: bool) -> CompiledQuery:
    """Conversation.objects.filter_for_user with its workspace, compiled once per process (for
    a superuser or not, in case the rule ever tells them apart)."""
    someone = User(pk=_USER_MARK, is_superuser=superuser)
    queryset = Conversation.objects.filter_for_user(someone).select_related("workspace").filter(pk=_CONVERSATION_MARK)
    return CompiledQuery(queryset.order_by(), (Conversation, Workspace), (_CONVERSATION_MARK, _USER_MARK))


def get_conversation(user, conversation_id) -> Conversation | None:
    """The user's conversation, or None: someone else's is indistinguishable from a missing one.

    Conversation.objects.filter_for_user (its owner, while a member of its workspace; no
    superuser bypass) with its workspace, in one plain statement: every send and every
    stream asks, and the ORM took several times longer to build this query than to run it,
    so the query it builds is compiled once (CompiledQuery) and only run on each call."""
    conversation_id = Conversation._meta.pk.to_python(conversation_id)  # a malformed id fails as the ORM's did
    if not user.is_authenticated:
        return Conversation.objects.filter_for_user(user).first()  # none(): no statement
    found = _conversation_query(user.is_superuser).first(conversation_id, user.pk)
    if found is None:
        return None
    conversation, workspace = found
    conversation.workspace = workspace
    return conversation


def start_turn(user, conversation_id, text, wait_for_pickup=True, rate_limited=True, replaces=None) -> Message:
    """Every check made before a turn, then the turn stored and queued; raises
    AssistantError with a typed code. Returns the turn's (running) assistant message.
    With `replaces` (a question's id), the message is that question edited: it and what
    followed it leave the conversation's path, kept on their branch (branches.py).
    Without `wait_for_pickup`, the caller sees to the pickup (withdraw_unless_taken).
    Without `rate_limited`, the send is not counted against the user's rate (the questions
    of an evaluation run, which has its own concurrency)."""
    # filter_for_user is the send_message permission (the owner, while a member), in the
    # same query as the conversation; superusers get no way into others' conversations.
    conversation = get_conversation(user, conversation_id)
    if conversation is None:
        raise AssistantError(ErrorCode.NOT_FOUND)
    text = (text or "").strip()
    if not text:
        raise AssistantError(ErrorCode.EMPTY_MESSAGE)
    if len(text) > MAX_MESSAGE_CHARS:
        raise AssistantError(ErrorCode.MESSAGE_TOO_LONG)
    if not is_storable_text(text):
        # a NUL character or a lone surrogate: PostgreSQL would refuse the turn's rows
        raise AssistantError(ErrorCode.INVALID_MESSAGE, STORABLE_TEXT_MESSAGE)
    if replaces is not None:
        branches.question_to_replace(conversation, replaces)  # checked again once the turn is claimed
    if not settings.ANTHROPIC_API_KEY:
        raise AssistantError(ErrorCode.ASSISTANT_NOT_CONFIGURED)
    try:
        check_budgets(user, conversation.workspace)
        if rate_limited:
            check_rate_limit(user)
    except BudgetExceeded as exceeded:
        raise AssistantError(ErrorCode.BUDGET_EXCEEDED, exceeded.message, budget=exceeded.as_dict()) from None
    except RateLimited as limited:
        raise AssistantError(
            ErrorCode.RATE_LIMITED, f"Too many messages: retry in {limited.retry_after} s.", retry_after=limited.retry_after
        ) from None
    return _store_turn(conversation, text, wait_for_pickup, replaces)


def _store_turn(conversation: Conversation, text: str, wait_for_pickup=True, replaces=None) -> Message:
    """Claim the conversation, store the user's message, the turn's running answer and its
    first event, and queue the turn: one transaction, so that a send either is all there
    (and will be answered, whatever happens to the processes) or was refused as a whole."""
    with transaction.atomic():
        title = conversation.title or text.strip().splitlines()[0][:80]
        if not conversation.try_start_turn(pickup_s=settings.ASSISTANT_TURN_LEASE_S, title=title):
            raise AssistantError(ErrorCode.CONVERSATION_BUSY)  # a turn already runs here, in any process
        last, seq, waits, unreported, parent_id = _turn_state(conversation.pk)
        index = -1 if last is None else last
        # a turn waiting for the user's answers ends here, unanswered: the model is told so
        # (also when the edit moves it off the path: its branch shows how it ended)
        recorder = EventRecorder(conversation.pk, seq=seq or 0)
        if waits:
            waiting.close_waiting_turns(conversation, recorder)
        if replaces is not None:  # the new version follows what the edited one followed
            replaced = branches.question_to_replace(conversation, replaces)
            parent_id = replaced.parent_id
            branches.leave_path_from(conversation, replaced)
        blocks = [{"type": "text", "text": text}]
        verified = verified_queries_note(conversation.workspace, text)
        if verified:  # queries the team verified for questions like this one (verified/search.py)
            blocks.insert(0, {"type": "text", "text": verified})
        note = outcomes_note(conversation) if unreported else None
        if note:  # the model learns what became of the writes it proposed
            blocks.insert(0, {"type": "text", "text": note})
        user_message = Message(
            conversation=conversation, index=index + 1, role=MessageRole.USER, parent_id=parent_id,
            content=[{"role": "user", "content": blocks}], text=text, status=MessageStatus.COMPLETE,
        )
        message = Message(
            conversation=conversation, index=index + 2, role=MessageRole.ASSISTANT, status=MessageStatus.RUNNING,
            model=conversation_model(conversation), first_event_seq=recorder.seq + 1, parent=user_message,
        )
        create_turn_messages(user_message, message)
        started = {"message_id": str(user_message.id), "assistant_message_id": str(message.id), "text": text}
        if replaces is not None:
            started["replaces_message_id"] = str(replaces)
        message.first_event = recorder(EventType.USER_MESSAGE, started)
        recorder.flush()
        queue_turn(message, new=True)
    if wait_for_pickup and message.queued:
        _await_pickup(message)
    return message


# A worker seen alive this recently is taken to be alive still (one pg_locks query a second
# per web process at most, not one per send).
WORKERS_SEEN_S = 1.0
_workers_seen_at = -float("inf")


def workers_alive() -> bool:
    """Whether a worker process is alive (it holds its liveness lock: liveness.py). A send
    then need not wait for the pickup: the stream starts at once and the pickup is checked
    after ASSISTANT_PICKUP_WAIT_S (withdraw_unless_taken); with none alive, the send waits
    for it and is refused at once if nobody takes it."""
    global _workers_seen_at
    if time.monotonic() - _workers_seen_at < WORKERS_SEEN_S:
        return True
    if live_workers() > 0:
        _workers_seen_at = time.monotonic()
        return True
    return False


def _turn_state(conversation_id) -> tuple:
    """(last message index, last event seq, whether a turn waits for the user, whether a
    proposed write's outcome is still to be told to the model, the id of the current path's
    last message, which a new question follows), in one statement: a send
    reads them all, and most sends have no waiting turn nor untold outcome, so the queries
    of close_waiting_turns and outcomes_note (whose conditions these mirror) are skipped."""
    messages, events, executions = (connection.ops.quote_name(m._meta.db_table) for m in (Message, Event, ToolExecution))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(index) FROM {messages} WHERE conversation_id = %s), "
            f"(SELECT max(seq) FROM {events} WHERE conversation_id = %s), "
            f"EXISTS (SELECT 1 FROM {messages} WHERE conversation_id = %s AND status = %s), "
            f"EXISTS (SELECT 1 FROM {executions} WHERE conversation_id = %s AND proposal IS NOT NULL AND NOT outcome_reported), "
            f"(SELECT id FROM {messages} WHERE conversation_id = %s AND on_path ORDER BY index DESC LIMIT 1)",
            [conversation_id, conversation_id, conversation_id, MessageStatus.WAITING, conversation_id, conversation_id],
        )
        return cursor.fetchone()


def _await_pickup(message: Message):
    """A send is answered once a worker has taken its turn (within milliseconds, woken by
    the queue's NOTIFY), never left waiting: after ASSISTANT_PICKUP_WAIT_S (every worker
    busy or out of database connections), the turn is withdrawn and the send refused,
    nothing of it stored."""
    deadline = time.monotonic() + settings.ASSISTANT_PICKUP_WAIT_S
    while time.monotonic() < deadline:
        if Message.objects.filter(pk=message.pk, runs__gte=1).exists():
            return
        time.sleep(PICKUP_POLL_S)
    if _withdraw(message):
        raise AssistantError(ErrorCode.TURN_NOT_STARTED, TURN_NOT_STARTED_MESSAGE)


def withdraw_unless_taken(message: Message) -> bool:
    """ASSISTANT_PICKUP_WAIT_S after a send that did not wait for its pickup: the turn is
    withdrawn, nothing of it kept, unless a worker has taken it (True: withdrawn)."""
    return _withdraw(message)


def _withdraw(message: Message) -> bool:
    """Take a turn no worker has taken back out of the queue and out of the conversation;
    False if a worker took it meanwhile."""
    with transaction.atomic():
        if not app.job_manager.cancel_job_by_id(message.job_id, delete_job=True):
            return False  # a worker has it: the send goes on
        started = Event.objects.filter(conversation_id=message.conversation_id, seq=message.first_event_seq).first()
        replaced = started.data.get("replaces_message_id") if started else None
        Event.objects.filter(conversation_id=message.conversation_id, seq__gte=message.first_event_seq).delete()
        Message.objects.filter(conversation_id=message.conversation_id, index__in=[message.index - 1, message.index]).delete()
        if replaced:  # a withdrawn edit: the question it would have replaced is shown again, with its branch
            conversation = Conversation.objects.get(pk=message.conversation_id)
            branches.show_branch(conversation, Message.objects.get(pk=replaced))
        Conversation.objects.filter(pk=message.conversation_id).update(
            turn_started_at=None, lease_owner=None, lease_expires_at=None
        )
    return True


def execute_turn(message_id, should_hand_over=None) -> TurnResult | None:
    """Run a stored turn on this process, or resume it from its last completed step: take
    its lease, run it, end it (its last event and the conversation's release together).
    None when there was nothing to do here, or the turn was handed over or taken."""
    message = _turn_message(message_id)
    if message is None or message.status != MessageStatus.RUNNING:
        return None
    handle = leases.acquire(message, should_hand_over)
    if handle is None:
        return None  # another worker has it
    try:
        if message.runs > 1:  # the dead worker's call in flight is billed from what was stored
            retry_db(close_dead_calls, message, free=settings.ASSISTANT_OFFLINE_MODEL)
        if message.runs > MAX_RUNS:
            interrupt_turn(message)
            return None
        return _run(message, handle, should_hand_over)
    except IntegrityError:
        if Conversation.objects.filter(pk=message.conversation_id).exists():
            raise
        # the conversation was deleted under the turn (its rows with it): nothing to end
        log_event("turn", conversation=message.conversation_id, message=message.pk, status="DELETED")
        return None
    finally:
        locks.release(handle.owner)  # after the lease was cleared (or lost): see liveness.py


def _turn_message(message_id) -> Message | None:
    """The turn's message with its conversation, workspace and user (as select_related
    makes them), in one plain statement: every turn starts with it."""
    found = fetch_instances(
        f"SELECT {columns(Message, 'm')}, {columns(Conversation, 'c')}, {columns(Workspace, 'w')}, {columns(User, 'u')} "
        f"FROM {table(Message)} m JOIN {table(Conversation)} c ON c.id = m.conversation_id "
        f"JOIN {table(Workspace)} w ON w.id = c.workspace_id JOIN {table(User)} u ON u.id = c.user_id WHERE m.id = %s",
        [Message._meta.pk.to_python(message_id)], Message, Conversation, Workspace, User,
    )
    if found is None:
        return None
    message, conversation, workspace, user = found
    conversation.workspace, conversation.user = workspace, user
    message.conversation = conversation
    return message


def _run(message, handle, should_hand_over) -> TurnResult | None:
    conversation = message.conversation
    # a worker's turn (which it may be asked to hand over) has its lease renewed by the monitor;
    # a turn run inline, in the thread that started it, does not
    watched = should_hand_over is not None
    if watched:
        leases.monitor.watch(handle)
    recorder = EventRecorder(conversation.pk)
    started = time.monotonic()
    terminal = (EventType.ERROR, {"message_id": str(message.pk), "code": ErrorCode.INTERNAL_ERROR, "message": "The assistant failed unexpectedly."})
    result = None
    try:
        if message.runs > 1:  # what the page showed of an interrupted call is not kept
            recorder(EventType.RESUMED, {"message_id": str(message.pk), "text": message.text})
            retry_db(recorder.flush)  # the page learns it at once, not after the next step
        result = Turn(message, emit=recorder, handle=handle).run()
        if result is not None and result.waiting:
            waits = retry_db(_pause, message, recorder, handle, recorder.seq, list(recorder.pending))
            log_event("turn", conversation=conversation.pk, message=message.pk, status=MessageStatus.WAITING if waits else MessageStatus.RUNNING,
                      model_calls=message.model_calls, runs=message.runs, cost=str(message.cost),
                      duration_ms=int((time.monotonic() - started) * 1000))
            return result
        if result is None:  # interrupted
            if handle.handed_over.is_set():
                retry_db(leases.release, handle)
                retry_db(enqueue_turn, message.pk)
            return None
        follow_ups.propose(result.message)  # before `done`: the page that refetches then finds them
        terminal = result.terminal_event
        return result
    finally:
        if watched:
            leases.monitor.unwatch(handle)
        crashed = sys.exc_info()[0] is not None
        if (result is not None and not result.waiting) or crashed:
            _end_turn(conversation, recorder, terminal, failed_message=message if crashed else None)
            log_event(
                "turn", conversation=conversation.pk, message=message.pk, status=message.status,
                error_code=message.error_code or None, model_calls=message.model_calls, runs=message.runs,
                cost=str(message.cost), duration_ms=int((time.monotonic() - started) * 1000),
            )
        if result is not None and should_write_title(result.message):
            write_title(result.message)  # the conversation is free already: this delays nobody


def _pause(message, recorder, handle, seq, pending):
    """The turn waits for the user (waiting.pause); retried whole after a database blip,
    from the same events, so that no sequence number is lost."""
    recorder.seq, recorder.pending = seq, list(pending)
    return waiting.pause(message, recorder, lambda: leases.release(handle))


def _end_turn(conversation, recorder, terminal, failed_message=None):
    """The last event and the end of the turn are written together: a page that sees `done`
    may send its next message at once."""
    recorder.store(*terminal)
    pending = list(recorder.pending)

    def write():
        recorder.pending = list(pending)
        if failed_message is None:  # one statement: the event and the end are atomic
            recorder.flush(conversation.end_turn_statement())
            conversation.turn_started_at = None
            return
        with transaction.atomic():
            if failed_message is not None:  # the turn crashed past its own error handling
                Message.objects.filter(pk=failed_message.pk, status=MessageStatus.RUNNING).update(
                    status=MessageStatus.FAILED, error_code=terminal[1]["code"], error_message=terminal[1]["message"]
                )
            recorder.flush()
            conversation.end_turn()

    retry_db(write)


def interrupt_turn(message: Message) -> bool:
    """End a turn that cannot be resumed: FAILED with INTERRUPTED, what was done kept, the
    conversation free. False if it is no longer running."""
    close_dead_calls(message, free=settings.ASSISTANT_OFFLINE_MODEL)
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status=MessageStatus.RUNNING).update(
            status=MessageStatus.FAILED, error_code=ErrorCode.INTERRUPTED, error_message=INTERRUPTED_MESSAGE,
            updated_at=timezone.now(),
        )
        if not updated:
            return False
        recorder = EventRecorder(message.conversation_id)
        recorder(EventType.ERROR, {"message_id": str(message.pk), "code": ErrorCode.INTERRUPTED, "message": INTERRUPTED_MESSAGE})
        recorder.flush()
        Conversation.objects.get(pk=message.conversation_id).end_turn()
    log_event("turn", conversation=message.conversation_id, message=message.pk, status=MessageStatus.FAILED, error_code=ErrorCode.INTERRUPTED)
    return True


def wait_for_turn(message: Message, poll_s: float = 0.1) -> TurnResult:
    """Wait for a queued turn to end (the mutation answers with the whole turn)."""
    while True:
        current = Message.objects.select_related("conversation").filter(pk=message.pk).first()
        if current is None:
            raise AssistantError(ErrorCode.NOT_FOUND)  # the conversation was deleted meanwhile
        if current.status != MessageStatus.RUNNING and not current.conversation.is_running:
            break  # ended, or waiting for the user
        time.sleep(poll_s)
    terminal = (
        Event.objects.filter(
            conversation_id=current.conversation_id, type__in=[EventType.DONE, EventType.ERROR, EventType.WAITING],
            data__message_id=str(current.pk),
        )
        .order_by("-seq")
        .first()
    )
    user_message = Message.objects.get(conversation_id=current.conversation_id, index=current.index - 1)
    return TurnResult(
        user_message,
        current,
        error_code=current.error_code or None,
        terminal_event=(terminal.type, terminal.data) if terminal else None,
    )


def stop_turn(conversation: Conversation, wait_s: float = 5.0):
    """Cancel the conversation's running turn and wait (a little) for it to end: its open
    model call is cut within a second and billed. A turn whose worker is gone does not
    answer; then the wait ends at `wait_s`."""
    if not conversation.request_cancel():
        return
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if not Conversation.objects.filter(pk=conversation.pk, turn_started_at__isnull=False).exists():
            return
        time.sleep(0.1)


def send_message(user, conversation_id, text, replaces=None) -> TurnResult:
    """A whole turn, start to end (the mutation); raises AssistantError if it cannot start."""
    message = start_turn(user, conversation_id, text, replaces=replaces)
    run_unqueued(message)
    return wait_for_turn(message)


def run_unqueued(message: Message | None):
    """Run here, now, a turn just started or resumed that no worker was given (turns run
    inline: queue.queue_turn)."""
    if message is not None and not message.queued:
        execute_turn(message.pk)
