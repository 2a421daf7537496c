"""What the GraphQL mutations and the streaming views do: checks, then a turn."""

from django.conf import settings
from django.db import transaction

from .agent import Turn, TurnResult
from .events import EventRecorder
from .models import Conversation
from .usage import BudgetExceeded, RateLimited, check_budgets, check_rate_limit

MAX_MESSAGE_CHARS = 32_000


class SendError(Exception):
    def __init__(self, code, **details):
        super().__init__(code)
        self.code = code
        self.details = details


def get_conversation(user, conversation_id) -> Conversation | None:
    """The user's conversation, or None: someone else's is indistinguishable from a missing one."""
    return Conversation.objects.filter_for_user(user).select_related("workspace").filter(pk=conversation_id).first()


def prepare_send(user, conversation_id, text) -> tuple[Conversation, str]:
    """Every check made before a turn starts; raises SendError with a typed code."""
    conversation = get_conversation(user, conversation_id)
    if conversation is None or not user.has_perm("assistant.send_message", conversation):
        raise SendError("NOT_FOUND")
    text = (text or "").strip()
    if not text:
        raise SendError("EMPTY_MESSAGE")
    if len(text) > MAX_MESSAGE_CHARS:
        raise SendError("MESSAGE_TOO_LONG")
    if not settings.ANTHROPIC_API_KEY:
        raise SendError("ASSISTANT_NOT_CONFIGURED")
    try:
        check_budgets(user, conversation.workspace)
        check_rate_limit(user)
    except BudgetExceeded as exceeded:
        raise SendError("BUDGET_EXCEEDED", budget=exceeded.as_dict(), message=exceeded.message) from None
    except RateLimited as limited:
        raise SendError(
            "RATE_LIMITED", retry_after=limited.retry_after, message=f"Too many messages: retry in {limited.retry_after} s."
        ) from None
    return conversation, text


def claim_turn(conversation: Conversation):
    """CONVERSATION_BUSY if a turn already runs in this conversation, in any process."""
    if not conversation.try_start_turn():
        raise SendError("CONVERSATION_BUSY")


def run_claimed_turn(user, conversation: Conversation, text: str, listener=None) -> TurnResult:
    """Run a turn claimed with claim_turn; its events are stored and passed to `listener`."""
    recorder = EventRecorder(conversation, listener)
    terminal = ("error", {"code": "INTERNAL_ERROR", "message": "The assistant failed unexpectedly."})
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


def run_turn(user, conversation: Conversation, text: str, listener=None) -> TurnResult:
    claim_turn(conversation)
    return run_claimed_turn(user, conversation, text, listener)


def send_message(user, conversation_id, text, emit=None) -> TurnResult:
    conversation, text = prepare_send(user, conversation_id, text)
    return run_turn(user, conversation, text, listener=emit)
