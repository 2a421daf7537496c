"""The user's messages that match a search, from their indexes (hexa/assistant/search.py).

A search asks for at most FEW_MESSAGES + 1 matching messages. For a word in about 1 % of
100,000 messages (a file or system name), PostgreSQL expected to reach that many early in a
sequential scan and read the whole table (270 ms) instead of the full-text and trigram
indexes (a few ms). As for the titles (0019), the function's own setting applies to its
statement only. The match is search.py's _MESSAGE_MATCHES, the query given as a tsquery."""

from django.db import migrations

CREATE = """
CREATE FUNCTION assistant_messages_matching(owner uuid, in_workspace uuid, query tsquery, pattern text, most int)
RETURNS SETOF uuid LANGUAGE sql STABLE SET enable_seqscan = off AS $$
    SELECT m.conversation_id FROM assistant_message m JOIN assistant_conversation c ON c.id = m.conversation_id
    WHERE c.user_id = owner AND c.workspace_id = in_workspace
        AND m.on_path AND (m.search_vector @@ query OR UPPER(m.text) LIKE UPPER(pattern))
    LIMIT most
$$
"""


class Migration(migrations.Migration):

    dependencies = [
        ("assistant", "0020_message_shown_at"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP FUNCTION assistant_messages_matching(uuid, uuid, tsquery, text, int)"),
    ]
