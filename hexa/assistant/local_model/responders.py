"""Responders decide what the model says. A responder is any callable
`responder(body: dict) -> Reply | ErrorReply | StreamErrorReply`, called once per valid
request with the parsed JSON body (the server has already validated it)."""

from __future__ import annotations

import threading

from .replies import AnyReply, ErrorReply, text_reply


class ScriptedResponder:
    """Answers requests with `replies` in order; each item is a reply, a plain string (a
    text reply), or a callable(body) -> reply that builds the answer from what was sent.

    More requests than scripted replies get a 500 `api_error` saying "script exhausted",
    which surfaces in the SDK as InternalServerError: a test whose agent calls the model
    more often than expected fails loudly instead of hanging or looping."""

    def __init__(self, replies):
        self._replies = list(replies)
        self._next = 0
        self._lock = threading.Lock()

    @property
    def calls(self) -> int:
        """How many requests were answered (including the exhausted ones)."""
        return self._next

    @property
    def remaining(self) -> int:
        return max(0, len(self._replies) - self._next)

    def add(self, *replies):
        with self._lock:
            self._replies.extend(replies)

    def __call__(self, body: dict) -> AnyReply:
        with self._lock:
            index = self._next
            self._next += 1
            step = self._replies[index] if index < len(self._replies) else None
        if step is None:
            return ErrorReply(
                500,
                "api_error",
                f"script exhausted: {len(self._replies)} replies were scripted, this is request {index + 1}",
            )
        if isinstance(step, str):
            return text_reply(step)
        if callable(step):
            return step(body)
        return step
