"""Streaming endpoints: a turn as Server-Sent Events, and the replay of stored events.

    POST /assistant/conversations/<id>/stream/   {"message": "..."}  → text/event-stream
    GET  /assistant/conversations/<id>/events/?after=<seq>          → text/event-stream

Both are async views: waiting on a stream holds no thread. The turn itself runs on the
worker pool (hexa.core.workers) and goes on if the client disconnects; its events are
stored, so the events endpoint (on any server process) replays what was missed and then
follows the turn until it ends.
"""

import asyncio
import json
import logging
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.http import HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from hexa.core.sse import KEEPALIVE, event_stream_response, frame
from hexa.core.workers import run_sync, submit

from .errors import AssistantError, ErrorCode
from .events import events_after
from .models import Conversation
from .service import get_conversation, run_claimed_turn, start_turn

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.1
STATUS = {
    "BAD_REQUEST": 400,
    "EMPTY_MESSAGE": 400,
    "MESSAGE_TOO_LONG": 400,
    "UNAUTHENTICATED": 401,
    "BUDGET_EXCEEDED": 402,
    "NOT_FOUND": 404,
    "CONVERSATION_BUSY": 409,
    "RATE_LIMITED": 429,
    "ASSISTANT_NOT_CONFIGURED": 503,
}

# Turns started by streams: kept referenced until they end, whatever happens to the client.
_running_turns = set()


def _error(code, **extra):
    return JsonResponse({"errors": [code], **extra}, status=STATUS.get(code, 400))


def _refused(error: AssistantError):
    return _error(error.code, **({"message": error.message} if error.message else {}), **error.details)


def _user(request):
    """The logged-in user, from the session cookie. Runs on the worker pool: these views are
    served without middleware (see config/asgi.py), and request.auser() would load the
    session on Django's one thread for sync code."""
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    user = auth.get_user(request)
    return user if user.is_authenticated else None


def _start(request, conversation_id, text):
    user = _user(request)
    if user is None:
        raise AssistantError(ErrorCode.UNAUTHENTICATED)
    return user, *start_turn(user, conversation_id, text)


@csrf_exempt
async def stream_view(request, conversation_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.content_type != "application/json":
        return _error("BAD_REQUEST", message="Send {\"message\": ...} as JSON (Content-Type: application/json).")
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error("BAD_REQUEST", message="The request body is not valid JSON.")
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return _error("BAD_REQUEST", message="The request body must be a JSON object with a `message` string.")
    try:
        user, conversation, text = await run_sync(_start, request, conversation_id, body["message"])
    except AssistantError as error:
        return _refused(error)

    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    def listener(event_type, data):  # called on the worker thread
        loop.call_soon_threadsafe(queue.put_nowait, (event_type, data))

    turn = submit(run_claimed_turn, user, conversation, text, listener)
    _running_turns.add(turn)

    def finished(future):
        _running_turns.discard(future)
        if future.cancelled() or future.exception():
            # its `error` event was stored and delivered, unless the database itself failed
            logger.error("Turn in conversation %s crashed", conversation.pk, exc_info=future.exception())
        queue.put_nowait(None)

    turn.add_done_callback(finished)

    async def frames():
        while True:
            try:
                async with asyncio.timeout(settings.ASSISTANT_STREAM_KEEPALIVE_S):
                    items = [await queue.get()]
            except TimeoutError:
                yield KEEPALIVE
                continue
            # Events that arrived together leave in one write: under load, the loop's cost
            # per send stays per batch rather than per event.
            while not queue.empty():
                items.append(queue.get_nowait())
            ended = items[-1] is None  # the turn ended: nothing follows its terminal event
            if ended:
                items.pop()
            if items:
                yield b"".join(frame(*item) for item in items)
            if ended:
                return

    return event_stream_response(frames())


def _user_and_conversation(request, conversation_id):
    user = _user(request)
    return user, (get_conversation(user, conversation_id) if user else None)


def _poll(conversation_id, after: int) -> tuple[list, bool]:
    """Stored events after `after`, and whether a turn still runs (one trip to the pool)."""
    conversation = Conversation.objects.filter(pk=conversation_id).only("turn_started_at").first()
    running = conversation is not None and conversation.is_running
    return events_after(conversation_id, after), running


@csrf_exempt
async def events_view(request, conversation_id):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    try:
        after = int(request.GET.get("after", "0"))
        if after < 0:
            raise ValueError
    except ValueError:
        return _error("BAD_REQUEST", message="`after` must be a sequence number (0 or more).")
    user, conversation = await run_sync(_user_and_conversation, request, conversation_id)
    if user is None:
        return _error("UNAUTHENTICATED")
    if conversation is None:
        return _error("NOT_FOUND")

    async def frames():
        cursor, silent = after, 0.0
        while True:
            # whether the turn runs is read before its events: a turn that ends meanwhile
            # stored its last event first, so this batch or the next has it
            batch, running = await run_sync(_poll, conversation.pk, cursor)
            for event_type, data in batch:
                yield frame(event_type, data)
                cursor = data["seq"]
            if batch:
                silent = 0.0
                continue
            if not running:
                return
            await asyncio.sleep(POLL_SECONDS)
            silent += POLL_SECONDS
            if silent >= settings.ASSISTANT_STREAM_KEEPALIVE_S:
                silent = 0.0
                yield KEEPALIVE

    return event_stream_response(frames())


