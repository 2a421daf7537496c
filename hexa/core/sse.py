"""Server-Sent Events: frames and the streaming response that carries them."""

import json

from django.http import StreamingHttpResponse

KEEPALIVE = b"event: keepalive\ndata: {}\n\n"


def frame(event_type: str, data: dict) -> bytes:
    """`id: <seq>` (when the data has one), `event: <type>`, `data: <json>`."""
    head = f"id: {data['seq']}\n" if "seq" in data else ""
    return f"{head}event: {event_type}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def event_stream_response(frames) -> StreamingHttpResponse:
    """A text/event-stream response of the byte chunks `frames` yields."""
    response = StreamingHttpResponse(frames, content_type="text/event-stream")
    # no proxy or compression may hold events back
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response
