"""query_files is bounded whatever the query computes: strings built in one go (`repeat('x',
2e9)`), aggregates of huge strings, huge lists, endless scans. The calling process grows by less
than 64 MB, the engine's child process by less than ASSISTANT_FILE_QUERY_MEMORY_MB + its stated
overhead (file_process.OVERHEAD_MB), and the call ends within the time limit plus 1 s.

Measured as tests/test_sql_result_bounds.py does, in a fresh process (CHILD, run with
`python -c`): its own peak resident set (VmHWM, reset before each query) minus its resident set
before the query; and, sampled every 2 ms by a thread of CHILD, the resident set of each process
the fork server forks, minus the fork server's own (what a child has when it is forked).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hexa.assistant.executors import file_process

ROOT = Path(__file__).resolve().parent.parent
MEMORY_MB = 128
PARENT_BUDGET = 64 * 1024 * 1024
CHILD_BUDGET = (MEMORY_MB + file_process.OVERHEAD_MB) * 1024 * 1024

CHILD = r"""
import json, os, sys, threading, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from types import SimpleNamespace
from django.conf import settings
from multiprocessing import forkserver
from hexa.assistant.executors import file_query
from hexa.assistant.executors.bucket import Bucket
from hexa.assistant.errors import AssistantError

settings.WORKSPACE_BUCKETS_ROOT = os.environ["BOUNDS_ROOT"]
settings.ASSISTANT_FILE_QUERY_MEMORY_MB = int(os.environ["BOUNDS_MEMORY_MB"])
workspace = SimpleNamespace(bucket_name="bounds")


def kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None


def call(sql):
    try:
        with Bucket(workspace) as bucket:
            return file_query.query_files(bucket, sql, {"t": "cases.csv"})
    except AssistantError as error:
        return error.as_dict()


call("SELECT 1")  # starts the fork server
server = forkserver._forkserver._forkserver_pid
peak = {"growth": 0}
sampling = threading.Event()


def sample():
    while True:
        sampling.wait()
        base = kb(server, "VmRSS") or 0
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) == server:
                continue
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == server:
                rss = kb(name, "VmRSS")
                if rss:
                    peak["growth"] = max(peak["growth"], rss - base)
        time.sleep(0.002)


threading.Thread(target=sample, daemon=True).start()
for sql, timeout_ms in json.load(sys.stdin):
    settings.ASSISTANT_QUERY_TIMEOUT_MS = timeout_ms
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = kb("self", "VmRSS")
    peak["growth"] = 0
    sampling.set()
    started = time.monotonic()
    result = call(sql)
    elapsed = time.monotonic() - started
    sampling.clear()
    time.sleep(0.01)
    print(json.dumps({"sql": sql, "elapsed": elapsed, "growth": kb("self", "VmHWM") - before,
                      "child_growth": peak["growth"], "result": result}), flush=True)
"""

HOSTILE = [
    ("a string built in one go", "SELECT repeat('x', 2000000000)", 3_000),
    ("a smaller one", "SELECT repeat('x', 300000000) AS v", 3_000),
    ("not a constant", "SELECT repeat(district, 200000000) FROM t", 3_000),
    ("an aggregate of strings", "SELECT length(string_agg(repeat('x', 1000), '')) FROM range(1000000)", 3_000),
    ("a huge list", "SELECT list(i) FROM range(50000000) t(i)", 3_000),
    ("an endless scan", "SELECT count(*) FROM range(100000000000) t(i)", 1_000),
    ("an ordinary query", "SELECT district, sum(cases) AS cases FROM t GROUP BY ALL ORDER BY 1", 3_000),
]


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    root = tmp_path_factory.mktemp("buckets")
    (root / "bounds").mkdir()
    (root / "bounds" / "cases.csv").write_text("district,cases\nBo,4\nKenema,7\nBo,1\n")
    completed = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=json.dumps([[sql, timeout] for _, sql, timeout in HOSTILE]),
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "BOUNDS_ROOT": str(root), "BOUNDS_MEMORY_MB": str(MEMORY_MB)},
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == len(HOSTILE), completed.stderr[-3000:]
    return {name: json.loads(line) for (name, *_), line in zip(HOSTILE, lines)}


@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name, *_ in HOSTILE])
def test_memory_and_time_are_bounded_whatever_the_query_computes(measured, name):
    timeout_ms = next(timeout for case, _, timeout in HOSTILE if case == name)
    m = measured[name]
    assert m["growth"] < PARENT_BUDGET, f"{name}: the calling process grew by {m['growth'] / 1e6:.0f} MB"
    assert m["child_growth"] < CHILD_BUDGET, f"{name}: the engine grew by {m['child_growth'] / 1e6:.0f} MB"
    assert m["elapsed"] < timeout_ms / 1000 + 1, f"{name}: {m['elapsed']:.1f} s"
    assert len(json.dumps(m["result"])) < 150_000


@pytest.mark.slow
def test_what_is_stopped_says_why_and_the_rest_answers(measured):
    for name in ("a string built in one go", "a huge list", "an aggregate of strings"):
        assert measured[name]["result"]["error"]["code"] in ("MEMORY_LIMIT", "QUERY_TIMEOUT"), measured[name]
    assert measured["an endless scan"]["result"]["error"]["code"] == "QUERY_TIMEOUT"
    assert measured["an ordinary query"]["result"]["rows"] == [["Bo", 5], ["Kenema", 7]]



def test_a_failure_inside_the_child_is_a_bug_with_its_traceback():
    """Not the query's fault, so not a typed error: the tool's edge logs it as INTERNAL_ERROR."""
    with pytest.raises(RuntimeError, match="AttributeError"):
        file_process.run_in_child(("no_such_work", ()), [], time.monotonic() + 10)
