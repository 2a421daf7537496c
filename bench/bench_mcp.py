"""The MCP server's cost: a tool call through /assistant/mcp/ (the SDK's own client, over real
HTTP, to uvicorn as `make run` starts it, one process) against the same call made directly
with `run_tool` in this process. Medians of CALLS calls after a warm-up, one client session
(as Claude Desktop or Claude Code keeps one); the difference is what MCP adds: the HTTP round
trip, JSON-RPC, the token's check, the grant's checks, the rate limit and the ledger row.
Each call is made both ways in turn (the machine is shared with other work, whose load
changes from second to second): the added time is the median of the pairs' differences.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import result, temporary_workspace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live_server import LiveServer, _free_port  # noqa: E402

CALLS = 60
TARGET_MS = 20
CALLS_OF = {
    "describe_tables": {"table_name": "cases"},
    "query_database": {"query": "SELECT district, sum(cases) AS cases FROM cases GROUP BY 1 ORDER BY 1"},
}


def _ms(seconds) -> float:
    return seconds * 1000


async def _paired(url, floor_url, token, user, workspace, name, arguments) -> tuple[list[float], ...]:
    """Each call made both ways in turn, so that both meet the machine's load of the moment."""
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    from hexa.assistant.tool_executors import run_tool
    from hexa.core.workers import run_sync

    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    floor_http = create_mcp_http_client()
    direct, through, refused, floor = [], [], [], []
    async with http, floor_http, Client(streamable_http_client(url, http_client=http)) as client, Client(
        streamable_http_client(floor_url, http_client=floor_http)
    ) as floor_client:
        for _ in range(CALLS + 5):
            started = time.perf_counter()
            output = await run_sync(run_tool, user, workspace, name, arguments)  # on a pool thread, as the server runs it
            direct.append(time.perf_counter() - started)
            assert "error" not in output, output
            started = time.perf_counter()
            called = await client.call_tool(name, {"workspace": workspace.slug, **arguments})
            through.append(time.perf_counter() - started)
            assert not called.is_error, called.structured_content
            started = time.perf_counter()
            called = await client.call_tool("no_such_tool", {})
            refused.append(time.perf_counter() - started)
            assert called.structured_content["error"]["code"] == "UNKNOWN_TOOL"
            started = time.perf_counter()
            await floor_client.call_tool("noop", {})
            floor.append(time.perf_counter() - started)
    return direct[5:], through[5:], refused[5:], floor[5:]


def run():
    from hexa.assistant.mcp.grants import create_personal_token
    from hexa.databases import api as databases

    logs = ROOT / "bench" / "results"
    logs.mkdir(exist_ok=True)
    # no rate limit: the benchmark makes more calls in a minute than a client may
    server = LiveServer("http://127.0.0.1:9", logs, workers=1, turn_workers=0, ASSISTANT_MCP_RATE_LIMIT="")
    floor_port = _free_port()
    floor_server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.mcp_floor_app:app", "--port", str(floor_port), "--no-access-log",
         "--log-level", "warning"],
        cwd=ROOT,
    )
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
                direct, through, refused, floor = asyncio.run(_paired(
                    f"{server.url}/assistant/mcp/", f"http://127.0.0.1:{floor_port}/", token, user, workspace, name, arguments
                ))
                added = _ms(statistics.median([t - d for d, t in zip(direct, through)]))
                rows += [
                    result(f"{name}: run_tool, median", _ms(statistics.median(direct)), "ms", "-", None),
                    result(f"{name}: through MCP, median", _ms(statistics.median(through)), "ms", "-", None,
                           note=f"p90 {_ms(statistics.quantiles(through, n=10)[-1]):.1f} ms"),
                    result(f"{name}: added by MCP, median of pairs", added, "ms", f"< {TARGET_MS} ms", added < TARGET_MS,
                           note=f"{CALLS} pairs, one session, {os.getloadavg()[0]:.0f} load average"),
                ]
                if not any(r["name"].startswith("refused") for r in rows):
                    rows += [
                        result("refused call (token, grant, no tool), median", _ms(statistics.median(refused)), "ms", "-",
                               None, note="the token's and the grant's checks, the SDK, HTTP"),
                        result("floor: the SDK alone, a tool doing nothing, median", _ms(statistics.median(floor)), "ms",
                               "-", None, note="same transport and client, no token, no database"),
                    ]
    finally:
        server.stop()
        floor_server.terminate()
        floor_server.wait()
    return rows
