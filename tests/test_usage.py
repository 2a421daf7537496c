"""Usage reports, budgets and the rate limit."""

from datetime import datetime, timezone as tz
from decimal import Decimal
from io import StringIO
from uuid import uuid4

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Conversation, Message, ToolExecution, UsageKind, UsageRecord
from hexa.assistant.errors import AssistantError
from hexa.assistant.service import send_message
from hexa.assistant.usage import parse_rate

from .support.models import TEST_MODEL, priced

USAGE = """query($slug: String!, $from: DateTime, $to: DateTime, $period: AssistantUsagePeriod) {
  workspace(slug: $slug) { assistantUsage(from: $from, to: $to, period: $period) {
    totals { conversations messages modelCalls inputTokens outputTokens cacheReadInputTokens cacheCreationInputTokens cost }
    byUser { user { email } totals { messages cost } }
    byPeriod { period totals { cost inputTokens } }
    byModel { model totals { modelCalls cost } }
    byTool { name calls failures meanDurationMs }
    monthlyBudget spentThisMonth } } }"""


def record(user, workspace, when, cost="0", kind=UsageKind.MODEL_CALL, conversation=None, message=None, **fields):
    return UsageRecord.objects.create(
        kind=kind, user=user, workspace=workspace, created_at=when, cost=Decimal(cost),
        conversation_uuid=conversation or uuid4(), message_uuid=message or uuid4(), **fields,
    )


@pytest.fixture
def ledger(roles):
    """Known figures: two users, two days in November, one in October, two models, three tool calls."""
    ws, editor, viewer = roles["workspace"], roles["editor"], roles["viewer"]
    c1, m1 = uuid4(), uuid4()
    record(editor, ws, datetime(2026, 11, 3, 10, tzinfo=tz.utc), "0.1", conversation=c1, message=m1, model="claude-opus-4-5", input_tokens=100, output_tokens=10)
    record(editor, ws, datetime(2026, 11, 3, 10, 1, tzinfo=tz.utc), "0.2", conversation=c1, message=m1, model="claude-opus-4-5", input_tokens=200, output_tokens=20, cache_read_input_tokens=5000)
    record(viewer, ws, datetime(2026, 11, 20, 9, tzinfo=tz.utc), "0.05", model="claude-haiku-4-5", input_tokens=50, cache_creation_input_tokens=4096)
    record(viewer, ws, datetime(2026, 10, 31, 23, 59, tzinfo=tz.utc), "1.00", model="claude-opus-4-5", input_tokens=1000)
    for success, duration in ((True, 10), (True, 30), (False, 50)):
        record(editor, ws, datetime(2026, 11, 3, 10, tzinfo=tz.utc), kind=UsageKind.TOOL_CALL, conversation=c1, message=m1, tool_name="query_database", success=success, duration_ms=duration)
    return roles


class TestPermissions:
    @pytest.mark.parametrize("role", ["editor", "viewer"])
    def test_members_who_are_not_admins_get_null_and_a_typed_error(self, gql, ledger, role):
        gql.login(ledger[role])
        result = gql(USAGE, {"slug": ledger["workspace"].slug})
        assert result["data"]["workspace"]["assistantUsage"] is None
        assert result["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"

    def test_outsiders_do_not_see_the_workspace(self, gql, ledger):
        gql.login(ledger["outsider"])
        assert gql(USAGE, {"slug": ledger["workspace"].slug}) == {"data": {"workspace": None}}

    def test_anonymous(self, gql, ledger):
        assert gql(USAGE, {"slug": ledger["workspace"].slug})["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@freeze_time("2026-11-21 12:00:00")
class TestArithmetic:
    def test_totals_and_groupings(self, gql, ledger):
        gql.login(ledger["admin"])
        usage = gql(USAGE, {"slug": ledger["workspace"].slug, "from": "2026-11-01T00:00:00+00:00", "to": "2026-12-01T00:00:00+00:00"})["data"]["workspace"]["assistantUsage"]
        assert usage["totals"] == {
            "conversations": 2, "messages": 2, "modelCalls": 3, "inputTokens": 350, "outputTokens": 30,
            "cacheReadInputTokens": 5000, "cacheCreationInputTokens": 4096, "cost": "0.35",
        }
        assert {u["user"]["email"]: u["totals"] for u in usage["byUser"]} == {
            "editor@example.org": {"messages": 1, "cost": "0.3"},
            "viewer@example.org": {"messages": 1, "cost": "0.05"},
        }
        assert [(p["period"][:10], p["totals"]["cost"]) for p in usage["byPeriod"]] == [("2026-11-03", "0.3"), ("2026-11-20", "0.05")]
        assert {m["model"]: m["totals"] for m in usage["byModel"]} == {
            "claude-haiku-4-5": {"modelCalls": 1, "cost": "0.05"}, "claude-opus-4-5": {"modelCalls": 2, "cost": "0.3"},
        }
        assert usage["byTool"] == [{"name": "query_database", "calls": 3, "failures": 1, "meanDurationMs": 30.0}]
        assert usage["spentThisMonth"] == "0.35" and usage["monthlyBudget"] is None

    def test_months_and_all_time(self, gql, ledger):
        gql.login(ledger["admin"])
        usage = gql(USAGE, {"slug": ledger["workspace"].slug, "period": "MONTH"})["data"]["workspace"]["assistantUsage"]
        assert usage["totals"]["cost"] == "1.35"
        assert [(p["period"][:7], p["totals"]["cost"]) for p in usage["byPeriod"]] == [("2026-10", "1"), ("2026-11", "0.35")]

    def test_bad_range(self, gql, ledger):
        gql.login(ledger["admin"])
        result = gql(USAGE, {"slug": ledger["workspace"].slug, "from": "2026-11-02T00:00:00+00:00", "to": "2026-11-01T00:00:00+00:00"})
        assert result["errors"][0]["extensions"]["code"] == "BAD_REQUEST"

    def test_my_usage_and_remaining_budget(self, gql, ledger, settings):
        settings.ASSISTANT_MONTHLY_LIMIT_USD = "2"
        gql.login(ledger["viewer"])
        me = gql("{ me { assistantUsage { month limit remaining resetsAt totals { cost messages } } } }")["data"]["me"]["assistantUsage"]
        assert me == {"month": "2026-11", "limit": "2", "remaining": "1.95", "resetsAt": "2026-12-01T00:00:00+00:00", "totals": {"cost": "0.05", "messages": 1}}

    def test_usage_survives_cleanup(self, gql, ledger, model, conversation):
        model.script(text_reply("Hi", usage={"input_tokens": 1000, "output_tokens": 100}))
        send_message(conversation.user, conversation.id, "hello")
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=datetime(2026, 1, 1, tzinfo=tz.utc))
        out = StringIO()
        call_command("assistant_cleanup", "--days", "30", stdout=out)
        assert "Dry run: 1 conversation(s)" in out.getvalue() and Conversation.objects.filter(pk=conversation.pk).exists()
        call_command("assistant_cleanup", "--days", "30", "--apply", stdout=out)
        assert not Conversation.objects.filter(pk=conversation.pk).exists() and not Message.objects.exists()
        gql.login(ledger["admin"])
        totals = gql(USAGE, {"slug": ledger["workspace"].slug, "from": "2026-11-21T00:00:00+00:00"})["data"]["workspace"]["assistantUsage"]["totals"]
        assert Decimal(totals["cost"]) == priced({"input_tokens": 1000, "output_tokens": 100}) and totals["messages"] == 1


class TestBudgets:
    def test_budget_hit_in_the_middle_of_a_turn_stops_it_cleanly(self, model, conversation, settings):
        settings.ASSISTANT_MONTHLY_LIMIT_USD = "0.01"
        model.script(
            tool_reply([("query_database", {"query": "SELECT 1"})], usage={"input_tokens": 2000, "output_tokens": 100}),  # over $0.01
            text_reply("never reached"),
        )
        result = send_message(conversation.user, conversation.id, "How many?")
        assert result.error_code == "BUDGET_EXCEEDED"
        message = Message.objects.get(pk=result.message.pk)
        assert message.status == "FAILED" and "$0.01 spent of $0.01" in message.error_message
        assert message.model_calls == 1 and message.cost == priced({"input_tokens": 2000, "output_tokens": 100})
        assert ToolExecution.objects.get(message=message).success  # what was done is kept
        assert model.responder.remaining == 1
        with pytest.raises(AssistantError) as refused:
            send_message(conversation.user, conversation.id, "again")
        assert refused.value.code == "BUDGET_EXCEEDED"
        assert refused.value.details["budget"]["scope"] == "USER" and refused.value.details["budget"]["spent"] == "0.01250000"
        assert Message.objects.filter(conversation=conversation).count() == 2

    def test_month_boundary_in_utc(self, model, conversation, settings):
        settings.ASSISTANT_MONTHLY_LIMIT_USD = "1"
        record(conversation.user, conversation.workspace, datetime(2026, 10, 31, 23, 59, 59, tzinfo=tz.utc), "5")
        with freeze_time("2026-10-31 23:59:59.5"):
            with pytest.raises(AssistantError) as refused:
                send_message(conversation.user, conversation.id, "hi")
            assert refused.value.details["budget"]["resets_at"] == "2026-11-01T00:00:00+00:00"
        with freeze_time("2026-11-01 00:00:00"):
            model.script(text_reply("New month."))
            assert send_message(conversation.user, conversation.id, "hi").error_code is None

    def test_workspace_budget_set_by_admins(self, gql, roles, model, conversation):
        mutation = "mutation($slug: String!, $amount: String) { setAssistantWorkspaceBudget(input: {workspaceSlug: $slug, monthlyLimitUsd: $amount}) { success errors workspace { assistantMonthlyBudget } } }"
        slug = roles["workspace"].slug
        gql.login(roles["editor"])
        assert gql(mutation, {"slug": slug, "amount": "5"})["data"]["setAssistantWorkspaceBudget"]["errors"] == ["PERMISSION_DENIED"]
        gql.login(roles["admin"])
        for bad in ("-1", "abc", "NaN", "1e20"):
            assert gql(mutation, {"slug": slug, "amount": bad})["data"]["setAssistantWorkspaceBudget"]["errors"] == ["INVALID_AMOUNT"]
        result = gql(mutation, {"slug": slug, "amount": "0.001"})["data"]["setAssistantWorkspaceBudget"]
        assert result == {"success": True, "errors": [], "workspace": {"assistantMonthlyBudget": "0"}}
        record(roles["viewer"], roles["workspace"], datetime.now(tz.utc), "0.5")  # someone else's spending counts
        with pytest.raises(AssistantError) as refused:
            send_message(conversation.user, conversation.id, "hi")
        assert refused.value.details["budget"]["scope"] == "WORKSPACE"
        assert gql(mutation, {"slug": slug, "amount": None})["data"]["setAssistantWorkspaceBudget"]["workspace"] == {"assistantMonthlyBudget": None}
        model.script(text_reply("ok"))
        assert send_message(conversation.user, conversation.id, "hi").error_code is None

    def test_a_superuser_who_is_not_a_member_cannot_see_usage_set_a_budget_or_create_a_conversation(self, gql, roles, make_user):
        """Django grants a superuser every permission; budgets and conversations are for
        the workspace's members by role, asked without that shortcut."""
        from hexa.assistant.models import WorkspaceBudget
        from hexa.user_management.backends import has_member_perm
        from hexa.workspaces.models import WorkspaceMembership, WorkspaceMembershipRole

        mutation = "mutation($slug: String!, $amount: String) { setAssistantWorkspaceBudget(input: {workspaceSlug: $slug, monthlyLimitUsd: $amount}) { success errors } }"
        create = "mutation($slug: String!) { createAssistantConversation(input: {workspaceSlug: $slug}) { success errors } }"
        workspace, superuser = roles["workspace"], make_user("root@example.org", is_staff=True, is_superuser=True)
        assert superuser.has_perm("assistant.manage_budget", workspace)  # what the mutation no longer asks
        assert not has_member_perm(superuser, "assistant.manage_budget", workspace)
        gql.login(superuser)
        usage = gql("query($slug: String!) { workspace(slug: $slug) { assistantUsage { totals { cost } } } }", {"slug": workspace.slug})
        assert usage["data"]["workspace"]["assistantUsage"] is None and usage["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
        assert gql(mutation, {"slug": workspace.slug, "amount": "5"})["data"]["setAssistantWorkspaceBudget"] == {"success": False, "errors": ["PERMISSION_DENIED"]}
        assert gql(mutation, {"slug": workspace.slug, "amount": None})["data"]["setAssistantWorkspaceBudget"]["errors"] == ["PERMISSION_DENIED"]
        assert gql(create, {"slug": workspace.slug})["data"]["createAssistantConversation"] == {"success": False, "errors": ["PERMISSION_DENIED"]}
        assert not WorkspaceBudget.objects.exists() and not Conversation.objects.exists()
        # as an EDITOR member, still no budget; as an ADMIN member, yes
        membership = WorkspaceMembership.objects.create(workspace=workspace, user=superuser, role=WorkspaceMembershipRole.EDITOR)
        assert gql(mutation, {"slug": workspace.slug, "amount": "5"})["data"]["setAssistantWorkspaceBudget"]["errors"] == ["PERMISSION_DENIED"]
        assert gql(create, {"slug": workspace.slug})["data"]["createAssistantConversation"]["success"] is True
        membership.role = WorkspaceMembershipRole.ADMIN
        membership.save()
        assert gql(mutation, {"slug": workspace.slug, "amount": "5"})["data"]["setAssistantWorkspaceBudget"] == {"success": True, "errors": []}
        assert WorkspaceBudget.objects.get(workspace=workspace).monthly_limit_usd == Decimal("5")

    def test_has_member_perm(self, roles):
        from hexa.user_management.backends import has_member_perm

        workspace, admin = roles["workspace"], roles["admin"]
        assert has_member_perm(admin, "assistant.manage_budget", workspace)
        assert not has_member_perm(roles["editor"], "assistant.manage_budget", workspace)
        assert not has_member_perm(roles["outsider"], "assistant.create_conversation", workspace)
        admin.is_active = False
        assert not has_member_perm(admin, "assistant.manage_budget", workspace)


class TestRateLimit:
    @pytest.mark.parametrize("text,expected", [("20/m", (20, 60)), ("100/5m", (100, 300)), (" 3 / h ", (3, 3600)), ("", None), ("0/m", None), ("lots", None)])
    def test_parse(self, text, expected):
        assert parse_rate(text) == expected

    def test_sends_over_the_rate_are_refused_with_the_retry_time(self, model, conversation, settings):
        settings.ASSISTANT_RATE_LIMIT = "2/m"
        with freeze_time("2026-11-21 12:00:00") as clock:
            for n in range(2):
                model.script(text_reply(f"answer {n}"))
                assert send_message(conversation.user, conversation.id, f"question {n}").error_code is None
                clock.tick(10)
            with pytest.raises(AssistantError) as refused:
                send_message(conversation.user, conversation.id, "one more")
            assert refused.value.code == "RATE_LIMITED" and refused.value.details["retry_after"] == 40
            clock.tick(41)
            model.script(text_reply("allowed again"))
            assert send_message(conversation.user, conversation.id, "later").error_code is None


def test_usage_command_table_and_csv(ledger):
    out = StringIO()
    call_command("assistant_usage", "--by", "user,month", "--format", "csv", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "user,month,turns,model_calls,input_tokens,output_tokens,cache_read_input_tokens,cache_creation_input_tokens,cost_usd"
    assert "editor@example.org,2026-11,1,2,300,30,5000,0,0.30000000" in lines
    assert "viewer@example.org,2026-10,1,1,1000,0,0,0,1.00000000" in lines
    out = StringIO()
    call_command("assistant_usage", "--by", "workspace", "--month", "2026-11", stdout=out)
    assert "0.35000000" in out.getvalue()
    with pytest.raises(Exception, match="--month must look like"):
        call_command("assistant_usage", "--month", "November")


def test_graphql_reports_the_budget_a_turn_stopped_on(gql, roles, model, settings):
    settings.ASSISTANT_MONTHLY_LIMIT_USD = "0.01"
    gql.login(roles["editor"])
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
    model.script(tool_reply([("query_database", {"query": "SELECT 1"})], usage={"input_tokens": 2000, "output_tokens": 100}))
    result = gql(
        "mutation($id: UUID!) { sendAssistantMessage(input: {conversationId: $id, message: \"How many?\"}) {"
        " success errors budget { scope limit spent } message { status } } }",
        {"id": str(conversation.id)},
    )["data"]["sendAssistantMessage"]
    assert result == {
        "success": False, "errors": ["BUDGET_EXCEEDED"], "message": {"status": "FAILED"},
        "budget": {"scope": "USER", "limit": "0.01", "spent": str(priced({"input_tokens": 2000, "output_tokens": 100}).quantize(Decimal("0.00000001")))},
    }
