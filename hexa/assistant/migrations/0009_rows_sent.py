from django.db import migrations, models


class Migration(migrations.Migration):
    """Which answers and summaries were written while rows were sent to the model. Existing
    ones may have been: they are marked so (the data policy then keeps them from the model)."""

    dependencies = [
        ("assistant", "0008_message_feedback"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="rows_sent",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="conversationsummary",
            name="rows_sent",
            field=models.BooleanField(default=True),
        ),
    ]
