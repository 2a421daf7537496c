"""Time to find the verified queries relevant to a new question among 10,000 of a workspace
(full-text search in PostgreSQL, as a send makes it), and among 10,000 more in other
workspaces. Questions are generated from a vocabulary of the demo's words, so that many
share words with the ones asked."""

import random
import statistics
import time

from bench.common import result, temporary_workspace

COUNT = 10_000
TARGET_MS = 20
WORDS = (
    "malaria cases deaths tested confirmed positivity district region facility hospital chp mchp chc month year quarter "
    "week under five children adults women bo kenema kono bombali kailahun moyamba pujehun tonkolili falaba bonthe "
    "karene kambia koinadugu port loko western area urban rural 2022 2023 2024 total average trend rate increase "
    "population coverage stock nets campaign report reporting completeness timeliness").split()
ASKED = [
    "What are the districts with the highest number of malaria cases?",
    "How many confirmed cases were there in Kenema in 2024?",
    "Which facilities reported the most deaths last year?",
    "What was the test positivity rate per region?",
    "List the files of the reports folder",
]


def _fill(workspace, user, rng):
    from django.contrib.postgres.search import SearchVector

    from hexa.assistant.verified.models import VerifiedQuery

    rows = []
    for n in range(COUNT):
        words = rng.sample(WORDS, rng.randint(4, 9))
        question = "Which " + " ".join(words) + "?"
        sql = f"SELECT {n} AS id, count(*) FROM malaria_cases WHERE district = '{words[0]}'"
        rows.append(VerifiedQuery(workspace=workspace, question=question, tool="query_database", tool_input={"query": sql},
                                  normalised=f"query_database: {sql.lower()}", verified_by=user))
    VerifiedQuery.objects.bulk_create(rows, batch_size=2000)
    VerifiedQuery.objects.filter(workspace=workspace).update(search=SearchVector("question", config="english"))


def run():
    from django.db import connection

    from hexa.assistant.verified.search import note, relevant

    rng = random.Random(5)
    with temporary_workspace("Verified") as (user, workspace), temporary_workspace("Verified others") as (other_user, other):
        _fill(workspace, user, rng)
        _fill(other, other_user, rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE assistant_verifiedquery")
        timings, found = [], []
        for _ in range(20):
            for question in ASKED:
                started = time.perf_counter()
                queries = relevant(workspace, question)
                timings.append((time.perf_counter() - started) * 1000)
                found.append(len(queries))
        started = time.perf_counter()
        note(workspace, ASKED[0])
        note_ms = (time.perf_counter() - started) * 1000
    median, worst = statistics.median(timings), sorted(timings)[int(len(timings) * 0.95)]
    return [
        result("find verified queries among 10,000, median", round(median, 2), "ms", f"< {TARGET_MS} ms", median < TARGET_MS,
               f"{len(timings)} searches of {len(ASKED)} questions, {statistics.mean(found):.1f} found on average"),
        result("the same, 95th percentile", round(worst, 2), "ms", f"< {TARGET_MS} ms", worst < TARGET_MS),
        result("the note given to the model (search and text)", round(note_ms, 2), "ms", "", None),
    ]
