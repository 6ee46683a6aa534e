"""A user's local day: every entry of it, read once, and what those entries already tell."""

import datetime as dt
from dataclasses import dataclass

from cramps.models import CrampEpisode, ExerciseSession, HydrationEntry, IntakeEntry, StretchEntry
from cramps.totals import DayTotals, day_totals


@dataclass(frozen=True)
class DayEntries:
    episodes: list
    drinks: list
    intake: list
    stretches: list
    exercise: list

    def totals(self, user) -> DayTotals:
        """Drinks and minerals summed from these rows: no second read."""
        return day_totals(user, self.drinks, self.intake)

    def suggested_habits(self) -> dict:
        """Check-in answers the day's log already gives, before the user has checked in."""
        suggested = {}
        if any(s.occasion == StretchEntry.Occasion.BEFORE_BED for s in self.stretches):
            suggested["stretched_before_bed"] = True
        done = [e for e in self.exercise if e.status == ExerciseSession.Status.DONE]
        warmed = {e.warmed_up for e in done} - {None}
        if warmed:
            # One session without a warm-up is enough to answer "no".
            suggested["warmed_up"] = all(warmed)
        return suggested


def day_entries(user, day: dt.date) -> DayEntries:
    """Every entry of the user's local day, oldest first: one query per kind (the cramps' trials
    one more), however many rows."""

    def of(model):
        return list(model.objects.on_day(user, day).with_details())

    return DayEntries(
        episodes=of(CrampEpisode),
        drinks=of(HydrationEntry),
        intake=of(IntakeEntry),
        stretches=of(StretchEntry),
        exercise=of(ExerciseSession),
    )
