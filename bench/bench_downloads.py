"""A 1,000,000-row CSV download from the web server `make run` starts (uvicorn, one process):
its throughput, and the server's memory above its baseline while it streams.

`GET /assistant/tool-executions/<id>/download.csv` re-runs a stored query over a workspace
table of 1,000,000 rows (an id, a district, a date, a count, a rate: about 50 bytes a row as
CSV). The server's resident memory (the process and its children, from /proc) is sampled
every 10 ms during the download; the baseline is taken after a small warm-up download.
BENCH_DOWNLOAD_ROWS changes the table's size.
"""

import os
import sys
import threading
import time
from pathlib import Path

from bench.common import result, temporary_workspace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live_server import LiveServer, session_for  # noqa: E402

ROWS = int(os.environ.get("BENCH_DOWNLOAD_ROWS", "1000000"))

TABLE_SQL = f"""
CREATE TABLE reports AS
SELECT i AS id, 'District ' || (i % 16) AS district, date '2022-01-01' + (i % 1000) AS period,
       (i * 7) % 500 AS cases, round(((i * 13) % 1000) / 7.0, 3) AS rate
FROM generate_series(1, {ROWS}) AS i;
ANALYZE reports;
"""


def _rss_bytes(pid: int) -> int:
    """Resident memory of a process and its children."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except FileNotFoundError:
            pass
    return total


def _download(client, url) -> tuple[int, float, str]:
    started = time.perf_counter()
    size, last = 0, b""
    with client.stream("GET", url) as response:
        assert response.status_code == 200, response.read()[:500]
        for chunk in response.iter_raw():
            size += len(chunk)
            last = chunk[-200:]
    return size, time.perf_counter() - started, last.decode(errors="replace")


def run():
    from hexa.assistant.models import Conversation, Message, ToolExecution
    from hexa.databases import api as databases

    logs = ROOT / "bench" / "results"
    logs.mkdir(exist_ok=True)
    server = LiveServer("http://127.0.0.1:9", logs, workers=1, turn_workers=0)
    try:
        with temporary_workspace("Downloads") as (user, workspace):
            connection = databases.connect(workspace, read_only=False)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(TABLE_SQL)
            connection.close()
            conversation = Conversation.objects.create(user=user, workspace=workspace, model="bench")
            message = Message.objects.create(conversation=conversation, index=1, role="assistant")

            def stored(query):
                return ToolExecution.objects.create(
                    conversation=conversation, message=message, tool_use_id=f"toolu_{time.monotonic_ns()}",
                    name="query_database", input={"query": query}, output={}, success=True, status="COMPLETED",
                )

            client = server.client(session_for(user))
            client.timeout = 600
            warm = stored("SELECT * FROM reports LIMIT 1000")
            _download(client, f"/assistant/tool-executions/{warm.pk}/download.csv")
            time.sleep(0.5)
            baseline = _rss_bytes(server.process.pid)
            peak, sampling = [baseline], threading.Event()

            def sample():
                while not sampling.is_set():
                    peak[0] = max(peak[0], _rss_bytes(server.process.pid))
                    time.sleep(0.01)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            full = stored("SELECT * FROM reports")  # the whole table, in its stored order
            size, seconds, tail = _download(client, f"/assistant/tool-executions/{full.pk}/download.csv")
            sampling.set()
            sampler.join()
            client.close()
    finally:
        server.stop()
    rate = size / seconds / 1e6
    above = (peak[0] - baseline) / 1e6
    return [
        result(f"{ROWS:,}-row CSV download, throughput", round(rate, 1), "MB/s", "> 50 MB/s", rate > 50,
               f"{size / 1e6:.1f} MB in {seconds:.2f} s; ends with {tail.strip().splitlines()[-1][:40]!r}"),
        result("server memory above baseline during it", round(above, 1), "MB", "< 64 MB", above < 64,
               f"baseline {baseline / 1e6:.0f} MB, peak {peak[0] / 1e6:.0f} MB"),
    ]
