"""Patterns, honestly: for each habit, how often a cramp came in the night after a day it was
kept, against a day it was not.

Only days with an answer count (a check-in, or a log that says it); the night of today has not
happened yet, so it never counts. A pattern is shown only with at least `MIN_EACH_WAY` days
each way and `MIN_DAYS` days in all. It is a pattern in the user's own log, not proof: other
things change with a habit (a busy week, the weather), and that is what an experiment tests.
"""

import datetime as dt
from dataclasses import dataclass

from .daylog import HABITS, Habit

MIN_EACH_WAY = 3
MIN_DAYS = 14


@dataclass(frozen=True)
class Pattern:
    habit: Habit
    kept_days: int
    kept_cramp_nights: int
    missed_days: int
    missed_cramp_nights: int

    @property
    def enough(self) -> bool:
        return (
            self.kept_days >= MIN_EACH_WAY
            and self.missed_days >= MIN_EACH_WAY
            and self.kept_days + self.missed_days >= MIN_DAYS
        )

    @property
    def kept_rate(self) -> float | None:
        return self.kept_cramp_nights / self.kept_days if self.kept_days else None

    @property
    def missed_rate(self) -> float | None:
        return self.missed_cramp_nights / self.missed_days if self.missed_days else None

    @property
    def kept_percent(self) -> int | None:
        return None if self.kept_rate is None else round(100 * self.kept_rate)

    @property
    def missed_percent(self) -> int | None:
        return None if self.missed_rate is None else round(100 * self.missed_rate)

    @property
    def direction(self) -> str:
        """ "fewer", "more" or "same": cramp nights after kept days, against the others. Only
        meaningful when `enough`."""
        if not self.enough:
            return "unknown"
        if self.kept_percent < self.missed_percent:
            return "fewer"
        if self.kept_percent > self.missed_percent:
            return "more"
        return "same"


def patterns(days: dict, today: dt.date) -> list[Pattern]:
    """Each habit's pattern over `days` (from `load_days`): nights with at least one cramp in
    bed after the days it was kept and the days it was not."""
    done = [days[d] for d in sorted(days) if d < today]
    out = []
    for habit in HABITS:
        kept = [day for day in done if day.habits.get(habit.slug) is True]
        missed = [day for day in done if day.habits.get(habit.slug) is False]
        out.append(
            Pattern(
                habit=habit,
                kept_days=len(kept),
                kept_cramp_nights=sum(1 for day in kept if day.night_cramps),
                missed_days=len(missed),
                missed_cramp_nights=sum(1 for day in missed if day.night_cramps),
            )
        )
    return out
