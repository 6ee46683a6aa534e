"""The dispatcher's few statements beyond the ORM, each a small named function, on the database
the suite runs on. CI runs this file on PostgreSQL (`make test`) and again on SQLite (.ci/run), so
both databases run every one of them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from cramps.models import ReminderDelivery, ReminderSchedule
from cramps.models.reminders import ReminderKind
from cramps.reminders import dispatch
from tests.factories import UserFactory

UTC = ZoneInfo("UTC")
NOW = dt.datetime(2026, 3, 10, 21, 0, tzinfo=UTC)
Status = ReminderDelivery.Status

pytestmark = pytest.mark.django_db


def test_the_suite_names_its_database():
    assert connection.vendor in {"postgresql", "sqlite"}


@pytest.fixture
def due_schedules():
    users = [UserFactory() for _ in range(3)]
    return [
        ReminderSchedule.objects.create(
            user=user,
            kind=ReminderKind.BEDTIME,
            next_due_at=NOW,
            next_occurrence=f"2026-03-1{n}",
        )
        for n, user in enumerate(users)
    ]


def test_insert_deliveries_writes_each_current_occurrence_once(due_schedules):
    ids = [s.pk for s in due_schedules]
    new = dispatch.insert_deliveries(ids, NOW)
    assert len(new) == 3
    rows = {
        (d.user_id, d.kind, d.occurrence): d for d in ReminderDelivery.objects.filter(pk__in=new)
    }
    for schedule in due_schedules:
        delivery = rows[(schedule.user_id, "bedtime", schedule.next_occurrence)]
        assert (delivery.due_at, delivery.status, delivery.queued_at) == (
            NOW,
            Status.PENDING,
            NOW,
        )
        assert (delivery.attempts, delivery.detail, delivery.created_at) == (0, "", NOW)
    # A second run (or a concurrent one) writes nothing and returns nothing to send.
    assert dispatch.insert_deliveries(ids, NOW) == []
    assert ReminderDelivery.objects.count() == 3


def test_insert_deliveries_marks_stale_ones_skipped_and_unqueued(due_schedules):
    (new,) = dispatch.insert_deliveries([due_schedules[0].pk], NOW, stale=True)
    delivery = ReminderDelivery.objects.get(pk=new)
    assert (delivery.status, delivery.detail, delivery.queued_at, delivery.finished_at) == (
        Status.SKIPPED,
        "stale",
        None,
        NOW,
    )


def _pending(count, **fields):
    user = UserFactory()
    return [
        ReminderDelivery.objects.create(
            user=user, kind="bedtime", occurrence=f"2026-03-{n + 10}", due_at=NOW, **fields
        ).pk
        for n in range(count)
    ]


def test_stamp_queued_returns_only_the_rows_it_won():
    fresh = _pending(2)
    recent = _pending(1, queued_at=NOW - dt.timedelta(minutes=1))
    lost = _pending(1, queued_at=NOW - dispatch.REQUEUE_AFTER - dt.timedelta(minutes=1))
    done = _pending(1, status=Status.SENT)
    won = dispatch.stamp_queued([*fresh, *recent, *lost, *done], NOW)
    assert sorted(won) == sorted([*fresh, *lost])
    assert set(ReminderDelivery.objects.filter(queued_at=NOW).values_list("pk", flat=True)) == set(
        won
    )
    assert dispatch.stamp_queued(won, NOW) == []  # queued just now: a second run wins nothing


def test_claim_for_sending_claims_each_pending_row_once():
    pending = _pending(3)
    sent = _pending(1, status=Status.SENT)
    assert dispatch.claim_for_sending([*pending, *sent, pending[0]]) == pending
    assert dispatch.claim_for_sending(pending) == []
    assert set(
        ReminderDelivery.objects.filter(pk__in=pending).values_list("status", "attempts")
    ) == {(Status.SENDING, 1)}


def test_write_outcomes_writes_each_rows_own_fields_only_while_sending():
    sent_at = NOW + dt.timedelta(seconds=5)
    first, second = _pending(2, status=Status.SENDING, attempts=1)
    (finished,) = _pending(1, status=Status.SKIPPED, detail="skipped by you")
    columns = ("status", "detail", "subject", "body", "finished_at", "queued_at", "email_sent_at")
    written = dispatch.write_outcomes(
        {
            first: {
                "status": Status.SENT,
                "subject": "Stretch, Tom's way",
                "body": "Calves & hamstrings",
                "finished_at": sent_at,
                "email_sent_at": sent_at,
            },
            second: {"status": Status.PENDING, "detail": "Attempt 1 failed", "queued_at": NOW},
            finished: {"status": Status.SENT},
        },
        columns,
    )
    assert written == 2
    rows = ReminderDelivery.objects.in_bulk([first, second, finished])
    assert (rows[first].status, rows[first].subject, rows[first].body) == (
        Status.SENT,
        "Stretch, Tom's way",
        "Calves & hamstrings",
    )
    assert (rows[first].finished_at, rows[first].email_sent_at) == (sent_at, sent_at)
    assert (rows[second].status, rows[second].detail, rows[second].queued_at) == (
        Status.PENDING,
        "Attempt 1 failed",
        NOW,
    )
    assert (rows[second].finished_at, rows[second].email_sent_at) == (None, None)
    assert (rows[finished].status, rows[finished].detail) == (Status.SKIPPED, "skipped by you")
