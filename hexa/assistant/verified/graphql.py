"""The verified queries' GraphQL API (schema.graphql beside this): members read them,
editors and admins verify, edit and remove them; admins save an answer as an evaluation
question. A call of someone else's conversation is NOT_FOUND."""

import json

from ariadne import MutationType, ObjectType

from hexa.core.graphql_errors import payload
from hexa.user_management.backends import has_member_perm

from ..evaluations.questions import create_question
from ..models import ToolExecution
from . import store
from .models import VerifiedQuery, VerifiedQueryChange

workspace_object = ObjectType("Workspace")
message_object = ObjectType("AssistantMessage")
conversation_object = ObjectType("AssistantConversation")
verified_object = ObjectType("AssistantVerifiedQuery")
verified_mutations = MutationType()

MAX_CHANGES = 200


def _user(info):
    return info.context["request"].user


@workspace_object.field("assistantVerifiedQueries")
def resolve_verified_queries(workspace, info):
    if not has_member_perm(_user(info), "assistant.view_settings", workspace):
        return None
    return VerifiedQuery.objects.filter(workspace=workspace).select_related("verified_by")


@workspace_object.field("assistantVerifiedQueryChanges")
def resolve_changes(workspace, info, limit=50):
    if not has_member_perm(_user(info), "assistant.verify_queries", workspace):
        return []
    return VerifiedQueryChange.objects.filter(workspace=workspace).select_related("user")[: max(0, min(limit or 0, MAX_CHANGES))]


@message_object.field("verifiedQueries")
def resolve_message_verified_queries(message, _):
    return store.reused_by(message)


@conversation_object.field("verifiedAnswers")
def resolve_verified_answers(conversation, _):
    return store.reused_in(conversation)


@verified_object.field("input")
def resolve_input(query, _):
    return query.tool_input


def _own_execution(user, execution_id):
    """A call of one of the user's own answers (filter_for_user), or None."""
    return ToolExecution.objects.filter_for_user(user).select_related("conversation__workspace", "message").filter(pk=execution_id).first()


@verified_mutations.field("verifyAssistantQuery")
def resolve_verify(_, info, input):
    user = _user(info)
    execution = _own_execution(user, input["tool_execution_id"])
    if execution is None:
        return payload(["NOT_FOUND"], verified_query=None)
    if not has_member_perm(user, "assistant.verify_queries", execution.conversation.workspace):
        return payload(["PERMISSION_DENIED"], verified_query=None)
    query, errors = store.verify(user, execution, input.get("question"))
    return payload(errors, verified_query=query)


def _editable(user, query_id):
    query = VerifiedQuery.objects.select_related("workspace").filter(pk=query_id).first()
    if query is None or not has_member_perm(user, "assistant.view_settings", query.workspace):
        return None, "NOT_FOUND"
    if not has_member_perm(user, "assistant.verify_queries", query.workspace):
        return None, "PERMISSION_DENIED"
    return query, None


@verified_mutations.field("updateAssistantVerifiedQuery")
def resolve_update(_, info, input):
    user = _user(info)
    query, refused = _editable(user, input["id"])
    if refused:
        return payload([refused], verified_query=None)
    errors = store.edit(user, query, input.get("question"), input.get("sql"))
    if errors:
        query.refresh_from_db()
    return payload(errors, verified_query=query)


@verified_mutations.field("deleteAssistantVerifiedQuery")
def resolve_delete(_, info, input):
    user = _user(info)
    query, refused = _editable(user, input["id"])
    if refused:
        return payload([refused])
    store.remove(user, query)
    return payload()


@verified_mutations.field("saveAssistantAnswerAsEvaluation")
def resolve_save_as_evaluation(_, info, input):
    user = _user(info)
    execution = _own_execution(user, input["tool_execution_id"])
    if execution is None:
        return payload(["NOT_FOUND"], question=None)
    workspace = execution.conversation.workspace
    if not has_member_perm(user, "assistant.manage_evaluations", workspace):
        return payload(["PERMISSION_DENIED"], question=None)
    if execution.name not in store.QUERY_TOOLS or not execution.success or not isinstance(execution.input, dict):
        return payload(["INVALID_EXPECTED"], question=None, message="Not a query.")
    if execution.name == "query_database":
        kind, expected = "SQL", str(execution.input.get("query", ""))
    else:
        kind, expected = "FILES", json.dumps({k: v for k, v in execution.input.items() if k != "limit"})
    question, errors, message = create_question(user, workspace, store.question_of(execution), kind, expected)
    return payload(errors, question=question, message=message)


bindables = [workspace_object, message_object, conversation_object, verified_object, verified_mutations]
