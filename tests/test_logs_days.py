import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cramps import totals
from cramps.days import day_entries
from cramps.forms import choices
from cramps.models import HydrationEntry, IntakeEntry
from tests.conftest import NOW
from tests.factories import ExerciseSessionFactory, HydrationFactory, UserFactory

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("seconds", "choice"),
    [(1, "lt1"), (59, "lt1"), (60, "1to5"), (300, "1to5"), (301, "5to10"), (600, "5to10")]
    + [(601, "gt10"), (3600, "gt10")],
)
def test_a_stored_duration_falls_in_its_quick_choice(seconds, choice):
    assert choices.duration_for_seconds(seconds) == choice


def test_each_quick_choice_stores_a_duration_inside_its_own_range():
    for key, _label, _seconds in choices.DURATIONS:
        assert choices.duration_for_seconds(choices.seconds_for_duration(key)) == key


def test_over_10_minutes_is_stored_over_the_red_flag_threshold():
    assert choices.seconds_for_duration("gt10") > 600


@pytest.mark.parametrize(
    ("amount", "target", "expected"), [(0, 1600, 0), (800, 1600, 50), (3000, 1600, 100), (5, 0, 0)]
)
def test_progress_is_capped_at_full(amount, target, expected):
    assert totals.percent(amount, target) == expected


def test_a_days_entries_are_one_local_day_read_in_one_query_per_kind(db, django_assert_num_queries):
    user = UserFactory(timezone="America/New_York")  # UTC-4 in summer time
    # 9 March in New York runs from 04:00 UTC on 9 March to 04:00 UTC on 10 March.
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 9, 3, 59, tzinfo=UTC), amount_ml=1)
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 9, 4, 0, tzinfo=UTC), amount_ml=10)
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 10, 3, 59, tzinfo=UTC), amount_ml=100)
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 10, 4, 0, tzinfo=UTC), amount_ml=1000)
    IntakeEntry.objects.create(
        user=user, at=dt.datetime(2026, 3, 10, 3, 0, tzinfo=UTC), label="x", sodium_mg=500
    )
    # 1. episodes (none, so no trials query)  2. drinks  3. intake with foods
    # 4. stretches with techniques  5. exercise
    with django_assert_num_queries(5):
        entries = day_entries(user, dt.date(2026, 3, 9))
    assert [d.amount_ml for d in entries.drinks] == [10, 100]  # oldest first
    with django_assert_num_queries(0):  # summed from the rows already read
        day = entries.totals(user)
    assert day.drinks_ml == 110
    assert {m.name: m.mg for m in day.minerals}["sodium"] == 500


def test_totals_sum_the_rows_they_are_given():
    user = UserFactory.build(drinks_target_ml=1600)
    drinks = [HydrationEntry(amount_ml=400), HydrationEntry(amount_ml=400)]
    intake = [IntakeEntry(magnesium_mg=100), IntakeEntry(magnesium_mg=50, sodium_mg=20)]
    day = totals.day_totals(user, drinks, intake)
    assert (day.drinks_ml, day.drinks_percent, day.drinks_reached) == (800, 50, False)
    assert {m.name: m.mg for m in day.minerals} == {
        "potassium": 0,
        "calcium": 0,
        "magnesium": 150,
        "sodium": 20,
    }


def test_day_totals_of_an_empty_day_are_zero(db):
    user = UserFactory()
    day = day_entries(user, dt.date(2026, 3, 9)).totals(user)
    assert day.drinks_ml == 0
    assert all(m.mg == 0 and m.percent == 0 for m in day.minerals)


def test_a_done_session_without_a_warm_up_suggests_no(db):
    user = UserFactory()
    with time_machine.travel(NOW, tick=False):
        at = NOW - dt.timedelta(hours=1)
        ExerciseSessionFactory(user=user, starts_at=at, status="done", warmed_up=True)
        ExerciseSessionFactory(user=user, starts_at=at, status="done", warmed_up=False)
        ExerciseSessionFactory(user=user, starts_at=at, status="planned", warmed_up=None)
        entries = day_entries(user, user.local_today())
    assert entries.suggested_habits() == {"warmed_up": False}
