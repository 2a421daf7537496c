"""Pacing of the offline model (`--paced-only MARKER`): the browser tests slow only the turns
they watch mid-way; every other question is answered at once.

No database: runs under pytest-django (no test requests `db`)."""

import subprocess
import sys
import time

import anthropic

from hexa.assistant.local_model import LocalModelServer, OfflineDemoResponder, Reply
from hexa.assistant.local_model.pacing import PacedResponder

from .support.models import TEST_MODEL as MODEL

MARKER = "(slowly)"
TOOLS = [{"name": "query_database", "description": "SQL", "input_schema": {"type": "object", "properties": {"query": {"type": "string"}}}}]


def paced(latency=0.5, chunk_delay=0.03):
    return PacedResponder(OfflineDemoResponder(), MARKER, latency, chunk_delay)


def body(*messages):
    return {"model": MODEL, "max_tokens": 1024, "tools": TOOLS, "messages": list(messages)}


QUESTION = {"role": "user", "content": "Which districts had the most malaria cases?"}
SLOW = {"role": "user", "content": f"Which districts had the most malaria cases? {MARKER}"}


def test_a_question_with_the_marker_is_paced_and_others_are_not():
    responder = paced()
    slow = responder(body(SLOW))
    assert isinstance(slow, Reply) and slow.stop_reason == "tool_use"
    assert (slow.delay, slow.chunk_delay) == (0.5, 0.03)
    fast = responder(body(QUESTION))
    assert (fast.delay, fast.chunk_delay) == (0.0, None)  # the server's: 0 under --paced-only
    # the marker changes nothing in what the stand-in answers
    assert fast.content[1]["input"] == slow.content[1]["input"]


def test_the_calls_after_tool_results_keep_the_pace_of_their_question():
    responder = paced()
    first = responder(body(SLOW))
    call = first.content[1]
    results = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call["id"], "content": '{"columns": ["n"], "rows": [[1]]}'}]}
    after = responder(body(SLOW, {"role": "assistant", "content": first.content}, results))
    assert after.delay == 0.5 and after.chunk_delay == 0.03
    # a later question without the marker, in the same conversation, is answered at once
    later = responder(body(SLOW, {"role": "assistant", "content": first.content}, results, {"role": "assistant", "content": "Done."}, QUESTION))
    assert later.delay == 0.0


def test_a_paced_answer_waits_its_latency_through_the_sdk():
    with LocalModelServer(paced(latency=0.6, chunk_delay=0.0)) as server:
        client = anthropic.Anthropic(api_key="test-key", base_url=server.url, max_retries=0)
        began = time.monotonic()
        with client.messages.stream(**body(SLOW)) as stream:
            message = stream.get_final_message()
        assert time.monotonic() - began >= 0.6
        assert message.stop_reason == "tool_use"


def test_the_command_line_refuses_an_empty_marker():
    command = [sys.executable, "-m", "hexa.assistant.local_model", "--port", "0", "--paced-only", ""]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "marker must not be empty" in result.stderr
