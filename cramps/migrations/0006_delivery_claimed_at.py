from django.db import migrations, models
from django.utils import timezone


def stamp_rows_being_sent(apps, schema_editor):
    """Rows `sending` now get the migration's time as their claim: if their worker died, the
    dispatcher's sweep fails them visibly once the window passes, like any later claim."""
    delivery = apps.get_model("cramps", "ReminderDelivery")
    delivery.objects.filter(status="sending", claimed_at__isnull=True).update(
        claimed_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cramps", "0005_time_range_validators"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderdelivery",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="reminderdelivery",
            index=models.Index(
                condition=models.Q(("status", "sending")),
                fields=["claimed_at"],
                name="delivery_sending",
            ),
        ),
        migrations.RunPython(stamp_rows_being_sent, migrations.RunPython.noop),
    ]
