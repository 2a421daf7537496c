"""Slowness for the turns that ask for it, and none for the others.

The browser tests watch a few turns mid-way (an answer growing, a reload or a Stop in the
middle of a turn): those need a model that takes its time; every other turn only waits for
it. A question containing the marker (e.g. "(slowly)") gets the latency and the delay
between deltas, for every call of its turn (the calls after tool results, the title);
every other question is answered at once.
"""

from __future__ import annotations

from .demo import question_text
from .replies import AnyReply, Reply


class PacedResponder:
    """Wraps `responder`: the replies to a question containing `marker` come after
    `latency` seconds and stream a delta every `chunk_delay` seconds."""

    def __init__(self, responder, marker: str, latency: float, chunk_delay: float):
        if not marker:
            raise ValueError("the pacing marker must not be empty")
        self.responder, self.marker = responder, marker
        self.latency, self.chunk_delay = latency, chunk_delay

    def __call__(self, body: dict) -> AnyReply:
        reply = self.responder(body)
        if self.marker in question_text(body.get("messages") or []):
            reply.delay += self.latency
            if isinstance(reply, Reply) and reply.chunk_delay is None:
                reply.chunk_delay = self.chunk_delay
        return reply
