"""Searching a user's conversations by what was said in them, not only by their titles.

A conversation matches when its title contains the words (or is close to them, by trigrams:
a misspelt name still finds it), or when one of its messages, question or answer, matches
them by PostgreSQL full-text search with English and French stemming ("cases" finds "case",
"paludisme" finds "paludismes"), or contains them as written (a file or table name such as
`hmis_monthly_2024.xlsx`, which full-text search keeps as one token).

A search lists the SEARCH_LIMIT most recently updated conversations that match, found in one
of two ways whose cost does not grow with the number of matches:
- a word in few messages: its messages come from the GIN indexes (migration 0016), at most
  FEW_MESSAGES of them, and their conversations are sorted;
- a word in more messages than that (a common word): the user's conversations are read from
  the most recent, each asked for one matching message (the first of its messages that
  matches ends the look), until SEARCH_LIMIT + 1 are found. Reading every match of a word
  found in most of 100,000 messages, only to count them, cost 0.6 s; this stops early. Its
  worst case, more than FEW_MESSAGES matches in a few of many conversations, reads each of
  the user's messages once: the user's own, where reading the matches read everyone's.

The page shows, under each conversation of the page, the passage of its latest matching
message; the passages are made for those conversations only.
"""

import re

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection, transaction
from django.db.models import CharField, OuterRef, Q, Subquery

from .models import SEARCH_CONFIGS, Message

# `title__trigram_word_similar` (pg_trgm's `%>`, answered by a trigram index of the titles, at
# its default word_similarity_threshold of 0.6: "Kenemma" finds "Kenema"); registered here as
# django.contrib.postgres does, which this project does not install as an app
CharField.register_lookup(TrigramWordSimilar)
EXCERPT_CHARS = 160
# the conversations a search lists at most (the most recently updated that match)
SEARCH_LIMIT = 500
# a word in more of the user's messages than this is looked for conversation by conversation
FEW_MESSAGES = 1000


def _query(search: str):
    english, french = (SearchQuery(search, config=config, search_type="websearch") for config in SEARCH_CONFIGS)
    return english | french


def matching_messages(search: str):
    # the conversations' current branches (branches.py): a match opens where it is shown;
    # unordered (Message's default order joins the conversation and sorts every match)
    return Message.objects.filter(on_path=True).filter(Q(search_vector=_query(search)) | Q(text__icontains=search)).order_by()


def _titles_matching(conversations, search: str) -> dict:
    """{id: updated_at} of the conversations of the queryset whose title contains `search` or
    is close to it."""
    titled = conversations.filter(Q(title__icontains=search) | Q(title__trigram_word_similar=search))
    # PostgreSQL prices pg_trgm's word similarity as a cheap operator and would compute it for
    # every title of the user (4 µs each: 20 ms for 5,000 conversations) rather than ask the
    # trigram indexes (1 ms). The setting lives in a transaction (or savepoint) of its own,
    # rolled back once read, so that it ends there even inside a caller's transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        found = dict(titled.values_list("pk", "updated_at"))
        transaction.set_rollback(True)
    return found


def search_conversations(conversations, search: str) -> tuple[list, bool]:
    """The ids of the conversations of the queryset that match `search`, most recently updated
    first (SEARCH_LIMIT at most), and whether more match."""
    found = _titles_matching(conversations, search)
    in_messages = list(
        matching_messages(search)
        .filter(conversation__in=conversations.values("pk"))
        .values_list("conversation_id", "conversation__updated_at")[: FEW_MESSAGES + 1]
    )
    if len(in_messages) <= FEW_MESSAGES:
        found.update(in_messages)
        ids = sorted(found, key=found.__getitem__, reverse=True)[: SEARCH_LIMIT + 1]
    else:
        # one matching message per conversation, by its (conversation, index) index, for the
        # most recent conversations first: a common word is found in the first few messages
        one_match = matching_messages(search).filter(conversation_id=OuterRef("pk")).values("index")[:1]
        matching = conversations.alias(match=Subquery(one_match)).filter(Q(pk__in=list(found)) | Q(match__isnull=False))
        ids = list(matching.order_by("-updated_at").values_list("pk", flat=True)[: SEARCH_LIMIT + 1])
    return ids[:SEARCH_LIMIT], len(ids) > SEARCH_LIMIT


def _window(text: str, start: int, end: int) -> str:
    """About EXCERPT_CHARS of `text` around [start, end), cut at spaces, with … where cut."""
    room = max(0, EXCERPT_CHARS - (end - start))
    left = max(0, start - room // 3)
    right = min(len(text), end + room - (start - left))
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    return f"{'…' if left > 0 else ''}{text[left:right].strip()}{'…' if right < len(text) else ''}"


def excerpts(conversation_ids, search: str) -> dict:
    """{conversation id: the passage of its latest message that matches `search`}."""
    latest = (
        matching_messages(search)
        .filter(conversation_id__in=conversation_ids)
        .order_by("conversation_id", "-index")
        .distinct("conversation_id")
        .values_list("conversation_id", "pk", "text")
    )
    found, stemmed = {}, {}
    for conversation_id, pk, text in latest:
        flat = " ".join(text.split())
        written = re.search(re.escape(search), flat, re.IGNORECASE)
        # a name or word as written is shown where it is
        if written:
            found[conversation_id] = _window(flat, written.start(), written.end())
        else:
            stemmed[pk] = conversation_id
    if stemmed:
        # a stemmed match where PostgreSQL finds it (ts_headline parses the whole text again:
        # about 0.2 ms a message, so only for these)
        headlines = (
            Message.objects.filter(pk__in=stemmed)
            .annotate(
                headline=SearchHeadline(
                    "text", _query(search), config=SEARCH_CONFIGS[0], max_words=24, min_words=12, start_sel="", stop_sel=""
                )
            )
            .values_list("pk", "headline")
        )
        for pk, headline in headlines:
            found[stemmed[pk]] = " ".join(headline.split())
    return found
