"""The signed upload and download URLs of dataset files (links.py).

    PUT /datasets/upload/<token>/     the file's bytes (Content-Length required)  -> 201 {"uri", "size"}
    GET /datasets/download/<token>/   the file's bytes

Errors are JSON, `{"errors": [CODE], "message": …}`: INVALID_SIGNATURE and URL_EXPIRED (403),
NOT_FOUND (404), ALREADY_EXISTS (409), LENGTH_REQUIRED (411), FILE_TOO_LARGE (413). Bodies over
DATASETS_MAX_FILE_BYTES are refused before they are read (asgi.py) and again while they are
stored. The work with files and the database runs on the worker pool, never on the event loop.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseNotAllowed, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from hexa.core.workers import run_sync

from . import links, storage
from .models import DatasetVersion, DatasetVersionFile

STATUS = {
    "INVALID_SIGNATURE": 403, "URL_EXPIRED": 403, "NOT_FOUND": 404, "ALREADY_EXISTS": 409,
    "LENGTH_REQUIRED": 411, "FILE_TOO_LARGE": 413,
}
MESSAGES = {
    "NOT_FOUND": "This file does not exist (any more), or its bytes were never uploaded.",
    "ALREADY_EXISTS": "A file with this name already exists in this dataset version.",
    "LENGTH_REQUIRED": "Send the file with a Content-Length header.",
}


def error(code, message=None):
    message = message or MESSAGES.get(code) or too_large_message()
    return JsonResponse({"errors": [code], "message": message}, status=STATUS[code])


def too_large_message() -> str:
    return f"A dataset file may be at most {settings.DATASETS_MAX_FILE_BYTES:,} bytes."


def _store(payload, request) -> dict | str:
    try:
        version = DatasetVersion.objects.select_related("dataset").get(id=uuid.UUID(payload["v"]))
        name = storage.clean_name(payload["n"])
    except (DatasetVersion.DoesNotExist, KeyError, ValueError):
        return "NOT_FOUND"
    uri = version.full_uri(name)
    try:
        size = storage.write(uri, request.read, settings.DATASETS_MAX_FILE_BYTES)
    except storage.AlreadyExists:
        return "ALREADY_EXISTS"
    except storage.TooLarge:
        return "FILE_TOO_LARGE"
    with transaction.atomic():
        # the file's row may have been created before its bytes came (createDatasetVersionFile first)
        DatasetVersionFile.objects.filter(uri=uri).update(size=size)
    return {"uri": uri, "size": size}


@csrf_exempt
async def upload_view(request, token):
    if request.method != "PUT":
        return HttpResponseNotAllowed(["PUT"])
    try:
        payload = links.read(token, links.UPLOAD_SALT)
    except links.BadLink as bad:
        return error(bad.code, bad.message)
    length = request.headers.get("Content-Length")
    if length is None or not length.isdigit():
        return error("LENGTH_REQUIRED")
    if int(length) > settings.DATASETS_MAX_FILE_BYTES:
        return error("FILE_TOO_LARGE")
    result = await run_sync(_store, payload, request)
    if isinstance(result, str):
        return error(result)
    return JsonResponse(result, status=201)


def _open(payload):
    try:
        file = DatasetVersionFile.objects.get(id=uuid.UUID(payload["f"]))
    except (DatasetVersionFile.DoesNotExist, KeyError, ValueError):
        return None, None
    return file, storage.open_file(file.uri)


async def download_view(request, token):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        payload = links.read(token, links.DOWNLOAD_SALT)
    except links.BadLink as bad:
        return error(bad.code, bad.message)
    file, opened = await run_sync(_open, payload)
    if opened is None:
        return error("NOT_FOUND")

    async def body():
        try:
            while chunk := await run_sync(opened.read, storage.CHUNK_BYTES):
                yield chunk
        finally:
            opened.close()

    response = StreamingHttpResponse(body(), content_type=file.content_type)
    response["Content-Length"] = str(storage.size_of(file.uri) or 0)
    disposition = "attachment" if payload.get("a", True) else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quoted(file.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
