"""Streaming turns over real HTTP: uvicorn processes on the test database, the real SDK
talking to the local model server."""

import threading
import time
from decimal import Decimal

import pytest

from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Conversation, Event, Message, UsageRecord

from .support.live_server import LiveServer, read_events, session_for
from .support.models import TEST_MODEL


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, model_url, tmp_path_factory):
    """Two server processes, as behind a load balancer."""
    logs = tmp_path_factory.mktemp("live-logs")
    started = [LiveServer(model_url, logs, ASSISTANT_STREAM_KEEPALIVE_S=0.5, ASSISTANT_RATE_LIMIT="6/m") for _ in range(2)]
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def chat(transactional_db, roles, servers):
    conversation = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
    session = session_for(roles["editor"])
    clients = [server.client(session) for server in servers]
    yield conversation, clients
    for client in clients:
        client.close()


def stream(client, conversation, message="How many districts?", replaces=None, **kwargs):
    body = {"message": message} if replaces is None else {"message": message, "replaces_message_id": str(replaces)}
    with client.stream("POST", f"/assistant/conversations/{conversation.id}/stream/", json=body) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        return read_events(response, **kwargs)


def types(events):
    return [t for t, _ in events if t != "keepalive"]


def test_a_tool_using_turn_streams_its_events_in_order(chat, board):
    conversation, (client, _) = chat
    board.script(tool_reply([("query_database", {"query": "SELECT 16 AS districts"})], text="Let me count."), text_reply("There are 16 districts in the database."))
    events = [e for e in stream(client, conversation) if e[0] != "keepalive"]
    kinds = types(events)
    assert kinds[0] == "user_message" and kinds[-1] == "done"
    assert kinds.index("tool_call") < kinds.index("tool_result") < len(kinds) - 1
    assert kinds.count("usage") == 2 and "error" not in kinds
    seqs = [data["seq"] for _, data in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # gap-free, in order
    tool_result = next(d for t, d in events if t == "tool_result")
    assert tool_result["name"] == "query_database" and tool_result["output"]["rows"] == [[16]]
    deltas = "".join(d["text"] for t, d in events if t == "text_delta")
    assert deltas == "Let me count.There are 16 districts in the database."
    message = Message.objects.get(pk=events[-1][1]["message_id"])
    assert message.status == "COMPLETE" and message.text == "Let me count.\n\nThere are 16 districts in the database."
    assert message.first_event_seq == seqs[0]
    assert [e.type for e in Event.objects.filter(conversation=conversation)] == kinds  # everything stored
    # the running cost is the server's: each usage event carries the conversation's total after it
    usages = [d for t, d in events if t == "usage"]
    assert Decimal(usages[1]["conversation_cost"]) == Decimal(usages[0]["conversation_cost"]) + Decimal(usages[1]["cost"])
    conversation.refresh_from_db()
    assert Decimal(usages[-1]["conversation_cost"]) == conversation.cost > 0


def test_resume_from_the_middle_on_another_process(chat, board):
    conversation, (client_a, client_b) = chat
    board.script(tool_reply([("query_database", {"query": "SELECT 1"})], delay=0.5), text_reply("Finished after a while.", delay=1.0))
    first = stream(client_a, conversation, stop_after=lambda events: len(events) >= 1)  # then the client goes away
    assert types(first) == ["user_message"]
    with client_b.stream("GET", f"/assistant/conversations/{conversation.id}/events/", params={"after": first[-1][1]["seq"]}) as response:
        rest = read_events(response)
    kinds = types(rest)
    assert kinds[-1] == "done" and "tool_result" in kinds and "text_delta" in kinds
    stored = list(Event.objects.filter(conversation=conversation).values_list("seq", flat=True))
    assert [first[0][1]["seq"]] + [d["seq"] for t, d in rest if t != "keepalive"] == stored
    assert Message.objects.get(role="assistant", conversation=conversation).status == "COMPLETE"


def test_a_client_disconnect_does_not_cancel_the_turn(chat, board):
    conversation, (client, _) = chat
    board.script(text_reply("Still answered.", delay=1.0))
    stream(client, conversation, stop_after=lambda events: True)
    deadline = time.monotonic() + 10
    while Message.objects.get(role="assistant", conversation=conversation).status == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
    message = Message.objects.get(role="assistant", conversation=conversation)
    assert message.status == "COMPLETE" and message.text == "Still answered."
    assert Event.objects.filter(conversation=conversation, type="done").exists()


def test_replay_of_a_finished_turn_ends_by_itself(chat, board):
    conversation, (client, other) = chat
    board.script(text_reply("Short."))
    events = stream(client, conversation)
    with other.stream("GET", f"/assistant/conversations/{conversation.id}/events/", params={"after": 0}) as response:
        replayed = read_events(response)
    assert replayed == [e for e in events if e[0] != "keepalive"]
    with other.stream("GET", f"/assistant/conversations/{conversation.id}/events/", params={"after": events[-1][1]["seq"]}) as response:
        assert read_events(response) == []


def test_cancel_cuts_the_model_call_in_flight_and_bills_what_it_reported(chat, board):
    conversation, (client, other) = chat
    words = "Looking again at the numbers, district by district, to be sure of the total."
    board.script(
        tool_reply([("query_database", {"query": "SELECT 1"})], delay=0.3),
        # streamed slowly: about 6 s to the end, were it not stopped
        tool_reply([("query_database", {"query": "SELECT 2"})], text=words, chunk_delay=0.4),
        text_reply("never sent"),
    )
    events = []
    reader = threading.Thread(target=lambda: events.extend(stream(client, conversation)))
    reader.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        kinds = list(Event.objects.filter(conversation=conversation).order_by("seq").values_list("type", flat=True))
        if "tool_result" in kinds and "text_delta" in kinds[kinds.index("tool_result"):]:
            break  # the second call is streaming
        time.sleep(0.05)
    cancelled_at = time.monotonic()
    result = other.post(
        "/graphql/",
        json={"query": "mutation($id: UUID!) { cancelAssistantRun(conversationId: $id) { success errors } }", "variables": {"id": str(conversation.id)}},
    ).json()
    assert result["data"]["cancelAssistantRun"] == {"success": True, "errors": []}
    reader.join(15)
    stopped_after = time.monotonic() - cancelled_at
    assert types(events)[-1] == "done" and events[-1][1]["status"] == "CANCELLED"
    assert stopped_after < 3, stopped_after  # the call was cut, not run to its end (about 6 s)
    message = Message.objects.get(role="assistant", conversation=conversation)
    # the cut call is billed with what the API had reported, and the text the user saw is kept
    assert message.status == "CANCELLED" and message.model_calls == 2
    assert message.text.startswith("Looking") and not message.text.endswith("total.")
    ledger = UsageRecord.objects.filter(message_uuid=message.pk, kind="MODEL_CALL")
    assert ledger.count() == 2 and all(row.input_tokens > 0 for row in ledger)
    assert board.responder.remaining == 1  # no third call
    again = other.post(
        "/graphql/",
        json={"query": "mutation($id: UUID!) { cancelAssistantRun(conversationId: $id) { success errors } }", "variables": {"id": str(conversation.id)}},
    ).json()
    assert again["data"]["cancelAssistantRun"]["errors"] == ["NOT_RUNNING"]


def test_errors_before_the_stream_starts_are_json_with_a_status(chat, board, servers, roles):
    conversation, (client, other) = chat
    url = f"/assistant/conversations/{conversation.id}/stream/"
    anonymous = servers[0].client()
    assert anonymous.post(url, json={"message": "hi"}).status_code == 401
    assert client.post(url, content=b"message=hi", headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 400
    assert client.post(url, json={"message": ["not", "text"]}).json() == {"errors": ["BAD_REQUEST"], "message": "The request body must be a JSON object with a `message` string."}
    empty = client.post(url, json={"message": "   "})
    assert (empty.status_code, empty.json()["errors"]) == (400, ["EMPTY_MESSAGE"])
    missing = client.post("/assistant/conversations/00000000-0000-0000-0000-000000000000/stream/", json={"message": "hi"})
    assert (missing.status_code, missing.json()["errors"]) == (404, ["NOT_FOUND"])
    someone_else = servers[0].client(session_for(roles["admin"]))
    assert someone_else.post(url, json={"message": "hi"}).status_code == 404
    assert someone_else.get(f"/assistant/conversations/{conversation.id}/events/").status_code == 404
    assert client.get(f"/assistant/conversations/{conversation.id}/events/", params={"after": "-1"}).status_code == 400
    board.script(text_reply("slow", delay=1.5))
    reader = threading.Thread(target=lambda: stream(client, conversation))
    reader.start()
    time.sleep(0.5)
    busy = other.post(url, json={"message": "me too"})
    assert (busy.status_code, busy.json()["errors"]) == (409, ["CONVERSATION_BUSY"])
    reader.join(10)
    anonymous.close()
    someone_else.close()


def test_keepalive_during_silence(chat, board):
    conversation, (client, _) = chat
    board.script(text_reply("after a pause", delay=1.3))
    kinds = [t for t, _ in stream(client, conversation)]
    assert "keepalive" in kinds and kinds[-1] == "done"


def test_the_rate_limit_holds_across_processes(chat, board, roles):
    conversation, clients = chat
    conversations = [conversation] + [
        Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
        for _ in range(7)
    ]
    board.script(*[text_reply("ok", delay=0.2) for _ in range(6)])
    statuses = []

    def send(client, target):
        with client.stream("POST", f"/assistant/conversations/{target.id}/stream/", json={"message": "hi"}) as response:
            response.read()
            statuses.append((response.status_code, response.json() if response.status_code != 200 else None))

    threads = [threading.Thread(target=send, args=(clients[n % 2], target)) for n, target in enumerate(conversations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(code for code, _ in statuses) == [200] * 6 + [429] * 2
    refused = [body for code, body in statuses if code == 429]
    assert all(body["errors"] == ["RATE_LIMITED"] and 1 <= body["retry_after"] <= 60 for body in refused)


def test_the_event_hub_hands_announcements_only_to_the_streams_following_their_conversation():
    import asyncio
    import json
    import uuid

    from hexa.assistant.follow import EventHub

    followed, other = uuid.uuid4(), uuid.uuid4()
    hub = EventHub()  # its listening connection is not what is tested: none is opened
    mine = asyncio.Queue()
    hub.queues[str(followed)].add(mine)
    hub._dispatch(f'{{"c": "{followed}", "e": [[3, "text_delta", {{"text": "hi", "seq": 3}}]]}}')
    hub._dispatch(json.dumps({"c": str(followed), "s": 9}))
    hub._dispatch(f'{{"c": "{other}", "e": [[1, "text_delta", {{"text": "not mine", "seq": 1}}]]}}')
    hub._dispatch(f'{{"c": "{other}", "e": not json')  # not followed here: not even read
    hub._dispatch("not json at all")
    items = [mine.get_nowait() for _ in range(mine.qsize())]
    assert items == [{"c": str(followed), "e": [[3, "text_delta", {"text": "hi", "seq": 3}]]}, {"c": str(followed), "s": 9}]


def test_an_edit_is_streamed_on_its_new_branch(chat, board):
    conversation, (client, _) = chat
    board.script(text_reply("Bo had 12 cases."))
    stream(client, conversation, "Which district had the most cases?")
    first = Message.objects.get(conversation=conversation, index=0)
    board.script(text_reply("Bo had 40 malaria cases."))
    events = stream(client, conversation, "Which district had the most malaria cases?", replaces=first.pk)
    started = events[0][1]
    assert events[0][0] == "user_message" and started["replaces_message_id"] == str(first.pk)
    assert types(events)[-1] == "done"
    shown = Message.objects.filter(conversation=conversation, on_path=True).order_by("index")
    assert [m.text for m in shown] == ["Which district had the most malaria cases?", "Bo had 40 malaria cases."]
    assert shown[0].parent_id is None and shown[1].parent_id == shown[0].pk
