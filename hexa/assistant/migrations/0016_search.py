"""Search of conversations by what was said in them (hexa/assistant/search.py): pg_trgm (shipped
with PostgreSQL, a trusted extension) and trigram indexes for titles and message texts
(`icontains`), and the messages' full-text lexemes with English and French stemming, stored and
indexed."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assistant', '0015_mcp_clients'),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name='message',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('text', config='english'), '||', django.contrib.postgres.search.SearchVector('text', config='french'), django.contrib.postgres.search.SearchConfig('english')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='message',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='assistant_message_search'),
        ),
        # `icontains` runs as UPPER(column) LIKE UPPER(%s): these trigram indexes answer it (Django's
        # GinIndex cannot declare an operator class on an expression, hence SQL)
        migrations.RunSQL(
            'CREATE INDEX "assistant_conv_title_trgm" ON "assistant_conversation" USING gin (UPPER("title") gin_trgm_ops)',
            'DROP INDEX "assistant_conv_title_trgm"',
        ),
        # and pg_trgm's `%>` (close titles) this one
        migrations.RunSQL(
            'CREATE INDEX "assistant_conv_title_words" ON "assistant_conversation" USING gin ("title" gin_trgm_ops)',
            'DROP INDEX "assistant_conv_title_words"',
        ),
        migrations.RunSQL(
            'CREATE INDEX "assistant_msg_text_trgm" ON "assistant_message" USING gin (UPPER("text") gin_trgm_ops)',
            'DROP INDEX "assistant_msg_text_trgm"',
        ),
    ]
