"""A send's pickup by a worker, over real HTTP: while a worker is alive the stream starts at
once and a turn no worker takes is withdrawn after ASSISTANT_PICKUP_WAIT_S, its stream
ending with TURN_NOT_STARTED; with no worker alive the send is refused with a 503."""

import time

import psycopg
import pytest
from procrastinate.contrib.django.utils import connector_params

from hexa.assistant.liveness import WORKER_LOCKS
from hexa.assistant.models import Conversation, Event, Message

from .support.live_server import LiveServer, read_events, session_for
from .support.models import TEST_MODEL

PICKUP_WAIT_S = 1.5


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, model_url, tmp_path_factory):
    """A server process and no worker process: no turn is ever taken."""
    started = LiveServer(model_url, tmp_path_factory.mktemp("live-logs"), turn_workers=0, ASSISTANT_PICKUP_WAIT_S=PICKUP_WAIT_S)
    yield started
    started.stop()


@pytest.fixture
def conversation(transactional_db, roles):
    return Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)


def assert_nothing_kept(conversation):
    assert not Message.objects.filter(conversation=conversation).exists()
    assert not Event.objects.filter(conversation=conversation).exists()
    assert not Conversation.objects.get(pk=conversation.pk).is_running


def test_with_no_worker_alive_a_send_waits_for_its_pickup_and_is_refused(server, conversation, roles):
    with server.client(session_for(roles["editor"])) as client:
        started = time.monotonic()
        response = client.post(f"/assistant/conversations/{conversation.id}/stream/", json={"message": "Hello?"})
        took = time.monotonic() - started
    assert (response.status_code, response.json()["errors"]) == (503, ["TURN_NOT_STARTED"])
    assert PICKUP_WAIT_S <= took < PICKUP_WAIT_S + 3
    assert_nothing_kept(conversation)


def test_with_a_worker_alive_the_stream_starts_at_once_and_a_turn_nobody_takes_is_withdrawn(server, conversation, roles):
    # a worker that is alive (it holds its liveness lock) but takes nothing: all its turns busy
    with psycopg.connect(**connector_params("default"), autocommit=True) as worker:
        worker.execute("SELECT pg_advisory_lock(%s, %s)", [WORKER_LOCKS, 4242])
        with server.client(session_for(roles["editor"])) as client:
            started = time.monotonic()
            with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json={"message": "Hello?"}) as response:
                assert response.status_code == 200
                arrivals = []

                def stop_after(events):
                    arrivals.append(time.monotonic() - started)
                    return events[-1][0] == "error"

                events = [e for e in read_events(response, stop_after=stop_after) if e[0] != "keepalive"]
    assert [t for t, _ in events] == ["user_message", "error"]
    assert arrivals[0] < PICKUP_WAIT_S  # not held until a worker takes the turn
    assert events[1][1]["code"] == "TURN_NOT_STARTED" and events[1][1]["message_id"] == events[0][1]["assistant_message_id"]
    assert PICKUP_WAIT_S <= arrivals[-1] < PICKUP_WAIT_S + 3
    assert_nothing_kept(conversation)


def test_a_withdrawn_edit_leaves_the_conversation_as_it_was(server, conversation, roles):
    question = Message.objects.create(conversation=conversation, index=0, role="user", text="Which districts?", status="COMPLETE")
    answer = Message.objects.create(conversation=conversation, index=1, role="assistant", text="Bo.", status="COMPLETE", parent=question)
    with server.client(session_for(roles["editor"])) as client:
        response = client.post(
            f"/assistant/conversations/{conversation.id}/stream/",
            json={"message": "Which districts in 2024?", "replaces_message_id": str(question.pk)},
        )
    assert (response.status_code, response.json()["errors"]) == (503, ["TURN_NOT_STARTED"])
    shown = Message.objects.filter(conversation=conversation, on_path=True).order_by("index")
    assert [m.pk for m in shown] == [question.pk, answer.pk]
    assert Message.objects.filter(conversation=conversation).count() == 2
