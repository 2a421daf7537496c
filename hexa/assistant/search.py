"""Searching a user's conversations by what was said in them, not only by their titles.

A conversation matches when its title contains the words (or is close to them, by trigrams:
a misspelt name still finds it), or when one of its messages, question or answer, matches
them by PostgreSQL full-text search with English and French stemming ("cases" finds "case",
"paludisme" finds "paludismes"), or contains them as written (a file or table name such as
`hmis_monthly_2024.xlsx`, which full-text search keeps as one token).

A search lists the SEARCH_LIMIT most recently updated conversations that match. One SQL
statement finds them, in one of two ways whose cost does not grow with the number of matches:
- a word in few of the user's messages: its messages come from the GIN indexes (migration
  0016), at most FEW_MESSAGES of them, and their conversations are sorted;
- a word in more messages than that (a common word): the user's conversations are read from
  the most recent, each asked for one matching message (the first of its messages that
  matches ends the look), until SEARCH_LIMIT + 1 are found. Reading every match of a word
  found in most of 100,000 messages, only to count them, cost 0.6 s; this stops early. Its
  worst case, more than FEW_MESSAGES matches in a few of many conversations, reads each of
  the user's messages once: the user's own, where reading the matches read everyone's.
The statement reads at most FEW_MESSAGES + 1 matching messages to choose the way, and
answers only the conversations' ids: a search costs the database and Python about what the
list without search costs (the statements, the rows sent, the ORM's work to build them were
most of a search's time when each step was a statement of its own).

The page shows, under each conversation of the page, the passage of its latest matching
message; the passages are read with the page's conversations, in a second statement. Both
are plain statements (hexa/core/rows.py): the ORM took longer to build them than PostgreSQL
to answer them.
"""

import re

from django.db import connection

from hexa.core.rows import columns, instances, table
from hexa.workspaces.models import WorkspaceMembership

from .models import SEARCH_CONFIGS, Conversation, Message

EXCERPT_CHARS = 160
# ts_headline's passage of a stemmed match: 12 to 24 words, the match not marked
HEADLINE = "StartSel='', StopSel='', MaxWords=24, MinWords=12"
# the conversations a search lists at most (the most recently updated that match)
SEARCH_LIMIT = 500
# a word in more of the user's messages than this is looked for conversation by conversation
FEW_MESSAGES = 1000


# A message that matches: its lexemes (either language), or its text as written. `icontains`'s
# form (UPPER(...) LIKE UPPER(...)), which the trigram index of UPPER(text) answers. (The
# same rule is the SQL function that reads the few matches from the indexes: migration 0021.)
# Only the conversations' current branches (branches.py): a match opens where it is shown.
_QUERY = " || ".join(f"websearch_to_tsquery('{config}', %(words)s)" for config in SEARCH_CONFIGS)
_MESSAGE_MATCHES = f"m.on_path AND (m.search_vector @@ ({_QUERY}) OR UPPER(m.text) LIKE UPPER(%(pattern)s))"
# The user's conversations in the workspace, while a member: filter_for_user's rule, written
# in SQL for the plans above (tests/test_conversation_search.py holds the two to the same answers).
_OWNED = (
    "c.user_id = %(user)s AND c.workspace_id = %(workspace)s"
    " AND EXISTS (SELECT 1 FROM {membership} w WHERE w.user_id = %(user)s AND w.workspace_id = %(workspace)s)"
)
_SEARCH = f"""
WITH hits AS MATERIALIZED (
    -- the user's messages that match, from the GIN indexes (migration 0021_messages_matching:
    -- _MESSAGE_MATCHES): FEW_MESSAGES + 1 at most
    SELECT id AS conversation_id
    FROM assistant_messages_matching(%(user)s, %(workspace)s, {_QUERY}, %(pattern)s, %(few)s + 1) t(id)
), titled AS MATERIALIZED (
    -- titles, from their trigram indexes (migration 0019_titles_matching: `icontains`
    -- and `%%>`); a conversation with no message yet is not listed
    SELECT t.id FROM assistant_titles_matching(%(user)s, %(workspace)s, %(pattern)s, %(words)s) t(id)
    WHERE EXISTS (SELECT 1 FROM {{message}} e WHERE e.conversation_id = t.id)
), few AS MATERIALIZED (
    SELECT count(*) <= %(few)s AS few FROM hits
)
SELECT id FROM (
    -- few: the conversations of those messages and titles
    (SELECT c.id, c.updated_at FROM {{conversation}} c
    WHERE (SELECT few FROM few) AND {_OWNED}
        AND (c.id IN (SELECT conversation_id FROM hits) OR c.id IN (SELECT id FROM titled))
    ORDER BY c.updated_at DESC LIMIT %(limit)s + 1)
    UNION ALL
    -- many: the conversations from the most recent, one matching message each (a scalar
    -- subquery with LIMIT 1 is asked conversation by conversation, never read whole and hashed)
    (SELECT c.id, c.updated_at FROM {{conversation}} c
    WHERE NOT (SELECT few FROM few) AND {_OWNED}
        AND (c.id IN (SELECT id FROM titled)
            OR (SELECT m.index FROM {{message}} m WHERE m.conversation_id = c.id AND {_MESSAGE_MATCHES} LIMIT 1)
            IS NOT NULL)
    ORDER BY c.updated_at DESC LIMIT %(limit)s + 1)
) found
ORDER BY updated_at DESC
"""


def _params(user, workspace, search: str) -> dict:
    return {
        "user": user.pk,
        "workspace": workspace.pk,
        "words": search,
        "pattern": f"%{connection.ops.prep_for_like_query(search)}%",
        "few": FEW_MESSAGES,
        "limit": SEARCH_LIMIT,
    }


def _tables() -> dict:
    return {"conversation": table(Conversation), "message": table(Message), "membership": table(WorkspaceMembership)}


def search_conversations(user, workspace, search: str) -> tuple[list, bool]:
    """The ids of the user's conversations in the workspace that match `search` (those with a
    message), most recently updated first (SEARCH_LIMIT at most), and whether more match."""
    with connection.cursor() as cursor:
        cursor.execute(_SEARCH.format(**_tables()), _params(user, workspace, search))
        ids = [row[0] for row in cursor.fetchall()]
    return ids[:SEARCH_LIMIT], len(ids) > SEARCH_LIMIT


# The page's conversations, each with the text of its latest message that matches and, where
# that text does not contain the search as written (a stemmed match), PostgreSQL's passage of
# it: ts_headline parses the whole text again (about 0.2 ms a message), so only for these.
_PAGE = f"""
SELECT {{columns}}, latest.text,
    CASE WHEN UPPER(latest.text) LIKE UPPER(%(pattern)s) THEN NULL
        ELSE ts_headline('{SEARCH_CONFIGS[0]}', latest.text, {_QUERY}, %(headline)s)
    END
FROM {{conversation}} c
LEFT JOIN LATERAL (
    SELECT m.text FROM {{message}} m WHERE m.conversation_id = c.id AND {_MESSAGE_MATCHES} ORDER BY m.index DESC LIMIT 1
) latest ON true
WHERE c.id = ANY(%(ids)s) AND {_OWNED}
"""


def page_with_excerpts(user, workspace, ids: list, search: str) -> list:
    """The conversations of `ids` (the user's, in the workspace), in that order, each with its
    `search_excerpt`: the passage of its latest message that matched `search`, None when only
    its title did."""
    params = {**_params(user, workspace, search), "ids": ids, "headline": HEADLINE}
    with connection.cursor() as cursor:
        cursor.execute(_PAGE.format(columns=columns(Conversation, "c"), **_tables()), params)
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        conversation, = instances(row[:-2], Conversation)
        conversation.search_excerpt = _excerpt(row[-2], row[-1], search)
        found[conversation.pk] = conversation
    return [found[pk] for pk in ids if pk in found]


def _excerpt(text: str | None, headline: str | None, search: str) -> str | None:
    if text is None:
        return None
    flat = " ".join(text.split())
    written = re.search(re.escape(search), flat, re.IGNORECASE)
    # a name or word as written is shown where it is; a stemmed match where PostgreSQL finds it
    if written:
        return _window(flat, written.start(), written.end())
    if headline:
        return " ".join(headline.split())
    return _window(flat, 0, 0)


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
