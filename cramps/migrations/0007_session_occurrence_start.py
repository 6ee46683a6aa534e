"""Session occurrence keys gain the session's start: "session:12" -> "session:12:2026-03-10T17:30Z".

Rewritten here for sessions that have not started yet (schedules and deliveries, snoozes too), so
that planning after the upgrade recognises their reminders as already delivered and never sends a
second one for the same session. Older keys are left as they are: they are still read.
"""

import datetime as dt
import re

from django.db import migrations
from django.utils import timezone

_OLD_KEY = re.compile(r"^session:(\d+)((?:~snooze-\d+)?)$")


def add_session_starts(apps, schema_editor):
    session_model = apps.get_model("cramps", "ExerciseSession")
    now = timezone.now()
    targets = (
        (apps.get_model("cramps", "ReminderSchedule"), "next_occurrence"),
        (apps.get_model("cramps", "ReminderDelivery"), "occurrence"),
    )
    for model, field in targets:
        rows = model.objects.filter(
            kind="pre_exercise", **{f"{field}__startswith": "session:"}
        ).values_list("pk", field)
        old = {pk: match for pk, key in rows if (match := _OLD_KEY.match(key))}
        starts = dict(
            session_model.objects.filter(
                pk__in={int(m[1]) for m in old.values()}, starts_at__gt=now
            ).values_list("pk", "starts_at")
        )
        for pk, match in old.items():
            start = starts.get(int(match[1]))
            if start is not None:
                minute = start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")
                key = f"session:{match[1]}:{minute}{match[2]}"
                model.objects.filter(pk=pk).update(**{field: key})


class Migration(migrations.Migration):
    dependencies = [
        ("cramps", "0006_delivery_claimed_at"),
    ]

    operations = [
        migrations.RunPython(add_session_starts, migrations.RunPython.noop),
    ]
