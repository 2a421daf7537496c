"""Idle database connections are closed once past DATABASE_CONN_MAX_AGE even when no request
comes (a timer): the app's, in a real server process, and the workspace pools'."""

import threading
import time

from django.db import connection

from hexa.databases import pool

from .support.live_server import LiveServer, session_for

TAG = "idle-connections-test"


def open_connections(application_name) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application_name])
        return cursor.fetchone()[0]


def test_a_server_process_closes_its_idle_connections_without_a_request(transactional_db, roles, model_url, tmp_path):
    # libpq takes the application name from the environment: the server's connections are tagged
    web = LiveServer(model_url, tmp_path, turn_workers=0, DATABASE_CONN_MAX_AGE=2, PGAPPNAME=TAG)
    try:
        client = web.client(session_for(roles["editor"]))

        def ask():
            assert client.post("/graphql/", json={"query": "{ me { user { email } } }"}).status_code == 200

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert open_connections(TAG) >= 1  # kept for reuse by the pool threads
        deadline = time.monotonic() + 10
        while open_connections(TAG) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert open_connections(TAG) == 0  # closed within the age and a tick, with no request
        ask()  # and the next request opens one again
        client.close()
    finally:
        web.stop()


def test_idle_workspace_connections_are_closed_on_a_timer(make_user, make_workspace, settings):
    settings.DATABASE_CONN_MAX_AGE = 1
    workspace = make_workspace(make_user(), name="Timer")
    try:
        with pool.read_only_session(workspace, 5_000, "timer-test") as kept:
            pass
        assert not kept.closed and pool.IDLE.count() >= 1
        # within the age and a tick: the process's timer may be in a tick taken before this test
        # lowered the age (at most 10 s, tick_s)
        deadline = time.monotonic() + 1 + 10 + 1
        while not kept.closed and time.monotonic() < deadline:
            time.sleep(0.1)  # nothing takes or gives a connection meanwhile
        assert kept.closed
    finally:
        pool.IDLE.close_all()
