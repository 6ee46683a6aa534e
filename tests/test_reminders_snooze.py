import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cramps.models import ReminderDelivery
from cramps.reminders.snooze import SNOOZES, act, skip_occurrence, snooze
from cramps.reminders.timing import session_key

BERLIN = ZoneInfo("Europe/Berlin")
EVENING = dt.datetime(2026, 3, 10, 21, 30, tzinfo=BERLIN)
Status = ReminderDelivery.Status

pytestmark = pytest.mark.django_db


def _delivery(user, occurrence="2026-03-10", status=Status.SENT, kind="bedtime", due_at=EVENING):
    return ReminderDelivery.objects.create(
        user=user, kind=kind, occurrence=occurrence, due_at=due_at, status=status
    )


def test_it_snoozes_with_a_new_pending_unqueued_delivery(owner):
    original = _delivery(owner)
    later = snooze(original, SNOOZES["15m"], EVENING)
    assert later.user == owner and later.kind == "bedtime"
    assert later.occurrence == "2026-03-10~snooze-1"
    assert later.status == Status.PENDING
    assert later.due_at == EVENING + dt.timedelta(minutes=15)
    assert later.queued_at is None
    original.refresh_from_db()
    assert original.status == Status.SENT


def test_it_numbers_snoozes_of_a_snooze_from_the_original(owner):
    original = _delivery(owner)
    first = snooze(original, SNOOZES["15m"], EVENING)
    first.status = Status.SENT
    first.save()
    second = snooze(first, SNOOZES["1h"], EVENING + dt.timedelta(minutes=15))
    assert second.occurrence == "2026-03-10~snooze-2"
    assert second.due_at == EVENING + dt.timedelta(minutes=75)


def test_a_newer_snooze_replaces_one_still_waiting(owner):
    original = _delivery(owner)
    waiting = snooze(original, SNOOZES["15m"], EVENING)
    snooze(original, SNOOZES["1h"], EVENING + dt.timedelta(minutes=1))
    waiting.refresh_from_db()
    assert waiting.status == Status.SKIPPED
    assert waiting.detail == "replaced by a later snooze"
    pending = ReminderDelivery.objects.filter(status=Status.PENDING)
    assert [d.occurrence for d in pending] == ["2026-03-10~snooze-2"]


def test_skip_tonight_marks_pending_deliveries_and_their_snoozes_skipped(owner):
    original = _delivery(owner)
    snooze(original, SNOOZES["15m"], EVENING)
    tomorrow = _delivery(owner, occurrence="2026-03-11", status=Status.PENDING)
    other_kind = _delivery(owner, kind="pre_exercise", occurrence="2026-03-10", status="pending")
    count = ReminderDelivery.objects.count()
    assert skip_occurrence(original, EVENING) == 1
    assert ReminderDelivery.objects.count() == count
    snoozed = ReminderDelivery.objects.get(occurrence="2026-03-10~snooze-1", kind="bedtime")
    assert snoozed.status == Status.SKIPPED and snoozed.detail == "skipped by you"
    for untouched in (tomorrow, other_kind):
        untouched.refresh_from_db()
        assert untouched.status == Status.PENDING
    original.refresh_from_db()
    assert original.status == Status.SENT


def test_it_never_touches_another_users_deliveries(owner, outsider):
    mine = _delivery(owner)
    theirs = _delivery(outsider, status=Status.PENDING)
    skip_occurrence(mine, EVENING)
    snooze(mine, SNOOZES["15m"], EVENING)
    theirs.refresh_from_db()
    assert theirs.status == Status.PENDING
    assert not ReminderDelivery.objects.filter(user=outsider, occurrence__contains="snooze")


def test_it_tells_the_user_the_new_time_in_their_zone(owner):
    message = act(_delivery(owner), "1h", EVENING)
    assert message == "We'll remind you again at 22:30."
    assert act(_delivery(owner, occurrence="2026-03-09"), "skip", EVENING) == (
        "No more bedtime reminders tonight."
    )


def test_it_will_not_snooze_past_the_start_of_the_session(owner):
    from tests.factories import ExerciseSessionFactory

    session = ExerciseSessionFactory(user=owner, starts_at=EVENING + dt.timedelta(minutes=30))
    key = session_key(session.pk, session.starts_at)
    delivery = _delivery(owner, kind="pre_exercise", occurrence=key)
    assert act(delivery, "1h", EVENING).startswith("Your session starts before then")
    assert act(delivery, "15m", EVENING) == "We'll remind you again at 21:45."
    assert list(
        ReminderDelivery.objects.filter(status=Status.PENDING).values_list("occurrence")
    ) == [(f"{key}~snooze-1",)]


def test_it_will_not_snooze_past_an_hour_after_bedtime(owner):
    # Bedtime 22:30 in Berlin; at 22:35, "1 hour" would be due at 23:35, over an hour after it.
    at = dt.datetime(2026, 3, 10, 22, 35, tzinfo=ZoneInfo("Europe/Berlin"))
    delivery = _delivery(owner, occurrence="2026-03-10")
    assert act(delivery, "1h", at).startswith("That's over an hour past your bedtime")
    assert act(delivery, "15m", at) == "We'll remind you again at 22:50."
