"""How fast hostile GraphQL documents are refused (hexa/core/graphql_limits.py): a depth
bomb, a query nested one field too deep, 500 aliases, 500 aliased logins; and what the
limits cost a document the page really sends. Each figure is the median of 20 requests
through the /graphql/ view (JSON body in, JSON out), anonymous, after a warm-up."""

import asyncio
import json
import re
import statistics
import time
from pathlib import Path

from bench.common import result

RUNS = 20
TARGET_MS = 50


def _documents():
    deep = '{ assistantConversation(id: "00000000-0000-0000-0000-000000000000") { ' + " ".join(
        ["workspace { assistantConversations(perPage: 1) { items {"] * 3
    ) + " id" + " } } }" * 3 + " } }"
    return {
        "depth bomb (10,000 levels) refused": "{ ping " + "{ ping " * 10_000 + "}" * 10_001,
        "depth 11 (conversation → workspace → …) refused": deep,
        "500 aliases refused": "{ " + " ".join(f"a{n}: ping" for n in range(500)) + " }",
        "500 aliased logins refused": "mutation { "
        + " ".join(f'a{n}: login(input: {{email: "u{n}@example.org", password: "p"}}) {{ success }}' for n in range(500))
        + " }",
    }


async def _measure(view, factory, user, query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}})
    times, last = [], None
    for _ in range(RUNS + 3):
        request = factory.post("/graphql/", body, content_type="application/json")
        request.user = user
        started = time.perf_counter()
        response = await view(request)
        times.append(time.perf_counter() - started)
        last = json.loads(response.content)
    return statistics.median(times[3:]) * 1000, last


def _limits_only_ms(query, variables):
    """Parsing and validating a document of the page, with and without the limits."""
    from graphql import validate

    from config.schema import limits, schema

    class LoggedIn:
        is_authenticated = True

    request = type("Request", (), {"user": LoggedIn()})()
    document = limits.parse_query(None, {"query": query})
    validate(schema, document)  # warm-up
    with_limits, without = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        assert limits.validator(request, variables)(schema, document) == []
        with_limits.append(time.perf_counter() - started)
        started = time.perf_counter()
        validate(schema, document)
        without.append(time.perf_counter() - started)
    return statistics.median(with_limits) * 1000, statistics.median(without) * 1000


def _chat_query():
    """The chat page's query as the page sends it: its document and the fragments it uses
    (from the .graphql documents and the components' gql`` templates)."""
    from graphql import parse, print_ast
    from graphql.language import DocumentNode, FragmentSpreadNode, OperationDefinitionNode, Visitor, visit

    source = Path(__file__).resolve().parent.parent / "frontend" / "src"
    texts = [path.read_text() for path in source.rglob("*.graphql")]
    for path in source.rglob("*.tsx"):
        if ".generated." not in path.name and ".test." not in path.name:
            texts += [re.sub(r"\$\{[^}]*\}", "", t) for t in re.findall(r"gql`([^`]*)`", path.read_text())]
    definitions = parse("\n".join(texts)).definitions
    operation = next(d for d in definitions if isinstance(d, OperationDefinitionNode) and d.name.value == "AssistantConversation")
    fragments = {d.name.value: d for d in definitions if not isinstance(d, OperationDefinitionNode)}
    used, pending = set(), [operation]

    class Spreads(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_):
            if node.name.value not in used:
                used.add(node.name.value)
                pending.append(fragments[node.name.value])

    while pending:
        visit(pending.pop(), Spreads())
    return print_ast(DocumentNode(definitions=(operation, *[fragments[name] for name in sorted(used)])))


def run():
    import logging

    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from hexa.core.views import graphql_view

    async def measure_all():
        factory, rows = RequestFactory(), []
        for name, query in _documents().items():
            median_ms, answer = await _measure(graphql_view, factory, AnonymousUser(), query)
            code = answer["errors"][0]["extensions"]["code"] if "errors" in answer and "data" not in answer else "not refused"
            rows.append(result(name, round(median_ms, 2), "ms", f"< {TARGET_MS} ms", median_ms < TARGET_MS and code != "not refused", code))
        return rows

    views_log = logging.getLogger("hexa.core.views")
    level, views_log.level = views_log.level, logging.ERROR  # one warning per refused document
    try:
        rows = asyncio.run(measure_all())
    finally:
        views_log.setLevel(level)
    with_limits, without = _limits_only_ms(_chat_query(), {"id": "00000000-0000-0000-0000-000000000000", "page": 1, "perPage": 20})
    rows.append(result("chat page query: validation with the limits", round(with_limits, 2), "ms", "", None, f"without them: {without:.2f} ms"))
    return rows
