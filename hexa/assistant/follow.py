"""Following a turn from a web process: its stored events, then the new ones as the worker
announces them.

One LISTEN connection per web process (EventHub) receives every announcement
(events.CHANNEL) and hands it to the streams following that conversation. An announcement
carries the events themselves when they are small, so a text delta reaches the page
without a query; otherwise, after a gap, or when the connection was lost, the stream reads
the table from its last sequence number. Events are stored before they are announced, so
reading the table never misses one that was announced.
"""

import asyncio
import json
import logging
import time
from collections import defaultdict

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection
from procrastinate.contrib.django.utils import connector_params

from hexa.core.db import is_connection_error
from hexa.core.sse import KEEPALIVE, frame
from hexa.core.workers import run_sync

from .errors import ErrorCode
from .events import CHANNEL, EventType
from .models import Conversation, Event

logger = logging.getLogger(__name__)

# Without any announcement for this long, a stream reads the table anyway (and learns
# whether the turn still runs): the safety net under LISTEN/NOTIFY.
FALLBACK_POLL_S = 1.0
# the end of a turn, or of its running part: a waiting turn resumes with new events, which
# the page follows again once it has answered
TERMINAL = (EventType.DONE, EventType.ERROR, EventType.WAITING)
WAKE = object()  # "read the table": something may have been missed
ANNOUNCEMENT_HEAD = '{"c": "'
UNAVAILABLE_MESSAGE = (
    "The database has been unreachable for too long to follow the answer. Nothing is lost: "
    "reload the page in a moment to see it."
)


class EventHub:
    def __init__(self):
        self.queues: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self.task = None

    def subscribe(self, conversation_id) -> asyncio.Queue:
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._listen(), name="assistant-event-hub")
        queue = asyncio.Queue()
        self.queues[str(conversation_id)].add(queue)
        return queue

    def unsubscribe(self, conversation_id, queue):
        queues = self.queues.get(str(conversation_id))
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self.queues[str(conversation_id)]

    def _wake_all(self):
        for queues in self.queues.values():
            for queue in queues:
                queue.put_nowait(WAKE)

    async def _listen(self):
        params = connector_params("default")
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(**params, autocommit=True) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    self._wake_all()  # what was announced while nobody listened is in the table
                    while True:
                        async for notification in connection.notifies(timeout=10):
                            self._dispatch(notification.payload)
                        await connection.execute("SELECT 1")  # a silent connection may be a dead one
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database restarted: listen again, streams read the table
                logger.warning("Event listener lost its connection (%s); reconnecting", error)
                self._wake_all()
                await asyncio.sleep(1)

    def _dispatch(self, payload: str):
        # Every web process hears every announcement, mostly for conversations it does not
        # follow: those are recognised by their first field (events._announcement writes
        # `{"c": "<conversation>", …`) and not parsed at all.
        if payload.startswith(ANNOUNCEMENT_HEAD):
            end = payload.find('"', len(ANNOUNCEMENT_HEAD))
            if payload[len(ANNOUNCEMENT_HEAD):end] not in self.queues:
                return
        try:
            announcement = json.loads(payload)
            queues = self.queues.get(announcement["c"])
        except (ValueError, KeyError, TypeError):
            return
        for queue in queues or ():
            queue.put_nowait(announcement)


hub = EventHub()


DELETED_MESSAGE = "The conversation was deleted; its turn ended."


def _poll(conversation_id, after: int, limit: int = 500) -> tuple[list, bool, bool]:
    """Stored events after `after`, whether a turn still runs and whether the conversation
    still exists: one statement (every stream makes one at its start), so read from one
    snapshot: a turn seen ended stored its last event before it ended, and this batch or
    the next has it."""
    conversations, events = (connection.ops.quote_name(m._meta.db_table) for m in (Conversation, Event))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.turn_started_at IS NOT NULL, e.type, e.data FROM {conversations} c LEFT JOIN LATERAL ("
            f"SELECT seq, type, data FROM {events} WHERE conversation_id = c.id AND seq > %s ORDER BY seq LIMIT %s"
            ") e ON true WHERE c.id = %s ORDER BY e.seq",
            [after, limit, conversation_id],
        )
        rows = cursor.fetchall()
    if not rows:
        return [], False, False
    # Django reads jsonb as text (the model field parses it)
    stored = [(kind, json.loads(data) if isinstance(data, str) else data) for _, kind, data in rows if kind is not None]
    return stored, rows[0][0], True


async def follow(conversation_id, after: int, until_message_id: str | None = None):
    """SSE frames of the conversation's events after `after`: until the terminal event of
    the turn whose message is `until_message_id`, or, without it, until no turn runs and
    nothing is left to send."""
    queue = hub.subscribe(conversation_id)
    cursor, must_read, quiet = after, True, 0.0
    unreachable_since = None
    try:
        while True:
            batch = []
            if must_read:
                try:
                    stored, running, exists = await run_sync(_poll, conversation_id, cursor)
                    unreachable_since = None
                except DatabaseError as error:
                    # the database is unreachable: keepalives while the turn rides it out,
                    # then a terminal event (not stored: none can be), never a silent end
                    if not is_connection_error(error):
                        raise
                    unreachable_since = unreachable_since or time.monotonic()
                    if time.monotonic() - unreachable_since > settings.ASSISTANT_DATABASE_OUTAGE_S:
                        yield frame(EventType.ERROR, {"message_id": until_message_id, "code": ErrorCode.DATABASE_UNAVAILABLE, "message": UNAVAILABLE_MESSAGE})
                        return
                    await asyncio.sleep(FALLBACK_POLL_S)
                    quiet += FALLBACK_POLL_S
                    if quiet >= settings.ASSISTANT_STREAM_KEEPALIVE_S:
                        quiet = 0.0
                        yield KEEPALIVE
                    continue
                batch = [(data["seq"], event_type, data) for event_type, data in stored]
                if not stored and not running:
                    if not exists and until_message_id is not None:
                        # deleted under the turn, its last events with it: the stream still
                        # ends with a terminal event
                        yield frame(EventType.ERROR, {"seq": cursor + 1, "message_id": until_message_id, "code": ErrorCode.NOT_FOUND, "message": DELETED_MESSAGE})
                    return
                must_read = len(stored) >= 500  # a long replay comes in pages
            else:
                try:
                    async with asyncio.timeout(FALLBACK_POLL_S):
                        items = [await queue.get()]
                except TimeoutError:
                    must_read = True
                    quiet += FALLBACK_POLL_S
                    if quiet >= settings.ASSISTANT_STREAM_KEEPALIVE_S:
                        quiet = 0.0
                        yield KEEPALIVE
                    continue
                while not queue.empty():
                    items.append(queue.get_nowait())
                for item in items:
                    if item is WAKE or "e" not in item:
                        must_read = True
                    else:
                        batch += [tuple(event) for event in item["e"]]
            frames = []
            ended = False
            for seq, event_type, data in batch:
                if seq <= cursor:
                    continue  # read from the table and announced: sent once
                if seq > cursor + 1:
                    must_read = True  # a gap (a big announcement, or one missed): read the table
                    break
                frames.append(frame(event_type, data))
                cursor = seq
                if event_type in TERMINAL:
                    if until_message_id is not None and data.get("message_id") == until_message_id:
                        ended = True
                        break
                    must_read = True  # a turn ended: stop as soon as the table says none runs
            if frames:
                quiet = 0.0
                yield b"".join(frames)
            if ended:
                return
    finally:
        hub.unsubscribe(conversation_id, queue)
