"""Bad input at the HTTP layer: a typed 4xx JSON error or a typed business error, never a
500 or a driver's message, and nothing half-stored."""

import json

import pytest

from hexa.assistant.models import Conversation, Event, Message, ToolExecution, WorkspaceBudget

from .test_approvals import REJECT, bucket, propose  # noqa: F401 (bucket is a fixture)

BAD_TEXTS = ["before\x00after", "before\ud800after", "\udfff", "\x00"]
DRIVER_WORDS = ("NUL (0x00)", "codec", "surrogates not allowed", "psycopg", "Traceback")


def deep_array(depth):
    return "[" * depth + "]" * depth


def deep_object(depth):
    return '{"a": ' * depth + "1" + "}" * depth


def post(client, url, body: str | bytes, content_type="application/json"):
    return client.post(url, body, content_type=content_type)


def stream_url(conversation):
    return f"/assistant/conversations/{conversation.id}/stream/"


def assert_no_driver_words(payload):
    text = json.dumps(payload, ensure_ascii=False) if not isinstance(payload, str) else payload
    for words in DRIVER_WORDS:
        assert words not in text, text


@pytest.fixture
def editor(gql, roles, conversation):
    gql.login(roles["editor"])
    return gql


DEEP_BODIES = {
    "array nested 100,000 deep": deep_array(100_000),
    "object nested 100,000 deep": deep_object(100_000),
    "variables nested 100,000 deep": '{"query": "{ ping }", "variables": {"v": ' + deep_array(100_000) + "}}",
    "message nested 100,000 deep": '{"message": ' + deep_array(100_000) + "}",
    # below the interpreter's recursion limit, so json.loads succeeds: the depth check refuses
    "variables nested 500 deep": '{"query": "{ ping }", "variables": {"v": ' + deep_array(500) + "}}",
    "extra key nested 500 deep": '{"query": "{ ping }", "message": "hi", "x": ' + deep_object(500) + "}",
}


class TestDeepJson:
    @pytest.mark.parametrize("name", DEEP_BODIES)
    def test_graphql(self, client, transactional_db, name):
        response = post(client, "/graphql/", DEEP_BODIES[name])
        assert response.status_code == 400 and response["content-type"] == "application/json"
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert error["message"] in ("The request body nests JSON too deeply.", "The request body must be a JSON object with a `query` string.")
        if "variables" in name or "extra" in name:
            assert error["message"] == "The request body nests JSON too deeply."

    @pytest.mark.parametrize("name", DEEP_BODIES)
    def test_stream(self, client, editor, conversation, name):
        response = post(editor.client, stream_url(conversation), DEEP_BODIES[name])
        assert response.status_code == 400 and response["content-type"] == "application/json"
        assert response.json()["errors"] == ["BAD_REQUEST"]
        assert not Message.objects.exists()

    def test_stream_refuses_it_before_asking_who_is_calling(self, client, transactional_db, conversation):
        response = post(client, stream_url(conversation), DEEP_BODIES["array nested 100,000 deep"])
        assert (response.status_code, response.json()["errors"]) == (400, ["BAD_REQUEST"])

    def test_ordinary_nesting_still_passes(self, gql):
        shallow = '{"query": "{ ping }", "variables": {"v": ' + deep_array(20) + "}}"
        response = post(gql.client, "/graphql/", shallow)
        assert response.status_code == 200 and response.json() == {"data": {"ping": True}}


class TestMalformedBodies:
    @pytest.mark.parametrize(
        "body",
        [b'{"query": "{ ping }\x00"}', b'{"query": "\xed\xa0\x80"}', b'{"message": "\xff"}', b"\x00", b'{"query": "{ ping }", }'],
        ids=["raw NUL", "raw surrogate bytes", "invalid UTF-8", "NUL alone", "trailing comma"],
    )
    def test_graphql_and_stream(self, editor, conversation, body):
        for url in ("/graphql/", stream_url(conversation)):
            response = post(editor.client, url, body)
            assert response.status_code == 400, (url, response.content)
            assert_no_driver_words(response.content.decode())

    @pytest.mark.parametrize("size", [1_500_000, 3_000_000])  # over our limit; over Django's
    def test_too_large_is_413_json(self, editor, conversation, size):
        body = json.dumps({"query": "{ ping }", "message": "x" * size})
        for url in ("/graphql/", stream_url(conversation)):
            response = post(editor.client, url, body)
            assert response.status_code == 413 and response["content-type"] == "application/json", (url, response.content[:200])

    def test_operation_name_must_be_a_string(self, gql):
        response = post(gql.client, "/graphql/", json.dumps({"query": "{ ping }", "operationName": ["x"]}))
        assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


SEND = "mutation($id: UUID!, $text: String!) { sendAssistantMessage(input: {conversationId: $id, message: $text}) { success errors message { id } conversation { id isRunning title } } }"
RENAME = "mutation($id: UUID!, $t: String!) { renameAssistantConversation(input: {id: $id, title: $t}) { success errors conversation { title } } }"
CREATE = "mutation($slug: String!) { createAssistantConversation(input: {workspaceSlug: $slug}) { success errors conversation { id } } }"
BUDGET = "mutation($slug: String!, $amount: String) { setAssistantWorkspaceBudget(input: {workspaceSlug: $slug, monthlyLimitUsd: $amount}) { success errors } }"


def nothing_stored(conversation):
    conversation.refresh_from_db()
    assert not Message.objects.exists() and not Event.objects.exists()
    assert not conversation.is_running and conversation.title == ""


class TestUnstorableText:
    @pytest.mark.parametrize("text", BAD_TEXTS)
    def test_send_message(self, editor, conversation, settings, text):
        settings.ANTHROPIC_API_KEY = "configured"  # not what refuses it
        result = editor(SEND, {"id": str(conversation.id), "text": text})
        assert result["data"]["sendAssistantMessage"] == {
            "success": False, "errors": ["INVALID_MESSAGE"], "message": None,
            "conversation": {"id": str(conversation.id), "isRunning": False, "title": ""},
        }
        nothing_stored(conversation)

    @pytest.mark.parametrize("text", BAD_TEXTS)
    def test_stream(self, editor, conversation, settings, text):
        settings.ANTHROPIC_API_KEY = "configured"
        response = post(editor.client, stream_url(conversation), json.dumps({"message": text}))
        assert response.status_code == 400
        assert response.json()["errors"] == ["INVALID_MESSAGE"]
        assert_no_driver_words(response.json())
        nothing_stored(conversation)

    def test_the_same_message_without_the_bad_character_goes_through_the_checks(self, editor, conversation):
        result = editor(SEND, {"id": str(conversation.id), "text": "before after"})
        assert result["data"]["sendAssistantMessage"]["errors"] == ["ASSISTANT_NOT_CONFIGURED"]  # the next check

    @pytest.mark.parametrize("text", BAD_TEXTS)
    def test_rename(self, editor, conversation, text):
        result = editor(RENAME, {"id": str(conversation.id), "t": text})
        assert result["data"]["renameAssistantConversation"] == {"success": False, "errors": ["INVALID_TITLE"], "conversation": {"title": ""}}
        assert editor(RENAME, {"id": str(conversation.id), "t": "Fine"})["data"]["renameAssistantConversation"]["success"]

    @pytest.mark.parametrize("text", BAD_TEXTS)
    def test_create_and_budget_with_such_a_slug(self, gql, roles, text):
        gql.login(roles["admin"])
        assert gql(CREATE, {"slug": text})["data"]["createAssistantConversation"] == {"success": False, "errors": ["WORKSPACE_NOT_FOUND"], "conversation": None}
        assert gql(BUDGET, {"slug": text, "amount": "5"})["data"]["setAssistantWorkspaceBudget"] == {"success": False, "errors": ["WORKSPACE_NOT_FOUND"]}
        assert not Conversation.objects.exists() and not WorkspaceBudget.objects.exists()

    @pytest.mark.parametrize("text", BAD_TEXTS)
    def test_budget_amount(self, gql, roles, text):
        gql.login(roles["admin"])
        result = gql(BUDGET, {"slug": roles["workspace"].slug, "amount": text})
        assert result["data"]["setAssistantWorkspaceBudget"] == {"success": False, "errors": ["INVALID_AMOUNT"]}

    @pytest.mark.parametrize("text", BAD_TEXTS)
    def test_rejection_reason(self, gql, model, conversation, bucket, roles, text):  # noqa: F811
        execution, _ = propose(model, conversation)
        gql.login(roles["editor"])
        result = gql(REJECT, {"id": str(execution.id), "r": text})["data"]["rejectAssistantToolExecution"]
        assert result == {"success": False, "errors": ["INVALID_REASON"], "toolExecution": None}
        assert ToolExecution.objects.get(pk=execution.pk).status == "PENDING_APPROVAL"  # still waiting, nothing lost
        assert gql(REJECT, {"id": str(execution.id), "r": "Not now"})["data"]["rejectAssistantToolExecution"]["success"]

    @pytest.mark.parametrize("text", BAD_TEXTS)
    def test_any_other_string_argument_is_a_typed_bad_request(self, editor, text):
        """Arguments without a business error of their own (here a query's slug): the
        driver's refusal becomes BAD_REQUEST in plain words."""
        result = editor("query($s: String!) { workspace(slug: $s) { name } }", {"s": text})
        assert result["data"] == {"workspace": None}
        assert [error["extensions"]["code"] for error in result["errors"]] == ["BAD_REQUEST"]
        assert result["errors"][0]["message"].startswith("The text contains a character that cannot be stored")
        assert_no_driver_words(result)

    def test_in_the_document_itself(self, editor):
        """A NUL escape is valid GraphQL and reaches the resolver (BAD_REQUEST as above); a
        lone surrogate escape is a syntax error of the document."""
        result = editor(r'{ workspace(slug: "a\u0000b") { name } }')
        assert result["data"] == {"workspace": None} and result["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        result = editor(r'{ workspace(slug: "a\ud800b") { name } }')
        assert "data" not in result and result["errors"][0]["message"].startswith("Syntax Error: Invalid Unicode escape sequence")
