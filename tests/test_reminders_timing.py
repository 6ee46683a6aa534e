"""Reminder timing: local wall times to UTC instants, DST, far zones, nights after midnight.

Pure functions: no database, no clock. Expected instants are written in UTC on purpose, worked out
by hand from each zone's offset, so a wrong offset in the code cannot hide in the test.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cramps.reminders import timing
from cramps.reminders.timing import Session, Slot

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


# Local instants and DST


def test_it_fires_a_time_skipped_by_spring_forward_at_the_first_valid_instant():
    # Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    assert timing.local_instant(dt.date(2026, 3, 29), dt.time(2, 30), BERLIN) == utc(
        2026, 3, 29, 1, 0
    )
    assert timing.local_instant(dt.date(2026, 3, 29), dt.time(2, 0), BERLIN) == utc(
        2026, 3, 29, 1, 0
    )


def test_it_fires_a_repeated_time_at_its_first_occurrence():
    # Berlin 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    assert timing.local_instant(dt.date(2026, 10, 25), dt.time(2, 30), BERLIN) == utc(
        2026, 10, 25, 0, 30
    )


def test_it_finds_the_end_of_a_whole_skipped_day():
    # Samoa skipped 2011-12-30 entirely: the first valid instant is 2011-12-31 00:00 (+14).
    apia = ZoneInfo("Pacific/Apia")
    assert timing.local_instant(dt.date(2011, 12, 30), dt.time(10), apia) == utc(
        2011, 12, 30, 10, 0
    )


# Bedtime


def test_it_reminds_lead_minutes_before_bedtime_tonight():
    now = utc(2026, 3, 10, 9, 0)  # 10:00 in Berlin
    occurrence = timing.next_bedtime(BERLIN, dt.time(22, 30), 30, now)
    assert occurrence.key == "2026-03-10"
    assert occurrence.starts_at == utc(2026, 3, 10, 21, 30)
    assert occurrence.due_at == utc(2026, 3, 10, 21, 0)


def test_a_bedtime_in_the_spring_forward_gap_fires_at_three_local():
    now = utc(2026, 3, 28, 12, 0)
    occurrence = timing.next_bedtime(BERLIN, dt.time(2, 30), 0, now)
    # The night of Saturday 2026-03-28; 02:30 does not exist on Sunday, 03:00 CEST does.
    assert occurrence.key == "2026-03-28"
    assert occurrence.due_at == utc(2026, 3, 29, 1, 0)
    assert occurrence.due_at.astimezone(BERLIN).time() == dt.time(3, 0)


def test_the_lead_is_real_minutes_even_across_spring_forward():
    now = utc(2026, 3, 28, 12, 0)
    occurrence = timing.next_bedtime(BERLIN, dt.time(2, 30), 30, now)
    # Bedtime is 03:00 CEST (01:00 UTC); half an hour earlier it is 01:30 CET.
    assert occurrence.due_at == utc(2026, 3, 29, 0, 30)


def test_a_bedtime_in_the_repeated_hour_fires_once():
    before = utc(2026, 10, 24, 12, 0)
    first = timing.next_bedtime(BERLIN, dt.time(2, 30), 0, before)
    assert (first.key, first.due_at) == ("2026-10-24", utc(2026, 10, 25, 0, 30))
    # Between the first and the second 02:30 the next reminder is the following night's.
    between = utc(2026, 10, 25, 1, 0)  # 02:00 CET, the clock's second pass
    again = timing.next_bedtime(BERLIN, dt.time(2, 30), 0, between)
    assert again.key == "2026-10-25"
    assert again.due_at == utc(2026, 10, 26, 1, 30)  # 02:30 CET


def test_the_nights_after_a_dst_change_keep_their_local_time():
    occurrences = list(timing.bedtime_occurrences(BERLIN, dt.time(22, 30), 30, utc(2026, 3, 28, 9)))
    # 22:00 CET is 21:00 UTC; from Sunday on, 22:00 CEST is 20:00 UTC.
    assert [o.due_at for o in occurrences[:3]] == [
        utc(2026, 3, 28, 21, 0),
        utc(2026, 3, 29, 20, 0),
        utc(2026, 3, 30, 20, 0),
    ]


def test_it_follows_new_york_through_its_dst_change():
    # New York springs forward on 2026-03-08: 22:00 EST is 03:00 UTC, 22:00 EDT is 02:00 UTC.
    occurrences = list(timing.bedtime_occurrences(NEW_YORK, dt.time(22, 30), 30, utc(2026, 3, 7)))
    assert [(o.key, o.due_at) for o in occurrences[:3]] == [
        ("2026-03-06", utc(2026, 3, 7, 3, 0)),
        ("2026-03-07", utc(2026, 3, 8, 3, 0)),
        ("2026-03-08", utc(2026, 3, 9, 2, 0)),
    ]


def test_it_handles_a_quarter_hour_offset_in_kathmandu():
    occurrence = timing.next_bedtime(KATHMANDU, dt.time(22, 0), 15, utc(2026, 3, 10, 9))
    # 21:45 at +05:45 is 16:00 UTC.
    assert (occurrence.key, occurrence.due_at) == ("2026-03-10", utc(2026, 3, 10, 16, 0))


def test_it_names_the_night_by_the_local_date_in_kiritimati():
    # 09:00 UTC on 2026-03-10 is 23:00 on 2026-03-10 at +14: tonight's 21:00 has passed.
    occurrence = timing.next_bedtime(KIRITIMATI, dt.time(21, 0), 30, utc(2026, 3, 10, 9))
    assert occurrence.key == "2026-03-11"
    assert occurrence.due_at == utc(2026, 3, 11, 6, 30)  # 20:30 local on the 11th


def test_a_bedtime_after_midnight_belongs_to_the_evening_before():
    evening = utc(2026, 3, 10, 21, 0)  # 22:00 in Berlin on the 10th
    occurrence = timing.next_bedtime(BERLIN, dt.time(0, 30), 30, evening)
    assert occurrence.key == "2026-03-10"
    assert occurrence.starts_at == utc(2026, 3, 10, 23, 30)  # 00:30 on the 11th
    assert occurrence.due_at == utc(2026, 3, 10, 23, 0)


def test_after_midnight_the_same_night_is_still_ahead():
    just_after_midnight = utc(2026, 3, 10, 23, 10)  # 00:10 in Berlin on the 11th
    occurrence = timing.next_bedtime(BERLIN, dt.time(0, 30), 30, just_after_midnight)
    assert occurrence.key == "2026-03-10"
    assert occurrence.due_at == just_after_midnight  # its reminder time passed: due now


def test_a_bedtime_set_two_minutes_from_now_is_due_now_not_tomorrow():
    now = utc(2026, 3, 10, 21, 28)  # 22:28 in Berlin
    occurrence = timing.next_bedtime(BERLIN, dt.time(22, 30), 30, now)
    assert occurrence.key == "2026-03-10"
    assert occurrence.due_at == now


def test_once_bedtime_has_passed_the_next_is_tomorrow():
    now = utc(2026, 3, 10, 21, 31)  # 22:31 in Berlin
    occurrence = timing.next_bedtime(BERLIN, dt.time(22, 30), 30, now)
    assert (occurrence.key, occurrence.due_at) == ("2026-03-11", utc(2026, 3, 11, 21, 0))


# Before exercise

NOW = utc(2026, 3, 10, 9, 0)  # Tuesday, 10:00 in Berlin


def test_it_reminds_before_a_planned_session():
    sessions = [Session(7, utc(2026, 3, 10, 17, 0))]
    [occurrence] = timing.exercise_occurrences(BERLIN, 45, NOW, sessions, [])
    assert occurrence.key == "session:7:2026-03-10T17:00Z"
    assert occurrence.due_at == utc(2026, 3, 10, 16, 15)


def test_it_ignores_sessions_already_started_and_done_ones():
    sessions = [Session(1, utc(2026, 3, 10, 8, 0)), Session(2, utc(2026, 3, 11, 8), planned=False)]
    assert timing.exercise_occurrences(BERLIN, 30, NOW, sessions, []) == []


def test_it_reminds_before_each_routine_slot_in_the_coming_week():
    slots = [Slot(3, weekday=1, start_time=dt.time(18, 30))]  # Tuesdays
    occurrences = timing.exercise_occurrences(BERLIN, 30, NOW, [], slots)
    assert [(o.key, o.due_at) for o in occurrences] == [
        ("routine:3:2026-03-10", utc(2026, 3, 10, 17, 0)),
        ("routine:3:2026-03-17", utc(2026, 3, 17, 17, 0)),
    ]


def test_a_planned_session_near_the_routine_time_supersedes_it():
    slots = [Slot(3, weekday=1, start_time=dt.time(18, 30))]
    near = Session(9, utc(2026, 3, 10, 18, 0))  # 19:00 local, half an hour after the slot
    occurrences = timing.exercise_occurrences(BERLIN, 30, NOW, [near], slots)
    assert [o.key for o in occurrences] == ["session:9:2026-03-10T18:00Z", "routine:3:2026-03-17"]


def test_a_session_already_done_today_still_supersedes_the_routine():
    slots = [Slot(3, weekday=1, start_time=dt.time(11, 0))]
    done = Session(4, utc(2026, 3, 10, 8, 30), planned=False)  # 09:30 local, before now
    occurrences = timing.exercise_occurrences(BERLIN, 30, NOW, [done], slots)
    assert [o.key for o in occurrences] == ["routine:3:2026-03-17"]


def test_a_session_hours_away_or_on_another_date_does_not_supersede():
    slots = [Slot(3, weekday=1, start_time=dt.time(23, 0))]  # Tuesdays 23:00 (22:00 UTC)
    far = Session(5, utc(2026, 3, 10, 10, 0))  # 11:00 local, twelve hours earlier
    next_day = Session(6, utc(2026, 3, 10, 23, 30))  # 00:30 on Wednesday: close, but not today
    occurrences = timing.exercise_occurrences(BERLIN, 30, NOW, [far, next_day], slots)
    assert "routine:3:2026-03-10" in [o.key for o in occurrences]


def test_a_routine_slot_in_the_spring_forward_gap_fires_at_three():
    slots = [Slot(2, weekday=6, start_time=dt.time(2, 30))]  # Sundays 02:30
    occurrences = timing.exercise_occurrences(BERLIN, 0, utc(2026, 3, 28, 12), [], slots)
    assert occurrences[0].key == "routine:2:2026-03-29"
    assert occurrences[0].starts_at.astimezone(BERLIN).time() == dt.time(3, 0)


def test_a_session_about_to_start_is_due_now():
    sessions = [Session(8, NOW + dt.timedelta(minutes=5))]
    [occurrence] = timing.exercise_occurrences(BERLIN, 30, NOW, sessions, [])
    assert occurrence.due_at == NOW


# Occurrence keys


def test_a_session_moved_to_another_time_is_another_occurrence():
    before = timing.exercise_occurrences(BERLIN, 30, NOW, [Session(7, utc(2026, 3, 10, 17))], [])
    moved = timing.exercise_occurrences(BERLIN, 30, NOW, [Session(7, utc(2026, 3, 10, 19))], [])
    assert before[0].key != moved[0].key
    # Seconds don't make another occurrence: the key holds the start to the minute, in UTC.
    again = Session(7, dt.datetime(2026, 3, 10, 18, 0, 42, tzinfo=BERLIN))
    assert timing.exercise_occurrences(BERLIN, 30, NOW, [again], [])[0].key == before[0].key


def test_it_reads_session_keys_with_their_start_and_snoozes():
    start = utc(2026, 3, 10, 17, 30)
    key = timing.session_key(12, start.astimezone(BERLIN))
    assert key == "session:12:2026-03-10T17:30Z"
    assert timing.session_key_parts(key) == (12, start)
    assert timing.session_key_parts(key + "~snooze-3") == (12, start)
    assert timing.split_occurrence(key + "~snooze-3") == (key, 3)
    assert timing.session_key_id(key + "~snooze-1") == 12
    assert timing.session_key_parts("session:12") == (12, None)  # written before starts were
    assert timing.session_key_parts("session:12:tomorrow") is None
    assert timing.session_key_parts("session:x:2026-03-10T17:30Z") is None
    assert timing.key_minute(dt.datetime(2026, 3, 10, 18, 30, 59, 5, tzinfo=BERLIN)) == start


def test_it_reads_snoozed_and_routine_keys():
    assert timing.base_occurrence("2026-03-10~snooze-2") == "2026-03-10"
    assert timing.split_occurrence("routine:4:2026-03-10~snooze-1") == ("routine:4:2026-03-10", 1)
    assert timing.session_key_id("session:12~snooze-1") == 12
    assert timing.routine_key_parts("routine:3:2026-03-17~snooze-1") == (3, dt.date(2026, 3, 17))
    assert timing.routine_key_parts("routine:3:2026-03-17") == (3, dt.date(2026, 3, 17))
    assert timing.routine_key_parts("routine:x:2026-03-17") is None
    assert timing.session_key_id("2026-03-10") is None


# Stale bedtime reminders


@pytest.mark.parametrize(
    ("due", "now", "stale"),
    [
        ((19, 30), (20, 30), False),  # a 180-minute lead: an hour late is still sent
        ((19, 30), (20, 31), True),  # over an hour after its send time, hours before bedtime
        ((22, 0), (23, 0), False),  # the default 30-minute lead
        ((22, 0), (23, 1), True),
        ((23, 25), (23, 30), False),  # a snooze after bedtime: up to an hour after bedtime
        ((23, 25), (23, 31), True),  # within an hour of its own time, but past bedtime + 1 h
    ],
)
def test_a_bedtime_reminder_is_stale_an_hour_after_its_time_or_after_bedtime(due, now, stale):
    def at(hour_minute):
        return dt.datetime(2026, 3, 10, *hour_minute, tzinfo=BERLIN)

    bedtime = dt.time(22, 30)
    for key in ("2026-03-10", "2026-03-10~snooze-2"):
        assert timing.bedtime_reminder_stale(at(now), at(due), key, bedtime, BERLIN) is stale


def test_a_bedtime_after_midnight_belongs_to_the_evening_before_when_judging_staleness():
    due = dt.datetime(2026, 3, 11, 0, 50, tzinfo=BERLIN)  # a snooze of the 00:30 bedtime
    late = dt.datetime(2026, 3, 11, 1, 31, tzinfo=BERLIN)
    assert timing.bedtime_reminder_stale(late, due, "2026-03-10", dt.time(0, 30), BERLIN)
    assert not timing.bedtime_reminder_stale(late, due, "unreadable", dt.time(0, 30), BERLIN)
