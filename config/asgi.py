import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_asgi_application()

from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.core.handlers.exception import convert_exception_to_response  # noqa: E402

# Import the heavy parts now (the GraphQL schema, the agent's tools, the SQL parser) rather
# than in the first request of each worker process. Not the Anthropic SDK: only the
# assistant workers call the model (hexa/assistant/sdk.py).
import config.schema  # noqa: E402, F401
import hexa.assistant.agent  # noqa: E402, F401
import hexa.assistant.executors.sql_guard  # noqa: E402, F401
from hexa.assistant.mcp.asgi import PATH as MCP_PATH, mcp_application  # noqa: E402
from hexa.core.security import with_stream_headers  # noqa: E402
from hexa.datasets.asgi import limit_uploads  # noqa: E402


class StreamsHandler(ASGIHandler):
    """Serves /assistant/ (the streaming endpoints) without Django's middleware.

    Under ASGI, every hook of a MiddlewareMixin middleware runs on Django's one thread for
    sync code: a hundred streams starting at once would queue there, a dozen hops each.
    These views need none of it (they are JSON-only and read the session themselves).
    """

    async def __call__(self, scope, receive, send):
        # Without Django's ThreadSensitiveContext, which gives each request a thread of its own
        # for sync code, started and joined with the request (a twentieth of a web process's
        # CPU in a burst of sends): these views run their sync work on the worker pool
        # (hexa.core.workers). The request signals' sync receivers (Django closing the old
        # connections of the thread they run on) run on asgiref's one shared thread instead.
        await self.handle(scope, receive, send)

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response_async)


streams_application = StreamsHandler()


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith(MCP_PATH.rstrip("/")):
        return await mcp_application(scope, receive, with_stream_headers(send))
    if scope["type"] == "http" and scope["path"].startswith("/assistant/"):
        return await streams_application(scope, receive, with_stream_headers(send))
    return await django_with_bounded_uploads(scope, receive, send)


django_with_bounded_uploads = limit_uploads(django_application)
