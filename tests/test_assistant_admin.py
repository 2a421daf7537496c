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
        Message.objects.create(conversation=conversation, index=0, role="user", text="hello", status="COMPLETE")
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


def test_usage_per_workspace_and_user_for_superusers(client, roles, make_user):
    from uuid import uuid4

    from hexa.assistant.models import UsageRecord

    for user, cost in ((roles["editor"], "0.25"), (roles["editor"], "0.5"), (roles["viewer"], "1")):
        UsageRecord.objects.create(kind="MODEL_CALL", user=user, workspace=roles["workspace"], conversation_uuid=uuid4(), message_uuid=uuid4(), cost=Decimal(cost), input_tokens=10)
    client.force_login(make_user(is_staff=True))
    assert client.get("/admin/assistant/usagerecord/").status_code == 403
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.get("/admin/assistant/usagerecord/")
    assert response.status_code == 200
    summary = {title: list(rows) for title, rows, _ in response.context["usage_summary"]}
    assert [(r["label"], r["cost"], r["turns"]) for r in summary["By user"]] == [
        ("viewer@example.org", Decimal("1"), 1), ("editor@example.org", Decimal("0.75"), 2)
    ]
    assert [(r["label"], r["cost"]) for r in summary["By workspace"]] == [(roles["workspace"].slug, Decimal("1.75"))]
    assert b"By workspace (current filter)" in response.content


def test_budgets_are_edited_by_superusers_only_even_against_model_permissions(client, roles, make_user):
    from django.contrib.auth.models import Permission

    from hexa.assistant.models import WorkspaceBudget

    staff = make_user(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__endswith="workspacebudget"))
    client.force_login(staff)
    assert client.get("/admin/assistant/workspacebudget/").status_code == 403
    assert client.get("/admin/assistant/workspacebudget/add/").status_code == 403
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get("/admin/assistant/workspacebudget/").status_code == 200
    response = client.post(
        "/admin/assistant/workspacebudget/add/", {"workspace": roles["workspace"].id, "monthly_limit_usd": "12.50"}
    )
    assert response.status_code == 302
    assert WorkspaceBudget.objects.get(workspace=roles["workspace"]).monthly_limit_usd == Decimal("12.50")
