"""Content-Security-Policy on every Django response (API, admin, the GraphQL explorer).

The streaming endpoints under /assistant/ (streams, CSV downloads) run without Django's
middleware (config/asgi.py): `with_stream_headers` gives their responses the same three headers,
with a policy that allows nothing (they are JSON, Server-Sent Events and CSV, never a page).

X-Frame-Options (DENY) and X-Content-Type-Options (nosniff) come from Django's own middlewares
(XFrameOptionsMiddleware, SecurityMiddleware); this adds the policy, with a nonce per request
for the explorer's one inline script (`request.csp_nonce` in templates). No 'unsafe-eval':
GraphiQL, React and the admin generate no code. Styles may be inline (GraphiQL sets them).
"""

import secrets

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        request.csp_nonce = secrets.token_urlsafe(16)
        return self._with_policy(request, self.get_response(request))

    async def _acall(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        return self._with_policy(request, await self.get_response(request))

    @staticmethod
    def _with_policy(request, response):
        response.headers.setdefault("Content-Security-Policy", POLICY.format(nonce=request.csp_nonce))
        return response


STREAM_HEADERS = (
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


def with_stream_headers(send):
    """An ASGI `send` that adds STREAM_HEADERS to the response's start (those it lacks)."""

    async def send_with_headers(message):
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(name, value) for name, value in STREAM_HEADERS if name not in present]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return send_with_headers
