from decimal import Decimal, InvalidOperation

from ariadne import MutationType
from django.utils import timezone

from hexa.core.graphql_errors import payload
from hexa.core.text import is_storable_text
from hexa.user_management.backends import has_member_perm
from hexa.workspaces.models import Workspace

from .. import answers, approvals
from ..pipeline_waits import stop_waiting
from ..models import Conversation, Message, MessageFeedback, MessageRole, MessageStatus, WorkspaceBudget
from ..errors import AssistantError, ErrorCode
from ..branches import switch_branch
from ..service import get_conversation, send_message, stop_turn
from ..sharing import continue_conversation, set_shared, viewable_conversation
from ..workspace_settings import model_of, settings_for

assistant_mutations = MutationType()

MAX_TITLE_CHARS = 200
MAX_FEEDBACK_COMMENT_CHARS = 2000


def _workspace(user, slug):
    """The workspace if the user may see it (superusers see every one); None for a slug that
    no workspace could have (a NUL character or an unpaired surrogate)."""
    if not is_storable_text(slug):
        return None
    return Workspace.objects.filter_for_user(user).filter(slug=slug).first()


# Conversations and budgets are for members by role: these checks ask the permissions
# backend without Django's superuser shortcut (has_member_perm), so a superuser who is not
# a member of the workspace is refused like anyone else.


@assistant_mutations.field("createAssistantConversation")
def resolve_create_conversation(_, info, input):
    user = info.context["request"].user
    workspace = _workspace(user, input["workspace_slug"])
    if workspace is None:
        return payload(["WORKSPACE_NOT_FOUND"], conversation=None)
    if not has_member_perm(user, "assistant.create_conversation", workspace):
        return payload(["PERMISSION_DENIED"], conversation=None)
    # the workspace's model now; the conversation keeps it even if the workspace changes it
    model = model_of(settings_for(workspace))
    # One empty conversation per user and workspace: asking for a new one again opens it
    # rather than leaving another empty conversation behind.
    conversation = (
        Conversation.objects.filter(user=user, workspace=workspace, messages__isnull=True).order_by("-created_at").first()
    )
    if conversation is None:
        conversation = Conversation.objects.create(user=user, workspace=workspace, model=model)
    elif conversation.model != model:
        conversation.model = model
        conversation.save(update_fields=["model", "updated_at"])
    return payload(conversation=conversation)


@assistant_mutations.field("sendAssistantMessage")
def resolve_send_message(_, info, input):
    user = info.context["request"].user
    try:
        result = send_message(user, input["conversation_id"], input["message"], replaces=input.get("replaces_message_id"))
    except AssistantError as error:
        conversation = get_conversation(user, input["conversation_id"]) if error.code != ErrorCode.NOT_FOUND else None
        return payload(
            [error.code],
            message=None,
            conversation=conversation,
            retry_after=error.details.get("retry_after"),
            budget=error.details.get("budget"),
        )
    conversation = result.message.conversation
    conversation.refresh_from_db()
    # a budget hit between two model calls: the figures the turn stopped on
    _, terminal = result.terminal_event or (None, {})
    return payload(
        [result.error_code] if result.error_code else [],
        budget=terminal.get("budget"),
        message=result.message,
        conversation=conversation,
    )


@assistant_mutations.field("renameAssistantConversation")
def resolve_rename_conversation(_, info, input):
    user = info.context["request"].user
    conversation = get_conversation(user, input["id"])
    if conversation is None or not user.has_perm("assistant.update_conversation", conversation):
        return payload(["NOT_FOUND"], conversation=None)
    title = " ".join(input["title"].split())
    if not title or len(title) > MAX_TITLE_CHARS or not is_storable_text(title):
        return payload(["INVALID_TITLE"], conversation=conversation)
    conversation.title = title
    conversation.save(update_fields=["title", "updated_at"])
    return payload(conversation=conversation)


@assistant_mutations.field("switchAssistantBranch")
def resolve_switch_branch(_, info, input):
    user = info.context["request"].user
    try:
        conversation = switch_branch(user, input["message_id"])
    except AssistantError as error:
        return payload([error.code], conversation=None)
    return payload(conversation=conversation)


@assistant_mutations.field("shareAssistantConversation")
def resolve_share_conversation(_, info, input):
    user = info.context["request"].user
    conversation = get_conversation(user, input["id"])  # its owner's only
    if conversation is None:
        return payload(["NOT_FOUND"], conversation=None)
    return payload(conversation=set_shared(conversation, bool(input["shared"])))


@assistant_mutations.field("continueAssistantConversation")
def resolve_continue_conversation(_, info, input):
    user = info.context["request"].user
    conversation = viewable_conversation(user, input["id"])
    if conversation is None or not has_member_perm(user, "assistant.create_conversation", conversation.workspace):
        return payload(["NOT_FOUND"], conversation=None)
    return payload(conversation=continue_conversation(user, conversation))


@assistant_mutations.field("setAssistantMessageFeedback")
def resolve_set_feedback(_, info, input):
    user = info.context["request"].user
    message = Message.objects.filter_for_user(user).filter(pk=input["message_id"]).first()
    if message is None:
        return payload(["NOT_FOUND"], message=None)
    if message.role != MessageRole.ASSISTANT or message.status in (MessageStatus.PENDING, MessageStatus.RUNNING):
        return payload(["NOT_AN_ANSWER"], message=message)
    comment = (input.get("comment") or "").strip()
    if len(comment) > MAX_FEEDBACK_COMMENT_CHARS or not is_storable_text(comment):
        return payload(["INVALID_COMMENT"], message=message)
    feedback = input.get("feedback")
    message.feedback = MessageFeedback(feedback) if feedback else ""
    message.feedback_comment = comment if feedback else ""
    message.feedback_at = timezone.now() if feedback else None
    message.save(update_fields=["feedback", "feedback_comment", "feedback_at", "updated_at"])
    return payload(message=message)


@assistant_mutations.field("deleteAssistantConversation")
def resolve_delete_conversation(_, info, input):
    user = info.context["request"].user
    conversation = get_conversation(user, input["id"])
    if conversation is None or not user.has_perm("assistant.delete_conversation", conversation):
        return payload(["NOT_FOUND"])
    stop_turn(conversation)  # its model call is cut and billed before the rows go
    conversation.delete()
    return payload()


@assistant_mutations.field("setAssistantWorkspaceBudget")
def resolve_set_workspace_budget(_, info, input):
    user = info.context["request"].user
    workspace = _workspace(user, input["workspace_slug"])
    if workspace is None:
        return payload(["WORKSPACE_NOT_FOUND"], workspace=None)
    if not has_member_perm(user, "assistant.manage_budget", workspace):
        return payload(["PERMISSION_DENIED"], workspace=workspace)
    amount = input.get("monthly_limit_usd")
    if amount is not None:
        try:
            amount = Decimal(amount.strip())
        except (InvalidOperation, AttributeError):
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount > Decimal("1000000000"):
            return payload(["INVALID_AMOUNT"], workspace=workspace)
        amount = amount.quantize(Decimal("0.01"))
    WorkspaceBudget.objects.update_or_create(workspace=workspace, defaults={"monthly_limit_usd": amount})
    return payload(workspace=workspace)


@assistant_mutations.field("cancelAssistantRun")
def resolve_cancel_run(_, info, conversation_id):
    user = info.context["request"].user
    conversation = get_conversation(user, conversation_id)
    if conversation is None or not user.has_perm("assistant.send_message", conversation):
        return payload(["NOT_FOUND"], conversation=None)
    if not conversation.request_cancel() and not stop_waiting(conversation):  # Stop ends a run's wait, not the run
        return payload(["NOT_RUNNING"], conversation=conversation)
    return payload(conversation=conversation)


KNOWN_WRITE_ERRORS = {"FILE_CHANGED", "PERMISSION_DENIED", "INVALID_PATH", "FILE_TOO_LARGE", "NOT_FOUND", "ALREADY_RESOLVED", "CLOSED"}
# A held call settled already, or closed unanswered, has one name inside (waiting.settle); the
# API keeps the codes each mutation has always answered with, here alone.
PUBLIC_CODES = {
    "approval": {"ALREADY_SETTLED": "ALREADY_RESOLVED"},
    "answer": {"ALREADY_SETTLED": "ALREADY_ANSWERED", "CLOSED": "QUESTION_CLOSED"},
}


def _public(kind, error):
    return PUBLIC_CODES[kind].get(error, error)


def _resolution(execution, error):
    error = _public("approval", error)
    if error and error not in KNOWN_WRITE_ERRORS:
        error = "WRITE_FAILED"
    return payload([error] if error else [], tool_execution=execution)


@assistant_mutations.field("approveAssistantToolExecution")
def resolve_approve(_, info, id):
    return _resolution(*approvals.approve(info.context["request"].user, id))


@assistant_mutations.field("rejectAssistantToolExecution")
def resolve_reject(_, info, id, reason=None):
    if reason is not None and not is_storable_text(reason):
        return payload(["INVALID_REASON"], tool_execution=None)
    return _resolution(*approvals.reject(info.context["request"].user, id, reason))


@assistant_mutations.field("answerAssistantQuestion")
def resolve_answer_question(_, info, input):
    execution, error = answers.answer_question(info.context["request"].user, input["tool_execution_id"], input["answer"])
    error = _public("answer", error)
    return payload([error] if error else [], tool_execution=execution if execution and error != "NOT_FOUND" else None)


bindables = [assistant_mutations]
