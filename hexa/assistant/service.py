"""The one way into a turn, for the GraphQL mutation and the streaming view alike:
start_turn (every check, then the claim), then run_claimed_turn."""

from django.conf import settings
from django.db import transaction

from .agent import Turn, TurnResult
from .errors import AssistantError, ErrorCode
from .events import EventRecorder, EventType
from .models import Conversation
from .usage import BudgetExceeded, RateLimited, check_budgets, check_rate_limit

MAX_MESSAGE_CHARS = 32_000


def get_conversation(user, conversation_id) -> Conversation | None:
    """The user's conversation, or None: someone else's is indistinguishable from a missing one."""
    return Conversation.objects.filter_for_user(user).select_related("workspace").filter(pk=conversation_id).first()


def start_turn(user, conversation_id, text) -> tuple[Conversation, str]:
    """Every check made before a turn, then the claim of the conversation; raises
    AssistantError with a typed code. Returns the conversation and the cleaned text."""
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
    if not settings.ANTHROPIC_API_KEY:
        raise AssistantError(ErrorCode.ASSISTANT_NOT_CONFIGURED)
    try:
        check_budgets(user, conversation.workspace)
        check_rate_limit(user)
    except BudgetExceeded as exceeded:
        raise AssistantError(ErrorCode.BUDGET_EXCEEDED, exceeded.message, budget=exceeded.as_dict()) from None
    except RateLimited as limited:
        raise AssistantError(
            ErrorCode.RATE_LIMITED, f"Too many messages: retry in {limited.retry_after} s.", retry_after=limited.retry_after
        ) from None
    if not conversation.try_start_turn():  # a turn already runs here, in any process
        raise AssistantError(ErrorCode.CONVERSATION_BUSY)
    return conversation, text


def run_claimed_turn(user, conversation: Conversation, text: str, listener=None) -> TurnResult:
    """Run a turn started with start_turn; its events are stored and passed to `listener`."""
    recorder = EventRecorder(conversation, listener)
    terminal = (EventType.ERROR, {"code": ErrorCode.INTERNAL_ERROR, "message": "The assistant failed unexpectedly."})
    try:
        result = Turn(conversation, user, text, emit=recorder).run()
        terminal = result.terminal_event
        return result
    finally:
        # The last event and the end of the turn are written together: a page that sees
        # `done` may send its next message at once.
        with transaction.atomic():
            terminal_data = recorder.store(*terminal)
            recorder.flush()
            conversation.end_turn()
        recorder.deliver(terminal[0], terminal_data)


def send_message(user, conversation_id, text, emit=None) -> TurnResult:
    """A whole turn, start to end (the mutation); raises AssistantError if it cannot start."""
    conversation, text = start_turn(user, conversation_id, text)
    return run_claimed_turn(user, conversation, text, listener=emit)
