from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assistant", "0009_rows_sent"),
    ]

    operations = [
        migrations.AddField(
            model_name="usagerecord",
            name="estimated",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="usagerecord",
            name="in_flight_after_seq",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="usagerecord",
            index=models.Index(
                condition=models.Q(("in_flight_after_seq__isnull", False)),
                fields=["message_uuid"],
                name="assistant_usage_in_flight",
            ),
        ),
    ]
