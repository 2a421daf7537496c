"""Durable turns, with real processes: workers killed with SIGKILL mid-call, stopped with
SIGTERM, PostgreSQL restarted mid-turn, a conversation deleted mid-turn. A web server
process serves the stream; workers come and go beside it."""

import json
import os
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Conversation, Event, Message, ToolExecution, UsageRecord

from .support.live_server import LiveServer, LiveWorker, read_events, session_for

# short leases: a dead worker's turn is taken over within seconds
ENV = {"ASSISTANT_TURN_LEASE_S": 2, "ASSISTANT_WORKER_DRAIN_S": 1, "ASSISTANT_RATE_LIMIT": ""}
SLOW_SQL = "SELECT count(*) AS n FROM generate_series(1, 40000000)"


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    return tmp_path_factory.mktemp("crash-logs")


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker, model_url, logs):
    server = LiveServer(model_url, logs, turn_workers=0, **ENV)
    yield server
    server.stop()


@pytest.fixture
def workers(model_url, logs):
    started = []

    def start(**env):
        worker = LiveWorker(model_url, logs, concurrency=4, **{**ENV, **env})
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


@pytest.fixture
def chat(transactional_db, roles, web):
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model="claude-opus-4-5-20251101")
    client = web.client(session_for(roles["editor"]))
    yield conversation, client
    client.close()


def stream_in_background(client, conversation, message="How many districts?"):
    events = []

    def read():
        with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json={"message": message}, timeout=120) as response:
            assert response.status_code == 200
            events.extend(read_events(response))

    reader = threading.Thread(target=read)
    reader.start()
    return reader, events


def wait_for_event(conversation, kind, after_kind=None, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kinds = list(Event.objects.filter(conversation=conversation).order_by("seq").values_list("type", flat=True))
        start = kinds.index(after_kind) + 1 if after_kind in kinds else (0 if after_kind is None else None)
        if start is not None and kind in kinds[start:]:
            return
        time.sleep(0.05)
    raise AssertionError(f"no {kind} event within {timeout} s")


def assert_complete_and_exact(conversation, events):
    """The stream ended with `done`, its events are gap-free, and the ledger is the bill."""
    kinds = [kind for kind, _ in events if kind != "keepalive"]
    assert kinds[0] == "user_message" and kinds[-1] == "done", kinds
    seqs = [data["seq"] for kind, data in events if kind != "keepalive"]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    message = Message.objects.get(conversation=conversation, role="assistant")
    assert message.status == "COMPLETE"
    conversation.refresh_from_db()
    assert not conversation.is_running
    billed = UsageRecord.objects.filter(conversation_uuid=conversation.pk, kind="MODEL_CALL").aggregate(cost=Sum("cost"), calls=Sum(1))
    assert billed["cost"] == message.cost == conversation.cost and message.cost > Decimal(0)
    return message


def test_a_worker_killed_during_a_model_call_is_resumed_by_another(chat, board, workers):
    conversation, client = chat
    board.script(
        tool_reply([("query_database", {"query": "SELECT 16 AS districts"})], text="Let me count the districts, one by one, carefully.", chunk_delay=0.4),
        tool_reply([("query_database", {"query": "SELECT 16 AS districts"})]),
        text_reply("There are 16 districts."),
    )
    first = workers()
    reader, events = stream_in_background(client, conversation)
    wait_for_event(conversation, "text_delta")
    first.kill()  # mid-stream: the call's usage never reached the ledger
    killed_at = time.monotonic()
    workers()
    reader.join(90)
    assert not reader.is_alive()
    assert time.monotonic() - killed_at < 60
    message = assert_complete_and_exact(conversation, events)
    assert message.runs == 2 and "resumed" in [kind for kind, _ in events]
    assert message.text == "There are 16 districts."  # the interrupted call's text is not kept
    assert board.requests == 3  # the killed call, then the resumed turn's two
    assert ToolExecution.objects.filter(message=message).count() == 1
    # the killed call is billed too, estimated by the run that resumed the turn
    calls = UsageRecord.objects.filter(message_uuid=message.pk, kind="MODEL_CALL")
    assert calls.count() == 3 and calls.filter(estimated=True).count() == 1


def test_a_worker_killed_during_a_tool_call_does_not_repeat_the_model_call(chat, board, workers):
    conversation, client = chat
    board.script(tool_reply([("query_database", {"query": SLOW_SQL})]), text_reply("Forty million."))
    first = workers()
    reader, events = stream_in_background(client, conversation)
    wait_for_event(conversation, "tool_call")
    first.kill()
    workers()
    reader.join(90)
    assert not reader.is_alive()
    message = assert_complete_and_exact(conversation, events)
    assert message.runs == 2 and board.requests == 2  # the completed model call was not made again
    execution = ToolExecution.objects.get(message=message)  # the interrupted call ran again, in its row
    assert execution.status == "COMPLETED" and execution.output["rows"] == [[40000000]]
    assert UsageRecord.objects.filter(message_uuid=message.pk, kind="MODEL_CALL").count() == 2
    assert UsageRecord.objects.filter(message_uuid=message.pk, kind="TOOL_CALL").count() == 1


def test_sigterm_lets_a_short_turn_finish(chat, board, workers):
    conversation, client = chat
    board.script(text_reply("Sixteen districts, as far as I can see in the data.", chunk_delay=0.05))
    worker = workers()
    reader, events = stream_in_background(client, conversation)
    wait_for_event(conversation, "text_delta")
    worker.process.terminate()
    reader.join(30)
    message = assert_complete_and_exact(conversation, events)
    assert message.runs == 1
    assert worker.process.wait(30) == 0


def test_sigterm_hands_a_long_turn_over_to_another_worker(chat, board, workers):
    conversation, client = chat
    board.script(
        tool_reply([("query_database", {"query": "SELECT 1 AS one"})], text="Checking the first figure, slowly, before the others.", chunk_delay=0.5),
        tool_reply([("query_database", {"query": "SELECT 1 AS one"})]),
        text_reply("One."),
    )
    first = workers()
    reader, events = stream_in_background(client, conversation)
    wait_for_event(conversation, "text_delta")
    workers()
    first.process.terminate()  # drains 1 s, then hands the turn over (no lease to wait for)
    assert first.process.wait(30) == 0
    reader.join(60)
    message = assert_complete_and_exact(conversation, events)
    assert message.runs == 2 and board.requests == 3


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="restarts the embedded PostgreSQL server")
def test_a_postgres_restart_mid_turn_does_not_end_it(chat, board, workers):
    from config.local_postgres import restart

    conversation, client = chat
    board.script(
        tool_reply([("query_database", {"query": "SELECT 16 AS districts"})], text="Counting the districts now, as asked.", chunk_delay=0.4),
        text_reply("There are 16 districts."),
    )
    workers()
    reader, events = stream_in_background(client, conversation)
    wait_for_event(conversation, "text_delta")
    restart(down_s=3)  # every connection is cut; the model call goes on meanwhile
    connection.close()
    reader.join(90)
    message = assert_complete_and_exact(conversation, events)
    assert message.runs == 1 and board.requests == 2


def test_deleting_a_running_conversation_stops_its_turn_and_keeps_the_bill(chat, board, workers, roles):
    conversation, client = chat
    board.script(text_reply("A long answer, streamed slowly, word after word, that nobody will read.", chunk_delay=0.4))
    workers()
    reader, events = stream_in_background(client, conversation)
    wait_for_event(conversation, "text_delta")
    deleted = client.post(
        "/graphql/",
        json={"query": "mutation($id: UUID!) { deleteAssistantConversation(input: {id: $id}) { success errors } }", "variables": {"id": str(conversation.id)}},
    ).json()
    assert deleted["data"]["deleteAssistantConversation"] == {"success": True, "errors": []}
    reader.join(30)
    assert not Conversation.objects.filter(pk=conversation.pk).exists()
    billed = UsageRecord.objects.filter(conversation_uuid=conversation.pk, kind="MODEL_CALL")
    assert billed.count() == 1 and billed.get().input_tokens > 0  # the cut call, billed before the rows went


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="stops the embedded PostgreSQL server")
def test_requests_while_the_database_is_down_get_a_typed_503(chat, workers):
    from config.local_postgres import ensure_running, stop

    conversation, client = chat
    workers()
    healthy = client.get("/healthz").json()
    assert healthy["status"] == "ok" and healthy["database"] == "ok" and healthy["workers"] >= 1
    stop()
    try:
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["database"] == "unreachable"
        sent = client.post(f"/assistant/conversations/{conversation.id}/stream/", json={"message": "Hello?"})
        assert sent.status_code == 503 and sent.json()["errors"] == ["DATABASE_UNAVAILABLE"]
        query = client.post("/graphql/", json={"query": "{ me { user { email } } }"})
        assert query.headers["content-type"].startswith("application/json")
        body = query.json()
        assert "DATABASE_UNAVAILABLE" in json.dumps(body) and "psycopg" not in json.dumps(body).lower()
    finally:
        ensure_running()
        connection.close()
    deadline = time.monotonic() + 30
    while client.get("/healthz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert client.get("/healthz").json()["status"] == "ok"


def test_a_worker_answers_its_liveness_probe_while_it_runs(workers, model_url, tmp_path):
    import subprocess

    from config.launch import worker_command

    from .support.live_server import server_env

    probe = [*worker_command(), "--healthcheck"]
    env = server_env(model_url, HEXA_DATA_DIR=str(tmp_path))
    worker = workers(HEXA_DATA_DIR=str(tmp_path))
    time.sleep(0.5)
    assert subprocess.run(probe, env=env, capture_output=True).returncode == 0
    worker.kill()
    for beat in (tmp_path / "workers").glob("*.alive"):
        os.utime(beat, (time.time() - 60, time.time() - 60))  # as if its last beat were a minute ago
    assert subprocess.run(probe, env=env, capture_output=True).returncode == 1
