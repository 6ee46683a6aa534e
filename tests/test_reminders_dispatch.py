"""The dispatcher and schedule refresh: due times kept true, one delivery per occurrence, no late
reminders. Celery runs eagerly here, so a queued send runs when the transaction commits.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.models import F

from cramps import tasks
from cramps.models import Notification, ReminderDelivery, ReminderSchedule
from cramps.models import RoutineSlot as Slot
from cramps.models.reminders import ReminderKind
from cramps.reminders import channels, dispatch
from cramps.reminders.schedule import refresh_schedules
from cramps.reminders.timing import session_key
from tests.conftest import NOW
from tests.factories import ExerciseSessionFactory, UserFactory
from tracker.celery import app as celery_app

Status = ReminderDelivery.Status
UTC = dt.UTC
# Tuesday 2026-03-10 in Berlin: the 22:30 bedtime's reminder goes out at 22:00 local, 21:00 UTC.
TONIGHT_REMINDER = dt.datetime(2026, 3, 10, 21, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def eager_celery():
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


def schedule(user, kind=ReminderKind.BEDTIME):
    return ReminderSchedule.objects.get(user=user, kind=kind)


def run_dispatcher(capture, at):
    """One beat tick at `at`, with the after-commit sends run as a real commit would."""
    with time_machine.travel(at, tick=False), capture(execute=True):
        return tasks.dispatch_and_publish()


# Refreshing schedules


@time_machine.travel(NOW, tick=False)
def test_it_creates_both_schedules_with_tonights_bedtime_due(owner):
    refresh_schedules(owner)
    bedtime = schedule(owner)
    assert (bedtime.next_due_at, bedtime.next_occurrence) == (TONIGHT_REMINDER, "2026-03-10")
    exercise = schedule(owner, ReminderKind.PRE_EXERCISE)
    assert (exercise.next_due_at, exercise.next_occurrence) == (None, "")


@time_machine.travel(NOW, tick=False)
def test_changing_the_zone_moves_the_due_time_at_once(owner):
    refresh_schedules(owner)
    owner.timezone = "America/New_York"
    owner.save()
    refresh_schedules(owner)
    # 22:00 EDT (New York moved its clocks on 2026-03-08) is 02:00 UTC the next day.
    assert schedule(owner).next_due_at == dt.datetime(2026, 3, 11, 2, 0, tzinfo=UTC)
    assert schedule(owner).next_occurrence == "2026-03-10"


@time_machine.travel(NOW, tick=False)
def test_changing_bedtime_or_lead_moves_the_due_time_at_once(owner):
    refresh_schedules(owner)
    owner.bedtime = dt.time(23, 15)
    owner.save()
    ReminderSchedule.objects.filter(user=owner).update(lead_minutes=15)
    refresh_schedules(owner)
    assert schedule(owner).next_due_at == dt.datetime(2026, 3, 10, 22, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_a_new_routine_slot_or_session_sets_the_pre_exercise_reminder(owner):
    slot = Slot.objects.create(user=owner, weekday=2, start_time=dt.time(18, 0))  # Wednesdays
    refresh_schedules(owner)
    exercise = schedule(owner, ReminderKind.PRE_EXERCISE)
    assert exercise.next_occurrence == f"routine:{slot.pk}:2026-03-11"
    assert exercise.next_due_at == dt.datetime(2026, 3, 11, 16, 30, tzinfo=UTC)

    session = ExerciseSessionFactory(user=owner, starts_at=NOW + dt.timedelta(hours=3))
    refresh_schedules(owner)
    exercise.refresh_from_db()
    assert exercise.next_occurrence == session_key(session.pk, session.starts_at)
    assert exercise.next_due_at == NOW + dt.timedelta(hours=2, minutes=30)


@time_machine.travel(NOW, tick=False)
def test_it_never_plans_an_occurrence_that_already_has_a_delivery(owner):
    ReminderDelivery.objects.create(
        user=owner, kind=ReminderKind.BEDTIME, occurrence="2026-03-10", due_at=TONIGHT_REMINDER
    )
    refresh_schedules(owner)
    assert schedule(owner).next_occurrence == "2026-03-11"


@time_machine.travel(NOW, tick=False)
def test_refreshing_touches_only_this_users_rows(owner, outsider):
    refresh_schedules(owner)
    assert not ReminderSchedule.objects.filter(user=outsider).exists()


# Dispatching


@time_machine.travel(NOW, tick=False)
def test_nothing_is_dispatched_before_it_is_due(owner, django_capture_on_commit_callbacks):
    refresh_schedules(owner)
    report = run_dispatcher(
        django_capture_on_commit_callbacks, TONIGHT_REMINDER - dt.timedelta(minutes=1)
    )
    assert report.created == 0
    assert not ReminderDelivery.objects.exists()


def test_a_due_reminder_is_sent_once_and_the_schedule_moves_on(
    owner, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        refresh_schedules(owner)
    report = run_dispatcher(django_capture_on_commit_callbacks, TONIGHT_REMINDER)
    assert (report.claimed, report.created, report.queued) == (1, 1, 1)

    delivery = ReminderDelivery.objects.get()
    assert (delivery.occurrence, delivery.due_at) == ("2026-03-10", TONIGHT_REMINDER)
    assert (delivery.status, delivery.attempts) == (Status.SENT, 1)
    assert delivery.finished_at == TONIGHT_REMINDER
    assert Notification.objects.for_user(owner).count() == 1
    assert len(mail.outbox) == 1
    bedtime = schedule(owner)
    assert bedtime.next_occurrence == "2026-03-11"
    assert bedtime.next_due_at == TONIGHT_REMINDER + dt.timedelta(days=1)


def test_two_runs_in_the_same_minute_create_one_delivery(owner, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        refresh_schedules(owner)
    run_dispatcher(django_capture_on_commit_callbacks, TONIGHT_REMINDER)
    second = run_dispatcher(
        django_capture_on_commit_callbacks, TONIGHT_REMINDER + dt.timedelta(seconds=30)
    )
    assert (second.created, second.queued) == (0, 0)
    assert ReminderDelivery.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_schedule_pointing_back_at_a_delivered_occurrence_gets_no_second_row(
    owner, django_capture_on_commit_callbacks
):
    # E.g. a refresh that read the settings just before the dispatcher advanced the row.
    with time_machine.travel(NOW, tick=False):
        refresh_schedules(owner)
    run_dispatcher(django_capture_on_commit_callbacks, TONIGHT_REMINDER)
    ReminderSchedule.objects.filter(user=owner, kind=ReminderKind.BEDTIME).update(
        next_due_at=TONIGHT_REMINDER, next_occurrence="2026-03-10"
    )
    again = run_dispatcher(django_capture_on_commit_callbacks, TONIGHT_REMINDER)
    assert (again.claimed, again.queued) == (1, 0)
    assert ReminderDelivery.objects.filter(occurrence="2026-03-10").count() == 1
    assert len(mail.outbox) == 1
    assert schedule(owner).next_occurrence == "2026-03-11"


def test_a_pending_snooze_is_queued_when_due(owner, django_capture_on_commit_callbacks):
    snooze_at = TONIGHT_REMINDER + dt.timedelta(minutes=15)
    ReminderDelivery.objects.create(
        user=owner, kind=ReminderKind.BEDTIME, occurrence="2026-03-10~snooze-1", due_at=snooze_at
    )
    early = run_dispatcher(django_capture_on_commit_callbacks, snooze_at - dt.timedelta(minutes=1))
    assert early.queued == 0
    report = run_dispatcher(django_capture_on_commit_callbacks, snooze_at)
    assert report.queued == 1
    assert ReminderDelivery.objects.get().status == Status.SENT


def test_a_lost_message_is_queued_again_but_a_recent_one_is_left_alone(
    owner, django_capture_on_commit_callbacks
):
    now = TONIGHT_REMINDER + dt.timedelta(minutes=20)
    lost = ReminderDelivery.objects.create(
        user=owner,
        kind=ReminderKind.BEDTIME,
        occurrence="2026-03-10",
        due_at=TONIGHT_REMINDER,
        queued_at=TONIGHT_REMINDER,
    )
    in_flight = ReminderDelivery.objects.create(
        user=owner,
        kind=ReminderKind.BEDTIME,
        occurrence="2026-03-10~snooze-1",
        due_at=TONIGHT_REMINDER,
        queued_at=now - dt.timedelta(minutes=2),
    )
    report = run_dispatcher(django_capture_on_commit_callbacks, now)
    assert report.queued == 1
    lost.refresh_from_db()
    in_flight.refresh_from_db()
    assert (lost.status, in_flight.status) == (Status.SENT, Status.PENDING)


def test_a_bedtime_reminder_over_an_hour_late_is_skipped_not_sent(
    owner, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        refresh_schedules(owner)
    # The dispatcher was down from before 22:00 until 23:05 local; bedtime (22:30) has passed.
    report = run_dispatcher(
        django_capture_on_commit_callbacks, TONIGHT_REMINDER + dt.timedelta(hours=1, minutes=5)
    )
    assert (report.created, report.stale, report.queued) == (1, 1, 0)
    delivery = ReminderDelivery.objects.get()
    assert (delivery.status, delivery.detail) == (Status.SKIPPED, "stale")
    assert not mail.outbox
    assert schedule(owner).next_occurrence == "2026-03-11"


@pytest.mark.parametrize("lead", [180, 30])
def test_a_bedtime_reminder_is_never_sent_over_an_hour_after_its_send_time(
    owner, lead, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        ReminderSchedule.objects.create(user=owner, kind=ReminderKind.BEDTIME, lead_minutes=lead)
        refresh_schedules(owner)
    bedtime = dt.datetime(2026, 3, 10, 22, 30, tzinfo=BERLIN)
    due = bedtime - dt.timedelta(minutes=lead)
    assert schedule(owner).next_due_at == due
    # The dispatcher was down from before the send time until an hour and a minute after it.
    report = run_dispatcher(django_capture_on_commit_callbacks, due + dt.timedelta(minutes=61))
    assert (report.created, report.stale, len(mail.outbox)) == (1, 1, 0)


@pytest.mark.parametrize("lead", [180, 30])
@pytest.mark.parametrize(("late", "sent"), [(59, True), (60, True), (61, False)])
def test_a_bedtime_reminder_is_never_sent_over_an_hour_after_bedtime_whatever_the_lead(
    owner, lead, late, sent, django_capture_on_commit_callbacks
):
    """A snooze due 55 minutes after bedtime, and a worker that gets to it `late` minutes after
    bedtime: within an hour of its own time, but perhaps over an hour past bedtime."""
    ReminderSchedule.objects.create(user=owner, kind=ReminderKind.BEDTIME, lead_minutes=lead)
    bedtime = dt.datetime(2026, 3, 10, 22, 30, tzinfo=BERLIN)
    ReminderDelivery.objects.create(
        user=owner,
        kind=ReminderKind.BEDTIME,
        occurrence="2026-03-10~snooze-1",
        due_at=bedtime + dt.timedelta(minutes=55),
    )
    run_dispatcher(django_capture_on_commit_callbacks, bedtime + dt.timedelta(minutes=late))
    delivery = ReminderDelivery.objects.get()
    if sent:
        assert (delivery.status, len(mail.outbox)) == (Status.SENT, 1)
    else:
        assert (delivery.status, delivery.detail) == (Status.SKIPPED, "stale")
        assert not mail.outbox


def test_a_pre_exercise_reminder_is_skipped_once_the_session_has_started(
    owner, django_capture_on_commit_callbacks
):
    starts = NOW + dt.timedelta(hours=1)
    with time_machine.travel(NOW, tick=False):
        session = ExerciseSessionFactory(user=owner, starts_at=starts)
        refresh_schedules(owner)
    report = run_dispatcher(django_capture_on_commit_callbacks, starts + dt.timedelta(minutes=1))
    delivery = ReminderDelivery.objects.get()
    assert delivery.occurrence == session_key(session.pk, starts)
    assert (delivery.status, delivery.detail, report.stale) == (Status.SKIPPED, "stale", 1)
    assert not mail.outbox


def test_a_pre_exercise_reminder_goes_out_before_the_session(
    owner, django_capture_on_commit_callbacks
):
    starts = NOW + dt.timedelta(hours=1)
    with time_machine.travel(NOW, tick=False):
        session = ExerciseSessionFactory(user=owner, starts_at=starts)
        refresh_schedules(owner)
    run_dispatcher(django_capture_on_commit_callbacks, starts - dt.timedelta(minutes=30))
    delivery = ReminderDelivery.objects.get(occurrence=session_key(session.pk, starts))
    assert delivery.status == Status.SENT
    assert schedule(owner, ReminderKind.PRE_EXERCISE).next_due_at is None


def test_a_session_moved_after_its_reminder_went_out_is_reminded_again_at_its_new_time(
    owner, django_capture_on_commit_callbacks
):
    starts = NOW + dt.timedelta(hours=1)
    with time_machine.travel(NOW, tick=False):
        session = ExerciseSessionFactory(user=owner, starts_at=starts, activity="Running")
        refresh_schedules(owner)
    run_dispatcher(django_capture_on_commit_callbacks, starts - dt.timedelta(minutes=30))
    assert len(mail.outbox) == 1

    # Ten minutes later the session is put off by three hours (the log view refreshes).
    moved = starts + dt.timedelta(hours=3)
    with time_machine.travel(starts - dt.timedelta(minutes=20), tick=False):
        session.starts_at = moved
        session.save()
        refresh_schedules(owner)
    exercise = schedule(owner, ReminderKind.PRE_EXERCISE)
    assert exercise.next_occurrence == session_key(session.pk, moved)
    assert exercise.next_due_at == moved - dt.timedelta(minutes=30)

    early = run_dispatcher(django_capture_on_commit_callbacks, moved - dt.timedelta(minutes=31))
    assert (early.created, len(mail.outbox)) == (0, 1)
    run_dispatcher(django_capture_on_commit_callbacks, moved - dt.timedelta(minutes=30))
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 2
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Running at 14:00: warm up and stretch first"


def test_a_disabled_schedule_is_not_dispatched(owner, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        refresh_schedules(owner)
    ReminderSchedule.objects.filter(user=owner).update(enabled=False)
    report = run_dispatcher(django_capture_on_commit_callbacks, TONIGHT_REMINDER)
    assert report.created == 0


def test_each_users_reminder_goes_to_that_user_only(
    owner, outsider, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        refresh_schedules(owner)
        refresh_schedules(outsider)
    run_dispatcher(django_capture_on_commit_callbacks, TONIGHT_REMINDER)
    assert list(ReminderDelivery.objects.values_list("user__username", flat=True)) == ["alice"]
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_many_users_due_in_the_same_minute_are_all_dispatched_once(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(dispatch, "CLAIM_BATCH", 7)  # several batches
    monkeypatch.setattr(dispatch, "SEND_BATCH", 3)
    users = UserFactory.create_batch(20, password=None)  # no slow hashing
    with time_machine.travel(NOW, tick=False):
        for user in users:
            refresh_schedules(user)
    report = run_dispatcher(django_capture_on_commit_callbacks, TONIGHT_REMINDER)
    assert (report.created, report.queued) == (20, 20)
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 20
    assert len(mail.outbox) == 20


# Sends interrupted mid-way


def _send_dies(delivery, monkeypatch, where):
    """A batch send whose worker dies at `where` (before or after the hand-over mark)."""
    from django.core.mail import EmailMultiAlternatives

    def dies(*args, **kwargs):
        raise SystemExit("killed mid-send")

    if where == "before":
        monkeypatch.setattr(channels, "_hand_over", dies)
    else:
        monkeypatch.setattr(EmailMultiAlternatives, "send", dies)
    with time_machine.travel(TONIGHT_REMINDER, tick=False), pytest.raises(SystemExit):
        dispatch.send_batch([delivery.pk])
    monkeypatch.undo()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.claimed_at) == (Status.SENDING, TONIGHT_REMINDER)
    # The in-app notice was written on its own, before the email.
    assert Notification.objects.filter(delivery=delivery).count() == 1


@pytest.fixture
def due_tonight(owner):
    return ReminderDelivery.objects.create(
        user=owner, kind=ReminderKind.BEDTIME, occurrence="2026-03-10", due_at=TONIGHT_REMINDER
    )


def test_a_send_interrupted_before_its_email_left_is_sent_again_within_two_minutes(
    due_tonight, django_capture_on_commit_callbacks, monkeypatch
):
    _send_dies(due_tonight, monkeypatch, "before")
    assert due_tonight.handing_to_mail_server_at is None

    # Until INTERRUPTED_AFTER the send may still be under way: left alone.
    soon = run_dispatcher(
        django_capture_on_commit_callbacks, TONIGHT_REMINDER + dt.timedelta(seconds=90)
    )
    due_tonight.refresh_from_db()
    assert (soon.resumed, due_tonight.status) == (0, Status.SENDING)

    later = TONIGHT_REMINDER + dt.timedelta(seconds=91)
    report = run_dispatcher(django_capture_on_commit_callbacks, later)
    due_tonight.refresh_from_db()
    assert (report.interrupted, report.resumed, report.queued) == (0, 1, 1)
    assert (due_tonight.status, due_tonight.attempts) == (Status.SENT, 2)
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(delivery=due_tonight).count() == 1


def test_a_send_interrupted_before_its_email_left_is_skipped_once_stale(
    due_tonight, django_capture_on_commit_callbacks, monkeypatch
):
    _send_dies(due_tonight, monkeypatch, "before")
    report = run_dispatcher(
        django_capture_on_commit_callbacks, TONIGHT_REMINDER + dt.timedelta(hours=2)
    )
    due_tonight.refresh_from_db()
    assert (report.resumed, report.stale, report.queued) == (1, 1, 0)
    assert (due_tonight.status, due_tonight.detail) == (Status.SKIPPED, "stale")
    assert not mail.outbox


def test_a_send_interrupted_after_its_email_was_handed_over_is_failed_and_never_resent(
    due_tonight, django_capture_on_commit_callbacks, monkeypatch
):
    _send_dies(due_tonight, monkeypatch, "after")
    assert due_tonight.handing_to_mail_server_at == TONIGHT_REMINDER

    later = TONIGHT_REMINDER + dt.timedelta(seconds=91)
    report = run_dispatcher(django_capture_on_commit_callbacks, later)
    due_tonight.refresh_from_db()
    assert (report.interrupted, report.resumed, report.queued) == (1, 0, 0)
    assert (due_tonight.status, due_tonight.detail) == (Status.FAILED, dispatch.INTERRUPTED)
    assert due_tonight.finished_at == later
    assert not mail.outbox  # (the mail server may have it; we never send it a second time)
    assert Notification.objects.filter(delivery=due_tonight).count() == 1


def test_a_hung_worker_whose_send_was_taken_back_does_not_send_it_too(
    due_tonight, django_capture_on_commit_callbacks
):
    """The dispatcher resumed a send it thought dead; the old worker wakes up: the claim check
    before the hand-over keeps it from sending a second copy."""
    claimed = dispatch.claim_for_sending([due_tonight.pk])
    assert claimed == [due_tonight.pk]
    stale_copy = ReminderDelivery.objects.select_related("user").get(pk=due_tonight.pk)
    ReminderDelivery.objects.filter(pk=due_tonight.pk).update(
        claimed_at=TONIGHT_REMINDER - dt.timedelta(minutes=5)
    )
    run_dispatcher(django_capture_on_commit_callbacks, TONIGHT_REMINDER)  # resumed and sent
    assert len(mail.outbox) == 1
    errors = channels.deliver_many([(stale_copy, _words())], claimed=True)
    assert isinstance(errors[due_tonight.pk], channels.TakenBack)
    assert len(mail.outbox) == 1


def _words():
    from cramps.reminders.compose import Composed

    return Composed(None, "Bedtime stretch", "Stretch.", "<p>Stretch.</p>")


def test_a_hand_over_stamped_between_the_two_recovery_updates_is_never_put_back_to_pending(
    due_tonight, django_capture_on_commit_callbacks, monkeypatch
):
    """A hung worker wakes up and stamps its hand-over just after the dispatcher's "failed"
    UPDATE and before its "resume" UPDATE: that row must stay where it is, not be sent again."""
    _send_dies(due_tonight, monkeypatch, "before")
    stamped = []

    def stamp_after_the_first_update(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not stamped and sql.startswith("UPDATE") and "handing_to_mail_server_at" in sql:
            stamped.append(sql)
            ReminderDelivery.objects.filter(pk=due_tonight.pk).update(
                handing_to_mail_server_at=F("claimed_at")
            )
        return result

    later = TONIGHT_REMINDER + dt.timedelta(seconds=91)
    with connection.execute_wrapper(stamp_after_the_first_update):
        report = run_dispatcher(django_capture_on_commit_callbacks, later)
    due_tonight.refresh_from_db()
    assert stamped and report.resumed == 0
    assert due_tonight.status == Status.SENDING  # the next tick fails it as interrupted
    assert not mail.outbox
