"""Sharing a conversation with the workspace's members, read-only, and continuing a shared one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assistant', '0016_search'),
    ]

    operations = [
        migrations.AddField(
            model_name='conversation',
            name='continued_from',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='assistant.conversation'),
        ),
        migrations.AddField(
            model_name='conversation',
            name='shared_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
