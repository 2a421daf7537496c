"""Follow-up questions after an answer: proposed by a small model in one call billed in the
ledger, parsed and stored on the answer, read through the API; none when the workspace
turns them off (a recorded settings change), none and no harm when the call fails; the
offline stand-in proposes them too, in the user's language."""

from hexa.assistant import workspace_settings as ws
from hexa.assistant.follow_ups import parse
from hexa.assistant.local_model import OfflineDemoResponder, error_reply, text_reply
from hexa.assistant.local_model.follow_ups import FOLLOW_UP_REQUEST_MARKER
from hexa.assistant.models import AssistantSettingsChange, Message, UsageRecord
from hexa.assistant.service import send_message

HAIKU = "claude-haiku-5-5"
MESSAGES = """query($id: UUID!) { assistantConversation(id: $id) { followUps messages { items { role followUps } } } }"""


def test_follow_ups_are_stored_billed_and_read_through_the_api(conversation, model, settings, gql):
    settings.ASSISTANT_FOLLOW_UP_MODEL = HAIKU
    model.script(
        text_reply("Bo had 200 confirmed cases in 2024."),
        text_reply("- Which month had the most cases in Bo?\n2. And in Kenema?\n\nAnd in Kenema?\nPer facility in Bo?\nPer age group?"),
    )
    outcome = send_message(conversation.user, conversation.id, "How many cases in Bo in 2024?")
    answer = outcome.message
    assert answer.status == "COMPLETE" and answer.text == "Bo had 200 confirmed cases in 2024."
    expected = ["Which month had the most cases in Bo?", "And in Kenema?", "Per facility in Bo?"]
    assert Message.objects.get(pk=answer.pk).follow_ups == expected
    # one call to the small model, with the question and the answer, asking for the user's language
    request = model.server.requests[-1]["body"]
    assert request["model"] == HAIKU and request["system"].startswith(FOLLOW_UP_REQUEST_MARKER)
    assert "in the language of the question" in request["system"]
    assert "<question>How many cases in Bo in 2024?</question>" in request["messages"][0]["content"]
    billed = UsageRecord.objects.filter(message_uuid=answer.pk, kind="MODEL_CALL")
    assert sorted(billed.values_list("model", flat=True)) == sorted([conversation.model, HAIKU])
    assert billed.get(model=HAIKU).cost > 0
    gql.login(conversation.user)
    read = gql(MESSAGES, {"id": str(conversation.id)})["data"]["assistantConversation"]
    assert read["messages"]["items"] == [{"role": "USER", "followUps": []}, {"role": "ASSISTANT", "followUps": expected}]
    assert read["followUps"] == expected  # the last answer's, for the page


def test_none_when_the_workspace_turns_them_off(conversation, model, settings, roles):
    settings.ASSISTANT_FOLLOW_UP_MODEL = HAIKU
    _, errors = ws.update_settings(roles["admin"], roles["workspace"], {"follow_ups": False})
    assert errors == []
    change = AssistantSettingsChange.objects.get(workspace=roles["workspace"])
    assert change.changes == {"follow_ups": {"before": True, "after": False}} and change.user == roles["admin"]
    model.script(text_reply("Bo had 200 cases."))
    outcome = send_message(conversation.user, conversation.id, "Cases in Bo?")
    assert outcome.message.status == "COMPLETE" and model.responder.calls == 1  # no call for follow-ups
    assert Message.objects.get(pk=outcome.message.pk).follow_ups == []
    assert ws.update_settings(roles["admin"], roles["workspace"], {"follow_ups": "yes"})[1] == ["INVALID_FOLLOW_UPS"]


def test_a_failed_follow_up_call_leaves_the_answer_as_it_is(conversation, model, settings):
    settings.ASSISTANT_FOLLOW_UP_MODEL = HAIKU
    model.script(text_reply("Bo had 200 cases."), error_reply(529, "Overloaded", "overloaded_error"))
    outcome = send_message(conversation.user, conversation.id, "Cases in Bo?")
    assert outcome.error_code is None and outcome.message.status == "COMPLETE"
    assert Message.objects.get(pk=outcome.message.pk).follow_ups == []
    assert not UsageRecord.objects.filter(message_uuid=outcome.message.pk, model=HAIKU).exists()


def test_the_offline_stand_in_proposes_them_in_the_users_language():
    def ask(question, answer):
        body = {"system": f"{FOLLOW_UP_REQUEST_MARKER} for a data assistant.",
                "messages": [{"role": "user", "content": f"<question>{question}</question>\n<answer>{answer}</answer>"}]}
        return parse(OfflineDemoResponder()(body).content[0]["text"])

    english = ask("Which districts had the most malaria cases?", "| district | cases |")
    assert english == ["Plot malaria cases per district over time", "Map cases per district", "What tables are in the database?"]
    french = ask("Quels districts ont eu le plus de cas de paludisme ?", "| district | cases |")
    assert french[0] == "Trace les cas de paludisme par district au fil du temps" and len(french) == 3


def test_parse_keeps_three_short_questions():
    assert parse("1) A?\n* B?\n\n" + "x" * 300 + "\nB?\n- C?\n- D?") == ["A?", "B?", "C?"]
    assert parse("") == []
