"""Searching a user's conversations by what was said in them, not only by their titles.

A conversation matches when its title contains the words (or is close to them, by trigrams:
a misspelt name still finds it), or when one of its messages, question or answer, matches
them by PostgreSQL full-text search with English and French stemming ("cases" finds "case",
"paludisme" finds "paludismes"), or contains them as written (a file or table name such as
`hmis_monthly_2024.xlsx`, which full-text search keeps as one token). Each of these is
answered by a GIN index (migration 0011): no scan of the messages.

The page shows, under each conversation found, the passage of its latest matching message.
"""

import re

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db.models import CharField, Q

from .models import SEARCH_CONFIGS, Message

# `title__trigram_word_similar` (pg_trgm's `%>`, answered by a trigram index of the titles, at
# its default word_similarity_threshold of 0.6: "Kenemma" finds "Kenema"); registered here as
# django.contrib.postgres does, which this project does not install as an app
CharField.register_lookup(TrigramWordSimilar)
EXCERPT_CHARS = 160


def _query(search: str):
    english, french = (SearchQuery(search, config=config, search_type="websearch") for config in SEARCH_CONFIGS)
    return english | french


def matching_messages(search: str):
    # the conversations' current branches (branches.py): a match opens where it is shown
    return Message.objects.filter(on_path=True).filter(Q(search_vector=_query(search)) | Q(text__icontains=search))


def search_conversations(conversations, search: str):
    """The conversations of the queryset whose title or messages match `search`."""
    return conversations.filter(
        Q(title__icontains=search)
        | Q(title__trigram_word_similar=search)
        | Q(pk__in=matching_messages(search).values("conversation_id"))
    )


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
        .annotate(
            headline=SearchHeadline(
                "text", _query(search), config=SEARCH_CONFIGS[0], max_words=24, min_words=12, start_sel="", stop_sel=""
            )
        )
        .order_by("conversation_id", "-index")
        .distinct("conversation_id")
        .values_list("conversation_id", "text", "headline")
    )
    found = {}
    for conversation_id, text, headline in latest:
        flat = " ".join(text.split())
        written = re.search(re.escape(search), flat, re.IGNORECASE)
        # a name as written is shown where it is; a stemmed match where PostgreSQL found it
        found[conversation_id] = _window(flat, written.start(), written.end()) if written else " ".join(headline.split())
    return found
