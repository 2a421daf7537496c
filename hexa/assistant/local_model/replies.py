"""What a responder answers: one model response, an HTTP error, or a stream that breaks.

A `Reply` holds content blocks already in wire format (plain dicts, exactly what the
Messages API puts in `content`), so the server never has to translate: it serialises
them as one JSON message or cuts them into SSE deltas.

Cut-off tool calls (`max_tokens_reply(tool=...)`): when the real API runs out of
`max_tokens` inside a tool call, the stream carries a `tool_use` block whose
`input_json_delta`s stop mid-JSON, then `message_delta` with `stop_reason: "max_tokens"`.
The SDK's stream accumulator parses the buffer with `jiter.from_json(partial_mode=True)`:
complete members are kept, a trailing unfinished string or key is dropped (so
`{"query": "SELECT di` becomes `{}`). Such a block keeps the raw text in the private key
`_partial_json`; the server streams that text and, for a non-streaming request, puts
the same jiter parse in `input`, so both paths give the agent the same Message.
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field

STOP_REASONS = ("end_turn", "tool_use", "max_tokens", "pause_turn", "refusal", "stop_sequence")

# Anthropic's error type for each status; the SDK picks its exception class from the status.
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
_DEFAULT_MESSAGES = {
    400: "prompt is too long: 250000 tokens > 200000 maximum",
    401: "invalid x-api-key",
    402: "Your credit balance is too low to access the Anthropic API.",
    403: "Your API key does not have permission to use the specified resource.",
    404: "Not found",
    413: "Request exceeds the maximum allowed number of bytes.",
    429: "Number of request tokens has exceeded your per-minute rate limit",
    500: "Internal server error",
    504: "Request timed out",
    529: "Overloaded",
}
_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str) -> str:
    """An id shaped like the API's (`msg_01…`, `toolu_01…`).

    Random rather than counted: an agent may store tool_use ids under a unique index, and
    the offline server restarts with `make run`."""
    return f"{prefix}_01" + "".join(secrets.choice(_ALPHABET) for _ in range(22))


@dataclass
class Reply:
    """One model response.

    `content`: wire-format blocks (`{"type": "text", "text": …}`, `{"type": "tool_use",
    "id", "name", "input"}`, `{"type": "thinking", "thinking", "signature"}`).
    `usage`: keys given here replace the computed ones (e.g. `{"output_tokens": 5}`).
    `delay`: seconds added to the server's latency for this reply only (timeouts tests).
    `chunk_delay`: seconds between this reply's streamed deltas (the server's by default).
    `cut_after`: the connection is closed after this many stream events, as when a
    network or proxy cuts a stream (streaming requests only).
    """

    content: list[dict] = field(default_factory=list)
    stop_reason: str = "end_turn"
    usage: dict | None = None
    stop_sequence: str | None = None
    delay: float = 0.0
    chunk_delay: float | None = None
    cut_after: int | None = None

    def __post_init__(self):
        if self.stop_reason not in STOP_REASONS:
            raise ValueError(f"unknown stop_reason {self.stop_reason!r}; expected one of {STOP_REASONS}")
        for block in self.content:
            if block.get("type") == "tool_use" and not block.get("id"):
                block["id"] = new_id("toolu")


@dataclass
class ErrorReply:
    """An HTTP error answer: `status` with `{"type": "error", "error": {"type", "message"}}`."""

    status: int
    error_type: str | None = None
    message: str | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0

    def __post_init__(self):
        self.error_type = self.error_type or ERROR_TYPES.get(self.status, "api_error")
        self.message = self.message or _DEFAULT_MESSAGES.get(self.status, "Error")

    def body(self) -> dict:
        return {"type": "error", "error": {"type": self.error_type, "message": self.message}}


@dataclass
class StreamErrorReply:
    """A stream that starts normally, sends `before` (its content streamed as deltas, no
    message_delta), then `event: error`, then ends — what the API does when it overloads
    mid-answer. A non-streaming request gets the equivalent HTTP error (`status`)."""

    before: Reply = field(default_factory=Reply)
    error_type: str = "overloaded_error"
    message: str = "Overloaded"
    status: int = 529
    delay: float = 0.0

    def body(self) -> dict:
        return {"type": "error", "error": {"type": self.error_type, "message": self.message}}

    def as_http_error(self) -> ErrorReply:
        return ErrorReply(self.status, self.error_type, self.message)


AnyReply = Reply | ErrorReply | StreamErrorReply
# A scripted step: a reply, or a function of the request body that returns one.
ReplyFactory = Callable[[dict], AnyReply]


def text_block(text: str) -> dict:
    return {"type": "text", "text": text}


def tool_use_block(name: str, tool_input: dict, id: str | None = None) -> dict:
    return {"type": "tool_use", "id": id or new_id("toolu"), "name": name, "input": tool_input}


def text_reply(text: str, stop_reason: str = "end_turn", **kwargs) -> Reply:
    return Reply([text_block(text)], stop_reason=stop_reason, **kwargs)


def tool_reply(calls, text: str | None = None, **kwargs) -> Reply:
    """`calls`: [(name, input)] or [(name, input, id)]; several make parallel tool calls.
    `text` (optional) comes first, as when Claude says what it is about to do."""
    content = [text_block(text)] if text else []
    content += [tool_use_block(*call) for call in calls]
    return Reply(content, stop_reason="tool_use", **kwargs)


def error_reply(
    status: int, message: str | None = None, error_type: str | None = None, retry_after=None, **kwargs
) -> ErrorReply:
    headers = dict(kwargs.pop("headers", {}))
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    elif status == 429:
        headers.setdefault("retry-after", "1")
    return ErrorReply(status, error_type, message, headers=headers, **kwargs)


def stream_error_reply(
    partial_text: str | None = "Let me look", error_type="overloaded_error", message="Overloaded", status=529
) -> StreamErrorReply:
    before = Reply([text_block(partial_text)] if partial_text else [])
    return StreamErrorReply(before, error_type, message, status)


def parse_partial_json(text: str) -> dict:
    """What the SDK's stream accumulator makes of a truncated tool input (see module doc)."""
    from jiter import from_json  # a dependency of the anthropic SDK

    if not text:
        return {}
    value = from_json(text.encode(), partial_mode=True)
    return value if isinstance(value, dict) else {}


def max_tokens_reply(partial_text: str | None = None, tool: tuple | None = None, cut_at: int | None = None) -> Reply:
    """A response cut off by `max_tokens`: some text, and/or a tool call whose JSON input
    stops after `cut_at` characters (default: half of it)."""
    content = [text_block(partial_text)] if partial_text else []
    if tool is not None:
        name, tool_input = tool[0], tool[1]
        full = json.dumps(tool_input)
        partial = full[: len(full) // 2 if cut_at is None else cut_at]
        block = tool_use_block(name, parse_partial_json(partial), *tool[2:3])
        block["_partial_json"] = partial
        content.append(block)
    return Reply(content, stop_reason="max_tokens")
