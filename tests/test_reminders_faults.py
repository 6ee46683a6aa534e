"""Faults: the database connection drops inside the dispatcher. The run fails with a database
error and leaves nothing half-done: the next run (beat, a minute later) sends every reminder
once, or skips it as stale if its window has closed; never twice, never lost.

On PostgreSQL (DATABASE_URL names it) the driver's connection is closed under Django, as when
the server goes away; the next statement fails as it would. SQLite has no connection to lose:
the step raises the error a lost connection raises.
"""

import datetime as dt

import pytest
import time_machine
from django.db import Error, OperationalError, connection, connections

from cramps import tasks
from cramps.models import Notification, ReminderDelivery, ReminderSchedule
from cramps.reminders import dispatch
from cramps.reminders.schedule import refresh_schedules
from tests.conftest import NOW
from tests.factories import UserFactory
from tracker.celery import app as celery_app

# 22:30 bedtime in Berlin, 30 minutes' lead: due at 22:00 local, 21:00 UTC; stale after 22:00 UTC.
TONIGHT_REMINDER = dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC)
NEXT_BEAT = TONIGHT_REMINDER + dt.timedelta(minutes=1)
TOO_LATE = TONIGHT_REMINDER + dt.timedelta(hours=1, minutes=1)


@pytest.fixture(autouse=True)
def eager_celery():
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def users(transactional_db):
    # Committed rows: a dropped connection takes a test's own transaction with it.
    with time_machine.travel(NOW, tick=False):
        people = [UserFactory(username=f"sleeper{n}", timezone="Europe/Berlin") for n in range(3)]
        for person in people:
            refresh_schedules(person)
    return people


def _drop_the_connection():
    if connection.vendor == "postgresql":
        connection.connection.close()
    else:
        raise OperationalError("server closed the connection unexpectedly")


def _drop_after(step):
    def run(*args, **kwargs):
        result = step(*args, **kwargs)
        _drop_the_connection()
        return result

    return run


def _drop_before(step):
    def run(*args, **kwargs):
        _drop_the_connection()
        return step(*args, **kwargs)

    return run


# Where the connection drops, and when the next run sends what the failed run did not:
# - after the deliveries are written but before the run commits them with the schedules' next
#   times: all of it is rolled back, and the next beat does it again;
# - after that commit, before the queue pass and the publish: the deliveries are committed as
#   queued but no message left, so they are queued again after REQUEUE_AFTER, like any message
#   lost on the way (well inside the hour a bedtime reminder may still go out).
FAULTS = {
    "advancing": ("advance_schedules", _drop_after, NEXT_BEAT),
    "queueing": ("_queue_batch", _drop_before, TONIGHT_REMINDER + dispatch.REQUEUE_AFTER),
}


def _beat(at):
    with time_machine.travel(at, tick=False):
        report = tasks.dispatch_and_publish()
    # Celery's Django fix-up does this around every task: a connection that failed is closed,
    # and the next task opens a new one.
    for conn in connections.all(initialized_only=True):
        conn.close_if_unusable_or_obsolete()
    return report


def _dispatch_with_the_connection_dropped(monkeypatch, fault):
    name, drop, _ = FAULTS[fault]
    monkeypatch.setattr(dispatch, name, drop(getattr(dispatch, name)))
    with pytest.raises(Error):
        _beat(TONIGHT_REMINDER)
    monkeypatch.undo()
    for conn in connections.all(initialized_only=True):
        conn.close_if_unusable_or_obsolete()


@pytest.mark.parametrize("fault", FAULTS)
def test_after_a_dropped_connection_the_next_run_sends_every_reminder_once(
    users, monkeypatch, mailoutbox, fault
):
    _dispatch_with_the_connection_dropped(monkeypatch, fault)
    assert mailoutbox == [] and not Notification.objects.exists()

    sends_at = FAULTS[fault][2]
    for minute in range(int((sends_at - TONIGHT_REMINDER).total_seconds() // 60) + 2):
        _beat(TONIGHT_REMINDER + dt.timedelta(minutes=minute, seconds=30))  # every minute

    bedtime = ReminderDelivery.objects.filter(kind="bedtime")
    assert bedtime.count() == 3
    assert set(bedtime.values_list("status", flat=True)) == {"sent"}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)
    assert Notification.objects.count() == 3
    # Each schedule moved on to tomorrow night, once.
    assert set(
        ReminderSchedule.objects.filter(kind="bedtime").values_list("next_occurrence", flat=True)
    ) == {"2026-03-11"}


@pytest.mark.parametrize("fault", FAULTS)
def test_after_a_dropped_connection_a_run_past_the_window_skips_them_as_stale(
    users, monkeypatch, mailoutbox, fault
):
    _dispatch_with_the_connection_dropped(monkeypatch, fault)

    _beat(TOO_LATE)

    bedtime = ReminderDelivery.objects.filter(kind="bedtime")
    assert bedtime.count() == 3
    assert set(bedtime.values_list("status", "detail")) == {("skipped", dispatch.STALE)}
    assert mailoutbox == [] and not Notification.objects.exists()
