"""When a message was last put on its conversation's path, so that showing a branch again
follows, at each later fork, the branch last shown there. Messages written before this have
none (added without a default: no rewrite of the table); at their forks the newest branch is
followed, as before."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assistant', '0019_titles_matching'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='shown_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='message',
            name='shown_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
    ]
