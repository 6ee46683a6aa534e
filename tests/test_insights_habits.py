"""Habit strength (Loop Habit Tracker's formula) and streaks, against hand-computed values."""

import datetime as dt

import pytest

from cramps.insights import habits
from cramps.insights.daylog import HABITS, Day

M = 0.5 ** (1 / 13)  # a daily habit: frequency 1


def test_the_multiplier_is_loops_for_a_daily_habit():
    assert habits.multiplier(1.0) == pytest.approx(0.948078, abs=1e-6)
    # Three times a week: sqrt(3/7) / 13.
    assert habits.multiplier(3 / 7) == pytest.approx(0.965697, abs=1e-6)


def test_a_kept_day_adds_one_minus_m_and_a_miss_takes_a_share_away():
    got = habits.scores([True, True, False])
    # By hand: 0 -> 1-m = 0.051922 -> 0.051922*m + 0.051922 = 0.101149 -> 0.101149*m = 0.095897
    assert got == pytest.approx([0.051922, 0.101149, 0.095897], abs=1e-6)


def test_a_missed_day_lowers_the_score_gently():
    thirty = habits.scores([True] * 30)[-1]
    assert thirty == pytest.approx(1 - M**30, abs=1e-12)
    after_miss = habits.scores([True] * 30 + [False])[-1]
    # One miss after a month costs about 5% of the score, not all of it.
    assert after_miss == pytest.approx(thirty * M)
    assert after_miss > 0.75


def test_a_day_that_does_not_apply_leaves_the_score_alone():
    assert habits.scores([True, None, None]) == pytest.approx([1 - M, 1 - M, 1 - M])


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ([], (0, 0)),
        ([True, True, False, True], (1, 2)),
        ([True, None, True, True], (3, 3)),  # a day that did not apply does not break a run
        ([True, True, True, False], (0, 3)),
        ([False, None], (0, 0)),
    ],
)
def test_streaks_count_runs_of_kept_days(marks, expected):
    assert habits.streaks(marks) == expected


TODAY = dt.date(2026, 3, 10)


def _days(marks_by_slug: dict, n: int, active=True):
    days = {}
    for i in range(n):
        date = TODAY - dt.timedelta(days=n - 1 - i)
        habits_today = {h.slug: None for h in HABITS}
        for slug, marks in marks_by_slug.items():
            habits_today[slug] = marks[i]
        days[date] = Day(date, habits=habits_today, active=active)
    return days


def _strength(result, slug):
    return next(h for h in result if h.slug == slug)


def test_a_daily_habits_unanswered_day_is_a_missed_day_and_today_waits_for_an_answer():
    # Ten days: kept, kept, (no answer), kept ... ; today not answered yet.
    marks = [True, True, None, True, True, True, True, True, True, None]
    result = habits.habit_strengths(_days({"stretch-before-bed": marks}, 10), TODAY)
    h = _strength(result, "stretch-before-bed")
    expected = habits.scores([True, True, False, True, True, True, True, True, True])[-1]
    # In closed form: two kept days, weighed down by seven more, plus six kept days.
    assert expected == pytest.approx((1 - M**2) * M**7 + (1 - M**6))
    assert h.score == 34
    assert (h.current_streak, h.best_streak) == (6, 6)
    assert (h.kept, h.known) == (8, 8)


def test_a_habit_that_applies_some_days_skips_the_others():
    marks = [True, None, None, True, None, False, None, True, None, None]
    h = _strength(
        habits.habit_strengths(_days({"warm-up-stretch": marks}, 10), TODAY), "warm-up-stretch"
    )
    assert h.score == round(100 * habits.scores([True, True, False, True])[-1])
    assert (h.current_streak, h.best_streak) == (1, 2)


def test_the_trend_is_the_score_at_each_weeks_end_and_the_change_a_weeks():
    marks = [True] * 21
    h = _strength(
        habits.habit_strengths(_days({"loose-clothing": marks}, 21), TODAY), "loose-clothing"
    )
    week = habits.scores(marks)
    assert h.trend == (round(100 * week[6]), round(100 * week[13]), round(100 * week[20]))
    assert h.change == round(100 * week[20]) - round(100 * week[13])
    assert h.direction == "up"
    assert h.sparkline.startswith("0,")


def test_days_before_the_first_log_do_not_count_as_misses():
    days = _days({"loose-clothing": [None] * 5 + [True] * 5}, 10)
    for date in list(days)[:5]:
        days[date].active = False
    h = _strength(habits.habit_strengths(days, TODAY), "loose-clothing")
    assert h.score == round(100 * (1 - M**5))


def test_today_counts_once_kept_and_is_never_a_miss_before_it_is_over():
    morning = habits.habit_strengths(_days({"stretch-before-bed": [True, True, False]}, 3), TODAY)
    evening = habits.habit_strengths(_days({"stretch-before-bed": [True, True, True]}, 3), TODAY)
    assert _strength(morning, "stretch-before-bed").score == round(100 * (1 - M**2))
    assert _strength(evening, "stretch-before-bed").score == round(100 * (1 - M**3))
