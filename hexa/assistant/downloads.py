"""`GET /assistant/tool-executions/<id>/download.csv`: the full result of a stored query.

The query of the tool execution (query_database's, create_chart's: sources.stored_query) is
run again, read-only, through its source, for the owner of the conversation only (anyone
else, members included, gets 404), up to ASSISTANT_DOWNLOAD_MAX_ROWS rows, within
ASSISTANT_DOWNLOAD_TIMEOUT_MS. PostgreSQL writes the CSV (COPY … TO STDOUT); a thread of
the worker pool passes it on in chunks through a pipe of PIPE_DEPTH of them, so that the
server holds a few megabytes whatever the size of the file and a slow client slows the
query down rather than filling memory. A file cut at the cap, or stopped by an error after
it started, ends with a line starting with `#` that says so. Each download is a tool call
in the usage ledger (`download_csv`).
"""

import asyncio
import logging
import re
import threading
import time

from django.conf import settings
from django.http import HttpResponseNotAllowed, JsonResponse, StreamingHttpResponse

from hexa.core.workers import submit

from .errors import AssistantError, ErrorCode
from .executors.sources import SOURCES, stored_query
from .logs import log_event
from .models import ToolExecution, UsageKind, UsageRecord
from .views import _user

logger = logging.getLogger(__name__)

LEDGER_TOOL_NAME = "download_csv"
PIPE_DEPTH = 8  # chunks (sources.CSV_CHUNK_BYTES each) waiting for the client at most
STATUS = {"UNAUTHENTICATED": 401, "PERMISSION_DENIED": 403, "NOT_FOUND": 404, "QUERY_TIMEOUT": 504,
          "DATABASE_UNAVAILABLE": 503, "INTERNAL_ERROR": 500}


class _ClientGone(Exception):
    pass


class _Pipe:
    """From the thread that runs the query to the response: at most PIPE_DEPTH items in flight."""

    def __init__(self, loop):
        self.loop = loop
        self.items = asyncio.Queue()
        self.slots = threading.Semaphore(PIPE_DEPTH)
        self.closed = threading.Event()

    def put(self, item):  # on the query's thread
        while not self.slots.acquire(timeout=0.5):
            if self.closed.is_set():
                raise _ClientGone
        if self.closed.is_set():
            raise _ClientGone
        self.loop.call_soon_threadsafe(self.items.put_nowait, item)

    async def get(self):
        item = await self.items.get()
        self.slots.release()
        return item


def _owned_execution(user, execution_id):
    return (
        ToolExecution.objects.filter(pk=execution_id, conversation__user=user)
        .select_related("conversation__workspace")
        .first()
    )


def _find(request, execution_id):
    user = _user(request)
    if user is None:
        return None, None
    execution = _owned_execution(user, execution_id)
    return user, execution


def _record(user, execution, success: bool, started: float):
    duration_ms = int((time.monotonic() - started) * 1000)
    UsageRecord.objects.create(
        kind=UsageKind.TOOL_CALL, user=user, workspace=execution.conversation.workspace,
        conversation_uuid=execution.conversation_id, message_uuid=execution.message_id,
        tool_name=LEDGER_TOOL_NAME, success=success, duration_ms=duration_ms,
    )
    log_event("tool_call", conversation=execution.conversation_id, message=execution.message_id,
              tool_execution=execution.pk, tool=LEDGER_TOOL_NAME, status="COMPLETED" if success else "FAILED",
              duration_ms=duration_ms)


def _produce(pipe: _Pipe, user, execution, source: str, query: str):
    """On a pool thread: run the query into the pipe, then ("end", result) or ("error", AssistantError).
    The ledger row is written before the last item, so it exists once the response is complete."""
    started = time.monotonic()
    try:
        max_rows = max(1, int(settings.ASSISTANT_DOWNLOAD_MAX_ROWS))
        last = ("end", SOURCES[source].copy_csv(user, execution.conversation.workspace, query, max_rows, pipe.put))
    except _ClientGone:
        _record(user, execution, False, started)
        return
    except AssistantError as error:
        last = ("error", error)
    except Exception:
        logger.exception("Download of tool execution %s failed", execution.pk)
        last = ("error", AssistantError(ErrorCode.INTERNAL_ERROR, "The download failed unexpectedly."))
    _record(user, execution, last[0] == "end", started)
    _put_last(pipe, last)


def _put_last(pipe, item):
    try:
        pipe.put(item)
    except _ClientGone:
        pass


def _filename(execution) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", execution.name).strip("-") or "result"
    return f"{base}-{str(execution.pk)[:8]}.csv"


def _error(error: AssistantError):
    return JsonResponse({"errors": [error.code], "message": error.message}, status=STATUS.get(error.code, 400))


async def download_view(request, execution_id):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user, execution = await submit(_find, request, execution_id)
    if user is None:
        return JsonResponse({"errors": ["UNAUTHENTICATED"]}, status=401)
    stored = stored_query(execution) if execution is not None else None
    if stored is None:  # not theirs, not there, or nothing to download: one answer
        return JsonResponse({"errors": ["NOT_FOUND"]}, status=404)
    pipe = _Pipe(asyncio.get_running_loop())
    submit(_produce, pipe, user, execution, *stored)
    first = await pipe.get()
    if isinstance(first, tuple) and first[0] == "error":
        return _error(first[1])

    async def body():
        item = first
        try:
            while True:
                if isinstance(item, bytes):
                    yield item
                elif item[0] == "end":
                    if item[1]["truncated"]:
                        yield (
                            f"# Cut at {item[1]['row_count']:,} rows (ASSISTANT_DOWNLOAD_MAX_ROWS): filter or "
                            "aggregate the query for the rest.\n"
                        ).encode()
                    return
                else:  # an error once the file had started: say so at its end
                    yield f"# Download stopped: {item[1].code}. {item[1].message}\n".encode()
                    return
                item = await pipe.get()
        finally:
            pipe.closed.set()  # the client left, or the file is complete: the query's thread stops

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(execution)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
