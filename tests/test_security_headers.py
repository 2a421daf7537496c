"""Every Django response carries a Content-Security-Policy (no 'unsafe-eval', no framing, the
explorer's inline script allowed by a nonce of its own), X-Frame-Options and nosniff: the API,
the admin and the GraphQL explorer, through the sync and the async (ASGI) handlers."""

import re

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
