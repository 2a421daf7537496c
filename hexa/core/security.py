"""Content-Security-Policy on every Django response (API, admin, the GraphQL explorer).

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
