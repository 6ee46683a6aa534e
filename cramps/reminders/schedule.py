"""Keeping each user's stored next-due times true.

`refresh_schedules(user)` recomputes `next_due_at` / `next_occurrence` of the user's reminder
schedules (creating them with defaults when missing) from the current settings and log, at once.
It touches only the database: it never talks to the broker.

Reminders follow every write, whoever makes it. Each kind of write that moves them has one save
path, and that path calls `refresh_schedules` in the same transaction as the write:
- the profile (time zone, bedtime, quiet hours): `ProfileForm.save` / `SignupForm.save`;
- the weekly routine: `BaseRoutineFormSet.save`;
- the admin's user page (profile and routine inline): `UserAdmin.save_related`;
- an exercise session, from the web, the API or the admin: `save_session` / `delete_session`;
- reminder settings: `save_settings`, from the settings page and the admin.
Not signals, on purpose: they would fire during `loaddata` and hide the control flow. Any later
import writes through these paths, or calls `refresh_schedules` once per user at its end.

`plan_next` is shared with the dispatcher, which advances a whole batch of schedules at a time:
a few queries per batch, whatever its size. An occurrence that already has a delivery row is never
planned again: the next one is taken instead.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cramps.models import ExerciseSession, ReminderDelivery, ReminderSchedule, RoutineSlot
from cramps.models.reminders import ReminderKind
from cramps.reminders import timing

logger = logging.getLogger(__name__)

# Sessions that started up to this long ago can still supersede a routine occurrence today.
_SUPERSEDE_LOOKBACK = dt.timedelta(days=1)


@dataclass(frozen=True)
class Due:
    """What planning needs of one schedule. Plain values, not model instances, so that the
    dispatcher can plan a batch of 1,000 schedules cheaply."""

    pk: int
    user_id: int
    kind: str
    lead_minutes: int
    timezone: str
    bedtime: dt.time
    next_due_at: dt.datetime | None = None
    next_occurrence: str = ""


DUE_FIELDS = (
    "id",
    "user_id",
    "kind",
    "lead_minutes",
    "user__timezone",
    "user__bedtime",
    "next_due_at",
    "next_occurrence",
)


@transaction.atomic
def save_session(session: ExerciseSession) -> ExerciseSession:
    """Save an exercise session (new or changed) and move its user's reminders with it."""
    session.save()
    refresh_schedules(session.user)
    return session


@transaction.atomic
def delete_session(session: ExerciseSession) -> None:
    session.delete()
    refresh_schedules(session.user)


@transaction.atomic
def save_settings(schedules: list[ReminderSchedule], user) -> None:
    """Save a user's reminder settings (one row per kind) and plan them at once."""
    for reminder in schedules:
        reminder.save()
    refresh_schedules(user)


def refresh_schedules(user) -> None:
    now = timezone.now()
    with transaction.atomic():
        ReminderSchedule.objects.bulk_create(
            [ReminderSchedule(user=user, kind=kind) for kind in ReminderKind.values],
            ignore_conflicts=True,
        )
        # The user object carries the settings just saved: plan from it, not from a re-read.
        schedules = [
            Due(pk, user.pk, kind, lead, user.timezone, user.bedtime)
            for pk, kind, lead in ReminderSchedule.objects.filter(user=user).values_list(
                "id", "kind", "lead_minutes"
            )
        ]
        plans = plan_next(schedules, now)
        for schedule in schedules:
            due_at, key = next_fields(plans[schedule.pk])
            # update(), not save(): the settings page may be saving other fields of this row.
            ReminderSchedule.objects.filter(pk=schedule.pk).update(
                next_due_at=due_at, next_occurrence=key
            )


def next_fields(occurrence: timing.Occurrence | None) -> tuple[dt.datetime | None, str]:
    if occurrence is None:
        return None, ""
    return occurrence.due_at, occurrence.key


def plan_next(
    schedules: list[Due], now: dt.datetime, taken: set | None = None
) -> dict[int, timing.Occurrence | None]:
    """The next occurrence of each schedule ({schedule id: occurrence or None}).

    Occurrences with a delivery row, or listed in `taken` as (user id, kind, key), are passed
    over. A few queries per call, whatever the number of schedules.
    """
    taken = set(taken or ())
    candidates: dict[int, list[timing.Occurrence]] = {}
    exercise = []
    # Users share zones and bedtimes: a batch of 1,000 has few distinct bedtime settings.
    nights = {}
    for schedule in schedules:
        if schedule.kind != ReminderKind.BEDTIME:
            exercise.append(schedule)
            continue
        setting = (schedule.timezone, schedule.bedtime, schedule.lead_minutes)
        if setting not in nights:
            nights[setting] = _bedtime_candidates(*setting, now)
        candidates[schedule.pk] = nights[setting]
    if exercise:
        candidates.update(_exercise_candidates(exercise, now))

    # Only the occurrences about to be chosen are looked up (most batches: none has a row), and
    # again for those whose choice turned out to have one.
    while True:
        chosen = {
            s.pk: next(
                (o for o in candidates[s.pk] if (s.user_id, s.kind, o.key) not in taken), None
            )
            for s in schedules
        }
        delivered = _delivered(schedules, chosen)
        if not delivered:
            return chosen
        taken |= delivered


def _bedtime_candidates(zone_name, bedtime, lead_minutes, now) -> list[timing.Occurrence]:
    zone = _zone(zone_name)
    if zone is None:
        return []
    # Four nights from yesterday: the current occurrence (taken) and at least two more.
    return list(timing.bedtime_occurrences(zone, bedtime, lead_minutes, now, nights=3))


def _exercise_candidates(schedules, now) -> dict[int, list[timing.Occurrence]]:
    user_ids = [s.user_id for s in schedules]
    sessions = defaultdict(list)
    rows = (
        ExerciseSession.objects.filter(
            user_id__in=user_ids, starts_at__gte=now - _SUPERSEDE_LOOKBACK
        )
        .exclude(status=ExerciseSession.Status.CANCELLED)
        .values_list("id", "user_id", "starts_at", "status")
    )
    for pk, user_id, starts_at, status in rows:
        planned = status == ExerciseSession.Status.PLANNED
        sessions[user_id].append(timing.Session(pk, starts_at, planned))
    slots = defaultdict(list)
    for pk, user_id, weekday, start_time in RoutineSlot.objects.filter(
        user_id__in=user_ids
    ).values_list("id", "user_id", "weekday", "start_time"):
        slots[user_id].append(timing.Slot(pk, weekday, start_time))
    found = {}
    for schedule in schedules:
        zone = _zone(schedule.timezone)
        found[schedule.pk] = (
            timing.exercise_occurrences(
                zone,
                schedule.lead_minutes,
                now,
                sessions[schedule.user_id],
                slots[schedule.user_id],
            )
            if zone
            else []
        )
    return found


def _delivered(schedules, chosen) -> set[tuple[int, str, str]]:
    """(user id, kind, key) of the chosen occurrences that already have a delivery row."""
    wanted = {(s.user_id, s.kind, chosen[s.pk].key) for s in schedules if chosen[s.pk]}
    if not wanted:
        return set()
    rows = ReminderDelivery.objects.filter(
        user_id__in={user_id for user_id, _, _ in wanted},
        kind__in={kind for _, kind, _ in wanted},
        occurrence__in={key for _, _, key in wanted},
    ).values_list("user_id", "kind", "occurrence")
    return set(rows) & wanted


def _zone(name: str) -> ZoneInfo | None:
    zone = timing.zone_or_none(name)
    if zone is None:
        # The profile form only accepts real zones; a bad value here is a data error to fix.
        logger.error("Unknown time zone %r: no reminders for its users", name)
    return zone
