"""Fixtures for tests of turns with real processes (worker crashes, waiting turns): a web
server process per test module, worker processes started by each test (and killed after it),
and a conversation of the editor's with a logged-in client of that server; a stream read in
the background and waits on a condition. The fixtures are registered for every test module
by `tests/conftest.py` (`pytest_plugins`)."""

import threading
import time

import pytest

from hexa.assistant.models import Conversation

from .live_server import LiveServer, LiveWorker, read_events, session_for
from .models import TEST_MODEL

# short leases: a dead worker's turn is taken over within seconds
LIVE_ENV = {"ASSISTANT_TURN_LEASE_S": 2, "ASSISTANT_WORKER_DRAIN_S": 1, "ASSISTANT_RATE_LIMIT": ""}


@pytest.fixture(scope="module")
def logs(tmp_path_factory, request):
    return tmp_path_factory.mktemp(f"{request.module.__name__.rsplit('.', 1)[-1]}-logs")


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker, model_url, logs):
    server = LiveServer(model_url, logs, turn_workers=0, **LIVE_ENV)
    yield server
    server.stop()


@pytest.fixture
def workers(model_url, logs):
    """`workers(**env)` starts an `assistant_worker` process (4 turns at once) and returns it
    once ready; `workers.several(n, **env)` starts `n` of them at once (a worker takes
    seconds to start) and returns them once all are ready. Each is killed at the end of the
    test if it still runs."""
    started = []

    def start(**env):
        [worker] = several(1, **env)
        return worker

    def several(count, **env):
        launched = [LiveWorker(model_url, logs, concurrency=4, wait=False, **{**LIVE_ENV, **env}) for _ in range(count)]
        started.extend(launched)
        for worker in launched:
            worker.wait_ready()
        return launched

    start.several = several
    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


@pytest.fixture
def chat(transactional_db, roles, web):
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
    client = web.client(session_for(roles["editor"]))
    yield conversation, client
    client.close()


def stream_in_background(client, conversation, message="How many districts?"):
    """Sends `message` on the conversation's stream and reads its events in a thread:
    (the thread, the list its events are appended to)."""
    events = []

    def read():
        with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json={"message": message}, timeout=120) as response:
            assert response.status_code == 200
            events.extend(read_events(response))

    reader = threading.Thread(target=read)
    reader.start()
    return reader, events


def wait_until(condition, timeout=30, what="the condition"):
    """Until `condition()` is true (checked every 50 ms); returns when it became so
    (time.monotonic()), fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s")
