"""Events of a turn: stored with a per-conversation sequence number, then handed on.

Only the process running a turn writes its events (one turn at a time per conversation),
so the sequence is kept in memory from the last stored number; the unique constraint on
(conversation, seq) would refuse a second writer rather than interleave.
"""

import json
import time
from enum import StrEnum

from django.db import connection
from django.db.models import Max
from django.utils import timezone
from psycopg2.extras import execute_values

from .models import Event


class EventType(StrEnum):
    """The stream's event types (the SDL enum AssistantEventType lists the same)."""

    USER_MESSAGE = "user_message"
    TEXT_DELTA = "text_delta"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    APPROVAL_REQUIRED = "approval_required"
    USAGE = "usage"
    DONE = "done"
    ERROR = "error"
    KEEPALIVE = "keepalive"

class EventRecorder:
    """Passes each event to `listener(event_type, data)` (a live stream) at once, and
    stores it.

    Events are stored in batches, in order: when FLUSH_SECONDS have passed since the last
    batch, on the turn's last event, and whenever the turn is about to wait (the agent calls
    flush() before each model call and each tool run). A replay on another process lags the
    live stream by a fraction of a second at most and never sees events out of order.
    """

    FLUSH_SECONDS = 0.1

    def __init__(self, conversation, listener=None):
        self.conversation = conversation
        self.listener = listener
        self.seq = last_seq(conversation)
        self.pending: list[Event] = []
        self.flushed_at = time.monotonic()

    def __call__(self, event_type: str, data: dict):
        data = self.store(event_type, data)
        self.deliver(event_type, data)
        if time.monotonic() - self.flushed_at >= self.FLUSH_SECONDS:
            self.flush()
        return data

    def store(self, event_type: str, data: dict) -> dict:
        """Number the event and queue it for storage (flush() writes it)."""
        self.seq += 1
        data = {**data, "seq": self.seq}
        self.pending.append((self.conversation.pk, self.seq, event_type, json.dumps(data, default=str), timezone.now()))
        return data

    def deliver(self, event_type: str, data: dict):
        if self.listener:
            self.listener(event_type, data)

    @property
    def next_seq(self) -> int:
        return self.seq + 1

    def flush(self):
        if self.pending:
            # one multi-row INSERT: this runs several times per turn, for every turn
            table = Event._meta.db_table
            with connection.cursor() as cursor:
                execute_values(
                    cursor.cursor,
                    f'INSERT INTO "{table}" (conversation_id, seq, type, data, created_at) VALUES %s',
                    self.pending,
                )
            self.pending = []
        self.flushed_at = time.monotonic()


def events_after(conversation_id, after: int, limit: int = 500) -> list[tuple[str, dict]]:
    rows = Event.objects.filter(conversation_id=conversation_id, seq__gt=after).order_by("seq")[:limit]
    return [(row.type, row.data) for row in rows]


def last_seq(conversation) -> int:
    return conversation.events.aggregate(last=Max("seq"))["last"] or 0
