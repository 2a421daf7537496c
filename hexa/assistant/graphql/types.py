from ariadne import EnumType, ObjectType
from django.conf import settings
from django.db.models import Exists, OuterRef

from hexa.core.pagination import MAX_PER_PAGE, result_page
from hexa.core.text import is_storable_text
from hexa.user_management.backends import has_member_perm
from hexa.workspaces.models import WorkspaceMembership

from ..errors import ErrorCode, ToolErrorCode
from ..branches import edited_questions
from ..events import last_seq
from ..tools import TOOL_NAMES
from ..models import AWAITING_USER, Conversation, Message, MessageRole, MessageStatus, ToolExecutionStatus
from ..search import page_with_excerpts, search_conversations
from ..start_screen import start_screen
from ..waiting import question_of
from ..workspace_settings import settings_for

MAX_SEARCH_CHARS = 200

conversation_object = ObjectType("AssistantConversation")
message_object = ObjectType("AssistantMessage")
tool_execution_object = ObjectType("AssistantToolExecution")
workspace_object = ObjectType("Workspace")

message_role_enum = EnumType("AssistantMessageRole", {"USER": MessageRole.USER, "ASSISTANT": MessageRole.ASSISTANT})
message_status_enum = EnumType("AssistantMessageStatus", {s.name: s.value for s in MessageStatus})


def _money(obj, _):
    return format(obj.cost.normalize(), "f") if obj.cost else "0"


summary_object = ObjectType("AssistantConversationSummary")
conversation_page_object = ObjectType("AssistantConversationPage")

for _object in (conversation_object, message_object, summary_object):
    _object.set_field("cost", _money)


@conversation_object.field("summaries")
def resolve_conversation_summaries(conversation, _):
    # those over the branch shown (one ending on one of its messages)
    on_path = conversation.messages.filter(on_path=True).values("index")
    return conversation.summaries.filter(through_index__in=on_path).order_by("through_index")


@summary_object.field("lastMessageId")
def resolve_summary_last_message(summary, _):
    return summary.conversation.messages.get(index=summary.through_index).id


@workspace_object.field("assistantStartScreen")
def resolve_start_screen(workspace, info):
    user = info.context["request"].user
    if not has_member_perm(user, "assistant.create_conversation", workspace):
        return None
    return start_screen(user, workspace)


@workspace_object.field("assistantConversations")
def resolve_workspace_conversations(workspace, info, page=None, per_page=None, search=None):
    user = info.context["request"].user
    # filter_for_user's rule (the owner, while a member) and "has a message" (one with no message
    # yet is not listed: nothing to go back to), both as semi-joins: the joins and DISTINCT they
    # replace cost a sort of every conversation of the user on each search
    conversations = (
        Conversation.objects.filter(user=user, workspace=workspace)
        .filter(Exists(WorkspaceMembership.objects.filter(workspace=workspace, user=user)))
        .filter(Exists(Message.objects.filter(conversation=OuterRef("pk"))))
    )
    search = " ".join((search or "").split())[:MAX_SEARCH_CHARS]
    if search and not is_storable_text(search):  # a NUL or a lone surrogate: nothing holds it
        return result_page(conversations.none(), page, per_page)
    if not search:
        return _in_workspace(result_page(conversations.order_by("-updated_at"), page, per_page), workspace)
    found, more = search_conversations(user, workspace, search)
    result = result_page(found, page, per_page)
    result["more_matches"] = more
    # the page's conversations, in the order found, with the passage that matched in each
    result["items"] = page_with_excerpts(user, workspace, result["items"], search)
    return _in_workspace(result, workspace)


def _in_workspace(result, workspace):
    # the page's conversations are all in the workspace already read: given it rather than
    # joining it again for each (and decrypting its database passwords twenty times)
    for conversation in result["items"]:
        conversation.workspace = workspace
    return result


@conversation_page_object.field("moreMatches")
def resolve_more_matches(page, _):
    return page.get("more_matches", False)


@workspace_object.field("sharedAssistantConversations")
def resolve_shared_conversations(workspace, info, page=None, per_page=None):
    user = info.context["request"].user
    shared = (
        Conversation.objects.shared_with(user)
        .filter(workspace=workspace)
        .exclude(user=user)
        .select_related("user")
        .order_by("-shared_at")
    )
    return _in_workspace(result_page(shared, page, per_page), workspace)


@conversation_object.field("shared")
def resolve_shared(conversation, _):
    return conversation.shared_at is not None


@conversation_object.field("isMine")
def resolve_is_mine(conversation, info):
    return conversation.user_id == info.context["request"].user.id


@conversation_object.field("ownerName")
def resolve_owner_name(conversation, _):
    return conversation.user.display_name


@conversation_object.field("searchExcerpt")
def resolve_search_excerpt(conversation, _):
    return getattr(conversation, "search_excerpt", None)


@conversation_object.field("offlineModel")
def resolve_offline_model(conversation, _):
    return settings.ASSISTANT_OFFLINE_MODEL


@conversation_object.field("isRunning")
def resolve_is_running(conversation, _):
    return conversation.is_running


@conversation_object.field("lastEventSeq")
def resolve_last_event_seq(conversation, _):
    return last_seq(conversation.pk)


@conversation_object.field("messages")
def resolve_messages(conversation, _, page=None, per_page=None):
    """Page 1 is the newest messages, so that a chat opens at its end and loads older
    pages on scroll; within a page, messages are oldest first. The conversation's current
    branch only (branches.py)."""
    messages = conversation.messages.filter(on_path=True).prefetch_related("tool_executions")
    result = result_page(messages.order_by("-index"), page, per_page or 20, max_per_page=MAX_PER_PAGE)
    result["items"].reverse()
    return result


@conversation_object.field("editedQuestions")
def resolve_edited_questions(conversation, _):
    # one field for the whole conversation: a field on each message would cost the page a
    # field per message of every page it loads
    return edited_questions(conversation)


def _rows_withheld(conversation) -> bool:
    """The conversation's workspace keeps rows from the model now (read once per conversation
    object: a page of messages shares it)."""
    if not hasattr(conversation, "_rows_withheld"):
        conversation._rows_withheld = not settings_for(conversation.workspace).send_rows_to_model
    return conversation._rows_withheld


@conversation_object.field("lastAnswerHiddenFromModel")
def resolve_last_answer_hidden_from_model(conversation, _):
    # one field for the whole conversation: a flag on each message would cost the page a field
    # per message of every page it loads
    if not _rows_withheld(conversation):
        return None
    answers = conversation.messages.filter(role=MessageRole.ASSISTANT, rows_sent=True, on_path=True)
    return answers.order_by("-created_at").values_list("id", flat=True).first()


@summary_object.field("hiddenFromModel")
def resolve_summary_hidden_from_model(summary, _):
    return summary.rows_sent and _rows_withheld(summary.conversation)


@message_object.field("errorCode")
def resolve_error_code(message, _):
    if not message.error_code:
        return None
    return message.error_code if message.error_code in ErrorCode.__members__ else ErrorCode.INTERNAL_ERROR


@tool_execution_object.field("tool")
def resolve_tool(execution, _):
    return execution.name if execution.name in TOOL_NAMES else None


@tool_execution_object.field("errorCode")
def resolve_tool_error_code(execution, _):
    output = execution.output if isinstance(execution.output, dict) else {}
    error = (output.get("write") if isinstance(output.get("write"), dict) else output).get("error")
    code = error.get("code") if isinstance(error, dict) else None
    if not code:
        return None
    return code if code in ToolErrorCode.__members__ else ToolErrorCode.INTERNAL_ERROR


@message_object.field("errorMessage")
def resolve_error_message(message, _):
    return message.error_message or None


@message_object.field("stopReason")
def resolve_stop_reason(message, _):
    return message.stop_reason or None


@message_object.field("toolExecutions")
def resolve_tool_executions(message, _):
    return message.tool_executions.all()


@message_object.field("parts")
def resolve_parts(message, _):
    if message.role == MessageRole.USER:
        return [{"text": message.text, "tool_execution": None}]
    executions = {e.tool_use_id: e for e in message.tool_executions.all()}
    parts = []
    for api_message in message.content or []:
        if api_message.get("role") != "assistant":
            continue
        for block in api_message.get("content") or []:
            if block.get("type") == "text" and block.get("text", "").strip():
                if parts and parts[-1]["tool_execution"] is None:  # one model call after another
                    parts[-1]["text"] += "\n\n" + block["text"]
                else:
                    parts.append({"text": block["text"], "tool_execution": None})
            elif block.get("type") == "tool_use" and block.get("id") in executions:
                parts.append({"text": None, "tool_execution": executions[block["id"]]})
    return parts


@message_object.field("feedback")
def resolve_message_feedback(message, _):
    return message.feedback or None


@message_object.field("pendingApprovals")
def resolve_message_pending_approvals(message, _):
    return [e for e in message.tool_executions.all() if e.status == ToolExecutionStatus.PENDING_APPROVAL]


@message_object.field("awaiting")
def resolve_message_awaiting(message, _):
    return [e for e in message.tool_executions.all() if e.status in AWAITING_USER]


@message_object.field("waitingExpiresAt")
def resolve_waiting_expires_at(message, _):
    return message.waiting_expires_at if message.status == MessageStatus.WAITING else None


@tool_execution_object.field("question")
def resolve_question(execution, _):
    if execution.name != "ask_user":
        return None
    question = question_of(execution)
    if question is None:
        return None
    output = execution.output if isinstance(execution.output, dict) else {}
    answer = output.get("answer") if execution.status == ToolExecutionStatus.ANSWERED else None
    return {"question": question["question"], "choices": question["choices"], "allow_free_text": question["allow_free_text"], "answer": answer}


@conversation_object.field("pendingApprovals")
def resolve_conversation_pending_approvals(conversation, _):
    return conversation.tool_executions.filter(status=ToolExecutionStatus.PENDING_APPROVAL).order_by("created_at")


@tool_execution_object.field("proposal")
def resolve_proposal(execution, _):
    if not execution.proposal or execution.proposal.get("action") in PIPELINE_ACTIONS:
        return None
    return {
        **execution.proposal,
        "content": execution.input.get("content", ""),
        "rejection_reason": execution.rejection_reason or None,
        "resolved_at": execution.resolved_at,
    }


PIPELINE_ACTIONS = ("RUN", "STOP")


@tool_execution_object.field("pipelineProposal")
def resolve_pipeline_proposal(execution, _):
    proposal = execution.proposal or {}
    if proposal.get("action") not in PIPELINE_ACTIONS:
        return None
    version = proposal.get("version") or {}
    return {
        **proposal,
        "version_id": version.get("id"), "version_name": version.get("name"), "version_number": version.get("number"),
        "rejection_reason": execution.rejection_reason or None,
        "resolved_at": execution.resolved_at,
    }


bindables = [
    conversation_object,
    conversation_page_object,
    message_object,
    summary_object,
    tool_execution_object,
    workspace_object,
    message_role_enum,
    message_status_enum,
]


budget_status_object = ObjectType("AssistantBudgetStatus")
budget_status_object.set_alias("resetsAt", "resets_at")
bindables.append(budget_status_object)
