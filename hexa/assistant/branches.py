"""Branches of a conversation: a question edited and sent again.

As in Claude.ai and ChatGPT, editing an earlier question and sending it again replaces that
question and everything after it in the conversation, and the earlier branch stays
reachable. Messages form a tree (each has the `parent` it follows on its branch; the
versions of an edited question are siblings), and the conversation shows one branch at a
time, its current path: the messages marked `on_path`, in the order written. The page shows
the path, the model is sent the path (compaction.ContextManager), search looks in the path;
the usage ledger and the conversation's totals keep every billed call of every branch.

Nothing is deleted: switching back to an earlier version brings back its branch as it was,
down to its end: at each later fork, the branch last shown there (`shown_at`).
"""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from .errors import AssistantError, ErrorCode
from .models import Conversation, Message, MessageRole, MessageStatus

NOT_EDITABLE_MESSAGE = "Only a question of the conversation as it is shown can be edited and sent again."
BUSY_MESSAGE = "The assistant is answering, or waits for your answer: stop it or answer it before switching branch."


def question_to_replace(conversation: Conversation, message_id) -> Message:
    """The question of `conversation` an edit replaces: one of its user messages on the
    current path. NOT_FOUND for any other conversation's message (its existence is not
    revealed), NOT_EDITABLE for an answer or a message of another branch."""
    message = Message.objects.filter(conversation=conversation, pk=message_id).first()
    if message is None:
        raise AssistantError(ErrorCode.NOT_FOUND)
    if message.role != MessageRole.USER or not message.on_path:
        raise AssistantError(ErrorCode.NOT_EDITABLE, NOT_EDITABLE_MESSAGE)
    return message


def leave_path_from(conversation: Conversation, message: Message) -> None:
    """`message` and every message after it on the current path leave the path (the new
    version of the question, stored next, takes their place)."""
    conversation.messages.filter(on_path=True, index__gte=message.index).update(on_path=False)
    _path_changed(conversation)


def _path_changed(conversation: Conversation) -> None:
    # the count of stubbed tool results was measured on the old path (compaction.py): the
    # new path's requests are measured again from none
    Conversation.objects.filter(pk=conversation.pk).update(stubbed_tool_results=0)
    conversation.stubbed_tool_results = 0


@transaction.atomic
def switch_branch(user, message_id) -> Conversation:
    """Show the branch that starts at the question `message_id` (a version of an edited
    question): its ancestors, itself, and after it the branch last shown at each fork. Refused
    with CONVERSATION_BUSY while a turn runs or waits for the user: its answer belongs to the
    branch shown (the page offers Stop, Approve, Reject and the answer first)."""
    message = Message.objects.filter_for_user(user).filter(pk=message_id, role=MessageRole.USER).first()
    if message is None:
        raise AssistantError(ErrorCode.NOT_FOUND)
    # the conversation's row locked: a send waits for the switch, then builds on the new path
    conversation = Conversation.objects.select_for_update(of=("self",)).select_related("workspace").get(pk=message.conversation_id)
    if conversation.is_running or conversation.messages.filter(status=MessageStatus.WAITING).exists():
        raise AssistantError(ErrorCode.CONVERSATION_BUSY, BUSY_MESSAGE)
    if not message.on_path:
        show_branch(conversation, message)
    return conversation


def show_branch(conversation: Conversation, message: Message) -> None:
    """Make the branch through `message` the conversation's path: its ancestors, itself, and
    after it, at each fork, the branch last shown there (the newest where none was: messages
    written before `shown_at` was kept)."""
    rows = list(conversation.messages.order_by("index").values_list("pk", "parent_id", "shown_at"))
    parents = {pk: parent for pk, parent, _ in rows}
    children = defaultdict(list)
    for pk, parent, shown_at in rows:
        children[parent].append((shown_at is not None, shown_at, pk))  # in the order written
    path, up = set(), message.parent_id
    while up is not None:
        path.add(up)
        up = parents[up]
    down = message.pk
    while down is not None:
        path.add(down)
        # the last shown (the sort is stable: among equals, the last written)
        down = sorted(children[down], key=lambda child: child[:2])[-1][2] if children[down] else None
    conversation.messages.filter(on_path=True).exclude(pk__in=path).update(on_path=False)
    conversation.messages.filter(pk__in=path).update(on_path=True, shown_at=timezone.now())
    _path_changed(conversation)


def edited_questions(conversation: Conversation) -> list[dict]:
    """The questions of the path that have other versions: [{message_id, versions}], the
    versions (siblings: the same parent) in the order written. One query."""
    siblings, shown = defaultdict(list), {}
    questions = conversation.messages.filter(role=MessageRole.USER).order_by("index")
    for pk, parent, on_path in questions.values_list("pk", "parent_id", "on_path"):
        siblings[parent].append(pk)
        if on_path:
            shown[parent] = pk
    return [
        {"message_id": shown[parent], "versions": versions}
        for parent, versions in siblings.items()
        if len(versions) > 1 and parent in shown
    ]
