"""One tool call of an MCP client: counted against the client's rate, in the usage ledger
with the client, run as its user by the registry's tool, and returned through the
workspace's data policy (the client is a model too: it sees what the assistant's model would).
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..data_policy import for_model
from ..errors import error_result, is_error
from ..models import AssistantClient, UsageKind, UsageRecord
from ..tool_executors import run_tool
from ..tools import TOOLS
from ..usage import parse_rate
from ..workspace_settings import settings_for
from .grants import Grant, McpErrorCode

WORKSPACE_ARGUMENT = "workspace"
# last_used_at is written at most this often per client (it is shown to the day on the page)
LAST_USED_RESOLUTION = timedelta(minutes=1)


def call(grant: Grant, name, arguments) -> dict:
    """The result of tool `name` called with `arguments` (its own plus `workspace`), as the
    client may see it; every refusal a typed error. Never raises."""
    arguments = dict(arguments or {})
    slug = arguments.pop(WORKSPACE_ARGUMENT, None)
    workspace, refused = grant.check_call(name, slug)
    if refused:
        return refused
    ledger = _count_call(grant.client, workspace, name)
    if isinstance(ledger, dict):
        return ledger
    started = time.monotonic()
    output = run_tool(grant.user, workspace, name, arguments)
    duration_ms = int((time.monotonic() - started) * 1000)
    UsageRecord.objects.filter(pk=ledger.pk).update(success=not is_error(output), duration_ms=duration_ms)
    return for_model(TOOLS[name], arguments, output, settings_for(workspace).send_rows_to_model)


def _count_call(client: AssistantClient, workspace, name) -> UsageRecord | dict:
    """The call's ledger row, written before the tool runs (a crash leaves its trace), or a
    RATE_LIMITED error. Calls of one client are counted under a lock on its row, so parallel
    calls on several processes cannot slip past the rate."""
    rate = parse_rate(settings.ASSISTANT_MCP_RATE_LIMIT)
    now = timezone.now()
    with transaction.atomic():
        used = AssistantClient.objects.select_for_update().filter(pk=client.pk).values_list("last_used_at", flat=True).first()
        if rate is not None:
            count, seconds = rate
            recent = _recent_calls(client.pk, now - timedelta(seconds=seconds), count)
            if len(recent) >= count:
                retry_after = max(1, int((recent[-1] + timedelta(seconds=seconds) - now).total_seconds() + 0.999))
                return error_result(
                    McpErrorCode.RATE_LIMITED,
                    f"This client made {count} tool calls in {seconds} s, its limit. Try again in {retry_after} s.",
                    retry_after=retry_after,
                )
        if used is None or now - used > LAST_USED_RESOLUTION:
            AssistantClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return UsageRecord.objects.create(
            kind=UsageKind.TOOL_CALL, user_id=client.user_id, workspace=workspace, client_id=client.pk,
            tool_name=name, created_at=now,
        )


def _recent_calls(client_id, since, count) -> list:
    """The times of the client's last `count` calls since `since`, newest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT created_at FROM "{UsageRecord._meta.db_table}" WHERE client_id = %s AND created_at > %s '
            "ORDER BY created_at DESC LIMIT %s",
            [client_id, since, count],
        )
        return [row[0] for row in cursor.fetchall()]
