"""Edit and resend: a question edited and sent again replaces it and what followed it on the
conversation's current branch, the earlier branch stays reachable, and the model is sent
the current branch only, while the ledger keeps every call of every branch."""

import json

import pytest

from hexa.assistant import branches
from hexa.assistant.local_model import text_reply
from hexa.assistant.models import (
    Conversation, ConversationSummary, Message, MessageStatus, ToolExecution, ToolExecutionStatus, UsageKind, UsageRecord,
)

SEND = """mutation($id: UUID!, $text: String!, $replaces: UUID) {
  sendAssistantMessage(input: {conversationId: $id, message: $text, replacesMessageId: $replaces}) {
  success errors message { id text status } } }"""
READ = """query($id: UUID!) { assistantConversation(id: $id) { cost followUps editedQuestions { messageId versions }
  messages { totalItems items { id role text } } } }"""
SWITCH = """mutation($id: UUID!) { switchAssistantBranch(input: {messageId: $id}) {
  success errors conversation { messages { items { text } } } } }"""
SEARCH = """query($slug: String!, $search: String) { workspace(slug: $slug) {
  assistantConversations(search: $search) { items { id searchExcerpt } } } }"""


def _send(gql, conversation, text, replaces=None):
    return gql(SEND, {"id": str(conversation.id), "text": text, "replaces": replaces and str(replaces)})["data"]["sendAssistantMessage"]


def _read(gql, conversation):
    return gql(READ, {"id": str(conversation.id)})["data"]["assistantConversation"]


def _texts(read):
    return [item["text"] for item in read["messages"]["items"]]


def _sent_texts(request) -> list[str]:
    """The texts of the messages a request sent to the model, in order."""
    texts = []
    for message in request["body"]["messages"]:
        content = message["content"]
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        texts += [block["text"] for block in blocks if block.get("type") == "text"]
    return texts


@pytest.fixture
def two_turns(gql, roles, model, conversation):
    gql.login(roles["editor"])
    model.script(text_reply("Bo had 12 cases."), text_reply("Kenema had 9."))
    _send(gql, conversation, "Which district had the most cases?")
    _send(gql, conversation, "And the fewest?")
    return conversation


def _question(conversation, text):
    return Message.objects.get(conversation=conversation, text=text)


def test_an_edit_replaces_the_question_and_what_followed_it(gql, model, two_turns):
    first = _question(two_turns, "Which district had the most cases?")
    model.script(text_reply("Bo had 40 malaria cases."))
    sent = _send(gql, two_turns, "Which district had the most malaria cases?", replaces=first.pk)
    assert sent["success"] is True and sent["message"]["text"] == "Bo had 40 malaria cases."

    read = _read(gql, two_turns)
    assert _texts(read) == ["Which district had the most malaria cases?", "Bo had 40 malaria cases."]
    assert read["messages"]["totalItems"] == 2
    edited = read["messages"]["items"][0]
    # "2/2": the earlier version first; the questions never edited are not listed
    assert read["editedQuestions"] == [{"messageId": edited["id"], "versions": [str(first.pk), edited["id"]]}]
    # nothing was deleted: the earlier branch is kept, off the path
    assert Message.objects.filter(conversation=two_turns, on_path=False).count() == 4


def test_the_model_is_sent_the_current_branch_only(gql, model, two_turns):
    second = _question(two_turns, "And the fewest?")
    model.script(text_reply("Moyamba had 3."))
    _send(gql, two_turns, "And the fewest in 2024?", replaces=second.pk)
    texts = _sent_texts(model.server.requests[-1])
    assert "And the fewest?" not in texts and "Kenema had 9." not in texts
    assert texts[-3:] == ["Which district had the most cases?", "Bo had 12 cases.", "And the fewest in 2024?"]

    # and the next question builds on the new branch
    model.script(text_reply("Yes."))
    _send(gql, two_turns, "Is that right?")
    texts = _sent_texts(model.server.requests[-1])
    assert texts[-5:] == ["Which district had the most cases?", "Bo had 12 cases.", "And the fewest in 2024?", "Moyamba had 3.", "Is that right?"]


def test_switching_back_shows_and_sends_the_earlier_branch(gql, model, two_turns):
    first = _question(two_turns, "Which district had the most cases?")
    model.script(text_reply("Bo had 40 malaria cases."))
    edited = _send(gql, two_turns, "Which district had the most malaria cases?", replaces=first.pk)
    switched = gql(SWITCH, {"id": str(first.pk)})["data"]["switchAssistantBranch"]
    assert switched["success"] is True, switched
    # the whole earlier branch is back, down to its last turn
    assert _texts(switched["conversation"]) == ["Which district had the most cases?", "Bo had 12 cases.", "And the fewest?", "Kenema had 9."]
    [shown] = _read(gql, two_turns)["editedQuestions"]
    assert shown["messageId"] == str(first.pk) and len(shown["versions"]) == 2  # "1/2"

    model.script(text_reply("Kenema, yes."))
    _send(gql, two_turns, "Kenema?")
    texts = _sent_texts(model.server.requests[-1])
    assert "Which district had the most malaria cases?" not in texts
    assert texts[-5:] == ["Which district had the most cases?", "Bo had 12 cases.", "And the fewest?", "Kenema had 9.", "Kenema?"]

    # and forward again, to the edited version's branch
    edited_question = Message.objects.get(conversation=two_turns, text="Which district had the most malaria cases?")
    assert gql(SWITCH, {"id": str(edited_question.pk)})["data"]["switchAssistantBranch"]["success"] is True
    assert _texts(_read(gql, two_turns)) == ["Which district had the most malaria cases?", edited["message"]["text"]]


def _two_versions_of_the_second_question_the_first_shown_last(gql, model, conversation):
    """A fork after Bo's answer: "And the fewest?" edited, then its first version shown again."""
    second = _question(conversation, "And the fewest?")
    model.script(text_reply("Moyamba had 3."))
    _send(gql, conversation, "And the fewest in 2024?", replaces=second.pk)
    assert gql(SWITCH, {"id": str(second.pk)})["data"]["switchAssistantBranch"]["success"] is True


FIRST_BRANCH = ["Which district had the most cases?", "Bo had 12 cases.", "And the fewest?", "Kenema had 9."]


def test_a_switch_back_follows_the_branch_last_shown_at_each_later_fork(gql, model, two_turns):
    _two_versions_of_the_second_question_the_first_shown_last(gql, model, two_turns)
    first = _question(two_turns, "Which district had the most cases?")
    model.script(text_reply("Bo had 40 malaria cases."))
    _send(gql, two_turns, "Which district had the most malaria cases?", replaces=first.pk)  # a fork above it

    switched = gql(SWITCH, {"id": str(first.pk)})["data"]["switchAssistantBranch"]
    # below the first question, the second one's version last shown, not its newest
    assert _texts(switched["conversation"]) == FIRST_BRANCH
    [_, second] = _read(gql, two_turns)["editedQuestions"]
    assert second["messageId"] == str(_question(two_turns, "And the fewest?").pk)


def test_a_withdrawn_edit_brings_back_the_branches_last_shown(gql, model, two_turns):
    _two_versions_of_the_second_question_the_first_shown_last(gql, model, two_turns)
    first = _question(two_turns, "Which district had the most cases?")
    # what a send replacing the first question does, then its withdrawal (service._withdraw)
    branches.leave_path_from(two_turns, first)
    assert not Message.objects.filter(conversation=two_turns, on_path=True).exists()
    branches.show_branch(two_turns, first)
    assert _texts(_read(gql, two_turns)) == FIRST_BRANCH


def test_the_ledger_and_totals_keep_every_branch(gql, model, two_turns):
    first = _question(two_turns, "Which district had the most cases?")
    model.script(text_reply("Bo.", usage={"input_tokens": 1000, "output_tokens": 10}))
    _send(gql, two_turns, "Most malaria cases?", replaces=first.pk)
    answers = Message.objects.filter(conversation=two_turns, role="assistant")
    calls = UsageRecord.objects.filter(conversation_uuid=two_turns.pk, kind=UsageKind.MODEL_CALL)
    assert {record.message_uuid for record in calls} == {answer.pk for answer in answers}  # all three answers, two branches
    assert len(answers) == 3
    two_turns.refresh_from_db()
    assert two_turns.cost == sum(answer.cost for answer in answers) > 0
    assert _read(gql, two_turns)["cost"] == format(two_turns.cost.normalize(), "f")


def test_only_a_question_of_the_branch_shown_can_be_edited(gql, roles, model, two_turns):
    first = _question(two_turns, "Which district had the most cases?")
    answer = Message.objects.get(conversation=two_turns, text="Bo had 12 cases.")
    assert _send(gql, two_turns, "x", replaces=answer.pk)["errors"] == ["NOT_EDITABLE"]
    model.script(text_reply("Bo."))
    _send(gql, two_turns, "Most malaria cases?", replaces=first.pk)
    # the earlier version is on the other branch now
    assert _send(gql, two_turns, "y", replaces=first.pk)["errors"] == ["NOT_EDITABLE"]
    # another conversation's message, and another user's, do not exist here
    other = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model="m")
    assert _send(gql, other, "z", replaces=first.pk)["errors"] == ["NOT_FOUND"]
    gql.login(roles["admin"])
    assert _send(gql, two_turns, "z", replaces=first.pk)["errors"] == ["NOT_FOUND"]
    assert gql(SWITCH, {"id": str(first.pk)})["data"]["switchAssistantBranch"]["errors"] == ["NOT_FOUND"]
    # nothing of the refused sends was stored
    assert Message.objects.filter(conversation=two_turns).count() == 6


def test_an_edit_or_a_switch_is_refused_while_a_turn_runs(gql, model, two_turns):
    first = _question(two_turns, "Which district had the most cases?")
    Conversation.objects.filter(pk=two_turns.pk).update(turn_started_at="2026-01-01T00:00:00Z")
    assert _send(gql, two_turns, "Most malaria cases?", replaces=first.pk)["errors"] == ["CONVERSATION_BUSY"]
    Conversation.objects.filter(pk=two_turns.pk).update(turn_started_at=None)
    model.script(text_reply("Bo."))
    _send(gql, two_turns, "Most malaria cases?", replaces=first.pk)
    Conversation.objects.filter(pk=two_turns.pk).update(turn_started_at="2026-01-01T00:00:00Z")
    assert gql(SWITCH, {"id": str(first.pk)})["data"]["switchAssistantBranch"]["errors"] == ["CONVERSATION_BUSY"]
    assert Message.objects.get(pk=first.pk).on_path is False


def test_a_switch_is_refused_while_a_turn_waits_and_an_edit_closes_the_wait(gql, model, two_turns):
    first = _question(two_turns, "Which district had the most cases?")
    model.script(text_reply("Bo."))
    _send(gql, two_turns, "Most malaria cases?", replaces=first.pk)
    # the answer on the new branch waits for an approval
    answer = Message.objects.get(conversation=two_turns, text="Bo.")
    Message.objects.filter(pk=answer.pk).update(status=MessageStatus.WAITING)
    write = ToolExecution.objects.create(
        conversation=two_turns, message=answer, tool_use_id="toolu_w", name="write_file", status=ToolExecutionStatus.PENDING_APPROVAL
    )
    assert gql(SWITCH, {"id": str(first.pk)})["data"]["switchAssistantBranch"]["errors"] == ["CONVERSATION_BUSY"]
    # an edit is a new message: as any send, it closes the wait (the write is no longer asked for)
    edited = Message.objects.get(conversation=two_turns, text="Most malaria cases?")
    model.script(text_reply("Bo, 40."))
    assert _send(gql, two_turns, "Most malaria cases in 2024?", replaces=edited.pk)["success"] is True
    write.refresh_from_db()
    assert write.status == ToolExecutionStatus.UNANSWERED
    assert _texts(_read(gql, two_turns)) == ["Most malaria cases in 2024?", "Bo, 40."]


def test_search_finds_the_branch_shown(gql, roles, model, two_turns):
    second = _question(two_turns, "And the fewest?")
    model.script(text_reply("Moyamba had 3."))
    _send(gql, two_turns, "And the fewest in Moyamba?", replaces=second.pk)
    slug = roles["workspace"].slug
    assert [c["id"] for c in gql(SEARCH, {"slug": slug, "search": "Moyamba"})["data"]["workspace"]["assistantConversations"]["items"]] == [str(two_turns.pk)]
    assert gql(SEARCH, {"slug": slug, "search": "Kenema"})["data"]["workspace"]["assistantConversations"]["items"] == []
    gql(SWITCH, {"id": str(second.pk)})
    assert len(gql(SEARCH, {"slug": slug, "search": "Kenema"})["data"]["workspace"]["assistantConversations"]["items"]) == 1


def test_a_shared_conversation_is_read_and_continued_on_its_branch(gql, roles, model, two_turns):
    first = _question(two_turns, "Which district had the most cases?")
    model.script(text_reply("Bo had 40."))
    _send(gql, two_turns, "Most malaria cases?", replaces=first.pk)
    gql("mutation($id: UUID!) { shareAssistantConversation(input: {id: $id, shared: true}) { success } }", {"id": str(two_turns.pk)})
    gql.login(roles["viewer"])
    assert _texts(_read(gql, two_turns)) == ["Most malaria cases?", "Bo had 40."]
    # read-only: no edit, no switch
    assert _send(gql, two_turns, "x", replaces=_question(two_turns, "Most malaria cases?").pk)["errors"] == ["NOT_FOUND"]
    assert gql(SWITCH, {"id": str(first.pk)})["data"]["switchAssistantBranch"]["errors"] == ["NOT_FOUND"]
    copy = gql("mutation($id: UUID!) { continueAssistantConversation(input: {id: $id}) { conversation { id } } }", {"id": str(two_turns.pk)})
    copy_id = copy["data"]["continueAssistantConversation"]["conversation"]["id"]
    read = gql(READ, {"id": copy_id})["data"]["assistantConversation"]
    assert _texts(read) == ["Most malaria cases?", "Bo had 40."]
    copied = list(Message.objects.filter(conversation_id=copy_id).order_by("index"))
    assert copied[1].parent_id == copied[0].pk and copied[0].parent_id is None


def test_the_stream_refuses_a_bad_edit_before_it_starts(client, roles, two_turns):
    # (an edit streamed to its end: test_streaming.py::test_an_edit_is_streamed_on_its_new_branch)
    client.force_login(roles["editor"])
    url = f"/assistant/conversations/{two_turns.pk}/stream/"
    for replaces in ("not-a-uuid", 12):
        bad = client.post(url, json.dumps({"message": "x", "replaces_message_id": replaces}), content_type="application/json")
        assert bad.status_code == 400 and bad.json()["errors"] == ["BAD_REQUEST"]
    answer = Message.objects.get(conversation=two_turns, text="Bo had 12 cases.")
    refused = client.post(url, json.dumps({"message": "x", "replaces_message_id": str(answer.pk)}), content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"] == ["NOT_EDITABLE"]
    assert Message.objects.filter(conversation=two_turns, on_path=True).count() == 4


def test_a_summary_of_another_branch_is_not_sent(gql, model, two_turns):
    answer = Message.objects.get(conversation=two_turns, text="Kenema had 9.")
    ConversationSummary.objects.create(
        conversation=two_turns, through_index=answer.index, tool_results_through=0, text="The user asked about cases.", model="m"
    )
    model.script(text_reply("Yes."))
    _send(gql, two_turns, "Sure?")
    assert any("The user asked about cases." in text for text in _sent_texts(model.server.requests[-1]))
    second = _question(two_turns, "And the fewest?")
    model.script(text_reply("Moyamba had 3."))
    _send(gql, two_turns, "And the fewest in 2024?", replaces=second.pk)
    texts = _sent_texts(model.server.requests[-1])
    assert not any("The user asked about cases." in text for text in texts)
    assert texts[-3:] == ["Which district had the most cases?", "Bo had 12 cases.", "And the fewest in 2024?"]
