import json
import logging

from ariadne import graphql_sync
from django.conf import settings
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from .workers import run_sync

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000


def _error(message, status=400):
    return JsonResponse({"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}, status=status)


def _execute(schema, data, request):
    return graphql_sync(schema, data, context_value={"request": request}, debug=settings.DEBUG, logger=logger)


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
