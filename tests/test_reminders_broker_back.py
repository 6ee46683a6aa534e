"""Faults: the broker is down when reminders fall due, then comes back; two beats tick in the
same minute. Every reminder ends sent once (email and in-app notice), never twice, never lost."""

import datetime as dt

import pytest
import time_machine
from kombu.exceptions import OperationalError

from cramps import tasks
from cramps.models import Notification, ReminderDelivery
from cramps.reminders import dispatch
from cramps.reminders.schedule import refresh_schedules
from tests.conftest import NOW
from tests.factories import UserFactory
from tracker.celery import app as celery_app

# 22:30 bedtime in Berlin, 30 minutes' lead: due at 22:00 local, 21:00 UTC.
TONIGHT_REMINDER = dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_celery():
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def users():
    with time_machine.travel(NOW, tick=False):
        people = [UserFactory(username=f"sleeper{n}", timezone="Europe/Berlin") for n in range(3)]
        for person in people:
            refresh_schedules(person)
    return people


def _beat(capture, at):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return tasks.dispatch_and_publish()


def test_reminders_due_while_the_broker_is_down_go_out_once_when_it_is_back(
    users, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    real_apply_async = tasks.send_reminders.apply_async

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_reminders, "apply_async", refuse)
    down = _beat(django_capture_on_commit_callbacks, TONIGHT_REMINDER)

    assert down.broker_down
    rows = ReminderDelivery.objects.filter(kind="bedtime")
    assert rows.count() == 3
    assert set(rows.values_list("status", flat=True)) == {"pending"}
    assert mailoutbox == [] and not Notification.objects.exists()

    # The broker is back; two beats tick in the same minute (two beat processes by mistake).
    monkeypatch.setattr(tasks.send_reminders, "apply_async", real_apply_async)
    _beat(django_capture_on_commit_callbacks, TONIGHT_REMINDER + dt.timedelta(minutes=1))
    _beat(django_capture_on_commit_callbacks, TONIGHT_REMINDER + dt.timedelta(minutes=1, seconds=5))

    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)
    assert Notification.objects.count() == 3
    assert ReminderDelivery.objects.filter(kind="bedtime").count() == 3


def test_a_send_message_delivered_twice_sends_once(
    users, mailoutbox, django_capture_on_commit_callbacks
):
    _beat(django_capture_on_commit_callbacks, TONIGHT_REMINDER)
    ids = list(ReminderDelivery.objects.values_list("pk", flat=True))

    with time_machine.travel(TONIGHT_REMINDER + dt.timedelta(seconds=10), tick=False):
        again = dispatch.send_batch(ids)

    assert again == {}
    assert len(mailoutbox) == 3
    assert Notification.objects.count() == 3
