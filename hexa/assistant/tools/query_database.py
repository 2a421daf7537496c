"""The `query_database` tool."""

from typing import Annotated

from django.conf import settings

from ..executors.database import UserDatabaseTools
from .arguments import Arguments, AtMostSetting, Field, PositiveInt
from .base import Tool


def _description() -> str:
    max_rows = settings.ASSISTANT_QUERY_MAX_ROWS
    timeout_s = settings.ASSISTANT_QUERY_TIMEOUT_MS / 1000
    return (
        "Run one read-only SQL query (PostgreSQL dialect) on the workspace database and get columns and "
        "rows. Only SELECT queries (WITH, UNION, VALUES allowed) are accepted; anything that writes, locks "
        "or changes settings is refused. Call describe_tables first to learn table and column names. "
        f"Returns at most `limit` rows (default 100, at most {max_rows}); `truncated` tells you when there "
        "were more — aggregate in SQL (GROUP BY, COUNT, SUM) rather than fetching many rows. Queries are "
        f"stopped after {timeout_s:g} s. Values longer than 2,000 characters (fewer in wide results) are cut "
        "by the database, marked '… [truncated, N chars]' (or bytes, or array elements), results over "
        "~100 kB or 500 columns are cut too, and a `note` says so: use left(), substring() or array slices "
        "to read a part. Dates and timestamps come as ISO strings, intervals as ISO-8601 durations, exact "
        "numbers as JSON numbers or exact strings. EXPLAIN of a SELECT is accepted (options ANALYZE, "
        "VERBOSE, COSTS, SETTINGS, BUFFERS, SUMMARY, FORMAT TEXT/JSON/YAML/XML; EXPLAIN ANALYZE runs the "
        "query under the same time limit): the plan comes back as rows of one column, \"QUERY PLAN\". "
        "Functions with side effects (pg_sleep, set_config, nextval, dblink, server files) are refused, and so "
        "are SHOW (use current_setting('name')) and the server-wide catalogs (other databases, roles, "
        "sessions). On a SQL error the server's message is returned: fix the query and try again. Example: "
        '{"query": "SELECT district, SUM(confirmed_cases) AS cases FROM district_monthly_cases GROUP BY '
        'district ORDER BY cases DESC", "limit": 10}.'
    )


class QueryDatabaseArguments(Arguments):
    query: str = Field(description="One SQL SELECT statement, or EXPLAIN of one.")
    limit: Annotated[PositiveInt, AtMostSetting("ASSISTANT_QUERY_MAX_ROWS")] | None = Field(
        None, description="Most rows to return (default 100)."
    )


TOOL = Tool(
    name="query_database",
    description=_description,
    arguments=QueryDatabaseArguments,
    executor=UserDatabaseTools,
)
