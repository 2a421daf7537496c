"""Sharing a conversation with the workspace's members, read-only.

Its owner shares it and stops sharing it at any time (`shareAssistantConversation`). While
shared, the workspace's current members read it (`assistantConversation(id)`, the "Shared with
the workspace" list); nothing they can do changes it: sending, approving, answering, renaming
and deleting all find conversations through `filter_for_user`, which holds only the owner's.
A member who wants to go on with it continues it as a conversation of their own: a copy of its
finished messages, tool calls and summaries, so that the model is sent the same history
(`continueAssistantConversation`). Downloads of its results stay the owner's.
"""

from django.db import transaction
from django.utils import timezone

from .models import AWAITING_USER, Conversation, ConversationSummary, Message, MessageStatus, ToolExecution, ToolExecutionStatus

FINISHED = (MessageStatus.COMPLETE, MessageStatus.FAILED, MessageStatus.CANCELLED)


def viewable_conversation(user, conversation_id) -> Conversation | None:
    """The user's own conversation, or one shared with them; None otherwise."""
    for queryset in (Conversation.objects.filter_for_user(user), Conversation.objects.shared_with(user)):
        conversation = queryset.select_related("workspace", "user").filter(pk=conversation_id).first()
        if conversation is not None:
            return conversation
    return None


def set_shared(conversation: Conversation, shared: bool) -> Conversation:
    if shared != (conversation.shared_at is not None):
        conversation.shared_at = timezone.now() if shared else None
        conversation.save(update_fields=["shared_at"])
    return conversation


def _copy_usage_free(row, **changes):
    """A copy of a row with a new id and no usage: the tokens were the owner's, counted once."""
    row.pk = None
    row._state.adding = True
    for field in ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"):
        if hasattr(row, field):
            setattr(row, field, 0)
    if hasattr(row, "cost"):
        row.cost = 0
    for name, value in changes.items():
        setattr(row, name, value)
    return row


@transaction.atomic
def continue_conversation(user, shared: Conversation) -> Conversation:
    """A new conversation of `user` holding the shared one's finished messages (up to the first
    unfinished one) on the branch shown, their tool calls (a write or question still open is
    closed as unanswered: it was the owner's to decide) and the summaries over them."""
    messages = []
    for message in shared.messages.filter(on_path=True).order_by("index"):
        if message.status not in FINISHED:
            break
        messages.append(message)
    copy = Conversation.objects.create(
        user=user,
        workspace=shared.workspace,
        title=shared.title,
        model=shared.model,
        context=shared.context,
        stubbed_tool_results=shared.stubbed_tool_results,
        chars_per_token=shared.chars_per_token,
        continued_from=shared,
    )
    executions = list(ToolExecution.objects.filter(message__in=messages).order_by("created_at"))
    copied = {}
    previous = None
    for message in messages:  # one branch: each copy follows the one before it
        old_id = message.pk
        copied[old_id] = previous = _copy_usage_free(
            message, conversation=copy, parent=previous, feedback="", feedback_comment="", feedback_at=None
        )
    Message.objects.bulk_create(copied.values())
    ToolExecution.objects.bulk_create(
        _copy_usage_free(
            execution,
            conversation=copy,
            message=copied[execution.message_id],
            status=ToolExecutionStatus.UNANSWERED if execution.status in AWAITING_USER else execution.status,
        )
        for execution in executions
    )
    ConversationSummary.objects.bulk_create(
        _copy_usage_free(summary, conversation=copy)
        for summary in shared.summaries.filter(through_index__in=[message.index for message in messages])
    )
    return copy
