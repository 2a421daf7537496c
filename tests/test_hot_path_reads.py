"""The reads every send and every turn make, in plain statements (hexa/core/rows.py,
hexa/core/sessions.py): they return what the ORM returned, with the same rules."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hexa.assistant.models import Conversation, Message, MessageRole, MessageStatus
from hexa.assistant.service import _turn_message, get_conversation, start_turn
from hexa.core.rows import CompiledQuery, columns, fetch_instances, table
from hexa.core.sessions import SessionStore
from hexa.workspaces.models import Workspace, WorkspaceMembership

from .support.models import TEST_MODEL


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_rows_build_the_instances_the_orm_builds(roles):
    workspace = roles["workspace"]  # its database passwords are encrypted: read back decrypted
    conversation = Conversation.objects.create(user=roles["editor"], workspace=workspace, model=TEST_MODEL)
    message = Message.objects.create(
        conversation=conversation, index=0, role=MessageRole.USER, text="Combien de districts ?", cost=Decimal("0.00012345"),
        content=[{"role": "user", "content": [{"type": "text", "text": "Combien de districts ?"}]}],
    )

    built_workspace, = fetch_instances(f"SELECT {columns(Workspace, 'w')} FROM {table(Workspace)} w WHERE w.id = %s", [workspace.pk], Workspace)
    built_message, = fetch_instances(f"SELECT {columns(Message, 'm')} FROM {table(Message)} m WHERE m.id = %s", [message.pk], Message)

    assert _fields(built_workspace) == _fields(Workspace.objects.get(pk=workspace.pk))
    assert built_workspace.db_password and not built_workspace._state.adding
    assert _fields(built_message) == _fields(Message.objects.get(pk=message.pk))
    assert built_message.content[0]["content"][0]["text"] == "Combien de districts ?"  # parsed, not JSON text


def test_a_conversation_is_found_for_its_owner_only_while_a_member(roles):
    editor, workspace = roles["editor"], roles["workspace"]
    conversation = Conversation.objects.create(user=editor, workspace=workspace, model=TEST_MODEL)
    roles["admin"].is_superuser = True
    roles["admin"].save()

    found = get_conversation(editor, conversation.pk)
    assert found == conversation
    with CaptureQueriesContext(connection) as queries:
        assert found.workspace.name == workspace.name  # read with it
    assert len(queries) == 0
    for someone in (roles["viewer"], roles["outsider"], roles["admin"], AnonymousUser()):  # a superuser too
        assert get_conversation(someone, conversation.pk) is None
    with pytest.raises(ValidationError):
        get_conversation(editor, "not-a-conversation-id")
    WorkspaceMembership.objects.filter(workspace=workspace, user=editor).delete()
    assert get_conversation(editor, conversation.pk) is None


def test_a_turn_is_read_with_its_conversation_workspace_and_user(roles):
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
    message = Message.objects.create(conversation=conversation, index=1, role=MessageRole.ASSISTANT, status=MessageStatus.RUNNING)

    read = _turn_message(message.pk)

    with CaptureQueriesContext(connection) as queries:
        assert (read, read.conversation, read.conversation.workspace, read.conversation.user) == (
            message, conversation, roles["workspace"], roles["editor"]
        )
    assert len(queries) == 0
    assert _turn_message("7f0c4a8e-0000-4000-8000-000000000000") is None


def test_a_session_is_read_until_it_expires(roles):
    store = SessionStore()
    store["_auth_user_id"] = str(roles["editor"].pk)
    store.create()

    assert SessionStore(store.session_key).load() == {"_auth_user_id": str(roles["editor"].pk)}
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("no-such-session-key-at-all").load() == {}


def test_a_send_in_a_workspace_without_verified_queries_makes_no_search(transactional_db, roles, model):
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)

    with CaptureQueriesContext(connection) as queries:
        start_turn(roles["editor"], conversation.pk, "How many districts report malaria cases?")

    statements = [q["sql"] for q in queries.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert not any("to_tsquery" in sql for sql in statements)
    # the conversation, the budgets, the rate, the claim, the turn's state, the question's
    # words, the two messages, the first event
    assert len(statements) <= 10, "\n".join(sql[:120] for sql in statements)


def test_a_compiled_query_refuses_a_queryset_it_would_read_wrongly(roles):
    mark = uuid.UUID(int=3)
    with pytest.raises(ValueError, match="columns"):  # instances() reads every concrete column in turn
        CompiledQuery(Conversation.objects.only("title").filter(pk=mark), (Conversation,), (mark,))
    with pytest.raises(ValueError, match="mark"):  # a value of each call that would be bound nowhere
        CompiledQuery(Conversation.objects.filter(pk=mark), (Conversation,), (mark, uuid.UUID(int=4)))
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
    compiled = CompiledQuery(Conversation.objects.filter(pk=mark), (Conversation,), (mark,))
    assert compiled.first(conversation.pk) == [conversation]
    assert compiled.first(mark) is None
