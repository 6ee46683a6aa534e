"""When reminders fall due: local wall times -> UTC instants, with the DST rules spelled out.

Pure: no ORM, no clock. Callers pass the user's zone, their settings and "now" (aware, any zone).

Rules
- A local time that does not exist (the clocks jump forward over it) fires at the first valid
  instant after it: 02:30 on Berlin's spring-forward night fires at 03:00 local.
- A local time that exists twice (the clocks go back) fires once, at its first occurrence (fold=0).
- A bedtime belongs to a night, named by the local date of its evening. A bedtime before noon
  (e.g. 00:30) is after midnight: the night of 2026-03-28 has its 00:30 bedtime on 2026-03-29.
- A reminder whose time has passed while its event (bedtime, session start) is still ahead is
  due now rather than skipped: setting bedtime two minutes from now still reminds tonight.

Occurrence keys (`ReminderDelivery.occurrence`, unique per user and kind)
- bedtime: the night, "2026-03-10";
- a planned session: "session:<id>:<start, UTC, to the minute>", "session:12:2026-03-10T17:30Z":
  a session moved to another time is a new occurrence, with a reminder of its own (keys written
  before the start was part of them, "session:<id>", are still read);
- a routine slot: "routine:<slot id>:<local date>";
- a snoozed copy: the original's key + "~snooze-<n>".
"""

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC

# A bedtime earlier than this local time is "after midnight" and belongs to the evening before.
NIGHT_ROLLOVER = dt.time(12, 0)
# A planned session this close to a routine slot's time, on the same local date, replaces it.
SUPERSEDE_WINDOW = dt.timedelta(hours=2)
# Routine occurrences are looked at this many local days ahead: a week plus today.
ROUTINE_HORIZON_DAYS = 8
# A bedtime reminder more than this late is pointless: it is skipped as stale, never sent late
# (see `bedtime_reminder_stale` for the exact rule).
BEDTIME_GRACE = dt.timedelta(hours=1)

# Between an occurrence's key and the number of a snoozed copy: "2026-03-10~snooze-2".
SNOOZE_MARK = "~snooze-"
_KEY_MINUTE = "%Y-%m-%dT%H:%MZ"


@functools.lru_cache(maxsize=1024)
def zone_or_none(name: str) -> ZoneInfo | None:
    """The zone named `name`, or None for a name no zone has (callers say what that means)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True, order=True)
class Occurrence:
    due_at: dt.datetime  # when the reminder goes out (UTC)
    key: str  # ReminderDelivery.occurrence: unique per user and kind
    starts_at: dt.datetime  # the event it is for: bedtime or the session's start (UTC)


class Window(NamedTuple):
    """What deciding whether a delivery is past its window reads of it (`windows.closed`)."""

    pk: int  # the delivery's id
    user_id: int
    kind: str
    occurrence: str
    due_at: dt.datetime
    bedtime: dt.time | None  # the user's
    timezone: str  # the user's zone name


# Cached: the dispatcher asks for the same (night, bedtime, zone) for thousands of users at once.
@functools.lru_cache(maxsize=65536)
def local_instant(day: dt.date, wall: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a local wall time on a local date, following the module's DST rules."""
    first = dt.datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=zone)
    as_utc = first.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) == first.replace(tzinfo=None):
        return as_utc  # exists (fold=0 is the first of two when ambiguous)
    return _end_of_gap(first, zone)


def _end_of_gap(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The transition instant that skipped `wall`: the first valid instant after it.

    fold=1 reads the wall time with the offset after the jump (an instant before the transition),
    fold=0 with the offset before it (an instant after): the transition lies between; find it to
    the second. Works for any gap size (30-minute jumps, whole skipped days).
    """
    low = wall.replace(fold=1).astimezone(UTC)
    high = wall.replace(fold=0).astimezone(UTC)
    low, high = min(low, high), max(low, high)
    after = high.astimezone(zone).utcoffset()
    while high - low > dt.timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(zone).utcoffset() == after:
            high = mid
        else:
            low = mid
    return high.replace(microsecond=0)


def bedtime_night_of(night: dt.date, bedtime: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of bedtime in the night named by `night` (the local date of its evening)."""
    day = night + dt.timedelta(days=1) if bedtime < NIGHT_ROLLOVER else night
    return local_instant(day, bedtime, zone)


def bedtime_occurrences(
    zone: ZoneInfo, bedtime: dt.time, lead_minutes: int, now: dt.datetime, nights: int = 8
) -> Iterator[Occurrence]:
    """The next `nights` bedtime reminders whose bedtime is still ahead, earliest first."""
    lead = dt.timedelta(minutes=lead_minutes)
    # Start a day early: at 00:10 the night of yesterday may still have its 00:30 bedtime ahead.
    first_night = now.astimezone(zone).date() - dt.timedelta(days=1)
    for offset in range(nights + 1):
        night = first_night + dt.timedelta(days=offset)
        starts = bedtime_night_of(night, bedtime, zone)
        if starts > now:
            yield Occurrence(max(starts - lead, now.astimezone(UTC)), night.isoformat(), starts)


def bedtime_reminder_stale(
    now: dt.datetime,
    due_at: dt.datetime,
    occurrence: str,
    bedtime: dt.time | None,
    zone: ZoneInfo | None,
) -> bool:
    """Whether a bedtime reminder is too late to send. The rule:

        stale  <=>  now > min(due_at, bedtime of its night) + BEDTIME_GRACE (one hour)

    A bedtime reminder, or a snoozed copy of one, is skipped as stale (never sent late) once more
    than an hour has passed since its own send time (`due_at`), or since the bedtime it is for,
    whichever comes first. The reminder itself is due before its bedtime, so for it the first
    bound bites: with the default 30-minute lead no later than 30 minutes after bedtime, with a
    180-minute lead no later than two hours before it. The second bound is for copies due after
    bedtime (snoozes): never more than an hour after bedtime, whatever the lead. Exactly an hour
    late is still sent.

    The bedtime is the user's current one (`bedtime`, in `zone`) on the night the occurrence
    names ("2026-03-10", or "2026-03-10~snooze-2"); without one (no zone, an unreadable key),
    only the first bound applies.
    """
    if now > due_at + BEDTIME_GRACE:
        return True
    if bedtime is None or zone is None:
        return False
    try:
        night = dt.date.fromisoformat(base_occurrence(occurrence))
    except ValueError:
        return False
    return now > bedtime_night_of(night, bedtime, zone) + BEDTIME_GRACE


def next_bedtime(
    zone: ZoneInfo, bedtime: dt.time, lead_minutes: int, now: dt.datetime
) -> Occurrence:
    return next(bedtime_occurrences(zone, bedtime, lead_minutes, now))


@dataclass(frozen=True)
class Session:
    id: int
    starts_at: dt.datetime
    planned: bool = True  # done sessions still replace a routine occurrence, but get no reminder


@dataclass(frozen=True)
class Slot:
    id: int
    weekday: int  # Monday = 0
    start_time: dt.time


def exercise_occurrences(
    zone: ZoneInfo,
    lead_minutes: int,
    now: dt.datetime,
    sessions: Iterable[Session],
    slots: Iterable[Slot],
) -> list[Occurrence]:
    """Pre-exercise reminders for sessions and routine slots that have not started, earliest first.

    `sessions` are the user's non-cancelled sessions (include today's earlier ones: they can
    replace a routine occurrence). A routine occurrence is superseded by a session that starts
    within SUPERSEDE_WINDOW of it on the same local date.
    """
    lead = dt.timedelta(minutes=lead_minutes)
    now = now.astimezone(UTC)
    sessions = list(sessions)
    found = [
        Occurrence(
            max(s.starts_at - lead, now),
            session_key(s.id, s.starts_at),
            s.starts_at.astimezone(UTC),
        )
        for s in sessions
        if s.planned and s.starts_at > now
    ]
    today = now.astimezone(zone).date()
    for slot in slots:
        for offset in range(ROUTINE_HORIZON_DAYS):
            day = today + dt.timedelta(days=offset)
            if day.weekday() != slot.weekday:
                continue
            starts = local_instant(day, slot.start_time, zone)
            if starts <= now or _superseded(starts, day, sessions, zone):
                continue
            key = f"routine:{slot.id}:{day.isoformat()}"
            found.append(Occurrence(max(starts - lead, now), key, starts))
    return sorted(found)


def _superseded(starts: dt.datetime, day: dt.date, sessions: list[Session], zone) -> bool:
    return any(
        abs(s.starts_at - starts) <= SUPERSEDE_WINDOW and s.starts_at.astimezone(zone).date() == day
        for s in sessions
    )


def session_key(session_id: int, starts_at: dt.datetime) -> str:
    """'session:12:2026-03-10T17:30Z': the session and its start (UTC, to the minute)."""
    return f"session:{session_id}:{starts_at.astimezone(UTC).strftime(_KEY_MINUTE)}"


def key_minute(instant: dt.datetime) -> dt.datetime:
    """An instant as a session key holds it: UTC, to the minute."""
    return instant.astimezone(UTC).replace(second=0, microsecond=0)


def split_occurrence(key: str) -> tuple[str, int]:
    """'2026-03-10~snooze-2' -> ('2026-03-10', 2); an original occurrence has snooze number 0."""
    base, mark, number = key.partition(SNOOZE_MARK)
    if mark and number.isdigit():
        return base, int(number)
    return key, 0


def base_occurrence(key: str) -> str:
    """The occurrence a snoozed copy ("<key>~snooze-<n>") was made from."""
    return split_occurrence(key)[0]


def routine_key_parts(key: str) -> tuple[int, dt.date] | None:
    """(slot id, local date) of a "routine:<slot>:<date>" key (or its snooze), else None."""
    kind, _, rest = base_occurrence(key).partition(":")
    slot_id, _, day = rest.partition(":")
    if kind != "routine":
        return None
    try:
        return int(slot_id), dt.date.fromisoformat(day)
    except ValueError:
        return None


def session_key_parts(key: str) -> tuple[int, dt.datetime | None] | None:
    """(session id, start or None) of a "session:<id>:<start>" key (or its snooze, or an older
    "session:<id>" key, whose start is None), else None."""
    kind, _, rest = base_occurrence(key).partition(":")
    if kind != "session":
        return None
    session_id, _, start = rest.partition(":")
    try:
        starts = dt.datetime.strptime(start, _KEY_MINUTE).replace(tzinfo=UTC) if start else None
        return int(session_id), starts
    except ValueError:
        return None


def session_key_id(key: str) -> int | None:
    parts = session_key_parts(key)
    return None if parts is None else parts[0]
