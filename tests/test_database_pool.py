"""hexa.databases.pool: idle workspace connections are closed after DATABASE_CONN_MAX_AGE
seconds and capped in number (per workspace database key and in all), oldest closed first."""

import threading

import pytest
from freezegun import freeze_time

from hexa.databases import api as databases
from hexa.databases import pool

TIMEOUT_MS = 5_000
APP = "pool-test"


@pytest.fixture
def workspace(make_user, make_workspace, settings):
    settings.DATABASE_CONN_MAX_AGE = 60
    pool.IDLE.close_all()
    yield make_workspace(make_user(), name="Pool")
    pool.IDLE.close_all()


def session(workspace):
    return pool.read_only_session(workspace, TIMEOUT_MS, APP)


def backend_pid(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def kept(workspace):
    return pool.IDLE.count(pool.pool_key(workspace, TIMEOUT_MS, APP))


def test_a_connection_idle_within_the_max_age_is_reused(workspace):
    with freeze_time("2026-01-01 12:00:00") as frozen:
        with session(workspace) as first:
            pid = backend_pid(first)
        frozen.tick(59)
        with session(workspace) as second:
            assert second is first and backend_pid(second) == pid


def test_a_connection_idle_longer_than_the_max_age_is_closed_not_reused(workspace):
    with freeze_time("2026-01-01 12:00:00") as frozen:
        with session(workspace) as first:
            pass
        assert kept(workspace) == 1 and not first.closed
        frozen.tick(61)
        with session(workspace) as second:
            assert second is not first
            assert first.closed
        assert kept(workspace) == 1  # the new one


def test_the_max_age_is_read_from_settings(workspace, settings):
    settings.DATABASE_CONN_MAX_AGE = 5
    with freeze_time("2026-01-01 12:00:00") as frozen:
        with session(workspace) as first:
            pass
        frozen.tick(6)
        with session(workspace) as second:
            assert second is not first and first.closed


def test_no_connection_is_kept_with_a_max_age_of_zero(workspace, settings):
    settings.DATABASE_CONN_MAX_AGE = 0
    with session(workspace) as connection:
        pass
    assert connection.closed and kept(workspace) == 0


def test_close_idle_closes_only_expired_connections(workspace):
    with freeze_time("2026-01-01 12:00:00") as frozen:
        with session(workspace) as old:
            pass
        frozen.tick(30)
        other = databases.connect(workspace, read_only=True)
        pool.IDLE.give(("another", "key"), other)
        frozen.tick(31)  # old: idle 61 s, other: 31 s
        assert pool.close_idle() == 1
        assert old.closed and not other.closed
        assert kept(workspace) == 0 and pool.IDLE.count() == 1


def test_giving_back_closes_expired_connections_of_other_keys(workspace):
    with freeze_time("2026-01-01 12:00:00") as frozen:
        with session(workspace) as old:
            pass
        frozen.tick(61)
        other = databases.connect(workspace, read_only=True)
        pool.IDLE.give(("another", "key"), other)
        assert old.closed and not other.closed and kept(workspace) == 0


def test_at_most_four_per_key_the_oldest_closed_first(workspace):
    assert (pool.IDLE.max_per_key, pool.IDLE.max_total) == (4, 32)
    sessions = [session(workspace) for _ in range(6)]  # six at once: six connections
    with freeze_time("2026-01-01 12:00:00") as frozen:
        connections = [s.__enter__() for s in sessions]
        for s in sessions:  # given back in order, one second apart
            frozen.tick(1)
            s.__exit__(None, None, None)
    assert len({id(c) for c in connections}) == 6
    assert kept(workspace) == 4
    assert [bool(c.closed) for c in connections] == [True, True, False, False, False, False]


class FakeConnection:
    def __init__(self, name):
        self.name = name
        self.closed = 0

    def close(self):
        self.closed = 1


def test_at_most_thirty_two_in_all_the_oldest_closed_first(settings):
    settings.DATABASE_CONN_MAX_AGE = 60
    idle = pool.IdleConnections()
    given = []
    with freeze_time("2026-01-01 12:00:00") as frozen:
        for n in range(40):  # 10 keys, 4 each
            frozen.tick(0.5)
            connection = FakeConnection(n)
            idle.give(("key", n % 10), connection)
            given.append(connection)
    assert idle.count() == 32
    assert [c.name for c in given if c.closed] == list(range(8))
    assert all(idle.count(("key", k)) <= 4 for k in range(10))


def test_caps_with_real_connections(workspace):
    """A smaller pool, so that the caps are reached with a few real connections."""
    idle = pool.IdleConnections(max_per_key=2, max_total=3)
    connections = [databases.connect(workspace, read_only=True) for _ in range(5)]
    try:
        with freeze_time("2026-01-01 12:00:00") as frozen:
            a1, a2, a3, b1, b2 = connections
            for key, connection in (("a", a1), ("a", a2), ("a", a3), ("b", b1), ("b", b2)):
                frozen.tick(1)
                idle.give(key, connection)
        # a3 pushed a1 out of key a (2 per key), then b2 pushed a2, the oldest left, out (3 in all)
        assert [bool(c.closed) for c in connections] == [True, True, False, False, False]
        assert (idle.count("a"), idle.count("b"), idle.count()) == (1, 2, 3)
        assert idle.take("a") is a3 and idle.take("a") is None
        assert idle.take("b") is b2  # the most recently given back first
    finally:
        idle.close_all()
        for connection in connections:
            connection.close()


def test_a_call_starts_no_thread_of_its_own(workspace):
    # its watchdog is kept by the process's one watchdog thread (a timer thread per call
    # cost more CPU than a short query); the first call may start that thread
    with session(workspace):
        pass
    before = set(threading.enumerate())
    with session(workspace) as connection:
        backend_pid(connection)
        assert set(threading.enumerate()) == before


def test_the_watchdogs_fire_and_a_cancelled_one_never(workspace):
    fired, soon, late = [], threading.Event(), threading.Event()
    watchdogs = pool.Watchdogs()
    watchdogs.start(0.3, lambda: (fired.append("late"), late.set()))
    cancelled = watchdogs.start(0.1, lambda: fired.append("cancelled"))
    watchdogs.start(0.2, lambda: (fired.append("soon"), soon.set()))
    watchdogs.cancel(cancelled)
    assert soon.wait(5) and late.wait(5)
    assert sorted(fired) == ["late", "soon"]
