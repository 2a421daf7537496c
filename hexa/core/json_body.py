"""Reading a JSON request body without ever failing with a 500: whatever is wrong with it
is a `BadBody` with the HTTP status and a message for people."""

import json

from django.core.exceptions import RequestDataTooBig

MAX_BODY_BYTES = 1_000_000
# No request of this API nests JSON more than a few levels; deeper values would only reach
# recursive code further on (GraphQL variables, the ORM's JSON fields).
MAX_JSON_DEPTH = 32


class BadBody(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def json_depth_exceeds(value, limit: int) -> bool:
    """True when containers nest deeper than `limit` (iteratively: no recursion)."""
    stack = [(value, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def read_json_body(request, max_bytes=MAX_BODY_BYTES, max_depth=MAX_JSON_DEPTH):
    """The request's JSON body, or BadBody: too large (413), not UTF-8 JSON, or nested
    too deeply (json.loads raises RecursionError past the interpreter's limit; below it, the
    depth is checked here)."""
    try:
        body = request.body
    except RequestDataTooBig:
        raise BadBody("The request body is too large.", status=413) from None
    if len(body) > max_bytes:
        raise BadBody("The request body is too large.", status=413)
    try:
        # UTF-8 strictly (RFC 8259): json.loads would also take UTF-16, and the bytes of
        # a lone surrogate, which no database column accepts
        data = json.loads(body.decode("utf-8"))
    except RecursionError:
        raise BadBody("The request body nests JSON too deeply.") from None
    except (ValueError, UnicodeDecodeError):
        raise BadBody("The request body is not valid JSON.") from None
    if json_depth_exceeds(data, max_depth):
        raise BadBody("The request body nests JSON too deeply.")
    return data
