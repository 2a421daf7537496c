"""The assistant's GraphQL API, over HTTP, with the real SDK talking to the local model server."""

import pytest

from hexa.assistant.local_model import error_reply, text_reply, tool_reply
from hexa.assistant.models import Conversation

from .support.models import TEST_MODEL, priced

CREATE = """mutation($slug: String!) { createAssistantConversation(input: {workspaceSlug: $slug}) {
  success errors conversation { id title model offlineModel isRunning cost workspace { slug } } } }"""
SEND = """mutation($id: UUID!, $text: String!) { sendAssistantMessage(input: {conversationId: $id, message: $text}) {
  success errors
  message { role text status errorCode stopReason modelCalls inputTokens outputTokens cost
            toolExecutions { name input output success status durationMs } }
  conversation { id title cost inputTokens isRunning } } }"""
CONVERSATION = """query($id: UUID!, $page: Int, $perPage: Int) { assistantConversation(id: $id) {
  id title cost messages(page: $page, perPage: $perPage) { pageNumber totalPages totalItems items { role text status } } } }"""
LIST = """query($slug: String!) { workspace(slug: $slug) { assistantConversations(page: 1, perPage: 10) {
  totalItems items { id title cost } } } }"""


def create(gql, slug):
    result = gql(CREATE, {"slug": slug})["data"]["createAssistantConversation"]
    assert result["success"], result
    return result["conversation"]


def test_create_send_and_read_back_a_whole_turn(gql, roles, model, settings):
    # the cost is the model's published prices, with no cache write (the fake API caches
    # prompts of 4,096 tokens and more on the tests' model)
    settings.ASSISTANT_MODEL = TEST_MODEL
    gql.login(roles["viewer"])  # any member may use the assistant
    conversation = create(gql, roles["workspace"].slug)
    assert conversation["title"] == "" and conversation["cost"] == "0" and conversation["offlineModel"] is False
    model.script(
        tool_reply([("query_database", {"query": "SELECT 'Bo' AS district, 12 AS cases"})], usage={"input_tokens": 2000, "output_tokens": 100}),
        text_reply("Bo had 12 cases.", usage={"input_tokens": 2100, "output_tokens": 20}),
    )
    result = gql(SEND, {"id": conversation["id"], "text": "Which district had the most cases?"})["data"]["sendAssistantMessage"]
    assert result["success"] is True and result["errors"] == []
    message = result["message"]
    assert (message["role"], message["status"], message["text"], message["modelCalls"]) == ("ASSISTANT", "COMPLETE", "Bo had 12 cases.", 2)
    assert (message["inputTokens"], message["outputTokens"]) == (4100, 120)
    cost = format(priced({"input_tokens": 4100, "output_tokens": 120}).normalize(), "f")
    assert message["cost"] == cost
    [execution] = message["toolExecutions"]
    assert execution["name"] == "query_database" and execution["success"] and execution["status"] == "COMPLETED"
    assert execution["output"]["rows"] == [["Bo", 12]]
    assert result["conversation"]["cost"] == cost and result["conversation"]["title"] == "Which district had the most cases?"

    listed = gql(LIST, {"slug": roles["workspace"].slug})["data"]["workspace"]["assistantConversations"]
    assert listed["totalItems"] == 1 and listed["items"][0]["cost"] == cost
    read = gql(CONVERSATION, {"id": conversation["id"]})["data"]["assistantConversation"]
    assert [m["role"] for m in read["messages"]["items"]] == ["USER", "ASSISTANT"]


def test_messages_are_paginated_newest_page_first(gql, roles, model):
    gql.login(roles["editor"])
    conversation = create(gql, roles["workspace"].slug)
    for n in range(3):
        model.script(text_reply(f"answer {n}"))
        gql(SEND, {"id": conversation["id"], "text": f"question {n}"})
    page1 = gql(CONVERSATION, {"id": conversation["id"], "page": 1, "perPage": 4})["data"]["assistantConversation"]["messages"]
    assert page1["totalItems"] == 6 and page1["totalPages"] == 2
    assert [m["text"] for m in page1["items"]] == ["question 1", "answer 1", "question 2", "answer 2"]
    page2 = gql(CONVERSATION, {"id": conversation["id"], "page": 2, "perPage": 4})["data"]["assistantConversation"]["messages"]
    assert [m["text"] for m in page2["items"]] == ["question 0", "answer 0"]


def test_failed_turn_is_data_with_the_partial_message(gql, roles, model):
    gql.login(roles["editor"])
    conversation = create(gql, roles["workspace"].slug)
    model.script(error_reply(529))
    result = gql(SEND, {"id": conversation["id"], "text": "hello"})["data"]["sendAssistantMessage"]
    assert result["success"] is False and result["errors"] == ["OVERLOADED"]
    assert result["message"]["status"] == "FAILED" and result["message"]["errorCode"] == "OVERLOADED"
    assert result["conversation"]["isRunning"] is False


@pytest.mark.parametrize("text,code", [("", "EMPTY_MESSAGE"), ("x" * 32_001, "MESSAGE_TOO_LONG")])
def test_bad_messages_are_typed_errors(gql, roles, model, text, code):
    gql.login(roles["editor"])
    conversation = create(gql, roles["workspace"].slug)
    result = gql(SEND, {"id": conversation["id"], "text": text})["data"]["sendAssistantMessage"]
    assert result == {"success": False, "errors": [code], "message": None, "conversation": result["conversation"]}
    assert result["conversation"]["id"] == conversation["id"]


def test_another_users_conversation_does_not_exist_for_them(gql, roles, model):
    gql.login(roles["editor"])
    conversation = create(gql, roles["workspace"].slug)
    gql.login(roles["admin"])  # same workspace, even its admin
    assert gql(CONVERSATION, {"id": conversation["id"]})["data"]["assistantConversation"] is None
    result = gql(SEND, {"id": conversation["id"], "text": "hi"})["data"]["sendAssistantMessage"]
    assert result == {"success": False, "errors": ["NOT_FOUND"], "message": None, "conversation": None}
    listed = gql(LIST, {"slug": roles["workspace"].slug})["data"]["workspace"]["assistantConversations"]
    assert listed["totalItems"] == 0
    rename = gql('mutation($id: UUID!) { renameAssistantConversation(input: {id: $id, title: "mine"}) { success errors } }', {"id": conversation["id"]})
    assert rename["data"]["renameAssistantConversation"] == {"success": False, "errors": ["NOT_FOUND"]}
    assert not model.server.requests


def test_outsiders_cannot_create_in_a_workspace(gql, roles):
    gql.login(roles["outsider"])
    result = gql(CREATE, {"slug": roles["workspace"].slug})["data"]["createAssistantConversation"]
    assert result == {"success": False, "errors": ["WORKSPACE_NOT_FOUND"], "conversation": None}
    assert not Conversation.objects.exists()


def test_a_removed_member_loses_access(gql, roles, model):
    gql.login(roles["viewer"])
    conversation = create(gql, roles["workspace"].slug)
    roles["workspace"].memberships.filter(user=roles["viewer"]).delete()
    assert gql(CONVERSATION, {"id": conversation["id"]})["data"]["assistantConversation"] is None
    result = gql(SEND, {"id": conversation["id"], "text": "hi"})["data"]["sendAssistantMessage"]
    assert result["errors"] == ["NOT_FOUND"]


def test_anonymous_and_malformed_ids(gql, roles):
    result = gql(CONVERSATION, {"id": "00000000-0000-0000-0000-000000000000"})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    gql.login(roles["editor"])
    result = gql(CONVERSATION, {"id": "not-a-uuid"})
    assert "Not a valid UUID" in result["errors"][0]["message"]
    result = gql(CONVERSATION, {"id": "00000000-0000-0000-0000-000000000000"})
    assert result == {"data": {"assistantConversation": None}}


def test_rename_and_delete(gql, roles):
    gql.login(roles["editor"])
    conversation = create(gql, roles["workspace"].slug)
    rename = 'mutation($id: UUID!, $t: String!) { renameAssistantConversation(input: {id: $id, title: $t}) { success errors conversation { title } } }'
    assert gql(rename, {"id": conversation["id"], "t": "  Malaria   Q4 "})["data"]["renameAssistantConversation"] == {
        "success": True, "errors": [], "conversation": {"title": "Malaria Q4"}
    }
    assert gql(rename, {"id": conversation["id"], "t": "   "})["data"]["renameAssistantConversation"]["errors"] == ["INVALID_TITLE"]
    delete = 'mutation($id: UUID!) { deleteAssistantConversation(input: {id: $id}) { success errors } }'
    assert gql(delete, {"id": conversation["id"]})["data"]["deleteAssistantConversation"] == {"success": True, "errors": []}
    assert gql(delete, {"id": conversation["id"]})["data"]["deleteAssistantConversation"] == {"success": False, "errors": ["NOT_FOUND"]}
    assert not Conversation.objects.exists()


def test_parts_keep_texts_and_tool_calls_in_order(gql, roles, model):
    gql.login(roles["editor"])
    conversation = create(gql, roles["workspace"].slug)
    model.script(
        tool_reply([("query_database", {"query": "SELECT 1"})], text="Let me check."),
        text_reply("There is one."),
    )
    gql(SEND, {"id": conversation["id"], "text": "How many?"})
    query = "query($id: UUID!) { assistantConversation(id: $id) { messages { items { role parts { text toolExecution { name } } } } } }"
    user, answer = gql(query, {"id": conversation["id"]})["data"]["assistantConversation"]["messages"]["items"]
    assert user["parts"] == [{"text": "How many?", "toolExecution": None}]
    assert answer["parts"] == [
        {"text": "Let me check.", "toolExecution": None},
        {"text": None, "toolExecution": {"name": "query_database"}},
        {"text": "There is one.", "toolExecution": None},
    ]


def test_no_empty_conversation_is_left_behind(gql, roles, model):
    """Asking for a new conversation twice without writing opens the same one, and a
    conversation with no message is not listed."""
    gql.login(roles["editor"])
    slug = roles["workspace"].slug
    first, again = create(gql, slug), create(gql, slug)
    assert first["id"] == again["id"]
    assert Conversation.objects.filter(user=roles["editor"]).count() == 1
    assert gql(LIST, {"slug": slug})["data"]["workspace"]["assistantConversations"]["totalItems"] == 0
    model.script(text_reply("Hello."))
    assert gql(SEND, {"id": first["id"], "text": "Hi"})["data"]["sendAssistantMessage"]["success"]
    listed = gql(LIST, {"slug": slug})["data"]["workspace"]["assistantConversations"]
    assert [item["id"] for item in listed["items"]] == [first["id"]]
    # once it has messages, a new one is made
    assert create(gql, slug)["id"] != first["id"]
    # someone else's empty conversation is never handed out
    gql.login(roles["viewer"])
    assert create(gql, slug)["id"] not in {str(c.id) for c in Conversation.objects.filter(user=roles["editor"])}


def test_conversations_are_searched_by_title(gql, roles):
    from hexa.assistant.models import Message

    for title in ("Malaria in Bo", "Kenema reports", "bo district trend"):
        conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], title=title, model="m")
        Message.objects.create(conversation=conversation, role="user", index=0, text=title)
    gql.login(roles["editor"])
    query = """query($slug: String!, $search: String) { workspace(slug: $slug) {
      assistantConversations(search: $search) { totalItems items { title } } } }"""

    def titles(search):
        page = gql(query, {"slug": roles["workspace"].slug, "search": search})["data"]["workspace"]["assistantConversations"]
        return sorted(item["title"] for item in page["items"])

    assert titles("BO") == ["Malaria in Bo", "bo district trend"]
    assert titles("  kenema  ") == ["Kenema reports"]
    assert titles(None) == titles("") == ["Kenema reports", "Malaria in Bo", "bo district trend"]
    assert titles("nothing like it") == [] and titles("%") == [] and titles("a\u0000") == []
