"""Usage, budgets and the rate limit, all read from the usage ledger (UsageRecord).

Months are calendar months in UTC. Budgets are checked before every model call, so one
turn cannot run far past them: at most the cost of the call in flight.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Avg, Count, Max, Q, Sum
from django.db.models.functions import TruncDay, TruncMonth
from django.utils import timezone

from .models import Message, MessageFeedback, SendRecord, UsageKind, UsageRecord, WorkspaceBudget
from .pricing import TOKEN_FIELDS

# Model calls billed with the server's estimate (UsageRecord.estimated), counted apart in reports.
ESTIMATED = {
    "estimated_model_calls": Count("id", filter=Q(kind=UsageKind.MODEL_CALL, estimated=True)),
    "estimated_cost": Sum("cost", filter=Q(kind=UsageKind.MODEL_CALL, estimated=True)),
}
RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def month_start(now: datetime | None = None) -> datetime:
    now = (now or timezone.now()).astimezone(dt_timezone.utc)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(now: datetime | None = None) -> datetime:
    start = month_start(now)
    return (start + timedelta(days=32)).replace(day=1)


def user_limit() -> Decimal | None:
    value = str(settings.ASSISTANT_MONTHLY_LIMIT_USD or "").strip()
    return Decimal(value) if value and Decimal(value) > 0 else None


@dataclass
class BudgetExceeded(Exception):
    scope: str  # USER or WORKSPACE
    limit: Decimal
    spent: Decimal
    resets_at: datetime

    @property
    def message(self):
        who = "your monthly assistant budget" if self.scope == "USER" else "this workspace's monthly assistant budget"
        return (
            f"You have reached {who}: ${self.spent:.2f} spent of ${self.limit:.2f} this month. "
            f"It resets on {self.resets_at:%Y-%m-%d} (UTC)."
        )

    def as_dict(self):
        return {"scope": self.scope, "limit": str(self.limit), "spent": str(self.spent), "resets_at": self.resets_at.isoformat()}


def workspace_limit(workspace) -> Decimal | None:
    budget = WorkspaceBudget.objects.filter(workspace=workspace).first()
    return budget.monthly_limit_usd if budget else None


def month_figures(user_id, workspace_id) -> tuple[Decimal | None, Decimal, Decimal]:
    """The workspace's monthly limit (None: no limit), and what the user and the workspace
    spent this calendar month (either id may be None)."""
    # One hand-written query: it runs before every model call of every turn, and the ORM
    # takes longer to build these than PostgreSQL takes to answer them (indexes on user /
    # workspace and date).
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (SELECT monthly_limit_usd FROM "{WorkspaceBudget._meta.db_table}" WHERE workspace_id = %(workspace)s),
                       COALESCE(SUM(cost) FILTER (WHERE user_id = %(user)s), 0),
                       COALESCE(SUM(cost) FILTER (WHERE workspace_id = %(workspace)s), 0)
                FROM "{UsageRecord._meta.db_table}"
                WHERE created_at >= %(since)s AND (user_id = %(user)s OR workspace_id = %(workspace)s)""",
            {"user": user_id, "workspace": workspace_id, "since": month_start()},
        )
        return cursor.fetchone()


def check_budgets(user, workspace):
    """Raise BudgetExceeded if the user's or the workspace's month is spent."""
    user_cap = user_limit()
    workspace_cap, user_spent, workspace_spent = month_figures(user.pk, workspace.pk)
    if user_cap is not None and user_spent >= user_cap:
        raise BudgetExceeded("USER", user_cap, user_spent, next_month_start())
    if workspace_cap is not None and workspace_spent >= workspace_cap:
        raise BudgetExceeded("WORKSPACE", workspace_cap, workspace_spent, next_month_start())


@dataclass
class RateLimited(Exception):
    retry_after: int  # seconds


def parse_rate(text: str) -> tuple[int, int] | None:
    """"20/m" → (20, 60); "100/5m" → (100, 300); empty or "0/m" → None (no limit)."""
    match = RATE_PATTERN.match(text or "")
    if not match:
        return None
    count, multiplier, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)
    return (count, multiplier * PERIOD_SECONDS[unit]) if count > 0 else None


def check_rate_limit(user):
    """Count this send against the user's rate, or raise RateLimited. Sends of one user are
    serialised on a row lock, so parallel requests on several processes cannot slip through."""
    rate = parse_rate(settings.ASSISTANT_RATE_LIMIT)
    if rate is None:
        return
    count, seconds = rate
    now = timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        recent = list(
            SendRecord.objects.filter(user=user, created_at__gt=now - timedelta(seconds=seconds))
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(recent) >= count:
            oldest_counted = recent[len(recent) - count]
            raise RateLimited(max(1, int((oldest_counted + timedelta(seconds=seconds) - now).total_seconds() + 0.999)))
        SendRecord.objects.create(user=user, created_at=now)


# -- reports ----------------------------------------------------------------------------

def _totals(records) -> dict:
    model_calls = records.filter(kind=UsageKind.MODEL_CALL)
    # the estimated sums first: once `cost` names an aggregate, Sum("cost") would mean it
    sums = model_calls.aggregate(
        **ESTIMATED, **{f: Sum(f) for f in (*TOKEN_FIELDS, "cost")}, model_calls=Count("id")
    )
    counts = records.aggregate(
        conversations=Count("conversation_uuid", distinct=True), messages=Count("message_uuid", distinct=True)
    )
    return {
        **{f: sums[f] or 0 for f in TOKEN_FIELDS},
        "cost": sums["cost"] or Decimal("0"),
        "model_calls": sums["model_calls"],
        "estimated_model_calls": sums["estimated_model_calls"],
        "estimated_cost": sums["estimated_cost"] or Decimal("0"),
        **counts,
    }


def _grouped(records, key, **extra) -> list[dict]:
    rows = (
        records.values(key)
        .annotate(
            **ESTIMATED,
            conversations=Count("conversation_uuid", distinct=True),
            messages=Count("message_uuid", distinct=True),
            model_calls=Count("id", filter=Q(kind=UsageKind.MODEL_CALL)),
            cost=Sum("cost", filter=Q(kind=UsageKind.MODEL_CALL)),
            **{f: Sum(f, filter=Q(kind=UsageKind.MODEL_CALL)) for f in TOKEN_FIELDS},
            **extra,
        )
        .order_by(key)
    )
    return [
        {
            **row,
            "cost": row["cost"] or Decimal("0"),
            "estimated_cost": row["estimated_cost"] or Decimal("0"),
            **{f: row[f] or 0 for f in TOKEN_FIELDS},
        }
        for row in rows
    ]


def workspace_report(workspace, start=None, end=None, period="DAY") -> dict:
    records = UsageRecord.objects.filter(workspace=workspace)
    if start:
        records = records.filter(created_at__gte=start)
    if end:
        records = records.filter(created_at__lt=end)
    trunc = TruncMonth if period == "MONTH" else TruncDay
    by_period = _grouped(records.annotate(period=trunc("created_at", tzinfo=dt_timezone.utc)), "period")
    by_user = _grouped(records, "user")
    by_model = _grouped(records.filter(kind=UsageKind.MODEL_CALL), "model")
    by_tool = (
        records.filter(kind=UsageKind.TOOL_CALL)
        .values("tool_name")
        .annotate(calls=Count("id"), failures=Count("id", filter=Q(success=False)), mean_duration_ms=Avg("duration_ms"))
        .order_by("tool_name")
    )
    by_client = (
        records.filter(client__isnull=False)
        .values("client", "client__name", "client__kind", "client__user")
        .annotate(calls=Count("id"), failures=Count("id", filter=Q(success=False)), last_call_at=Max("created_at"))
        .order_by("client__name", "client")
    )
    return {
        "start": start,
        "end": end,
        "by_client": list(by_client),
        "feedback": feedback_report(workspace, start, end),
        "totals": _totals(records),
        "by_period": by_period,
        "by_user": by_user,
        "by_model": by_model,
        "by_tool": list(by_tool),
    }


def feedback_report(workspace, start=None, end=None, recent=20) -> dict:
    """What members said of their answers: counts, and the latest comments with who wrote them."""

    given = Message.objects.filter(conversation__workspace=workspace).exclude(feedback="")
    if start:
        given = given.filter(feedback_at__gte=start)
    if end:
        given = given.filter(feedback_at__lt=end)
    counts = given.aggregate(
        helpful=Count("id", filter=Q(feedback=MessageFeedback.HELPFUL)),
        not_helpful=Count("id", filter=Q(feedback=MessageFeedback.NOT_HELPFUL)),
    )
    comments = given.exclude(feedback_comment="").select_related("conversation__user").order_by("-feedback_at")[:recent]
    return {
        **counts,
        "recent_comments": [
            {"feedback": m.feedback, "comment": m.feedback_comment, "user": m.conversation.user, "created_at": m.feedback_at}
            for m in comments
        ],
    }


def user_month(user) -> dict:
    records = UsageRecord.objects.filter(user=user, created_at__gte=month_start())
    totals = _totals(records)
    limit = user_limit()
    return {
        "month": month_start().strftime("%Y-%m"),
        "totals": totals,
        "limit": limit,
        "remaining": max(Decimal("0"), limit - totals["cost"]) if limit is not None else None,
        "resets_at": next_month_start(),
    }
