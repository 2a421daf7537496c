"""The MCP server's cost: a tool call through /assistant/mcp/ (the SDK's own client, over real
HTTP, to uvicorn as `make run` starts it, one process) against the same call made directly
with `run_tool` in this process. Medians of CALLS calls after a warm-up, one client session
(as Claude Desktop or Claude Code keeps one); the difference is what MCP adds: the HTTP round
trip, JSON-RPC, the token's check, the grant's checks, the rate limit and the ledger row.
The machine is shared with other work: figures are medians, and noisy.
"""

import asyncio
import statistics
import sys
import time
from pathlib import Path

from bench.common import result, temporary_workspace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live_server import LiveServer  # noqa: E402

CALLS = 60
TARGET_MS = 20
CALLS_OF = {
    "describe_tables": {"table_name": "cases"},
    "query_database": {"query": "SELECT district, sum(cases) AS cases FROM cases GROUP BY 1 ORDER BY 1"},
}


def _median_ms(times) -> float:
    return statistics.median(times) * 1000


def _direct(user, workspace, name, arguments) -> list[float]:
    from hexa.assistant.tool_executors import run_tool

    times = []
    for _ in range(CALLS + 5):
        started = time.perf_counter()
        output = run_tool(user, workspace, name, arguments)
        times.append(time.perf_counter() - started)
        assert "error" not in output, output
    return times[5:]


async def _through_mcp(url, token, slug, name, arguments) -> list[float]:
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    times = []
    async with http, Client(streamable_http_client(url, http_client=http)) as client:
        for _ in range(CALLS + 5):
            started = time.perf_counter()
            called = await client.call_tool(name, {"workspace": slug, **arguments})
            times.append(time.perf_counter() - started)
            assert not called.is_error, called.structured_content
    return times[5:]


def run():
    from hexa.assistant.mcp.grants import create_personal_token
    from hexa.databases import api as databases

    logs = ROOT / "bench" / "results"
    logs.mkdir(exist_ok=True)
    # no rate limit: the benchmark makes more calls in a minute than a client may
    server = LiveServer("http://127.0.0.1:9", logs, workers=1, turn_workers=0, ASSISTANT_MCP_RATE_LIMIT="")
    rows = []
    try:
        with temporary_workspace("MCP") as (user, workspace):
            connection = databases.connect(workspace, read_only=False)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TABLE cases AS SELECT 'District ' || (i % 16) AS district, i % 12 AS month, i AS cases "
                    "FROM generate_series(1, 5000) i; ANALYZE cases;"
                )
            connection.close()
            _, token, errors = create_personal_token(user, "bench", [workspace.slug], list(CALLS_OF))
            assert not errors, errors
            for name, arguments in CALLS_OF.items():
                direct = _direct(user, workspace, name, arguments)
                through = asyncio.run(_through_mcp(f"{server.url}/assistant/mcp/", token, workspace.slug, name, arguments))
                added = _median_ms(through) - _median_ms(direct)
                rows += [
                    result(f"{name}: run_tool, median", _median_ms(direct), "ms", "-", None),
                    result(f"{name}: through MCP, median", _median_ms(through), "ms", "-", None,
                           note=f"p90 {statistics.quantiles(through, n=10)[-1] * 1000:.1f} ms"),
                    result(f"{name}: added by MCP", added, "ms", f"< {TARGET_MS} ms", added < TARGET_MS,
                           note=f"{CALLS} calls, one session, noisy shared machine"),
                ]
    finally:
        server.stop()
    return rows
