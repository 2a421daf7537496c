"""Models Anthropic has retired: never offered, and a workspace or conversation still set to
one moves to a current model (recorded in the settings' history, shown on the settings page)
instead of failing at its next call. The facts come from the installed SDK's own data."""

from datetime import date

from freezegun import freeze_time

from hexa.assistant import workspace_settings as ws
from hexa.assistant.local_model import text_reply
from hexa.assistant.models import AssistantSettings, AssistantSettingsChange, Conversation
from hexa.assistant.pricing import DEFAULT_MODELS, available_models
from hexa.assistant.retired_models import end_of_life, is_retired, known_to_sdk
from hexa.assistant.service import send_message

SONNET_4_5 = "claude-sonnet-4-5-20250929"  # retired on 2026-11-30; the SDK 2.17 no longer lists it
OPUS_4_5 = "claude-opus-4-5-20251101"  # deprecated: end of life on 2027-01-22 in the SDK's table
SETTINGS_QUERY = """
query($slug: String!) { workspace(slug: $slug) { assistantSettings {
  model retiredModel availableModels { id } changes { user { email } changes }
} } }
"""
UPDATE = """
mutation($input: UpdateAssistantSettingsInput!) { updateAssistantSettings(input: $input) { success errors } }
"""


def test_what_the_sdk_says_is_retired():
    today = date(2026, 12, 6)
    assert is_retired(SONNET_4_5, today) and is_retired("claude-sonnet-4-5", today)
    assert is_retired("claude-opus-4-1", today)  # dropped by the SDK, still priced for old bills
    assert end_of_life(OPUS_4_5) == date(2027, 1, 22)
    assert not is_retired(OPUS_4_5, date(2027, 1, 21)) and is_retired(OPUS_4_5, date(2027, 1, 22))
    # an id neither the SDK nor genai-prices knows (another endpoint's name) is the operator's choice
    assert not is_retired("my-gateway-model", today) and not is_retired("", today)


def test_the_default_models_are_current_and_known_to_both_libraries(settings):
    for model in DEFAULT_MODELS:
        assert known_to_sdk(model) and not is_retired(model) and end_of_life(model) is None
    assert settings.ASSISTANT_MODEL in DEFAULT_MODELS
    # a retired model listed by the operator is left out: it would fail at its next call
    settings.ASSISTANT_MODELS = f"{SONNET_4_5},claude-haiku-5-5"
    assert [m.id for m in available_models()] == [settings.ASSISTANT_MODEL, "claude-haiku-5-5"]


def test_a_workspace_on_a_retired_model_moves_to_the_default_with_a_notice(gql, roles, settings):
    workspace = roles["workspace"]
    # chosen while it was offered, before Anthropic retired it
    AssistantSettings.objects.create(workspace=workspace, model=SONNET_4_5)
    gql.login(roles["admin"])
    read = gql(SETTINGS_QUERY, {"slug": workspace.slug})["data"]["workspace"]["assistantSettings"]
    assert read["model"] == settings.ASSISTANT_MODEL and read["retiredModel"] == SONNET_4_5
    assert SONNET_4_5 not in {m["id"] for m in read["availableModels"]}
    assert read["changes"] == [
        {"user": None, "changes": {"model": {"before": SONNET_4_5, "after": settings.ASSISTANT_MODEL, "retired": True}}}
    ]
    assert AssistantSettings.objects.get(workspace=workspace).model == ""
    # read again: moved once, one entry
    again = gql(SETTINGS_QUERY, {"slug": workspace.slug})["data"]["workspace"]["assistantSettings"]
    assert again["retiredModel"] == SONNET_4_5 and len(again["changes"]) == 1
    # members see the notice too (not the history)
    gql.login(roles["viewer"])
    seen = gql(SETTINGS_QUERY, {"slug": workspace.slug})["data"]["workspace"]["assistantSettings"]
    assert seen["retiredModel"] == SONNET_4_5 and seen["changes"] == []
    # once an admin chooses a model, the notice is gone
    gql.login(roles["admin"])
    chosen = gql(UPDATE, {"input": {"workspaceSlug": workspace.slug, "model": "claude-sonnet-5-5"}})
    assert chosen["data"]["updateAssistantSettings"] == {"success": True, "errors": []}
    assert gql(SETTINGS_QUERY, {"slug": workspace.slug})["data"]["workspace"]["assistantSettings"]["retiredModel"] is None


def test_a_retired_model_cannot_be_chosen(roles):
    _, errors = ws.update_settings(roles["admin"], roles["workspace"], {"model": SONNET_4_5})
    assert errors == ["INVALID_MODEL"]


def test_a_conversation_on_a_retired_model_goes_on_with_the_workspace_model(model, roles):
    workspace = roles["workspace"]
    ws.update_settings(roles["admin"], workspace, {"model": "claude-opus-5-5"})
    conversation = Conversation.objects.create(user=roles["editor"], workspace=workspace, model=SONNET_4_5, title="Old one")
    model.script(text_reply("Still here."))
    message = send_message(roles["editor"], conversation.id, "Hello again").message
    assert [r["body"]["model"] for r in model.server.requests] == ["claude-opus-5-5"]
    assert message.status == "COMPLETE" and message.model == "claude-opus-5-5"
    assert Conversation.objects.get(pk=conversation.pk).model == "claude-opus-5-5"
    change = AssistantSettingsChange.objects.filter(workspace=workspace, changes__has_key="conversation_model").get()
    assert change.user is None and change.changes["conversation_model"] == {
        "before": SONNET_4_5, "after": "claude-opus-5-5", "retired": True,
        "conversation": {"id": str(conversation.pk), "title": "Old one"},
    }


def test_a_conversation_moves_on_the_day_its_model_reaches_end_of_life(model, roles, settings):
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=OPUS_4_5)
    model.script(text_reply("Before."), text_reply("After."))
    with freeze_time("2027-01-21 23:00:00", tick=True):
        send_message(roles["editor"], conversation.id, "Hi")
    with freeze_time("2027-01-22 00:30:00", tick=True):
        send_message(roles["editor"], conversation.id, "Hi again")
    assert [r["body"]["model"] for r in model.server.requests] == [OPUS_4_5, settings.ASSISTANT_MODEL]
