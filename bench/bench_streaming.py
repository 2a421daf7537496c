"""Many long turns at once on the server `make run` starts (uvicorn, one process).

32 conversations start together against the local model server with 0.5 s of latency per
model call and 3 model calls per turn (two tool rounds, then the answer): the ideal wall
time is 1.5 s. Also: the delay between the model sending its first token and the page
receiving it as a `text_delta`, and the CPU each part used.

The server is warmed up by one burst, then BENCH_ROUNDS bursts (default 3) are measured and
the median reported: this machine is shared and noisy. BENCH_CONVERSATIONS (default 32)
and BENCH_WORKERS (uvicorn processes, default 1) change the set-up.
"""

import os
import statistics
import sys
import threading
import time
from pathlib import Path


from bench.common import result, temporary_workspace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live_server import LiveServer, read_events, session_for  # noqa: E402

CONVERSATIONS = int(os.environ.get("BENCH_CONVERSATIONS", "32"))
LATENCY = 0.5
TOOL_ROUNDS = 2
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def rounds_so_far(messages) -> int:
    """Model calls already made in the current turn: assistant messages since the user's text."""
    rounds = 0
    for message in reversed(messages):
        if message["role"] == "assistant":
            rounds += 1
        elif not any(isinstance(b, dict) and b.get("type") == "tool_result" for b in message["content"]):
            break
    return rounds


def marker_of(body) -> str:
    return next(b["text"] for b in body["messages"][0]["content"] if b.get("type") == "text")


class ThreeCallTurns:
    def __init__(self):
        self.first_token_at = {}  # conversation marker -> when the model flushed the answer's first token

    def __call__(self, body):
        from hexa.assistant.local_model import text_reply, tool_reply

        if rounds_so_far(body["messages"]) < TOOL_ROUNDS:
            return tool_reply([("query_database", {"query": "SELECT 1 AS one"})])
        return text_reply("All three calls are done.")

    def on_sent(self, name, data, body):
        if name == "content_block_delta" and data["delta"].get("type") == "text_delta":
            self.first_token_at.setdefault(marker_of(body), time.perf_counter())


def _turn(client, conversation_id, marker, out, start=None):
    if start is not None:
        start.wait(30)
    started = time.perf_counter()
    with client.stream("POST", f"/assistant/conversations/{conversation_id}/stream/", json={"message": marker}) as response:
        first_delta = None
        events = []
        for event in read_events(response):
            events.append(event)
            if event[0] == "text_delta" and first_delta is None:
                first_delta = time.perf_counter()
    out.append({"marker": marker, "started": started, "ended": time.perf_counter(), "first_delta": first_delta, "last": events[-1][0] if events else None})


def _cpu_seconds(pid) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_cpu_seconds() -> float:
    total = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "postgres":
                total += _cpu_seconds(entry.name)
        except OSError:
            pass  # ended meanwhile
    return total


def _burst(server, session, user, workspace, round_number):
    """CONVERSATIONS turns started at once, each from its own open page (client)."""
    from hexa.assistant.models import Conversation

    conversations = [
        Conversation.objects.create(user=user, workspace=workspace, model="claude-opus-4-5-20251101", context="(benchmark)")
        for _ in range(CONVERSATIONS)
    ]
    clients = [server.client(session) for _ in conversations]
    for client in clients:
        client.get("/graphql/")  # the page's connection is open before it sends
    outcomes = []
    start = threading.Barrier(CONVERSATIONS + 1)
    threads = [
        threading.Thread(target=_turn, args=(client, c.id, f"round {round_number} turn {i}", outcomes, start))
        for i, (client, c) in enumerate(zip(clients, conversations))
    ]
    for thread in threads:
        thread.start()
    start.wait(30)
    started = time.perf_counter()
    cpu_before = _cpu_seconds(server.process.pid), time.process_time(), _postgres_cpu_seconds()
    for thread in threads:
        thread.join(60)
    wall = time.perf_counter() - started
    cpu_after = _cpu_seconds(server.process.pid), time.process_time(), _postgres_cpu_seconds()
    for client in clients:
        client.close()
    return wall, outcomes, [after - before for before, after in zip(cpu_before, cpu_after)]


def run():
    from hexa.assistant.local_model import LocalModelServer

    responder = ThreeCallTurns()
    model = LocalModelServer(responder, latency=LATENCY, on_sent=responder.on_sent, record_requests=False).start()
    logs = ROOT / "bench" / "results"
    logs.mkdir(exist_ok=True)
    # one user drives all the conversations: the per-user rate limit is not what is measured
    server = LiveServer(model.url, logs, extra_args=["--workers", os.environ.get("BENCH_WORKERS", "1")], ASSISTANT_RATE_LIMIT="")
    try:
        with temporary_workspace("Concurrency") as (user, workspace):
            session = session_for(user)
            _burst(server, session, user, workspace, "warm-up")  # first-use costs: imports, connections
            rounds = [_burst(server, session, user, workspace, n) for n in range(ROUNDS)]
    finally:
        server.stop()
        model.stop()
    walls = sorted(wall for wall, _, _ in rounds)
    wall = statistics.median(walls)
    outcomes = [o for _, round_outcomes, _ in rounds for o in round_outcomes]
    done = sum(1 for o in outcomes if o["last"] == "done")
    cpu = [statistics.median(c[i] for _, _, c in rounds) for i in range(3)]
    ideal = LATENCY * (TOOL_ROUNDS + 1)
    delays = [(o["first_delta"] - responder.first_token_at[o["marker"]]) * 1000 for o in outcomes if o["first_delta"]]
    return [
        result(f"{CONVERSATIONS} turns at once, wall time (median)", round(wall, 3), "s", "< 2.5 s", wall < 2.5 and done == len(outcomes),
               f"{ROUNDS} rounds: " + ", ".join(f"{w:.2f}" for w in walls) + f" s; {done}/{len(outcomes)} done"),
        result("ratio to ideal (1.5 s)", round(wall / ideal, 2), "x", "< 1.67 x", wall / ideal < 2.5 / ideal),
        result("first token -> text_delta, median", round(statistics.median(delays), 1), "ms", "< 50 ms", statistics.median(delays) < 50),
        result("first token -> text_delta, 90th percentile", round(sorted(delays)[int(len(delays) * 0.9)], 1), "ms", "", None),
        result("CPU per round: server / bench+model / PostgreSQL", round(sum(cpu), 2), "s", "", None,
               " / ".join(f"{c:.2f}" for c in cpu) + f" on {os.cpu_count()} cores"),
    ]
