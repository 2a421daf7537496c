"""Every Django response carries a Content-Security-Policy (no 'unsafe-eval', no framing, the
explorer's inline script allowed by a nonce of its own), X-Frame-Options and nosniff: the API,
the admin and the GraphQL explorer, through the sync and the async (ASGI) handlers; the
streaming endpoints (served without the middleware) too, with a policy that allows nothing."""

import asyncio
import re
import threading

from asgiref.sync import async_to_sync


def directives(response) -> dict:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def assert_protected(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert "'unsafe-eval'" not in policy["script-src"] and "'unsafe-inline'" not in policy["script-src"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return policy


def test_the_explorer_runs_its_inline_script_by_nonce_only(client):
    first, second = client.get("/graphql/"), client.get("/graphql/")
    nonces = []
    for response in (first, second):
        policy = assert_protected(response)
        [nonce] = [source[len("'nonce-"):-1] for source in policy["script-src"] if source.startswith("'nonce-")]
        scripts = re.findall(r"<script([^>]*)>", response.content.decode())
        inline = [attributes for attributes in scripts if "src=" not in attributes]
        assert inline == [f' nonce="{nonce}"']
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 16


def test_the_api_and_the_admin_are_covered(client):
    assert_protected(client.post("/graphql/", '{"query": "{ ping }"}', content_type="application/json"))
    assert_protected(client.get("/admin/login/"))
    assert_protected(client.get("/no/such/page/"))


def test_the_async_handler_sends_them_too(async_client):
    assert_protected(async_to_sync(async_client.get)("/graphql/"))


async def _asgi_get(path: str) -> dict:
    """One GET through the server's ASGI application, as uvicorn calls it."""
    from config.asgi import application

    sent = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected until the response ends

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": [],
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000),
    }
    await application(scope, receive, send)
    [start] = [message for message in sent if message["type"] == "http.response.start"]
    return {"status": start["status"], **{name.decode().lower(): value.decode() for name, value in start["headers"]}}


def test_the_streaming_endpoints_send_them_without_the_middleware(transactional_db):
    # the handler closes old connections at each request: the process may hold one already
    for path in ("/assistant/tool-executions/00000000-0000-0000-0000-000000000000/download.csv", "/assistant/nothing/"):
        headers = async_to_sync(_asgi_get)(path)
        assert headers["status"] in (401, 404), headers
        policy = {part.split()[0]: part.split()[1:] for part in headers["content-security-policy"].split("; ")}
        assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_the_streaming_endpoints_start_no_thread_per_request(transactional_db):
    # Django's handler gives each request a thread of its own for sync code (started and
    # joined with the request); the streaming endpoints run theirs on the worker pool, so
    # the request signals' sync receivers run on one shared thread instead
    from django.core.signals import request_started

    threads = []

    def seen(**kwargs):
        threads.append(threading.current_thread())

    request_started.connect(seen)
    try:
        for _ in range(2):  # as uvicorn runs it: on an event loop, no sync caller waiting
            assert asyncio.run(_asgi_get("/assistant/nothing/"))["status"] == 404
    finally:
        request_started.disconnect(seen)
    assert len(threads) == 2 and threads[0] is threads[1]
