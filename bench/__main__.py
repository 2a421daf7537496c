"""`make bench`: run every bench/bench_*.py module, print one table, write bench/results/<module>.json.

A module exposes `run() -> list[dict]`, each dict a measured figure:
    {"name": str, "value": float, "unit": str, "target": str, "ok": bool | None, "note": str (optional)}
`python -m bench files` runs only the modules whose name contains "files".
"""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Benchmarks of the agent in this process run turns in its own thread (no worker needed);
# the streaming benchmark starts real web and worker processes of its own.
settings.ASSISTANT_TURNS_INLINE = True
# One call after each answer: off except in the benchmark that measures it (bench_follow_ups).
settings.ASSISTANT_FOLLOW_UP_MODEL = ""

RESULTS = Path(__file__).parent / "results"


def main(filters):
    modules = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    if filters:
        modules = [m for m in modules if any(f in m for f in filters)]
    RESULTS.mkdir(exist_ok=True)
    rows = []
    for name in modules:
        started = time.perf_counter()
        results = importlib.import_module(f"bench.{name}").run()
        (RESULTS / f"{name.removeprefix('bench_')}.json").write_text(json.dumps(results, indent=2, default=str))
        rows += [(name.removeprefix("bench_"), r) for r in results]
        print(f"# {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    width = max([len(r["name"]) for _, r in rows] + [10])
    print(f"\n{'group':<10} {'measure':<{width}} {'value':>14}  {'target':<14} verdict")
    for group, r in rows:
        verdict = {True: "ok", False: "MISSED", None: "-"}[r.get("ok")]
        value = f"{r['value']:.3f} {r['unit']}" if isinstance(r["value"], float) else f"{r['value']} {r['unit']}"
        print(f"{group:<10} {r['name']:<{width}} {value:>14}  {r.get('target', ''):<14} {verdict}  {r.get('note', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
