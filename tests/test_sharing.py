"""Sharing a conversation with the workspace's members: read-only for them, members only
(a stranger or a former member gets nothing), its owner stops sharing at any time, and a
member continues it as a conversation of their own."""

import pytest

from hexa.assistant.models import Conversation, Message, MessageStatus, ToolExecution, ToolExecutionStatus
from hexa.workspaces.models import WorkspaceMembership

READ = """query($id: UUID!) { assistantConversation(id: $id) { id title shared isMine ownerName
  messages { items { text } } } }"""
SHARED_LIST = """query($slug: String!) { workspace(slug: $slug) {
  sharedAssistantConversations { totalItems items { id title ownerName } } } }"""
SHARE = """mutation($id: UUID!, $shared: Boolean!) { shareAssistantConversation(input: {id: $id, shared: $shared}) {
  success errors conversation { id shared } } }"""
CONTINUE = """mutation($id: UUID!) { continueAssistantConversation(input: {id: $id}) {
  success errors conversation { id isMine title messages { items { text } } } } }"""


@pytest.fixture
def shared(roles):
    """The editor's conversation: a question, an answer with a write awaiting approval and a question
    awaiting an answer, then a turn still running."""
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], title="Stock-outs", model="m")
    Message.objects.create(conversation=conversation, index=0, role="user", text="Which facilities ran out?", status=MessageStatus.COMPLETE)
    answer = Message.objects.create(
        conversation=conversation, index=1, role="assistant", text="Three facilities.", status=MessageStatus.COMPLETE,
        input_tokens=100, cost="0.01",
    )
    for status, name in ((ToolExecutionStatus.PENDING_APPROVAL, "write_file"), (ToolExecutionStatus.AWAITING_ANSWER, "ask_user")):
        ToolExecution.objects.create(conversation=conversation, message=answer, tool_use_id=f"toolu_{name}", name=name, status=status)
    Message.objects.create(conversation=conversation, index=2, role="user", text="And last year?", status=MessageStatus.RUNNING)
    return conversation


def _share(gql, conversation, shared=True):
    return gql(SHARE, {"id": str(conversation.id), "shared": shared})["data"]["shareAssistantConversation"]


def test_a_shared_conversation_is_read_by_the_workspace_members_only(gql, roles, shared):
    gql.login(roles["viewer"])
    assert gql(READ, {"id": str(shared.id)})["data"]["assistantConversation"] is None  # not shared yet
    gql.login(roles["editor"])
    assert _share(gql, shared) == {"success": True, "errors": [], "conversation": {"id": str(shared.id), "shared": True}}
    # not in the owner's own "shared with the workspace" list: it is in their own
    assert gql(SHARED_LIST, {"slug": roles["workspace"].slug})["data"]["workspace"]["sharedAssistantConversations"]["totalItems"] == 0

    gql.login(roles["viewer"])
    read = gql(READ, {"id": str(shared.id)})["data"]["assistantConversation"]
    assert read["title"] == "Stock-outs" and read["shared"] is True and read["isMine"] is False
    assert read["ownerName"] == roles["editor"].display_name
    assert [m["text"] for m in read["messages"]["items"]][:2] == ["Which facilities ran out?", "Three facilities."]
    listed = gql(SHARED_LIST, {"slug": roles["workspace"].slug})["data"]["workspace"]["sharedAssistantConversations"]
    assert [item["id"] for item in listed["items"]] == [str(shared.id)]

    gql.login(roles["outsider"])  # a stranger
    assert gql(READ, {"id": str(shared.id)})["data"]["assistantConversation"] is None
    assert gql(SHARED_LIST, {"slug": roles["workspace"].slug})["data"]["workspace"] is None
    assert gql(CONTINUE, {"id": str(shared.id)})["data"]["continueAssistantConversation"]["errors"] == ["NOT_FOUND"]

    WorkspaceMembership.objects.filter(user=roles["viewer"], workspace=roles["workspace"]).delete()
    gql.login(roles["viewer"])  # a former member
    assert gql(READ, {"id": str(shared.id)})["data"]["assistantConversation"] is None
    assert gql(CONTINUE, {"id": str(shared.id)})["data"]["continueAssistantConversation"]["errors"] == ["NOT_FOUND"]


def test_members_cannot_change_a_shared_conversation(gql, roles, shared):
    gql.login(roles["editor"])
    _share(gql, shared)
    gql.login(roles["admin"])  # even the workspace's admin
    sent = gql(
        """mutation($id: UUID!) { sendAssistantMessage(input: {conversationId: $id, message: "hi"}) { success errors } }""",
        {"id": str(shared.id)},
    )["data"]["sendAssistantMessage"]
    assert sent == {"success": False, "errors": ["NOT_FOUND"]}
    write, question = (ToolExecution.objects.get(conversation=shared, name=name) for name in ("write_file", "ask_user"))
    approved = gql("mutation($id: UUID!) { approveAssistantToolExecution(id: $id) { success errors } }", {"id": str(write.id)})
    rejected = gql("mutation($id: UUID!) { rejectAssistantToolExecution(id: $id) { success errors } }", {"id": str(write.id)})
    answered = gql(
        """mutation($id: UUID!) { answerAssistantQuestion(input: {toolExecutionId: $id, answer: "yes"}) { success errors } }""",
        {"id": str(question.id)},
    )
    for result in (approved["data"]["approveAssistantToolExecution"], rejected["data"]["rejectAssistantToolExecution"],
                   answered["data"]["answerAssistantQuestion"]):
        assert result["success"] is False and "NOT_FOUND" in result["errors"], result
    renamed = gql("""mutation($id: UUID!) { renameAssistantConversation(input: {id: $id, title: "Mine"}) { errors } }""",
                  {"id": str(shared.id)})
    deleted = gql("""mutation($id: UUID!) { deleteAssistantConversation(input: {id: $id}) { errors } }""", {"id": str(shared.id)})
    assert renamed["data"]["renameAssistantConversation"]["errors"] == ["NOT_FOUND"]
    assert deleted["data"]["deleteAssistantConversation"]["errors"] == ["NOT_FOUND"]
    assert _share(gql, shared, False) == {"success": False, "errors": ["NOT_FOUND"], "conversation": None}
    # nothing changed
    shared.refresh_from_db()
    assert shared.title == "Stock-outs" and shared.shared_at is not None and shared.messages.count() == 3
    assert sorted(ToolExecution.objects.filter(conversation=shared).values_list("status", flat=True)) == [
        ToolExecutionStatus.AWAITING_ANSWER, ToolExecutionStatus.PENDING_APPROVAL,
    ]


def test_the_owner_stops_sharing_at_any_time(gql, roles, shared):
    gql.login(roles["editor"])
    _share(gql, shared)
    assert _share(gql, shared, False)["conversation"] == {"id": str(shared.id), "shared": False}
    gql.login(roles["viewer"])
    assert gql(READ, {"id": str(shared.id)})["data"]["assistantConversation"] is None
    assert gql(SHARED_LIST, {"slug": roles["workspace"].slug})["data"]["workspace"]["sharedAssistantConversations"]["items"] == []
    assert gql(CONTINUE, {"id": str(shared.id)})["data"]["continueAssistantConversation"]["errors"] == ["NOT_FOUND"]


def test_a_member_continues_it_as_a_conversation_of_their_own(gql, roles, shared):
    gql.login(roles["editor"])
    _share(gql, shared)
    gql.login(roles["viewer"])
    result = gql(CONTINUE, {"id": str(shared.id)})["data"]["continueAssistantConversation"]
    assert result["success"] is True and result["conversation"]["isMine"] is True
    # its finished messages (the running turn is not), free of the owner's usage
    assert [m["text"] for m in result["conversation"]["messages"]["items"]] == ["Which facilities ran out?", "Three facilities."]
    copy = Conversation.objects.get(pk=result["conversation"]["id"])
    assert copy.user == roles["viewer"] and copy.continued_from == shared and copy.shared_at is None
    assert copy.cost == 0 and sum(m.cost for m in copy.messages.all()) == 0
    # what awaited the owner's decision is closed in the copy, and still open in the original
    assert set(ToolExecution.objects.filter(conversation=copy).values_list("status", flat=True)) == {ToolExecutionStatus.UNANSWERED}
    assert ToolExecution.objects.filter(conversation=shared, status=ToolExecutionStatus.PENDING_APPROVAL).count() == 1
    # the copy is the member's to change; the original still is not
    renamed = gql("""mutation($id: UUID!) { renameAssistantConversation(input: {id: $id, title: "Mine"}) { errors } }""",
                  {"id": str(copy.id)})
    assert renamed["data"]["renameAssistantConversation"]["errors"] == []
    assert Conversation.objects.get(pk=shared.pk).title == "Stock-outs"
