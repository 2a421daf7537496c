"""Feedback on answers: given by the conversation's owner, seen (counted, with comments) by the
workspace's ADMINs with the usage, never by anyone else."""

from hexa.assistant.local_model import text_reply
from hexa.assistant.models import Message
from hexa.assistant.service import send_message

from .support.models import TEST_MODEL

SET = """mutation($input: SetAssistantMessageFeedbackInput!) { setAssistantMessageFeedback(input: $input) {
  success errors message { id feedback } } }"""
USAGE = """query($slug: String!) { workspace(slug: $slug) { assistantUsage {
  feedback { helpful notHelpful recentComments { feedback comment user { email } } } } } }"""


def answer(roles, model, who="editor"):
    model.script(text_reply("Bo has the most cases."))
    from hexa.assistant.models import Conversation

    conversation = Conversation.objects.create(user=roles[who], workspace=roles["workspace"], model=TEST_MODEL)
    return send_message(roles[who], conversation.id, "Which district?").message


def test_the_owner_rates_an_answer_and_admins_see_it_with_the_usage(gql, roles, model):
    message = answer(roles, model)
    gql.login(roles["editor"])
    result = gql(SET, {"input": {"messageId": str(message.id), "feedback": "NOT_HELPFUL", "comment": "Wrong year."}})
    assert result["data"]["setAssistantMessageFeedback"] == {
        "success": True, "errors": [], "message": {"id": str(message.id), "feedback": "NOT_HELPFUL"}
    }
    stored = Message.objects.get(pk=message.pk)
    assert (stored.feedback, stored.feedback_comment) == ("NOT_HELPFUL", "Wrong year.") and stored.feedback_at
    # the editor is no admin: no usage for them
    assert gql(USAGE, {"slug": roles["workspace"].slug})["data"]["workspace"]["assistantUsage"] is None
    gql.login(roles["admin"])
    report = gql(USAGE, {"slug": roles["workspace"].slug})["data"]["workspace"]["assistantUsage"]["feedback"]
    assert report == {
        "helpful": 0,
        "notHelpful": 1,
        "recentComments": [{"feedback": "NOT_HELPFUL", "comment": "Wrong year.", "user": {"email": "editor@example.org"}}],
    }


def test_changing_and_removing_feedback(gql, roles, model):
    message = answer(roles, model)
    gql.login(roles["editor"])
    gql(SET, {"input": {"messageId": str(message.id), "feedback": "NOT_HELPFUL", "comment": "meh"}})
    gql(SET, {"input": {"messageId": str(message.id), "feedback": "HELPFUL"}})
    assert Message.objects.get(pk=message.pk).feedback == "HELPFUL"
    assert Message.objects.get(pk=message.pk).feedback_comment == ""
    gql(SET, {"input": {"messageId": str(message.id), "feedback": None}})
    stored = Message.objects.get(pk=message.pk)
    assert (stored.feedback, stored.feedback_at) == ("", None)


def test_refusals_are_typed(gql, roles, model):
    message = answer(roles, model)
    user_message = Message.objects.get(conversation=message.conversation, role="user")
    # someone else, even an admin of the workspace, cannot rate an answer they did not get
    gql.login(roles["admin"])
    result = gql(SET, {"input": {"messageId": str(message.id), "feedback": "HELPFUL"}})["data"]["setAssistantMessageFeedback"]
    assert (result["success"], result["errors"], result["message"]) == (False, ["NOT_FOUND"], None)
    gql.login(roles["editor"])
    result = gql(SET, {"input": {"messageId": str(user_message.id), "feedback": "HELPFUL"}})["data"]
    assert result["setAssistantMessageFeedback"]["errors"] == ["NOT_AN_ANSWER"]
    for comment in ("x" * 2001, "nul\u0000"):
        result = gql(SET, {"input": {"messageId": str(message.id), "feedback": "HELPFUL", "comment": comment}})["data"]
        assert result["setAssistantMessageFeedback"]["errors"] == ["INVALID_COMMENT"]
    assert Message.objects.get(pk=message.pk).feedback == ""
