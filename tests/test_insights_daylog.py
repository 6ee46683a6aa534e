"""The day-by-day loader: local dates in the user's zone, nights from waking to waking, the
check-in and the log agreeing on each habit, and a fixed number of queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cramps.insights.daylog import load_days, night_of
from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    StretchEntry,
)
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = dt.date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)


def _cramp(user, at, context="asleep", severity=5):
    return CrampEpisode.objects.create(
        user=user, started_at=at, duration_seconds=120, side="left", severity=severity,
        context=context,
    )  # fmt: skip


def test_a_cramp_at_3am_belongs_to_the_night_of_the_day_before(owner):
    _cramp(owner, _at(MONDAY + dt.timedelta(days=1), 3))  # Tuesday 03:00 in Berlin
    days = load_days(owner, MONDAY, MONDAY + dt.timedelta(days=1))
    assert days[MONDAY].night_cramps == 1
    assert days[MONDAY].cramps == []
    assert len(days[MONDAY + dt.timedelta(days=1)].cramps) == 1


def test_local_dates_follow_the_users_zone_not_utc(owner):
    # 23:30 in Berlin on Monday is 22:30 UTC: Monday, in Berlin.
    HydrationEntry.objects.create(user=owner, at=_at(MONDAY, 23, 30), amount_ml=300)
    HydrationEntry.objects.create(
        user=owner, at=_at(MONDAY + dt.timedelta(days=1), 0, 30), amount_ml=200
    )
    days = load_days(owner, MONDAY, MONDAY + dt.timedelta(days=1))
    assert days[MONDAY].drinks_ml == 300
    assert days[MONDAY + dt.timedelta(days=1)].drinks_ml == 200


def test_the_night_follows_the_wake_time_across_a_clock_change(owner):
    # Berlin moves to summer time on 2026-03-29; a cramp at 04:30 on the 29th, before waking
    # at 07:00, is still the night of the 28th.
    at = _at(dt.date(2026, 3, 29), 4, 30)
    assert night_of(owner, at) == dt.date(2026, 3, 28)
    assert night_of(owner, _at(dt.date(2026, 3, 29), 7, 30)) == dt.date(2026, 3, 29)


def test_the_check_in_and_the_log_agree_on_each_habit(owner):
    routine = ReliefTechnique.objects.get(slug="bedtime-routine")
    banana = FoodItem.objects.get(slug="banana")
    StretchEntry.objects.create(
        user=owner, at=_at(MONDAY, 22), technique=routine, duration_minutes=5,
        occasion="before_bed",
    )  # fmt: skip
    # The check-in says no stretch, but the log has one: the logged stretch counts.
    CheckIn.objects.create(user=owner, date=MONDAY, stretched_before_bed=False, kept_warm=True)
    entry = IntakeEntry(user=owner, at=_at(MONDAY, 12), food=banana, servings=1)
    entry.fill_from_food()
    entry.save()
    ExerciseSession.objects.create(
        user=owner, starts_at=_at(MONDAY, 8), duration_minutes=30, activity="Run",
        status="done", warmed_up=False,
    )  # fmt: skip
    HydrationEntry.objects.create(user=owner, at=_at(MONDAY, 9), amount_ml=1200)  # of 1600
    sunday = MONDAY - dt.timedelta(days=1)
    days = load_days(owner, sunday, MONDAY)
    habits = days[MONDAY].habits
    assert habits["stretch-before-bed"] is True
    assert habits["keep-warm-after-cold"] is True
    assert habits["dietary-minerals"] is True
    assert habits["warm-up-stretch"] is False
    assert habits["drink-to-thirst"] is True  # 1200 ml is 75% of the 1600 ml guide
    assert habits["loose-clothing"] is None  # not answered
    assert days[MONDAY].minerals["potassium"] == banana.potassium_mg
    # Sunday has nothing logged: nothing is known.
    assert set(days[sunday].habits.values()) == {None}
    assert not days[sunday].active


def test_an_active_day_without_a_logged_stretch_or_food_is_a_day_without(owner):
    HydrationEntry.objects.create(user=owner, at=_at(MONDAY, 9), amount_ml=250)
    habits = load_days(owner, MONDAY, MONDAY)[MONDAY].habits
    assert habits["stretch-before-bed"] is False
    assert habits["dietary-minerals"] is False
    assert habits["drink-to-thirst"] is False


def test_it_reads_only_the_users_own_log(owner, outsider):
    _cramp(outsider, _at(MONDAY, 3))
    CheckIn.objects.create(user=outsider, date=MONDAY, loose_clothing=True)
    day = load_days(owner, MONDAY, MONDAY)[MONDAY]
    assert day.cramps == [] and day.night_cramps == 0 and not day.active


def test_it_reads_any_range_in_two_queries(owner, django_assert_num_queries):
    for n in range(40):
        _cramp(owner, _at(MONDAY - dt.timedelta(days=n), 3))
        HydrationEntry.objects.create(
            user=owner, at=_at(MONDAY - dt.timedelta(days=n), 10), amount_ml=250
        )
    # the per-day sums of drinks, intake, stretches and exercise with the check-ins (one
    # union), then the cramps
    with django_assert_num_queries(2):
        load_days(owner, MONDAY, MONDAY)
    with django_assert_num_queries(2):
        days = load_days(owner, MONDAY - dt.timedelta(days=365), MONDAY)
    assert sum(len(d.cramps) for d in days.values()) == 40
