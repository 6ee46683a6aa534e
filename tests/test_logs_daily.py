import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cramps import daily
from cramps.models import IntakeEntry
from tests.conftest import NOW
from tests.factories import ExerciseSessionFactory, HydrationFactory, UserFactory

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("seconds", "choice"),
    [(1, "lt1"), (59, "lt1"), (60, "1to5"), (300, "1to5"), (301, "5to10"), (600, "5to10")]
    + [(601, "gt10"), (3600, "gt10")],
)
def test_a_stored_duration_falls_in_its_quick_choice(seconds, choice):
    assert daily.duration_for_seconds(seconds) == choice


def test_each_quick_choice_stores_a_duration_inside_its_own_range():
    for key, _label, _seconds in daily.DURATIONS:
        assert daily.duration_for_seconds(daily.seconds_for_duration(key)) == key


def test_over_10_minutes_is_stored_over_the_red_flag_threshold():
    assert daily.seconds_for_duration("gt10") > 600


@pytest.mark.parametrize(
    ("amount", "target", "expected"), [(0, 1600, 0), (800, 1600, 50), (3000, 1600, 100), (5, 0, 0)]
)
def test_progress_is_capped_at_full(amount, target, expected):
    assert daily.percent(amount, target) == expected


def test_day_totals_sum_one_local_day_in_the_database(db, django_assert_num_queries):
    user = UserFactory(timezone="America/New_York")  # UTC-4 in summer time
    # 9 March in New York runs from 04:00 UTC on 9 March to 04:00 UTC on 10 March.
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 9, 3, 59, tzinfo=UTC), amount_ml=1)
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 9, 4, 0, tzinfo=UTC), amount_ml=10)
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 10, 3, 59, tzinfo=UTC), amount_ml=100)
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 10, 4, 0, tzinfo=UTC), amount_ml=1000)
    IntakeEntry.objects.create(
        user=user, at=dt.datetime(2026, 3, 10, 3, 0, tzinfo=UTC), label="x", sodium_mg=500
    )
    with django_assert_num_queries(2):  # 1. the drinks sum  2. the four mineral sums
        totals = daily.day_totals(user, dt.date(2026, 3, 9))
    assert totals.drinks_ml == 110
    assert {m.name: m.mg for m in totals.minerals}["sodium"] == 500


def test_day_totals_of_an_empty_day_are_zero(db):
    user = UserFactory()
    totals = daily.day_totals(user, dt.date(2026, 3, 9))
    assert totals.drinks_ml == 0
    assert all(m.mg == 0 and m.percent == 0 for m in totals.minerals)


def test_a_done_session_without_a_warm_up_suggests_no(db):
    user = UserFactory()
    with time_machine.travel(NOW, tick=False):
        at = NOW - dt.timedelta(hours=1)
        ExerciseSessionFactory(user=user, starts_at=at, status="done", warmed_up=True)
        ExerciseSessionFactory(user=user, starts_at=at, status="done", warmed_up=False)
        ExerciseSessionFactory(user=user, starts_at=at, status="planned", warmed_up=None)
        entries = daily.day_entries(user, user.local_today())
    assert daily.suggested_habits(entries) == {"warmed_up": False}
