"""Two dispatchers at once on PostgreSQL (two beats by mistake, or a slow run overlapping the next):
each occurrence still gets one delivery row and is queued once.
"""

import collections
import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from cramps import tasks
from cramps.models import ReminderDelivery, ReminderSchedule, User
from cramps.models.reminders import ReminderKind
from cramps.reminders import dispatch
from cramps.reminders.schedule import refresh_schedules
from tests.conftest import NOW

pytestmark = pytest.mark.postgres

USERS = 120
TONIGHT_REMINDER = dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC)  # 22:00 in Berlin


@pytest.fixture
def published(monkeypatch):
    """Delivery ids handed to the broker, in whichever thread published them."""
    ids = []
    lock = threading.Lock()

    def apply_async(args, **options):
        with lock:
            ids.extend(args[0])

    monkeypatch.setattr(tasks.send_reminders, "apply_async", apply_async)
    return ids


def run_together(target, count=2):
    barrier = threading.Barrier(count)
    errors, reports = [], []

    def run():
        try:
            barrier.wait()
            reports.append(target())
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return reports


def test_two_dispatchers_at_once_create_and_queue_each_occurrence_once(
    requires_postgres, transactional_db, published, monkeypatch
):
    monkeypatch.setattr(dispatch, "CLAIM_BATCH", 7)  # many small batches, so the runs interleave
    users = User.objects.bulk_create(
        User(username=f"u{n}", email=f"u{n}@example.com", timezone="Europe/Berlin")
        for n in range(USERS)
    )
    with time_machine.travel(NOW, tick=False):
        for user in users:
            refresh_schedules(user)

    with time_machine.travel(TONIGHT_REMINDER, tick=False):
        reports = run_together(tasks.dispatch_and_publish)

    assert sum(r.claimed for r in reports) == USERS
    deliveries = list(ReminderDelivery.objects.values_list("id", flat=True))
    assert len(deliveries) == USERS
    assert collections.Counter(published) == collections.Counter(deliveries)  # each id once
    assert set(
        ReminderSchedule.objects.filter(kind=ReminderKind.BEDTIME).values_list(
            "next_occurrence", flat=True
        )
    ) == {"2026-03-11"}
