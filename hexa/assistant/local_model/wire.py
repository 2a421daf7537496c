"""The Messages API wire format: a reply as one Message JSON, or as the SSE event sequence.

Stream shape (as the API sends it, and as anthropic/lib/streaming/_messages.py
accumulates it):

    message_start   {"message": {…, "content": [], "stop_reason": null, "usage": {…, "output_tokens": 1}}}
    ping
    per block:      content_block_start {"index", "content_block": text "" | tool_use input {} | thinking ""}
                    content_block_delta {"index", "delta": text_delta | input_json_delta | thinking_delta…}…
                    content_block_stop  {"index"}
    message_delta   {"delta": {"stop_reason", "stop_sequence"}, "usage": {cumulative counts}}
    message_stop

A ping is repeated every PING_EVERY events, as the API keeps long streams alive.
"""

from __future__ import annotations

import json
import re

from .replies import Reply, new_id, parse_partial_json

PING_EVERY = 25
TOOL_JSON_CHUNK = 24
# A long tool input comes in this many deltas at most (longer ones): the SDK parses all the
# input received so far at each delta (anthropic's accumulate_event), and a test's 2 MB input
# in 24-character deltas took over 10 s of CPU.
TOOL_JSON_DELTAS = 200
_WORDS = re.compile(r"\S+\s*|\s+")


def public_block(block: dict) -> dict:
    """A content block as the API returns it (private keys such as `_partial_json` dropped)."""
    public = {k: v for k, v in block.items() if not k.startswith("_")}
    if public.get("type") == "tool_use" and "_partial_json" in block:
        public["input"] = parse_partial_json(block["_partial_json"])
    if public.get("type") == "text":
        public.setdefault("citations", None)
    return public


def message_json(reply: Reply, model: str, usage: dict, message_id: str | None = None) -> dict:
    return {
        "id": message_id or new_id("msg"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [public_block(block) for block in reply.content],
        "stop_reason": reply.stop_reason,
        "stop_sequence": reply.stop_sequence,
        "usage": usage,
    }


def text_chunks(text: str) -> list[str]:
    """One delta per word (with its trailing space): deterministic and readable when streamed."""
    return _WORDS.findall(text) or [""]


def _block_events(index: int, block: dict):
    kind = block.get("type")
    if kind == "text":
        yield "content_block_start", {"index": index, "content_block": {"type": "text", "text": "", "citations": None}}
        for chunk in text_chunks(block["text"]):
            yield "content_block_delta", {"index": index, "delta": {"type": "text_delta", "text": chunk}}
    elif kind == "tool_use":
        start = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
        yield "content_block_start", {"index": index, "content_block": start}
        raw = block["_partial_json"] if "_partial_json" in block else json.dumps(block["input"])
        # The API opens every tool input with an empty delta.
        size = max(TOOL_JSON_CHUNK, -(-len(raw) // TOOL_JSON_DELTAS))
        pieces = [""] + [raw[i : i + size] for i in range(0, len(raw), size)]
        for piece in pieces:
            yield "content_block_delta", {"index": index, "delta": {"type": "input_json_delta", "partial_json": piece}}
    elif kind == "thinking":
        yield (
            "content_block_start",
            {"index": index, "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
        )
        for chunk in text_chunks(block.get("thinking", "")):
            yield "content_block_delta", {"index": index, "delta": {"type": "thinking_delta", "thinking": chunk}}
        yield (
            "content_block_delta",
            {"index": index, "delta": {"type": "signature_delta", "signature": block.get("signature", "")}},
        )
    else:  # redacted_thinking and others arrive whole in their start event
        yield "content_block_start", {"index": index, "content_block": public_block(block)}
    yield "content_block_stop", {"index": index}


def stream_events(reply: Reply, model: str, usage: dict, finish: bool = True, message_id: str | None = None):
    """(event name, data) pairs for `reply`; `finish=False` stops after the content blocks
    (a stream about to break with an error event)."""
    start_usage = dict(usage, output_tokens=1)
    message = message_json(Reply(), model, start_usage, message_id)
    message["stop_reason"] = None
    events = [("message_start", {"message": message}), ("ping", {})]
    for index, block in enumerate(reply.content):
        events.extend(_block_events(index, block))
    if finish:
        delta_usage = {
            k: usage[k]
            for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens")
            if k in usage
        }
        events.append(
            (
                "message_delta",
                {
                    "delta": {"stop_reason": reply.stop_reason, "stop_sequence": reply.stop_sequence},
                    "usage": delta_usage,
                },
            )
        )
        events.append(("message_stop", {}))
    for count, (name, data) in enumerate(events, start=1):
        yield name, dict({"type": name}, **data)
        if count % PING_EVERY == 0 and name not in ("ping", "message_stop"):
            yield "ping", {"type": "ping"}


def sse_frame(event: str, data: dict) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()
