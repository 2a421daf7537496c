"""Searching conversations by what was said in them (hexa/assistant/search.py) over 100,000
messages of one user in one workspace (5,000 conversations of 20 messages): the page's own
query, `assistantConversations(search:)` with the excerpts, through the /graphql/ view. Each
figure is the median of 10 requests after a warm-up; the target is < 50 ms. The same request
with no search (the list's first page) is measured too, as the floor the searches stand on."""

import asyncio
import json
import random
import statistics
import time

from bench.common import result, temporary_workspace

CONVERSATIONS = 5_000
MESSAGES_PER_CONVERSATION = 20
RUNS = 10
TARGET_MS = 50
QUERY = """query($slug: String!, $search: String) { workspace(slug: $slug) {
  assistantConversations(page: 1, perPage: 20, search: $search) { totalItems moreMatches items { id title searchExcerpt } } } }"""
SEARCHES = {
    "a name in 1 % of the messages (HMIS)": "HMIS",
    "a rare English word, stemmed (stockouts)": "stockouts",
    "a French word, stemmed (hôpital)": "hôpital",
    "a common word, in most answers (cases)": "cases",
    "a misspelt title (Kenemma)": "Kenemma",
}
WORDS = (
    "district facility malaria confirmed tested reported month year total rate trend increase decrease population "
    "children under five rainfall season report table column query result average median highest lowest cases "
    "paludisme hôpitaux centre santé mois année taux personnes enfants saison rapport données"
).split()
DISTRICTS = "Bo Bombali Bonthe Kailahun Kambia Kenema Koinadugu Kono Moyamba Port Loko Pujehun Tonkolili".split()


def _text(rng, index):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 60))]
    words.insert(rng.randrange(len(words)), rng.choice(DISTRICTS))
    if index % 100 == 7:
        words.insert(0, "data/hmis/hmis_monthly_2024.xlsx (HMIS)")
    if index % 1000 == 3:
        words.append("stockouts")
    return " ".join(words)


def _fill(user, workspace):
    from django.db import connection

    from hexa.assistant.models import Conversation, Message

    rng = random.Random(29)
    conversations = Conversation.objects.bulk_create(
        Conversation(user=user, workspace=workspace, model="m", title=f"{rng.choice(DISTRICTS)} {rng.choice(WORDS)} {n}")
        for n in range(CONVERSATIONS)
    )
    batch, n = [], 0
    for conversation in conversations:
        for index in range(MESSAGES_PER_CONVERSATION):
            batch.append(
                Message(conversation=conversation, index=index, role="user" if index % 2 == 0 else "assistant", text=_text(rng, n))
            )
            n += 1
        if len(batch) >= 10_000:
            Message.objects.bulk_create(batch)
            batch = []
    Message.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assistant_message; ANALYZE assistant_conversation")
    return n


async def _measure(view, factory, user, variables):
    body = json.dumps({"query": QUERY, "variables": variables})
    times, answer = [], None
    for _ in range(RUNS + 2):
        request = factory.post("/graphql/", body, content_type="application/json")
        request.user = user
        started = time.perf_counter()
        response = await view(request)
        times.append(time.perf_counter() - started)
        answer = json.loads(response.content)
    return statistics.median(times[2:]) * 1000, answer


def run():
    from django.test import RequestFactory

    from hexa.core.views import graphql_view

    rows = []
    with temporary_workspace("Search") as (user, workspace):
        started = time.perf_counter()
        count = _fill(user, workspace)
        rows.append(result("messages written (with their indexes)", count, "messages", "100,000", count >= 100_000,
                           f"in {time.perf_counter() - started:.0f} s"))

        async def measure_all():
            factory = RequestFactory()
            median_ms, _ = await _measure(graphql_view, factory, user, {"slug": workspace.slug, "search": None})
            rows.append(result("no search (the list's first page, for reference)", round(median_ms, 1), "ms", "-", None))
            for name, search in SEARCHES.items():
                median_ms, answer = await _measure(graphql_view, factory, user, {"slug": workspace.slug, "search": search})
                page = answer["data"]["workspace"]["assistantConversations"]
                rows.append(result(name, round(median_ms, 1), "ms", f"< {TARGET_MS} ms", median_ms < TARGET_MS,
                                   f"{page['totalItems']}{'+' if page['moreMatches'] else ''} conversations found"))

        asyncio.run(measure_all())
    return rows
