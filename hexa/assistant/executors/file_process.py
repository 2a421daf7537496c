"""DuckDB's work for query_files, read_file's tables, charts and downloads over files, in a child
process the caller can bound from outside.

    run_in_child(work, tables, deadline, send=None)   # work: (name of a function of file_work.py, args)

DuckDB's memory_limit and interrupt do not hold inside every function: `repeat('x', 2e9)`
allocates its 2 GB string in one go and cannot be interrupted while it does. So the engine runs
in a child forked from a fork server (started once, single-threaded, with DuckDB and Django
loaded: a call costs a fork, not an interpreter), and the caller watches it:

- memory: the child's resident set may grow by ASSISTANT_FILE_QUERY_MEMORY_MB + OVERHEAD_MB over
  what it had when it started; past that it is killed (MEMORY_LIMIT). A hard address-space limit
  (RLIMIT_AS) set in the child backs this up between two looks.
- time: the child interrupts its own query at the deadline (file_tables.FileSession); if it has
  not answered GRACE_S later, it is killed (QUERY_TIMEOUT).

The files stay opened by the caller (the bucket's checks, bucket.py); their descriptors are
passed to the child, which reads them as /proc/self/fd/N as before.
"""

import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import threading
import time
import traceback
from multiprocessing import reduction

from django.conf import settings

from .. import leases
from ..errors import AssistantError
from . import file_work
from .file_tables import memory_limit_mb, timeout_error

OVERHEAD_MB = 64  # what DuckDB allocates outside its memory_limit (buffers, strings it builds)
ADDRESS_SPACE_MB = 1024  # the child's address space beyond what it had at its start: a backstop
# how often the child's resident set is read while it sends nothing (its messages, its exit and
# the user's Stop wake the caller at once)
MEMORY_CHECK_S = 0.01
GRACE_S = 0.5
SETTINGS = ("ASSISTANT_FILE_QUERY_MEMORY_MB", "ASSISTANT_FILE_QUERY_THREADS", "ASSISTANT_QUERY_TIMEOUT_MS")

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["hexa.assistant.executors.file_process_boot"])


class _Descriptor:
    """A file descriptor, passed to the child by the fork server (SCM_RIGHTS)."""

    def __init__(self, fd: int):
        self.fd = fd

    def __reduce__(self):
        return _descriptor_in_child, (reduction.DupFd(self.fd),)


def _descriptor_in_child(duplicated) -> int:
    return duplicated.detach()


def _status_kb(pid, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _ready():
    pass


def start_fork_server():
    """Start the fork server and let it load Django and DuckDB now, with one empty child: a
    worker calls it before its first job, so that a turn's first file query does not wait
    for that load (seconds on a busy machine, during which a Stop could not reach it)."""
    child = _context.Process(target=_ready, daemon=True)
    child.start()
    child.join()


def run_in_child(work, tables, deadline: float, send=None):
    """Run `work` = (function name, args) in a child over `tables` ([(name, [(rel, proc path)],
    fmt, sheet)]). `send(bytes)` receives what the work streams (downloads). Returns its result
    or raises its AssistantError."""
    passed = [
        (name, [(rel, _Descriptor(int(path.rsplit("/", 1)[1]))) for rel, path in files], fmt, sheet)
        for name, files, fmt, sheet in tables
    ]
    values = {name: getattr(settings, name) for name in SETTINGS}
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(target=_child, args=(sender, values, work, passed, deadline - time.monotonic()), daemon=True)
    child.start()
    sender.close()
    budget_kb = (memory_limit_mb() + OVERHEAD_MB) * 1024
    # the user's Stop (or a hand-over) cuts the query as its time limit does: it writes to a
    # pipe the caller waits on, beside the child's messages and its exit
    stop_read, stop_write = os.pipe()
    stopped = threading.Event()

    def stop():
        stopped.set()
        try:
            os.write(stop_write, b"s")
        except OSError:  # the call has ended meanwhile
            pass

    try:
        with leases.on_stop(stop):
            return _wait_for_child(child, receiver, deadline, send, budget_kb, stopped, stop_read)
    finally:
        receiver.close()
        os.close(stop_read)
        os.close(stop_write)
        if child.is_alive():
            child.kill()
        child.join(5)


def _engine_stopped(child):
    child.join(1)
    return AssistantError(
        "MEMORY_LIMIT",
        f"The query's engine stopped (exit {child.exitcode}): most likely it needed more than the "
        f"{memory_limit_mb()} MB it may use. Aggregate more, select fewer columns, or filter first.",
        rule="memory_limit",
    )


def _wait_for_child(child, receiver, deadline, send, budget_kb, stopped, stop_read):
    """The child's messages until its result, its error, or a bound: the time limit, the
    memory budget, or the turn's Stop (its caller then kills the child). Blocks until the
    child sends, exits or is stopped, waking every MEMORY_CHECK_S to read its memory."""
    started_kb = None
    while True:
        if stopped.is_set():
            raise timeout_error()
        remaining = deadline + GRACE_S - time.monotonic()
        if remaining < 0:
            raise timeout_error()
        ready = multiprocessing.connection.wait([receiver, child.sentinel, stop_read], min(MEMORY_CHECK_S, remaining))
        if receiver in ready or (child.sentinel in ready and receiver.poll(0)):
            try:
                kind, *message = receiver.recv()
            except EOFError:
                raise _engine_stopped(child) from None
            if kind == "started":
                started_kb = message[0]
            elif kind == "chunk":
                send(message[0])
            elif kind == "done":
                return message[0]
            elif kind == "failed":  # a bug, not the query's fault: logged as one by the caller's edge
                raise RuntimeError(f"The file query engine's child failed:\n{message[0]}")
            else:
                code, text, details = message
                raise AssistantError(code, text, **details)
        elif child.sentinel in ready:  # gone without a word (killed by the kernel)
            raise _engine_stopped(child)
        rss = _status_kb(child.pid, "VmRSS")
        if started_kb is not None and rss is not None and rss - started_kb > budget_kb:
            raise AssistantError(
                "MEMORY_LIMIT",
                f"The query needed more than the {memory_limit_mb()} MB it may use (it was stopped). Aggregate "
                "more, select fewer columns, or filter first.",
                rule="memory_limit",
            )


def _child(sender, values, work, tables, remaining: float):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for name, value in values.items():
        setattr(settings, name, value)
    started_kb = _status_kb("self", "VmRSS") or 0
    size_kb = _status_kb("self", "VmSize") or 0
    limit = (size_kb * 1024) + (memory_limit_mb() + ADDRESS_SPACE_MB) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sender.send(("started", started_kb))
    opened = [(name, [(rel, f"/proc/self/fd/{fd}") for rel, fd in files], fmt, sheet) for name, files, fmt, sheet in tables]
    function, args = work
    try:
        result = getattr(file_work, function)(opened, *args, time.monotonic() + remaining, sender)
        sender.send(("done", result))
    except AssistantError as error:
        sender.send(("error", error.code, error.message, error.details))
    except MemoryError:
        sender.send(("error", "MEMORY_LIMIT", f"The query needed more than the {memory_limit_mb()} MB it may use.",
                     {"rule": "memory_limit"}))
    except Exception:
        sender.send(("failed", traceback.format_exc()[-5000:]))
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers, no flush of what the fork server left in buffers
