"""Events of a turn: stored with a per-conversation sequence number, then handed on.

Only the process running a turn writes its events (one turn at a time per conversation),
so the sequence is kept in memory from the last stored number; the unique constraint on
(conversation, seq) would refuse a second writer rather than interleave.
"""

import json

from django.db.models import Max

from .models import Event

TERMINAL = ("done", "error")


class EventRecorder:
    """Stores each event, then passes it to `listener(event_type, data)` (e.g. a stream)."""

    def __init__(self, conversation, listener=None):
        self.conversation = conversation
        self.listener = listener
        self.seq = conversation.events.aggregate(last=Max("seq"))["last"] or 0

    def __call__(self, event_type: str, data: dict):
        self.seq += 1
        data = {**data, "seq": self.seq}
        Event.objects.create(conversation=self.conversation, seq=self.seq, type=event_type, data=data)
        if self.listener:
            self.listener(event_type, data)
        return data


def frame(event_type: str, data: dict) -> bytes:
    """A Server-Sent Events frame."""
    head = f"id: {data['seq']}\n" if "seq" in data else ""
    return f"{head}event: {event_type}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def events_after(conversation_id, after: int, limit: int = 500) -> list[tuple[str, dict]]:
    rows = Event.objects.filter(conversation_id=conversation_id, seq__gt=after).order_by("seq")[:limit]
    return [(row.type, row.data) for row in rows]


def last_seq(conversation) -> int:
    return conversation.events.aggregate(last=Max("seq"))["last"] or 0
