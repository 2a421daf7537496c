"""Helpers shared by benchmarks: a throw-away user and workspace (real database and bucket)."""

import contextlib
import secrets
import time
import tracemalloc


@contextlib.contextmanager
def temporary_workspace(name="Benchmark"):
    from hexa.user_management.models import User
    from hexa.workspaces.models import Workspace

    user = User.objects.create_user(f"bench-{secrets.token_hex(4)}@example.org", secrets.token_hex(8), is_staff=True)
    workspace = Workspace.objects.create_if_has_perm(user, name=f"{name} {secrets.token_hex(3)}")
    try:
        yield user, workspace
    finally:
        workspace.delete_if_has_perm(user)
        user.delete()


def timed(fn, repeat=5):
    """Best wall time of `repeat` calls, in seconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def peak_python_memory(fn):
    """Peak bytes allocated by Python objects while `fn` runs (tracemalloc), and its result."""
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def result(name, value, unit, target, ok, note=""):
    return {"name": name, "value": value, "unit": unit, "target": target, "ok": ok, "note": note}
