"""Events of a turn: stored with a per-conversation sequence number, then announced."""

import json
import logging
import time
from enum import StrEnum

from django.db import DatabaseError, connection

from hexa.core.db import is_connection_error

from .models import Event

logger = logging.getLogger(__name__)


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
    # a worker took over a turn whose worker died: `text` is the answer as stored, which
    # replaces what a page showed of the interrupted model call
    RESUMED = "resumed"
    # earlier turns were summarised to keep the conversation within the model's context
    COMPACTED = "compacted"
    # the turn waits for the user (`awaiting`: its held calls); it ends nothing: answering
    # resumes it (`resumed`, then the rest of the turn)
    WAITING = "waiting"


# Workers announce stored events on this channel; web processes LISTEN (see follow.py).
CHANNEL = "assistant_events"
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more: bigger batches announce only
# their last sequence number, and listeners read them from the table.
NOTIFY_MAX_BYTES = 7000


class EventRecorder:
    """Numbers a turn's events, stores them and announces them (NOTIFY, sent when the
    storing transaction commits), so that a page following the turn on any web process
    gets them within milliseconds, and never an event that was not stored: a turn resumed
    after a crash goes on from the last stored number.

    Events are written in batches, in order: the first text delta of a response at once
    (the user sees the answer start), later ones at most DELTA_BATCH_S apart, and every
    other event when the turn is about to wait (the agent calls flush() before each model
    call and as each tool starts) or ends.

    Only the worker holding the turn's lease writes its events; the unique constraint on
    (conversation, seq) would refuse a second writer rather than interleave."""

    DELTA_BATCH_S = 0.025
    # While the database is unreachable, text deltas are kept and tried again this often.
    RETRY_DELTAS_S = 1.0

    def __init__(self, conversation_id, seq: int | None = None):
        """`seq`: the conversation's last sequence number, when the caller read it already."""
        self.conversation_id = conversation_id
        self.seq = last_seq(conversation_id) if seq is None else seq
        self.pending: list[tuple] = []
        self.flushed_at = 0.0
        self.streaming = False  # a text delta was flushed since the last other event
        self.unreachable_at = None  # when writing text deltas last failed

    def __call__(self, event_type: str, data: dict) -> dict:
        data = self.store(event_type, data)
        if event_type == EventType.TEXT_DELTA:
            if not self.streaming or time.monotonic() - self.flushed_at >= self.DELTA_BATCH_S:
                self._flush_deltas()
                self.streaming = True
        else:
            self.streaming = False
        return data

    def _flush_deltas(self):
        """Write the text deltas so far, without ever holding up the model's stream: while the
        database is unreachable they are kept (in order, numbered) and written with the next
        flush that gets through."""
        if self.unreachable_at is not None and time.monotonic() - self.unreachable_at < self.RETRY_DELTAS_S:
            return
        try:
            self.flush()
            self.unreachable_at = None
        except DatabaseError as error:
            if not is_connection_error(error):
                raise
            if self.unreachable_at is None:
                logger.warning("Events kept in memory: the database is unreachable (%s)", error.__class__.__name__)
            self.unreachable_at = time.monotonic()
            connection.close()  # the next flush opens a new connection

    def store(self, event_type: str, data: dict) -> dict:
        """Number the event and queue it (flush() writes it)."""
        self.seq += 1
        data = {**data, "seq": self.seq}
        self.pending.append((str(event_type), data))
        return data

    def flush(self, *also):
        """Store the queued events and announce them: one statement. `also`: (sql, params)
        of data-modifying statements written in the same statement (the end of the turn with
        its last event)."""
        if not self.pending:
            if also:
                with connection.cursor() as cursor:
                    for sql, params in also:
                        cursor.execute(sql, params)
            return
        # each event is serialised once: the stored row and the announcement share the text
        serialised = [(event_type, data["seq"], json.dumps(data, default=str)) for event_type, data in self.pending]
        rows = ", ".join(["(%s, %s, %s, %s::jsonb, now())"] * len(serialised))
        params = []
        for event_type, seq, text in serialised:
            params += [self.conversation_id, seq, event_type, text]
        table = Event._meta.db_table
        steps = "".join(f", also_{n} AS ({sql})" for n, (sql, _) in enumerate(also))
        with connection.cursor() as cursor:
            cursor.execute(
                f'WITH stored AS (INSERT INTO "{table}" (conversation_id, seq, type, data, created_at) VALUES {rows}){steps} '
                "SELECT pg_notify(%s, %s)",
                params + [p for _, statement_params in also for p in statement_params] + [CHANNEL, self._announcement(serialised)],
            )
        self.pending = []
        self.flushed_at = time.monotonic()

    def _announcement(self, serialised) -> str:
        """`{"c": conversation, "e": [[seq, type, data], …]}`, built from the events' JSON
        texts; `{"c", "s": last seq}` when that would be too big for a NOTIFY."""
        events = ", ".join(f"[{seq}, {json.dumps(event_type)}, {text}]" for event_type, seq, text in serialised)
        payload = f'{{"c": "{self.conversation_id}", "e": [{events}]}}'
        if len(payload.encode()) < NOTIFY_MAX_BYTES:
            return payload
        return json.dumps({"c": str(self.conversation_id), "s": serialised[-1][1]})


def events_after(conversation_id, after: int, limit: int = 500) -> list[tuple[str, dict]]:
    rows = Event.objects.filter(conversation_id=conversation_id, seq__gt=after).order_by("seq")[:limit]
    return [(row.type, row.data) for row in rows]


def last_seq(conversation_id) -> int:
    # plain SQL: read at the start of every turn, where the ORM's query building cost more
    # than the query
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT max(seq) FROM "{Event._meta.db_table}" WHERE conversation_id = %s', [conversation_id])
        return cursor.fetchone()[0] or 0
