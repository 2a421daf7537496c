"""One tool call of an MCP client: counted against the client's rate, in the usage ledger
with the client, run as its user by the registry's tool, and returned through the
workspace's data policy (the client is a model too: it sees what the assistant's model would).
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ..data_policy import for_model
from ..errors import error_result, is_error
from ..models import AssistantClient, UsageKind, UsageRecord
from ..tool_executors import run_tool
from ..tools import TOOLS
from ..usage import parse_rate
from .grants import Grant, McpErrorCode

WORKSPACE_ARGUMENT = "workspace"
# last_used_at is written at most this often per client (it is shown to the day on the page)
LAST_USED_RESOLUTION = timedelta(minutes=1)


def call(grant: Grant, name, arguments) -> dict:
    """The result of tool `name` called with `arguments` (its own plus `workspace`), as the
    client may see it; every refusal a typed error. Never raises."""
    arguments = dict(arguments or {})
    slug = arguments.pop(WORKSPACE_ARGUMENT, None)
    workspace, workspace_settings, refused = grant.check_call(name, slug)
    if refused:
        return refused
    ledger_id, limited = _count_call(grant.client, workspace, name)
    if limited:
        return limited
    started = time.monotonic()
    output = run_tool(grant.user, workspace, name, arguments)
    duration_ms = int((time.monotonic() - started) * 1000)
    UsageRecord.objects.filter(pk=ledger_id).update(success=not is_error(output), duration_ms=duration_ms)
    return for_model(TOOLS[name], arguments, output, workspace_settings.send_rows_to_model)


def _count_call(client: AssistantClient, workspace, name) -> tuple[int | None, dict | None]:
    """(the call's ledger row, written before the tool runs so that a crash leaves its
    trace, None), or (None, a RATE_LIMITED error).

    The row is written first (committed), then the client's calls in the period are counted,
    the new one with them: over the rate, the row is taken back and the call refused. Calls
    made at once on several processes can only be refused too often, never too seldom:
    whichever counts last sees every row written before it. Two statements, no lock."""
    now = timezone.now()
    ledger = UsageRecord.objects.create(
        kind=UsageKind.TOOL_CALL, user_id=client.user_id, workspace=workspace, client_id=client.pk,
        tool_name=name, created_at=now,
    )
    rate = parse_rate(settings.ASSISTANT_MCP_RATE_LIMIT)
    count, seconds = rate if rate is not None else (None, 0)
    table, clients = UsageRecord._meta.db_table, AssistantClient._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH recent AS (
                    SELECT created_at FROM "{table}" WHERE client_id = %(client)s AND created_at > %(since)s
                    ORDER BY created_at DESC LIMIT %(limit)s),
                over AS (SELECT count(*) > %(count)s AS over, min(created_at) AS oldest FROM recent),
                taken_back AS (DELETE FROM "{table}" WHERE id = %(ledger)s AND (SELECT over FROM over) RETURNING id),
                used AS (UPDATE "{clients}" SET last_used_at = %(now)s WHERE id = %(client)s
                         AND NOT (SELECT over FROM over)
                         AND (last_used_at IS NULL OR last_used_at < %(stale)s) RETURNING id)
                SELECT over, oldest, (SELECT count(*) FROM taken_back), (SELECT count(*) FROM used) FROM over""",
            {
                "client": client.pk, "ledger": ledger.pk, "now": now, "stale": now - LAST_USED_RESOLUTION,
                "since": now - timedelta(seconds=seconds), "count": count if count is not None else 2**31,
                "limit": (count or 0) + 1,
            },
        )
        over, oldest, _, _ = cursor.fetchone()
    if not over:
        return ledger.pk, None
    retry_after = max(1, int((oldest + timedelta(seconds=seconds) - now).total_seconds() + 0.999))
    return None, error_result(
        McpErrorCode.RATE_LIMITED,
        f"This client made {count} tool calls in {seconds} s, its limit. Try again in {retry_after} s.",
        retry_after=retry_after,
    )
