"""Streaming endpoints: a turn as Server-Sent Events, and the replay of stored events.

    POST /assistant/conversations/<id>/stream/   {"message": "...", "replaces_message_id"?}  → text/event-stream
    GET  /assistant/conversations/<id>/events/?after=<seq>          → text/event-stream

Both are async views: waiting on a stream holds no thread. The turn itself runs on a
worker process (tasks.py) and goes on if the client disconnects; both endpoints follow
its stored events (follow.py), so any web process can serve them.
"""

import asyncio
import logging
import uuid
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.http import HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from hexa.core.json_body import BadBody, read_json_body
from hexa.core.sse import event_stream_response, frame
from hexa.core.workers import run_sync

from .errors import AssistantError, ErrorCode
from .events import EventType
from .follow import follow
from .service import TURN_NOT_STARTED_MESSAGE, get_conversation, start_turn, withdraw_unless_taken, workers_alive

logger = logging.getLogger(__name__)

STATUS = {
    "BAD_REQUEST": 400,
    "EMPTY_MESSAGE": 400,
    "MESSAGE_TOO_LONG": 400,
    "INVALID_MESSAGE": 400,
    "UNAUTHENTICATED": 401,
    "BUDGET_EXCEEDED": 402,
    "NOT_FOUND": 404,
    "CONVERSATION_BUSY": 409,
    "RATE_LIMITED": 429,
    "ASSISTANT_NOT_CONFIGURED": 503,
    "DATABASE_UNAVAILABLE": 503,
    "TURN_NOT_STARTED": 503,
}


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


def _start(request, conversation_id, text, replaces=None):
    """The turn stored and queued, and whether its pickup is still to be checked: while a
    worker is alive the stream starts at once, without waiting for a worker to take the
    turn (in a burst of sends that wait grew to hundreds of milliseconds); with none alive,
    the send waits for it and is refused (503 TURN_NOT_STARTED) when nobody takes it."""
    user = _user(request)
    if user is None:
        raise AssistantError(ErrorCode.UNAUTHENTICATED)
    alive = workers_alive()
    message = start_turn(user, conversation_id, text, wait_for_pickup=not alive, replaces=replaces)
    return message, alive and message.queued


# the pickup checks under way: a task the loop holds no strong reference to may be collected
_pickup_checks = set()


async def _check_pickup(message) -> bool:
    """True if no worker took the turn within ASSISTANT_PICKUP_WAIT_S: it is withdrawn.
    Runs whether or not the client stays, so that no send is left queued unanswered."""
    await asyncio.sleep(settings.ASSISTANT_PICKUP_WAIT_S)
    try:
        return await run_sync(withdraw_unless_taken, message)
    except Exception:  # the database is unreachable: the turn stays queued, the recovery has it
        logger.exception("Could not check the pickup of the turn %s", message.pk)
        return False


@csrf_exempt
async def stream_view(request, conversation_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.content_type != "application/json":
        return _error("BAD_REQUEST", message="Send {\"message\": ...} as JSON (Content-Type: application/json).")
    try:
        body = read_json_body(request)
    except BadBody as bad:  # too large (413), not JSON, nested too deeply
        return JsonResponse({"errors": ["BAD_REQUEST"], "message": bad.message}, status=bad.status)
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return _error("BAD_REQUEST", message="The request body must be a JSON object with a `message` string.")
    replaces = body.get("replaces_message_id")
    if replaces is not None:  # edit and resend (branches.py)
        try:
            replaces = uuid.UUID(replaces) if isinstance(replaces, str) else None
        except ValueError:
            replaces = None
        if replaces is None:
            return _error("BAD_REQUEST", message="`replaces_message_id` must be a message id (a UUID).")
    try:
        message, check_later = await run_sync(_start, request, conversation_id, body["message"], replaces)
    except AssistantError as error:
        return _refused(error)
    # The turn is stored and queued: a worker runs it, and it goes on if this client leaves.
    # Its first event (the user's message, stored with it) is sent at once.
    first = frame(EventType.USER_MESSAGE, message.first_event)
    pickup = None
    if check_later:
        pickup = asyncio.get_running_loop().create_task(_check_pickup(message))
        _pickup_checks.add(pickup)
        pickup.add_done_callback(_pickup_checks.discard)

    async def frames():
        yield first
        async for chunk in follow(message.conversation_id, message.first_event_seq, until_message_id=str(message.pk)):
            yield chunk
        # the turn was withdrawn (its rows with it): the stream ends as a refused send would
        if pickup is not None and pickup.done() and not pickup.cancelled() and pickup.result():
            yield frame(EventType.ERROR, {"message_id": str(message.pk), "code": ErrorCode.TURN_NOT_STARTED, "message": TURN_NOT_STARTED_MESSAGE})

    return event_stream_response(frames())


def _user_and_conversation(request, conversation_id):
    user = _user(request)
    return user, (get_conversation(user, conversation_id) if user else None)


@csrf_exempt
async def events_view(request, conversation_id):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    try:
        after = int(request.GET.get("after", "0"))
        if not 0 <= after < 2**31:
            raise ValueError
    except ValueError:
        return _error("BAD_REQUEST", message="`after` must be a sequence number (0 or more).")
    user, conversation = await run_sync(_user_and_conversation, request, conversation_id)
    if user is None:
        return _error("UNAUTHENTICATED")
    if conversation is None:
        return _error("NOT_FOUND")
    return event_stream_response(follow(conversation.pk, after))
