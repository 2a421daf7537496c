"""Verifying, editing and removing queries, each recorded in the workspace's history.
Errors are data (codes); nothing here raises for bad input."""

import json

from django.contrib.postgres.search import SearchVector
from django.db import transaction

from hexa.core.text import is_storable_text

from ..models import Message, MessageRole, ToolExecution
from .models import VerifiedQuery, VerifiedQueryChange

# the tools whose calls can be verified: their input is the whole query
QUERY_TOOLS = ("query_database", "query_files")
MAX_QUESTION_CHARS = 4_000
MAX_QUERY_CHARS = 20_000


def normalised(tool: str, tool_input: dict) -> str:
    """A query as compared with an answer's calls: case, spacing, a final `;` and the row
    limit do not count."""
    if not isinstance(tool_input, dict):
        return ""
    sql = tool_input.get("query") if tool == "query_database" else tool_input.get("sql")
    text = " ".join(str(sql or "").lower().split()).rstrip("; ")
    if tool == "query_files":
        text += " " + json.dumps(tool_input.get("files"), sort_keys=True)
    return f"{tool}: {text}"


def _state(query: VerifiedQuery) -> dict:
    return {"question": query.question, "tool": query.tool, "input": query.tool_input}


def _record(user, query, action, before, after):
    VerifiedQueryChange.objects.create(
        workspace_id=query.workspace_id, verified_query_id=query.pk, user=user, action=action, before=before, after=after
    )


def _index(query):
    VerifiedQuery.objects.filter(pk=query.pk).update(search=SearchVector("question", config="english"))


def question_of(execution: ToolExecution) -> str:
    """The user's question that the answer holding this call answered."""
    message = execution.message
    asked = Message.objects.filter(conversation_id=message.conversation_id, index=message.index - 1, role=MessageRole.USER).first()
    return asked.text if asked is not None else ""


def _question_errors(question) -> list[str]:
    if not isinstance(question, str) or not question.strip() or len(question) > MAX_QUESTION_CHARS or not is_storable_text(question):
        return ["INVALID_QUESTION"]
    return []


def verify(user, execution: ToolExecution, question: str | None = None):
    """(verified query, errors): the call's query saved as verified for the question (its
    answer's question unless given)."""
    if execution.name not in QUERY_TOOLS or not execution.success or not isinstance(execution.input, dict):
        return None, ["NOT_A_QUERY"]
    question = (question if question is not None else question_of(execution)).strip()
    errors = _question_errors(question)
    if errors:
        return None, errors
    tool_input = {k: v for k, v in execution.input.items() if k != "limit"}
    with transaction.atomic():
        query = VerifiedQuery.objects.create(
            workspace=execution.conversation.workspace, question=question, tool=execution.name, tool_input=tool_input,
            normalised=normalised(execution.name, tool_input), verified_by=user,
        )
        _index(query)
        _record(user, query, "VERIFIED", None, _state(query))
    return query, []


def edit(user, query: VerifiedQuery, question: str | None = None, sql: str | None = None) -> list[str]:
    """Change the question and/or the query's SQL; the verifier becomes the editor."""
    if question is not None and _question_errors(question):
        return ["INVALID_QUESTION"]
    if sql is not None and (not isinstance(sql, str) or not sql.strip() or len(sql) > MAX_QUERY_CHARS or not is_storable_text(sql)):
        return ["INVALID_QUERY"]
    with transaction.atomic():
        before = _state(query)
        if question is not None:
            query.question = question.strip()
        if sql is not None:
            query.tool_input = {**query.tool_input, ("query" if query.tool == "query_database" else "sql"): sql.strip()}
        query.normalised, query.verified_by = normalised(query.tool, query.tool_input), user
        query.save()
        _index(query)
        if before != _state(query):
            _record(user, query, "EDITED", before, _state(query))
    return []


def remove(user, query: VerifiedQuery):
    with transaction.atomic():
        _record(user, query, "REMOVED", _state(query), None)
        query.delete()


def reused_by(message: Message) -> list[VerifiedQuery]:
    """The verified queries this answer ran (a call whose query is one of them)."""
    calls = [normalised(e.name, e.input) for e in message.tool_executions.all() if e.name in QUERY_TOOLS and e.success]
    if not calls:
        return []
    return list(
        VerifiedQuery.objects.filter(workspace_id=message.conversation.workspace_id, normalised__in=calls).select_related("verified_by")
    )


def reused_in(conversation) -> list[dict]:
    """{message_id, verified_queries} for each answer of the conversation that ran verified
    queries, in two statements whatever the length of the conversation."""
    calls = {}
    executions = ToolExecution.objects.filter(conversation=conversation, name__in=QUERY_TOOLS, success=True)
    for message_id, name, tool_input in executions.values_list("message_id", "name", "input"):
        calls.setdefault(message_id, set()).add(normalised(name, tool_input))
    if not calls:
        return []
    wanted = set().union(*calls.values())
    found = {}
    for query in VerifiedQuery.objects.filter(workspace_id=conversation.workspace_id, normalised__in=wanted).select_related("verified_by"):
        found.setdefault(query.normalised, []).append(query)
    answers = []
    for message_id, normalised_calls in calls.items():
        queries = [query for call in sorted(normalised_calls) for query in found.get(call, [])]
        if queries:
            answers.append({"message_id": message_id, "verified_queries": queries})
    return answers
