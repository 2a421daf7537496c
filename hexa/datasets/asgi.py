"""Uploads of dataset files are refused before their body is read when they are too large.

Django's ASGI handler reads a whole request body (to a temporary file) before any view runs,
so the view's own limit (views.py) would come after gigabytes were received and written.
This wrapper answers 411/413 from the headers alone; uvicorn delivers no more bytes than
the Content-Length it accepted.
"""

import json

from django.conf import settings

UPLOAD_PREFIX = "/datasets/upload/"


def limit_uploads(app):
    async def application(scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(UPLOAD_PREFIX) and scope["method"] == "PUT":
            length = dict(scope["headers"]).get(b"content-length")
            if length is None or not length.isdigit():
                return await _refuse(send, 411, "LENGTH_REQUIRED", "Send the file with a Content-Length header.")
            if int(length) > settings.DATASETS_MAX_FILE_BYTES:
                return await _refuse(
                    send, 413, "FILE_TOO_LARGE",
                    f"A dataset file may be at most {settings.DATASETS_MAX_FILE_BYTES:,} bytes.",
                )
        return await app(scope, receive, send)

    return application


async def _refuse(send, status, code, message):
    body = json.dumps({"errors": [code], "message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
