"""Whether a reminder is past its window: read by the dispatcher (before queueing and before
sending) and by snoozing (a snooze that would land past it is refused).

A bedtime reminder is stale an hour after its send time or an hour after bedtime, whichever is
first (`timing.bedtime_reminder_stale`); a pre-exercise one once its session has started.
"""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from cramps.models import ExerciseSession, RoutineSlot
from cramps.models.reminders import ReminderKind

from . import timing
from .timing import Window

STALE = "stale"


def closed(windows: list[Window], now: dt.datetime) -> set[int]:
    """Ids of the deliveries past their window at `now`: at most two queries (sessions, routine
    slots), whatever the number of windows."""
    found = set()
    exercise = []
    for window in windows:
        if window.kind == ReminderKind.BEDTIME:
            # A bad zone: only the send-time bound applies; compose reports it.
            zone = timing.zone_or_none(window.timezone) if window.bedtime is not None else None
            if timing.bedtime_reminder_stale(
                now, window.due_at, window.occurrence, window.bedtime, zone
            ):
                found.add(window.pk)
        else:
            exercise.append(window)
    if exercise:
        starts = _exercise_starts(exercise)
        found |= {w.pk for w in exercise if w.pk in starts and now >= starts[w.pk]}
    return found


def of(delivery) -> Window:
    """A delivery's window (its `user` loaded)."""
    user = delivery.user
    return Window(
        delivery.pk,
        delivery.user_id,
        delivery.kind,
        delivery.occurrence,
        delivery.due_at,
        user.bedtime,
        user.timezone,
    )


def _exercise_starts(windows: list[Window]) -> dict[int, dt.datetime]:
    """When each pre-exercise delivery's session starts (absent when the session is gone)."""
    sessions, routines = defaultdict(list), defaultdict(list)
    for window in windows:
        if (session_id := timing.session_key_id(window.occurrence)) is not None:
            sessions[(window.user_id, session_id)].append(window.pk)
        elif (parts := timing.routine_key_parts(window.occurrence)) is not None:
            routines[(window.user_id, parts[0])].append((window.pk, parts[1]))
    starts = {}
    if sessions:
        found = ExerciseSession.objects.filter(pk__in={sid for _, sid in sessions}).values_list(
            "user_id", "id", "starts_at"
        )
        for user_id, session_id, starts_at in found:
            for pk in sessions.get((user_id, session_id), ()):
                starts[pk] = starts_at
    if routines:
        found = RoutineSlot.objects.filter(pk__in={sid for _, sid in routines}).values_list(
            "user_id", "id", "start_time", "user__timezone"
        )
        for user_id, slot_id, start_time, zone in found:
            for pk, day in routines.get((user_id, slot_id), ()):
                starts[pk] = timing.local_instant(day, start_time, ZoneInfo(zone))
    return starts
