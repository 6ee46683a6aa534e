"""The send tasks: exactly once, retries with backoff, visible failures, and a broker that is down.

Celery runs eagerly here (retries run at once, their countdowns recorded), except where a test
points the app at a closed port to play a Redis that is down.
"""

import contextlib
import datetime as dt
import logging
import smtplib
import time

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError

from cramps import tasks
from cramps.models import IntakeEntry, Notification, ReminderDelivery
from cramps.models.reminders import ReminderKind
from cramps.reminders import channels, compose, dispatch
from cramps.reminders.schedule import refresh_schedules
from tests.conftest import NOW
from tests.factories import CrampEpisodeFactory, ExerciseSessionFactory, UserFactory
from tracker.celery import app as celery_app

Status = ReminderDelivery.Status
TONIGHT_REMINDER = dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC)  # 22:00 in Berlin


@pytest.fixture(autouse=True)
def eager_celery():
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    # Not propagating: Celery's eager retry is raised as an exception when it propagates. Outcomes
    # are asserted on the delivery rows instead.
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def delivery(owner):
    with time_machine.travel(TONIGHT_REMINDER, tick=False):
        return ReminderDelivery.objects.create(
            user=owner, kind=ReminderKind.BEDTIME, occurrence="2026-03-10", due_at=TONIGHT_REMINDER
        )


@pytest.fixture
def tonight():
    with time_machine.travel(TONIGHT_REMINDER + dt.timedelta(seconds=5), tick=False):
        yield


@pytest.fixture
def failing_channel(monkeypatch):
    """Delivering a reminder fails with the given errors in turn, then delivers for real."""
    calls = []
    real = channels.deliver_many

    def set_errors(*errors):
        def deliver_many(pairs, **options):
            failed, rest = {}, []
            for delivery, composed in pairs:
                calls.append(delivery.pk)
                if len(calls) <= len(errors):
                    failed[delivery.pk] = errors[len(calls) - 1]
                else:
                    rest.append((delivery, composed))
            return {**real(rest, **options), **failed}

        monkeypatch.setattr(channels, "deliver_many", deliver_many)
        return calls

    return set_errors


def test_a_send_delivers_once_through_both_channels(delivery, tonight):
    tasks.send_reminder.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 1)
    assert delivery.subject and delivery.body
    assert Notification.objects.filter(delivery=delivery).count() == 1
    assert [m.to for m in mail.outbox] == [[delivery.user.email]]


def test_a_line_break_in_the_activity_still_sends_the_reminder_on_both_channels(owner):
    starts = TONIGHT_REMINDER + dt.timedelta(hours=1)
    session = ExerciseSessionFactory(user=owner, starts_at=starts, activity="Run\r\nBcc: x@y")
    delivery = ReminderDelivery.objects.create(
        user=owner,
        kind=ReminderKind.PRE_EXERCISE,
        occurrence=f"session:{session.pk}",
        due_at=TONIGHT_REMINDER,
    )
    with time_machine.travel(TONIGHT_REMINDER, tick=False):
        tasks.send_reminder.delay(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT, delivery.detail
    subject = "Run Bcc: x@y at 23:00: warm up and stretch first"
    assert delivery.subject == subject
    [email] = mail.outbox
    assert (email.subject, email.to, email.bcc) == (subject, [owner.email], [])
    assert "x@y" not in str(email.message()["Bcc"])
    assert Notification.objects.get(delivery=delivery).title == subject


def test_a_redelivered_message_does_nothing(delivery, tonight):
    tasks.send_reminder.delay(delivery.pk)
    tasks.send_reminder.delay(delivery.pk)  # the broker delivers the same message again
    tasks.send_reminders.delay([delivery.pk, delivery.pk])
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_message_for_a_delivery_being_sent_does_nothing(delivery, tonight):
    ReminderDelivery.objects.filter(pk=delivery.pk).update(status=Status.SENDING, attempts=1)
    result = dispatch.send_delivery(delivery.pk)
    assert result.outcome is dispatch.Outcome.NOTHING
    assert not mail.outbox


def test_a_transient_failure_is_retried_then_sent(delivery, tonight, failing_channel):
    calls = failing_channel(channels.TransientDeliveryError("SMTP server hung up"))
    tasks.send_reminders.delay([delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(calls)) == (Status.SENT, 2, 2)
    assert len(mail.outbox) == 1


def test_repeated_transient_failures_back_off_then_fail_visibly(
    delivery, tonight, failing_channel, monkeypatch
):
    error = channels.TransientDeliveryError("SMTP connection refused")
    calls = failing_channel(*[error] * 10)
    delays = []
    real_delay = dispatch.retry_delay
    monkeypatch.setattr(dispatch, "retry_delay", lambda n: delays.append(real_delay(n)) or 0)

    tasks.send_reminder.delay(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, dispatch.MAX_ATTEMPTS)
    assert len(calls) == dispatch.MAX_ATTEMPTS
    assert delays == [30, 60, 120]  # exponential backoff between the four attempts
    assert "SMTP connection refused" in delivery.detail
    assert delivery.finished_at is not None
    assert not mail.outbox


def test_an_error_not_worth_retrying_fails_at_once_and_is_logged(
    delivery, tonight, failing_channel, caplog
):
    calls = failing_channel(ValueError("no template for this kind"))
    with caplog.at_level(logging.ERROR, logger="cramps.reminders.dispatch"):
        tasks.send_reminder.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(calls)) == (Status.FAILED, 1, 1)
    assert "no template for this kind" in delivery.detail
    assert any(r.exc_info for r in caplog.records)


def test_a_reminder_compose_declines_is_skipped_with_its_reason(delivery, tonight):
    user = delivery.user
    user.quiet_hours_start, user.quiet_hours_end = dt.time(21, 0), dt.time(7, 0)
    user.save()
    tasks.send_reminder.delay(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Status.SKIPPED
    assert "quiet hours" in delivery.detail
    assert not mail.outbox


def test_a_send_that_arrives_too_late_is_skipped_as_stale(delivery):
    with time_machine.travel(TONIGHT_REMINDER + dt.timedelta(hours=1, minutes=1), tick=False):
        tasks.send_reminder.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.detail) == (Status.SKIPPED, "stale")
    assert not mail.outbox


# A batch that fails as a whole


@pytest.fixture
def failing_batch(monkeypatch):
    """Reading the batch's schedules fails `times` times (the database went away), then works."""

    def set_failures(times):
        calls = []
        real = compose.schedules_for

        def schedules_for(deliveries):
            calls.append(len(deliveries))
            if len(calls) <= times:
                raise DatabaseError("server closed the connection unexpectedly")
            return real(deliveries)

        monkeypatch.setattr(compose, "schedules_for", schedules_for)
        return calls

    return set_failures


def test_a_batch_that_fails_after_its_claim_is_put_back_to_pending(
    delivery, tonight, failing_batch
):
    failing_batch(1)
    with pytest.raises(DatabaseError):
        dispatch.send_batch([delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert delivery.email_sent_at is None and delivery.finished_at is None
    # The task's retry sends it; the dispatcher leaves it to that retry for REQUEUE_AFTER.
    assert delivery.queued_at is not None
    assert "server closed the connection" in delivery.detail
    assert not mail.outbox


def test_a_batch_that_fails_once_is_retried_by_the_task_and_sent_once(
    delivery, tonight, failing_batch, monkeypatch
):
    calls = failing_batch(1)
    delays = []
    real_delay = dispatch.retry_delay
    monkeypatch.setattr(dispatch, "retry_delay", lambda n: delays.append(real_delay(n)) or 0)
    tasks.send_reminders.delay([delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(calls)) == (Status.SENT, 2, 2)
    assert delays == [30]
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(delivery=delivery).count() == 1


def test_a_batch_that_keeps_failing_backs_off_then_fails_visibly(
    delivery, tonight, failing_batch, monkeypatch
):
    failing_batch(100)
    delays = []
    real_delay = dispatch.retry_delay
    monkeypatch.setattr(dispatch, "retry_delay", lambda n: delays.append(real_delay(n)) or 0)
    tasks.send_reminders.delay([delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, dispatch.MAX_ATTEMPTS)
    assert "server closed the connection" in delivery.detail
    assert delivery.finished_at is not None
    assert delays[:3] == [30, 60, 120]  # bounded: the task gives up after MAX_ATTEMPTS retries
    assert len(delays) <= dispatch.MAX_ATTEMPTS
    assert not mail.outbox


def test_an_email_that_went_out_before_the_batch_failed_is_not_sent_again(
    delivery, tonight, monkeypatch
):
    real = Notification.objects.bulk_create
    failures = []

    def bulk_create(objs, **options):
        if not failures:
            failures.append(1)
            raise DatabaseError("lost the connection while writing notices")
        return real(objs, **options)

    monkeypatch.setattr(Notification.objects, "bulk_create", bulk_create)
    monkeypatch.setattr(dispatch, "retry_delay", lambda n: 0)
    tasks.send_reminders.delay([delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)
    assert delivery.email_sent_at is not None
    assert len(mail.outbox) == 1  # the retry wrote the notice and did not email again
    assert Notification.objects.filter(delivery=delivery).count() == 1


def test_a_snooze_picked_up_over_an_hour_after_bedtime_is_skipped_by_the_worker(owner):
    # Bedtime 22:30 in Berlin (21:30 UTC); a snooze due at 23:20, its worker busy until 23:31.
    snoozed = ReminderDelivery.objects.create(
        user=owner,
        kind=ReminderKind.BEDTIME,
        occurrence="2026-03-10~snooze-1",
        due_at=dt.datetime(2026, 3, 10, 22, 20, tzinfo=dt.UTC),
    )
    with time_machine.travel(dt.datetime(2026, 3, 10, 22, 31, tzinfo=dt.UTC), tick=False):
        tasks.send_reminder.delay(snoozed.pk)
    snoozed.refresh_from_db()
    assert (snoozed.status, snoozed.detail) == (Status.SKIPPED, "stale")
    assert not mail.outbox


def test_retry_delays_grow_exponentially():
    assert [dispatch.retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert dispatch.retry_delay(3) < dispatch.REQUEUE_AFTER.total_seconds()


# The broker is down


@contextlib.contextmanager
def broker(url):
    """Point the Celery app at `url` for a while (its connection pools are rebuilt)."""
    conf = celery_app.conf
    names = (
        "broker_url",
        "broker_transport_options",
        "broker_connection_retry",
        "task_publish_retry",
        "task_always_eager",
    )
    saved = {name: conf[name] for name in names}

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.update(
        broker_url=url,
        # The production settings for Redis (tracker/settings.py): fail fast, never retry.
        broker_transport_options={
            "socket_timeout": 1,
            "socket_connect_timeout": 1,
            "max_retries": 0,
        },
        broker_connection_retry=False,
        task_publish_retry=False,
        task_always_eager=False,
    )
    reset_pools()
    try:
        yield
    finally:
        conf.update(saved)
        reset_pools()


def test_with_the_broker_down_reminders_wait_and_then_go_out_once(
    owner, django_capture_on_commit_callbacks, caplog
):
    with time_machine.travel(NOW, tick=False):
        refresh_schedules(owner)

    with (
        broker("redis://127.0.0.1:1/0"),
        time_machine.travel(TONIGHT_REMINDER, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        started = time.monotonic()
        report = tasks.dispatch_and_publish()
        elapsed = time.monotonic() - started

    assert elapsed < 2
    assert (report.created, report.queued, report.unpublished) == (1, 0, 1)
    delivery = ReminderDelivery.objects.get()
    assert (delivery.status, delivery.queued_at) == (Status.PENDING, None)
    assert "Broker unavailable" in caplog.text
    assert not mail.outbox

    # The broker is back (eager here): the next run queues it, and it is sent once.
    with (
        time_machine.travel(TONIGHT_REMINDER + dt.timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = tasks.dispatch_and_publish()
        again = tasks.dispatch_and_publish()
    assert (report.created, report.queued, again.queued) == (0, 1, 0)
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT
    assert len(mail.outbox) == 1


def test_a_retry_the_broker_refuses_is_left_for_the_dispatcher(delivery, tonight, failing_channel):
    failing_channel(channels.TransientDeliveryError("SMTP server hung up"))
    with broker("redis://127.0.0.1:1/0"):
        tasks.send_reminders.run([delivery.pk])  # in the worker; publishing the retry fails
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert delivery.queued_at is not None  # re-queued by the dispatcher once REQUEUE_AFTER passes


# Sending a batch


def _due_tonight(count):
    """`count` users due tonight, each with a night cramp this week and minerals below target:
    every reminder takes the whole personalised path (routine steps, a food)."""
    deliveries = []
    with time_machine.travel(TONIGHT_REMINDER, tick=False):
        for n in range(count):
            user = UserFactory(username=f"batch{n}", timezone="Europe/Berlin")
            CrampEpisodeFactory(user=user, started_at=TONIGHT_REMINDER - dt.timedelta(days=2))
            IntakeEntry.objects.create(
                user=user,
                at=TONIGHT_REMINDER - dt.timedelta(hours=3),
                label="lunch",
                calcium_mg=100,
            )
            deliveries.append(
                ReminderDelivery.objects.create(
                    user=user,
                    kind=ReminderKind.BEDTIME,
                    occurrence="2026-03-10",
                    due_at=TONIGHT_REMINDER,
                )
            )
    return [d.pk for d in deliveries]


@pytest.mark.parametrize("count", [2, 20])
def test_a_batch_costs_the_same_queries_for_2_or_20_reminders(
    db, count, tonight, django_assert_num_queries
):
    ids = _due_tonight(count)
    with django_assert_num_queries(13 + count):
        # 1 claim them (pending -> sending, RETURNING the ids won)
        # 2 the deliveries with their users
        # 3 the users' schedules: on? through which channels?
        # 4 tonight's stretches
        # 5 this week's night cramps
        # 6 today's intake totals, grouped by user
        # 7 running experiments, for tonight's block
        # 8 the bedtime routine's steps (someone had night cramps)
        # 9 the food catalogue (someone's minerals are low)
        # 10 the in-app notices, on their own
        # + one mark per email, just before it is handed to the mail server (under the claim)
        # 11 SAVEPOINT: the outcomes' transaction (nested in the test's own)
        # 12 every reminder's outcome and email stamp, only where still `sending`
        # 13 RELEASE SAVEPOINT
        results = dispatch.send_batch(ids)
    assert {r.outcome for r in results.values()} == {dispatch.Outcome.SENT}
    assert len(mail.outbox) == count
    assert Notification.objects.count() == count
    assert "night cramp this week" in mail.outbox[0].body
    assert "For a snack or for tomorrow" in mail.outbox[0].body


def test_one_email_failing_never_fails_or_resends_the_others(db, tonight, monkeypatch):
    first, failing, last = _due_tonight(3)
    trouble = ReminderDelivery.objects.get(pk=failing).user.email
    real_send = EmailMultiAlternatives.send

    def send(message, fail_silently=False):
        if message.to == [trouble]:
            raise smtplib.SMTPServerDisconnected("hung up")
        return real_send(message, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    results = dispatch.send_batch([first, failing, last])

    assert results[failing].outcome is dispatch.Outcome.RETRY
    assert results[first].outcome is results[last].outcome is dispatch.Outcome.SENT
    rows = ReminderDelivery.objects.in_bulk([first, failing, last])
    assert rows[failing].status == Status.PENDING and rows[failing].email_sent_at is None
    assert "hung up" in rows[failing].detail
    assert rows[first].status == rows[last].status == Status.SENT
    # Its in-app notice does not wait for the email: written once, before it.
    assert Notification.objects.filter(delivery_id=failing).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ReminderDelivery.objects.get(pk=pk).user.email for pk in (first, last)
    )

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    dispatch.send_batch([first, failing, last])  # the retry (and a duplicate of the others)
    assert ReminderDelivery.objects.get(pk=failing).status == Status.SENT
    assert len(mail.outbox) == 3
    assert Notification.objects.count() == 3
