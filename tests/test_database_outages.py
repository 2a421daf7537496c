"""PostgreSQL unreachable for long, and PostgreSQL out of connections, with real processes: a
web server, a worker, the fake Messages API counting what it served.

- An outage longer than the old 30 s retry, within ASSISTANT_DATABASE_OUTAGE_S: the worker
  keeps what the model produced and the call's usage, writes them when the database is
  back and finishes the turn; the stream ends with `done`.
- Past ASSISTANT_DATABASE_OUTAGE_S: the turn ends DATABASE_UNAVAILABLE, its usage is
  written once the database is back, and the stream ends with a terminal error event.
- Every connection taken: each request gets a typed JSON answer at once, a send is
  refused with 503 and nothing stored, login answers JSON."""

import os
import subprocess
import threading
import time

import httpx
import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from config.launch import backend_command
from hexa.assistant.local_model import text_reply
from hexa.assistant.models import Conversation, Message, MessageRole, UsageRecord

from .support.live_server import ROOT, LiveServer, _free_port, read_events, server_env, session_for
from .support.models import TEST_MODEL

# stops the shared PostgreSQL server: by itself, after the parallel tests
pytestmark = [
    pytest.mark.alone,
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="stops the embedded PostgreSQL server"),
]

LONG_ANSWER = " ".join(f"District {n} reported its cases on time." for n in range(12))


@pytest.fixture
def outage_after(transactional_db):
    """stop PostgreSQL, and start it again `down_s` later, in the background."""
    from config.local_postgres import ensure_running, stop

    threads = []

    def start(down_s):
        def run():
            stop()
            time.sleep(down_s)
            ensure_running()

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)
        return thread

    yield start
    for thread in threads:
        thread.join()
    ensure_running()
    connection.close()


def stream(client, conversation, events):
    with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json={"message": "Which districts reported?"}, timeout=180) as response:
        assert response.status_code == 200
        events.extend(read_events(response))


def ledger(conversation):
    return list(UsageRecord.objects.filter(conversation_uuid=conversation.pk, kind="MODEL_CALL").order_by("id"))


def served_equals(row, served):
    return all(getattr(row, f) == served[f] for f in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens"))


def wait_for_deltas(conversation, count=3, timeout=30):
    from hexa.assistant.models import Event

    deadline = time.monotonic() + timeout
    while Event.objects.filter(conversation=conversation, type="text_delta").count() < count:
        assert time.monotonic() < deadline, "the answer did not start"
        time.sleep(0.05)


def run_outage(roles, api, board, tmp_path, outage_after, down_s, bound_s):
    env = {"ASSISTANT_TURN_LEASE_S": 10, "ASSISTANT_RATE_LIMIT": "", "ASSISTANT_DATABASE_OUTAGE_S": bound_s}
    api.clear_requests()
    board.script(text_reply(LONG_ANSWER, chunk_delay=0.1))
    web = LiveServer(api.url, tmp_path, turn_workers=1, **env)
    try:
        conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
        client = web.client(session_for(roles["editor"]))
        events = []
        reader = threading.Thread(target=stream, args=(client, conversation, events))
        reader.start()
        wait_for_deltas(conversation)
        connection.close()
        started = time.monotonic()
        outage = outage_after(down_s)  # the model goes on streaming meanwhile
        reader.join(down_s + bound_s + 60)
        stream_ended_after = time.monotonic() - started
        outage.join()
        connection.close()
        return conversation, events, stream_ended_after, web
    except BaseException:
        web.stop()
        raise


def test_a_turn_rides_out_an_outage_longer_than_30_s(roles, api, board, tmp_path, outage_after):
    conversation, events, ended_after, web = run_outage(roles, api, board, tmp_path, outage_after, down_s=36, bound_s=90)
    try:
        kinds = [kind for kind, _ in events if kind != "keepalive"]
        assert kinds[0] == "user_message" and kinds[-1] == "done", kinds
        seqs = [data["seq"] for kind, data in events if kind != "keepalive"]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # nothing lost, nothing twice
        message = Message.objects.get(conversation=conversation, role=MessageRole.ASSISTANT)
        assert message.status == "COMPLETE" and message.text == LONG_ANSWER and message.runs == 1
        [row] = ledger(conversation)
        assert not row.estimated and served_equals(row, api.served[0])
        conversation.refresh_from_db()
        assert conversation.cost == message.cost == row.cost and not conversation.is_running
        print(f"\nOUTAGE 36 s within the bound: stream ended {ended_after:.1f} s after the stop, done")
    finally:
        web.stop()


def test_past_the_bound_the_turn_fails_typed_and_its_usage_is_written_when_the_database_is_back(roles, api, board, tmp_path, outage_after):
    conversation, events, ended_after, web = run_outage(roles, api, board, tmp_path, outage_after, down_s=20, bound_s=6)
    try:
        assert events[-1][0] == "error" and events[-1][1]["code"] == "DATABASE_UNAVAILABLE"  # the stream's end, typed
        assert ended_after < 20  # told while the database was still down
        deadline = time.monotonic() + 30
        while Conversation.objects.get(pk=conversation.pk).is_running and time.monotonic() < deadline:
            time.sleep(0.2)
        message = Message.objects.get(conversation=conversation, role=MessageRole.ASSISTANT)
        assert (message.status, message.error_code) == ("FAILED", "DATABASE_UNAVAILABLE")
        [row] = ledger(conversation)
        assert not row.estimated and row.in_flight_after_seq is None and served_equals(row, api.served[0])
        assert message.cost == row.cost
        print(f"\nOUTAGE 20 s past a 6 s bound: stream ended {ended_after:.1f} s after the stop with DATABASE_UNAVAILABLE")
    finally:
        web.stop()


ROLE, LIMIT = "exhaustion_test", 3


@pytest.fixture
def limited_role(transactional_db):
    """A role allowed LIMIT connections, for a server to run out of them."""
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD 'exhaustion' CONNECTION LIMIT {LIMIT}")
        cursor.execute(f'GRANT ALL ON DATABASE "{name}" TO {ROLE}')
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {ROLE}")
    db = connection.settings_dict
    yield f"postgresql://{ROLE}:exhaustion@{db['HOST']}:{db['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [ROLE])
        cursor.execute(f"DROP OWNED BY {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


def role_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s", [ROLE])
        return cursor.fetchone()[0]


def test_with_every_connection_taken_every_request_gets_a_typed_json_answer_at_once(roles, api, tmp_path, limited_role):
    port = _free_port()
    env = server_env(api.url, WORKER_THREADS=1, ASSISTANT_RATE_LIMIT="", ASSISTANT_PICKUP_WAIT_S=2)
    env["DATABASE_URL"] = limited_role
    log = open(tmp_path / "server.log", "w")
    process = subprocess.Popen(backend_command("127.0.0.1", port, 1), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    held = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/graphql/", timeout=1)
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        login = "mutation($input: LoginInput!) { login(input: $input) { success errors } }"
        credentials = {"email": roles["editor"].email, "password": "correct horse battery"}
        # hashed as the server checks it (this test process hashes with a cheap hasher)
        roles["editor"].password = PBKDF2PasswordHasher().encode(credentials["password"], PBKDF2PasswordHasher().salt())
        roles["editor"].save(update_fields=["password"])
        conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
        with httpx.Client(base_url=base, timeout=30) as client:
            # a failed login: the server's one pool thread keeps its connection for the next request
            wrong = client.post("/graphql/", json={"query": login, "variables": {"input": {**credentials, "password": "wrong"}}})
            assert wrong.json()["data"]["login"]["success"] is False
            db = connection.settings_dict
            while role_connections() < LIMIT:  # every other connection the role may have, taken
                held.append(psycopg2.connect(host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=ROLE, password="exhaustion"))
            # the login itself works on the kept connection; the session cannot be saved
            started = time.monotonic()
            answer = client.post("/graphql/", json={"query": login, "variables": {"input": credentials}})
            assert answer.headers["content-type"].startswith("application/json"), answer.text
            assert "DATABASE_UNAVAILABLE" in answer.text and time.monotonic() - started < 5
            # now no connection at all: the server's kept one is gone, and every free one taken
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s AND NOT pid = ANY(%s)",
                    [ROLE, [c.get_backend_pid() for c in held]],
                )
            while role_connections() > len(held):  # the terminated ones exit
                time.sleep(0.05)
            while role_connections() < LIMIT:
                held.append(psycopg2.connect(host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=ROLE, password="exhaustion"))
        session = {settings.SESSION_COOKIE_NAME: session_for(roles["editor"])}
        with httpx.Client(base_url=base, timeout=30, cookies=session) as client:
            for method, path, body in (
                ("POST", f"/assistant/conversations/{conversation.id}/stream/", {"message": "Hello?"}),
                ("GET", f"/assistant/conversations/{conversation.id}/events/?after=0", None),
                ("POST", "/graphql/", {"query": "{ me { user { email } } }"}),
                ("POST", "/graphql/", {"query": login, "variables": {"input": credentials}}),
            ):
                started = time.monotonic()
                response = client.request(method, path, json=body)
                took = time.monotonic() - started
                assert response.headers["content-type"].startswith("application/json"), (path, response.text)
                assert "DATABASE_UNAVAILABLE" in response.text and took < 5, (path, response.status_code, took)
                if path.endswith("/stream/"):
                    assert response.status_code == 503
            assert not Message.objects.filter(conversation=conversation).exists()  # the refused send stored nothing
            # connections again, but no worker to take the turn: refused too, nothing stored
            for held_connection in held:
                held_connection.close()
            held.clear()
            started = time.monotonic()
            response = client.post(f"/assistant/conversations/{conversation.id}/stream/", json={"message": "Hello?"})
            assert response.status_code == 503 and response.json()["errors"] == ["TURN_NOT_STARTED"]
            assert time.monotonic() - started < 2 + 3
            assert not Message.objects.filter(conversation=conversation).exists()
            assert not Conversation.objects.get(pk=conversation.pk).is_running
    finally:
        for held_connection in held:
            held_connection.close()
        process.terminate()
        process.wait(10)
        log.close()
