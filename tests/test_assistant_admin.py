from decimal import Decimal

import pytest

from hexa.assistant.models import Conversation, Message


@pytest.fixture
def conversations(roles):
    workspace = roles["workspace"]
    made = []
    for user, cost, tokens in ((roles["editor"], "0.25", 1000), (roles["viewer"], "0.5", 3000)):
        conversation = Conversation.objects.create(
            user=user, workspace=workspace, model="claude-opus-4-5", title=f"About {user.email}",
            cost=Decimal(cost), input_tokens=tokens, output_tokens=10, cache_read_input_tokens=7,
        )
        Message.objects.create(conversation=conversation, index=0, role="user", text="hello", status="complete")
        made.append(conversation)
    return made


def test_superuser_sees_conversations_with_totals_over_the_filter(client, conversations, make_user, roles):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.get("/admin/assistant/conversation/")
    assert response.status_code == 200
    assert response.context["usage_totals"]["cost"] == Decimal("0.75")
    assert response.context["usage_totals"]["input_tokens"] == 4000
    assert b"About editor@example.org" in response.content
    filtered = client.get(f"/admin/assistant/conversation/?user__id__exact={roles['viewer'].id}")
    assert filtered.context["usage_totals"]["cost"] == Decimal("0.5")
    searched = client.get("/admin/assistant/conversation/?q=editor@")
    assert searched.context["usage_totals"]["input_tokens"] == 1000
    detail = client.get(f"/admin/assistant/conversation/{conversations[0].id}/change/")
    assert detail.status_code == 200 and b"hello" in detail.content


def test_staff_who_are_not_superusers_see_nothing(client, conversations, make_user):
    client.force_login(make_user(is_staff=True))
    assert client.get("/admin/assistant/conversation/").status_code == 403
    assert b"Conversations" not in client.get("/admin/").content
