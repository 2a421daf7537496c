from ariadne import ObjectType
from graphql import GraphQLError

from hexa.user_management.backends import has_member_perm
from hexa.user_management.models import User

from .. import usage

me_object = ObjectType("Me")
usage_workspace_object = ObjectType("Workspace")
usage_totals_object = ObjectType("AssistantUsageTotals")
user_usage_object = ObjectType("AssistantUserUsage")


def _money(value):
    return None if value is None else format(value.normalize(), "f") if value else "0"


@usage_totals_object.field("cost")
def resolve_totals_cost(totals, _):
    return _money(totals["cost"])


@usage_totals_object.field("estimatedCost")
def resolve_totals_estimated_cost(totals, _):
    return _money(totals["estimated_cost"])


@usage_workspace_object.field("assistantUsage")
def resolve_workspace_usage(workspace, info, period="DAY", **kwargs):
    user = info.context["request"].user
    if not has_member_perm(user, "assistant.view_usage", workspace):  # superusers: the Django admin
        raise GraphQLError("Only workspace admins can see the assistant's usage.", extensions={"code": "PERMISSION_DENIED"})
    start, end = kwargs.get("from"), kwargs.get("to")
    if start and end and end <= start:
        raise GraphQLError("`to` must be after `from`.", extensions={"code": "BAD_REQUEST"})
    report = usage.workspace_report(workspace, start, end, period)
    users = User.objects.in_bulk(
        [row["user"] for row in report["by_user"] if row["user"]] + [row["client__user"] for row in report["by_client"]]
    )
    limit, _, spent = usage.month_figures(None, workspace.pk)
    return {
        "from": start,
        "to": end,
        "totals": report["totals"],
        "by_user": [{"user": users.get(row["user"]), "totals": row} for row in report["by_user"]],
        "by_period": [{"period": row["period"], "totals": row} for row in report["by_period"]],
        "by_model": [{"model": row["model"], "totals": row} for row in report["by_model"]],
        "by_tool": [
            {"name": row["tool_name"], "calls": row["calls"], "failures": row["failures"], "mean_duration_ms": row["mean_duration_ms"]}
            for row in report["by_tool"]
        ],
        "by_client": [
            {
                "client_id": row["client"], "name": row["client__name"], "kind": row["client__kind"],
                "user": users.get(row["client__user"]), "calls": row["calls"], "failures": row["failures"],
                "last_call_at": row["last_call_at"],
            }
            for row in report["by_client"]
        ],
        "feedback": report["feedback"],
        "monthly_budget": _money(limit),
        "spent_this_month": _money(spent),
    }


@usage_workspace_object.field("assistantMonthlyBudget")
def resolve_monthly_budget(workspace, _):
    return _money(usage.workspace_limit(workspace))


@me_object.field("assistantUsage")
def resolve_my_usage(me, _):
    user = me["request"].user
    if not user.is_authenticated:
        return None
    month = usage.user_month(user)
    return {
        "month": month["month"],
        "totals": month["totals"],
        "limit": _money(month["limit"]),
        "remaining": _money(month["remaining"]),
        "resets_at": month["resets_at"],
    }


bindables = [me_object, usage_workspace_object, usage_totals_object, user_usage_object]
