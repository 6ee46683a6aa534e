"""Properties of the reminder time arithmetic (cramps/reminders/timing.py), for any zone in
`zoneinfo.available_timezones()`, any bedtime and lead, any moment from 1971 to 2037.

Bounded examples; under CI=true the examples are derandomized (the same every run) and no
example database is written, so a failure is reproducible from the log alone.
"""

import datetime as dt
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cramps.reminders import timing
from tests.conftest import IN_CI

UTC = dt.UTC
ZONES = sorted(available_timezones())

bounded = settings(
    max_examples=300,
    deadline=None,
    derandomize=IN_CI,
    database=None if IN_CI else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow],
)

zones = st.sampled_from(ZONES).map(ZoneInfo)
moments = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2037, 12, 31), timezones=st.just(UTC)
)
walls = st.times()
leads = st.integers(min_value=5, max_value=180)
days = st.dates(min_value=dt.date(1971, 1, 1), max_value=dt.date(2037, 12, 31))


def _wall(instant: dt.datetime, zone) -> dt.datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


@bounded
@given(zone=zones, day=days, wall=walls)
def test_a_local_time_fires_at_that_wall_time_or_the_first_valid_instant_after_its_gap(
    zone, day, wall
):
    target = dt.datetime.combine(day, wall.replace(tzinfo=None))
    instant = timing.local_instant(day, wall, zone)

    if _wall(instant, zone) == target.replace(microsecond=instant.microsecond):
        # It exists: the first of its instants when the clocks repeat it.
        earlier = [
            c
            for c in (target.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
            if _wall(c, zone) == target
        ]
        assert instant == min(earlier)
    else:
        # Skipped by a jump forward: the jump itself, the first instant after the gap.
        assert _wall(instant - dt.timedelta(seconds=1), zone) < target
        assert _wall(instant, zone) > target


@bounded
@given(zone=zones, bedtime=walls, lead=leads, now=moments)
def test_the_next_bedtime_reminder_is_never_in_the_past(zone, bedtime, lead, now):
    occurrence = timing.next_bedtime(zone, bedtime, lead, now)

    assert occurrence.starts_at > now
    assert now <= occurrence.due_at <= occurrence.starts_at
    assert occurrence.due_at >= occurrence.starts_at - dt.timedelta(minutes=lead)
    # The bedtime it is for is that night's bedtime on the user's clock.
    night = dt.date.fromisoformat(occurrence.key)
    assert occurrence.starts_at == timing.bedtime_night_of(night, bedtime, zone)


@bounded
@given(zone=zones, bedtime=walls, lead=leads, now=moments)
def test_each_night_has_one_reminder_in_order(zone, bedtime, lead, now):
    occurrences = list(timing.bedtime_occurrences(zone, bedtime, lead, now))
    keys = [o.key for o in occurrences]

    assert len(set(keys)) == len(keys)
    assert keys == sorted(keys)
    assert [o.starts_at for o in occurrences] == sorted(o.starts_at for o in occurrences)
    nights = [dt.date.fromisoformat(k) for k in keys]
    assert all((b - a).days == 1 for a, b in zip(nights, nights[1:], strict=False))


@bounded
@given(zone=zones, bedtime=walls, lead=leads, now=moments)
def test_once_sent_the_next_reminder_is_for_another_night(zone, bedtime, lead, now):
    first = timing.next_bedtime(zone, bedtime, lead, now)
    # The dispatcher plans again once the occurrence is due, and again at its bedtime.
    at_due = timing.next_bedtime(zone, bedtime, lead, first.due_at + dt.timedelta(seconds=1))
    after = timing.next_bedtime(zone, bedtime, lead, first.starts_at)

    assert after.key != first.key
    assert after.starts_at > first.starts_at
    assert at_due.key == first.key or at_due.starts_at > first.starts_at


@bounded
@given(
    zone=zones,
    lead=leads,
    now=moments,
    slots=st.lists(
        st.builds(timing.Slot, id=st.integers(1, 50), weekday=st.integers(0, 6), start_time=walls),
        max_size=4,
        unique_by=lambda s: s.id,
    ),
    offsets=st.lists(st.integers(-3 * 24 * 60, 10 * 24 * 60), max_size=4),
)
def test_exercise_reminders_are_ahead_and_once_each(zone, lead, now, slots, offsets):
    sessions = [
        timing.Session(id=n, starts_at=now + dt.timedelta(minutes=m))
        for n, m in enumerate(offsets, start=1)
    ]

    found = timing.exercise_occurrences(zone, lead, now, sessions, slots)

    keys = [o.key for o in found]
    assert len(set(keys)) == len(keys)
    for occurrence in found:
        assert occurrence.starts_at > now
        assert now <= occurrence.due_at <= occurrence.starts_at
    for slot_occurrence in (o for o in found if o.key.startswith("routine:")):
        slot_id, day = timing.routine_key_parts(slot_occurrence.key)
        slot = next(s for s in slots if s.id == slot_id)
        assert day.weekday() == slot.weekday
        assert slot_occurrence.starts_at == timing.local_instant(day, slot.start_time, zone)
