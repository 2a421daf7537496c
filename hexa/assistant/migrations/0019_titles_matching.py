"""The titles that match a search, always from their trigram indexes (hexa/assistant/search.py).

PostgreSQL prices pg_trgm's word similarity (`%>`) as a cheap operator, so it would compute it
for every title of the user (4 µs each: 20 ms for 5,000 conversations) rather than ask the
trigram indexes (1 ms). A function's own setting (`SET enable_seqscan = off`) applies to its
statement only: the search stays one statement, with no transaction opened and rolled back
around it to hold the setting."""

from django.db import migrations

CREATE = """
CREATE FUNCTION assistant_titles_matching(owner uuid, in_workspace uuid, pattern text, words text)
RETURNS SETOF uuid LANGUAGE sql STABLE SET enable_seqscan = off AS $$
    SELECT id FROM assistant_conversation
    WHERE user_id = owner AND workspace_id = in_workspace
        AND (UPPER(title) LIKE UPPER(pattern) OR title %> words)
$$
"""


class Migration(migrations.Migration):

    dependencies = [
        ("assistant", "0018_branches"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP FUNCTION assistant_titles_matching(uuid, uuid, text, text)"),
    ]
