import logging
import re
import sys

from ariadne import format_error, graphql_sync
from django.conf import settings
from django.db import DatabaseError
from graphql import GraphQLError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from .db import is_connection_error
from .json_body import BadBody, read_json_body
from .text import STORABLE_TEXT_MESSAGE, is_unstorable_text_error
from .workers import run_sync

logger = logging.getLogger(__name__)


class _GraphQLErrorLog(logging.LoggerAdapter):
    """Ariadne logs every GraphQL error at ERROR with its traceback. A document refused
    before anything ran (syntax, validation, the limits) or text the database cannot store
    is the caller's doing: one short WARNING line, without the document or the text (a
    hostile document can be a megabyte on one line)."""

    def error(self, msg, *args, **kwargs):
        if isinstance(msg, GraphQLError) and (msg.original_error is None or msg.message.startswith("Variable '$")):
            code = (msg.extensions or {}).get("code", "")
            self.logger.warning("GraphQL document refused: %s %s", code, _without_values(msg.message)[:200])
            return
        if isinstance(msg, GraphQLError) and is_unstorable_text_error(msg.original_error):
            self.logger.warning("GraphQL argument refused: %s", STORABLE_TEXT_MESSAGE)
            return
        self.logger.error(msg, *args, **kwargs)


error_log = _GraphQLErrorLog(logger, {})

# graphql-core quotes the value it refused after these words; a value can be a secret (a
# connection's password given with a missing or mistyped argument), so the log stops there.
_VALUE_MARKERS = re.compile(r" (?:got|has) invalid value|, found|non[- ]\w+ value: |Value '")


def _without_values(message: str) -> str:
    marker = _VALUE_MARKERS.search(message)
    return message if marker is None else message[: marker.start()] + " (value not logged)"


def _error(message, status=400):
    return JsonResponse({"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}, status=status)


def _execute(schema, limits, data, request):
    # the limits (hexa/core/graphql_limits.py) are checked before anything runs
    return graphql_sync(
        schema,
        data,
        context_value={"request": request},
        query_parser=limits.parse_query,
        query_validator=limits.validator(request, data.get("variables")),
        debug=settings.DEBUG,
        logger=error_log,
        error_formatter=format_graphql_error,
    )


# CSRF: POSTs must carry `Content-Type: application/json`, which a cross-site form cannot
# send without a CORS preflight, and the session cookie is SameSite=Lax.
@csrf_exempt
async def graphql_view(request):
    from config.schema import limits, schema

    if request.method == "GET":
        return render(request, "core/explorer.html", {"endpoint": request.path})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.content_type != "application/json":
        return _error("Send the query as JSON (Content-Type: application/json).", status=415)
    try:
        data = read_json_body(request)
    except BadBody as bad:
        return _error(bad.message, status=bad.status)
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return _error("The request body must be a JSON object with a `query` string.")
    if data.get("variables") is not None and not isinstance(data["variables"], dict):
        return _error("`variables` must be a JSON object.")
    if data.get("operationName") is not None and not isinstance(data["operationName"], str):
        return _error("`operationName` must be a string.")
    # Resolvers use the ORM, which is synchronous. They run on the worker pool, not on
    # Django's one thread for sync code, so that a long mutation never blocks other users.
    _, result = await run_sync(_execute, schema, limits, data, request)
    return JsonResponse(result, status=200)


def _database_status() -> dict:
    from hexa.assistant.liveness import live_workers

    # a worker holds its lock while its process lives: its death shows at once
    return {"database": "ok", "workers": live_workers()}


async def healthz_view(request):
    """For load balancers and orchestrators: 200 when this web process is up and reaches the
    database, with the number of live assistant workers (their heartbeats); 503 otherwise.
    `?workers=1` also answers 503 when no worker is alive (turns would wait)."""
    try:
        status = await run_sync(_database_status)
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if request.GET.get("workers") and status["workers"] == 0:
        return JsonResponse({"status": "unavailable", **status}, status=503)
    return JsonResponse({"status": "ok", **status})


def _database_unavailable():
    return JsonResponse(
        {"errors": ["DATABASE_UNAVAILABLE"], "message": "The database cannot be reached right now. Nothing was lost; try again in a moment."},
        status=503,
    )


def _from_database(error) -> bool:
    """Whether `error`, or what it was raised from, is a lost or refused database connection."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, DatabaseError) and is_connection_error(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """Every unexpected failure answers JSON, never an HTML page or a driver's message; a
    database that cannot be reached (a restart, no connection left) is a typed 503."""
    if _from_database(sys.exc_info()[1]):
        return _database_unavailable()
    return JsonResponse({"errors": ["INTERNAL_ERROR"], "message": "The server failed unexpectedly."}, status=500)


def bad_request(request, exception=None):
    """Django's 400s (a session that could not be saved, a suspicious request) as JSON. A
    session lost to the database (it could not be written: no connection left, a restart)
    is the typed 503 of the rest of the API, not the caller's fault."""
    if _from_database(exception):
        return _database_unavailable()
    return JsonResponse({"errors": ["BAD_REQUEST"], "message": "The request could not be handled."}, status=400)


def format_graphql_error(error: GraphQLError, debug: bool = False) -> dict:
    """GraphQL errors as Ariadne formats them, except that database failures are typed and
    worded for people, not passed on with the driver's text."""
    original = getattr(error, "original_error", None)
    if is_unstorable_text_error(original):
        # a NUL character or a lone surrogate in an argument, refused by the driver: the
        # caller's input, not a failure (mutations check their own text and answer with
        # their own error codes)
        return {"message": STORABLE_TEXT_MESSAGE, "locations": error.formatted.get("locations"), "path": error.path, "extensions": {"code": "BAD_REQUEST"}}
    if isinstance(original, DatabaseError):
        code = "DATABASE_UNAVAILABLE" if is_connection_error(original) else "INTERNAL_ERROR"
        message = "The database cannot be reached right now; try again in a moment." if code == "DATABASE_UNAVAILABLE" else "The server failed unexpectedly."
        logger.warning("GraphQL resolver failed on the database: %s", original)
        return {"message": message, "locations": error.formatted.get("locations"), "path": error.path, "extensions": {"code": code}}
    return format_error(error, debug)
