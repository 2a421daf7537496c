"""Branches: a question edited and sent again starts a branch; the conversation shows one
branch at a time (its current path). Messages written before this were one straight line:
each follows the message numbered before it, and all are on the path."""

import django.db.models.deletion
from django.db import migrations, models

LINK_EXISTING = """
UPDATE assistant_message AS m SET parent_id = previous.id
FROM (
    SELECT id, LAG(id) OVER (PARTITION BY conversation_id ORDER BY index) AS previous_id
    FROM assistant_message
) AS linked
JOIN assistant_message AS previous ON previous.id = linked.previous_id
WHERE m.id = linked.id
"""


class Migration(migrations.Migration):

    dependencies = [
        ('assistant', '0017_sharing'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='assistant.message'),
        ),
        migrations.AddField(
            model_name='message',
            name='on_path',
            field=models.BooleanField(default=True),
        ),
        migrations.RunSQL(LINK_EXISTING, migrations.RunSQL.noop),
    ]
