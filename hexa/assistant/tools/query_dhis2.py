"""The `query_dhis2` tool."""

from typing import Annotated

from django.conf import settings

from ..executors.connections import UserConnectionTools
from ..executors.dhis2_client import RESOURCES
from .arguments import Arguments, AtMostSetting, Field, JsonObject, PositiveInt
from ..workspace_sources import DHIS2_CONNECTIONS
from .base import Tool


def _description() -> str:
    max_rows = settings.ASSISTANT_QUERY_MAX_ROWS
    timeout_s = settings.ASSISTANT_DHIS2_TIMEOUT_MS / 1000
    max_mb = settings.ASSISTANT_DHIS2_MAX_BYTES / 1_000_000
    resources = "; ".join(f"{name}: {what}" for name, what in RESOURCES.items())
    return (
        "Read DHIS2 through one of the workspace's DHIS2 connections (its slug: list_connections): a read-only GET "
        "of a DHIS2 Web API resource with DHIS2's own query parameters, answered as a table (columns and rows, as "
        f"query_database). Resources: {resources}. A metadata collection also answers \"<collection>/<uid>\". "
        "Give parameters as DHIS2 names them; a repeated parameter as a list (\"dimension\": [\"dx:<uid>\", "
        "\"pe:202410\", \"ou:LEVEL-2\"]). Look UIDs up by name first (organisationUnits, dataElements, indicators "
        "with filter=name:ilike:<words> and fields=id,name). Periods: 202410 (month), 2024Q4, 2024, or relative "
        "(LAST_12_MONTHS, THIS_YEAR…). Analytics rows come with the names of their items (dx_name, pe_name, "
        f"ou_name). Returns at most `limit` rows (default 100, at most {max_rows}); `total_rows` and `truncated` "
        f"say when DHIS2 gave more. One call waits at most {timeout_s:g} s and reads at most {max_mb:g} MB: ask "
        "for what you need (fields=, a filter, fewer periods). To chart the answer, or let the user download all "
        "of it, use create_chart with source \"dhis2\". Errors: DHIS2_UNREACHABLE, DHIS2_AUTH_FAILED, DHIS2_ERROR "
        "(DHIS2's own message: an unknown UID or period…), NOT_FOUND, QUERY_TIMEOUT, RESPONSE_TOO_LARGE. Example: "
        '{"connection": "dhis2-demo", "resource": "analytics", "params": {"dimension": ["dx:<data element uid>", '
        '"pe:202410", "ou:LEVEL-2"]}}.'
    )


class QueryDhis2Arguments(Arguments):
    connection: str = Field(description="The slug of a DHIS2 connection of the workspace.")
    resource: str = Field(description="A DHIS2 Web API resource: analytics, dataValueSets, organisationUnits…")
    params: JsonObject | None = Field(
        None,
        description="DHIS2 query parameters: name -> text, number, true/false, or a list for a repeated parameter.",
    )
    limit: Annotated[PositiveInt, AtMostSetting("ASSISTANT_QUERY_MAX_ROWS")] | None = Field(
        None, description="Most rows to return (default 100)."
    )


TOOL = Tool(
    name="query_dhis2",
    description=_description,
    arguments=QueryDhis2Arguments,
    executor=UserConnectionTools,
    offered_if=DHIS2_CONNECTIONS,
)
