"""Habit strength and streaks, as in Loop Habit Tracker.

Loop's score: each day, score = previous x m + done x (1 - m), with m = 0.5 ** (sqrt(f) / 13)
and f the habit's frequency per day (1 for a daily habit), so a kept day adds a little and a
missed day takes a little away: one miss never wipes out weeks of practice. A day's weight
halves in about 13 days, so 26 weeks of history give the same figure as all of it.

Daily habits count a day without a yes as missed (as an unticked day in Loop). Habits that
apply only on some days (a warm-up on exercise days) leave the score alone on days without an
answer, and their streaks count the days they applied.
"""

import datetime as dt
import math
from dataclasses import dataclass

from .daylog import HABITS, Habit

# Weekly points of the small trend line.
TREND_WEEKS = 8


def multiplier(frequency: float = 1.0) -> float:
    return 0.5 ** (math.sqrt(frequency) / 13.0)


def scores(marks: list[bool | None], frequency: float = 1.0) -> list[float]:
    """The score after each day of `marks` (True kept, False missed, None: the day does not
    count and the score stays), starting from 0."""
    m = multiplier(frequency)
    score, out = 0.0, []
    for mark in marks:
        if mark is not None:
            score = score * m + (1.0 if mark else 0.0) * (1 - m)
        out.append(score)
    return out


def streaks(marks: list[bool | None]) -> tuple[int, int]:
    """(current, best): runs of kept days, oldest mark first. None days neither count nor
    break a run. The current run ends at the last mark."""
    current = best = 0
    for mark in marks:
        if mark is None:
            continue
        current = current + 1 if mark else 0
        best = max(best, current)
    return current, best


@dataclass(frozen=True)
class HabitStrength:
    habit: Habit
    score: int  # 0-100
    change: int  # points against a week before
    trend: tuple[int, ...]  # the score at the end of each of the last weeks, oldest first
    current_streak: int
    best_streak: int
    kept: int  # days kept in the period
    known: int  # days with an answer

    @property
    def slug(self):
        return self.habit.slug

    @property
    def sparkline(self) -> str:
        """The trend as SVG polyline points in a box 10 units a week wide, 20 high."""
        return " ".join(f"{10 * i},{20 - v / 5:g}" for i, v in enumerate(self.trend))

    @property
    def sparkline_width(self) -> int:
        return max(10, 10 * (len(self.trend) - 1))

    @property
    def direction(self) -> str:
        if self.change >= 3:
            return "up"
        if self.change <= -3:
            return "down"
        return "steady"


def marks_for(habit: Habit, days: list) -> list[bool | None]:
    """The day's mark for Loop: a daily habit's unknown day is a missed day."""
    marks = [day.habits.get(habit.slug) for day in days]
    if habit.daily:
        marks = [bool(mark) for mark in marks]
    return marks


def habit_strengths(days: dict, today: dt.date) -> list[HabitStrength]:
    """Each habit's strength over `days` (from `load_days`), from the first day with anything
    logged up to today; today counts once the habit is kept, so a morning before the bedtime
    stretch does not lower the score."""
    ordered = [days[d] for d in sorted(days) if d <= today]
    first = next((i for i, day in enumerate(ordered) if day.active), None)
    ordered = [] if first is None else ordered[first:]
    out = []
    for habit in HABITS:
        marks = marks_for(habit, ordered)
        if ordered and ordered[-1].date == today and ordered[-1].habits.get(habit.slug) is not True:
            # Today is not over: it counts once kept, never as a miss.
            marks = marks[:-1]
        series = scores(marks)
        now = series[-1] if series else 0.0
        week_ago = series[-8] if len(series) >= 8 else 0.0
        trend = tuple(round(100 * series[i]) for i in range(len(series) - 1, -1, -7))[:TREND_WEEKS][
            ::-1
        ]
        current, best = streaks(marks)
        known = [m for m in (day.habits.get(habit.slug) for day in ordered) if m is not None]
        out.append(
            HabitStrength(
                habit=habit,
                score=round(100 * now),
                change=round(100 * now) - round(100 * week_ago),
                trend=trend,
                current_streak=current,
                best_streak=best,
                kept=sum(known),
                known=len(known),
            )
        )
    return out
