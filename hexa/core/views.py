import json
import logging
import sys

from ariadne import format_error, graphql_sync
from django.conf import settings
from django.db import DatabaseError
from graphql import GraphQLError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from .db import is_connection_error
from .workers import run_sync

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000


def _error(message, status=400):
    return JsonResponse({"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}, status=status)


def _execute(schema, data, request):
    return graphql_sync(
        schema, data, context_value={"request": request}, debug=settings.DEBUG, logger=logger, error_formatter=format_graphql_error
    )


# CSRF: POSTs must carry `Content-Type: application/json`, which a cross-site form cannot
# send without a CORS preflight, and the session cookie is SameSite=Lax.
@csrf_exempt
async def graphql_view(request):
    from config.schema import schema

    if request.method == "GET":
        return render(request, "core/explorer.html", {"endpoint": request.path})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.content_type != "application/json":
        return _error("Send the query as JSON (Content-Type: application/json).", status=415)
    if len(request.body) > MAX_BODY_BYTES:
        return _error("The request body is too large.", status=413)
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error("The request body is not valid JSON.")
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return _error("The request body must be a JSON object with a `query` string.")
    if data.get("variables") is not None and not isinstance(data["variables"], dict):
        return _error("`variables` must be a JSON object.")
    # Resolvers use the ORM, which is synchronous. They run on the worker pool, not on
    # Django's one thread for sync code, so that a long mutation never blocks other users.
    _, result = await run_sync(_execute, schema, data, request)
    return JsonResponse(result, status=200)


def _database_status() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - make_interval(secs => %s)",
            [settings.ASSISTANT_TURN_LEASE_S],
        )
        return {"database": "ok", "workers": cursor.fetchone()[0]}


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


def server_error(request):
    """Every unexpected failure answers JSON, never an HTML page or a driver's message; a
    database that cannot be reached (a restart, no connection left) is a typed 503."""
    error = sys.exc_info()[1]
    if error is not None and is_connection_error(error):
        return JsonResponse(
            {"errors": ["DATABASE_UNAVAILABLE"], "message": "The database cannot be reached right now. Nothing was lost; try again in a moment."},
            status=503,
        )
    return JsonResponse({"errors": ["INTERNAL_ERROR"], "message": "The server failed unexpectedly."}, status=500)


def format_graphql_error(error: GraphQLError, debug: bool = False) -> dict:
    """GraphQL errors as Ariadne formats them, except that database failures are typed and
    worded for people, not passed on with the driver's text."""
    original = getattr(error, "original_error", None)
    if isinstance(original, DatabaseError):
        code = "DATABASE_UNAVAILABLE" if is_connection_error(original) else "INTERNAL_ERROR"
        message = "The database cannot be reached right now; try again in a moment." if code == "DATABASE_UNAVAILABLE" else "The server failed unexpectedly."
        logger.warning("GraphQL resolver failed on the database: %s", original)
        return {"message": message, "locations": error.formatted.get("locations"), "path": error.path, "extensions": {"code": code}}
    return format_error(error, debug)
