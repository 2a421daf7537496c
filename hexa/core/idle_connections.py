"""Database connections of idle threads, closed on a timer once past DATABASE_CONN_MAX_AGE.

Django keeps one connection per thread and closes an old one only when that thread starts or
ends its next piece of work, and the workspace pools (hexa/databases/pool.py) close expired
connections only when one is taken or given back. A process that serves nothing for a
while would keep them all open: dozens of server processes on PostgreSQL's
`max_connections`. One timer thread per process closes them:

- app connections of the threads that run work through `APP.in_use()` (the web processes'
  pool threads, the workers' turn threads), by Django's own rule
  (`close_if_unusable_or_obsolete`: opened more than CONN_MAX_AGE seconds ago), only while
  their thread is idle;
- whatever else registers a sweep (`TIMER.every_tick`), e.g. the workspace pools.
"""

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


def max_age() -> float | None:
    """settings.DATABASE_CONN_MAX_AGE (None: no age limit)."""
    return getattr(settings, "DATABASE_CONN_MAX_AGE", 60)


def tick_s() -> float:
    """How often the timer looks: a quarter of the age limit, between 0.5 and 10 s."""
    age = max_age()
    return 10.0 if not age else min(max(age / 4, 0.5), 10.0)


class AppConnections:
    """The Django connections of threads between two pieces of work."""

    def __init__(self):
        self._lock = threading.Lock()
        self._idle: dict[int, list] = {}  # thread ident -> its open connections (DatabaseWrapper)

    @contextmanager
    def in_use(self):
        """Around one piece of work on a pool thread: its connections are this thread's alone
        meanwhile; afterwards, the old ones are closed and the rest left to the timer."""
        ident = threading.get_ident()
        with self._lock:  # waits for a sweep closing this thread's connections to finish
            self._idle.pop(ident, None)
        try:
            yield
        finally:
            close_old_connections()
            open_ = [c for c in connections.all(initialized_only=True) if c.connection is not None]
            if open_:
                with self._lock:
                    self._idle[ident] = open_
                TIMER.start()

    def sweep(self) -> int:
        """Close the idle threads' connections past their age; how many were closed."""
        closed = 0
        with self._lock:
            for ident, wrappers in list(self._idle.items()):
                for wrapper in wrappers:
                    if wrapper.connection is None:
                        continue
                    wrapper.inc_thread_sharing()  # this thread closes another's connection, which is idle
                    try:
                        wrapper.close_if_unusable_or_obsolete()
                    except Exception:  # best effort: the server ends the session anyway
                        logger.debug("Closing an idle connection failed", exc_info=True)
                    finally:
                        wrapper.dec_thread_sharing()
                    closed += wrapper.connection is None
                still_open = [w for w in wrappers if w.connection is not None]
                if still_open:
                    self._idle[ident] = still_open
                else:
                    del self._idle[ident]
        return closed

    def count(self) -> int:
        with self._lock:
            return sum(1 for wrappers in self._idle.values() for w in wrappers if w.connection is not None)


class Timer:
    """One daemon thread per process, started on first need, running every sweep."""

    def __init__(self):
        self.sweeps = []
        self._lock = threading.Lock()
        self._thread = None

    def every_tick(self, sweep):
        """Run `sweep` at every tick, once the timer runs (start())."""
        with self._lock:
            self.sweeps.append(sweep)

    def start(self):
        if self._thread is not None or max_age() is None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="idle-connections", daemon=True)
                self._thread.start()

    def _run(self):
        while True:
            time.sleep(tick_s())
            self.tick()

    def tick(self):
        for sweep in [APP.sweep, *self.sweeps]:
            try:
                sweep()
            except Exception:  # never let the timer die
                logger.warning("Closing idle connections failed", exc_info=True)


APP = AppConnections()
TIMER = Timer()
