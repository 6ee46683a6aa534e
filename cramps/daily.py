"""A user's day: the quick choices of the log forms and the day's totals and entries.

The pure helpers (duration buckets, progress) know nothing of requests; `day_totals` and
`day_entries` build the few queries the today page needs.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Sum

from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    StretchEntry,
    TechniqueTrial,
)

# The one-tap drink buttons on the today page, in ml.
QUICK_DRINKS_ML = (150, 250, 500)

# The library row behind "did my bedtime routine" (fixtures/techniques.json).
BEDTIME_ROUTINE_SLUG = "bedtime-routine"

# Quick duration choices for a cramp: (key, label, seconds stored). The stored figure is a
# representative value inside the range; "over 10 min" stays over the red-flag threshold.
DURATIONS = (
    ("lt1", "Under 1 min", 30),
    ("1to5", "1-5 min", 180),
    ("5to10", "5-10 min", 450),
    ("gt10", "Over 10 min", 900),
)
DEFAULT_DURATION = "1to5"
_DURATION_SECONDS = {key: seconds for key, _label, seconds in DURATIONS}


def seconds_for_duration(key: str) -> int:
    return _DURATION_SECONDS[key]


def duration_for_seconds(seconds: int) -> str:
    """The quick choice a stored duration falls in (an edit form shows it selected)."""
    if seconds < 60:
        return "lt1"
    if seconds <= 300:
        return "1to5"
    if seconds <= CrampEpisode.LONG_CRAMP_SECONDS:
        return "5to10"
    return "gt10"


def percent(amount: int, target: int) -> int:
    """Progress for a bar, capped at 100: a bar never invites going past the target."""
    if target <= 0:
        return 0
    return min(100, round(100 * amount / target))


@dataclass(frozen=True)
class MineralTotal:
    name: str
    mg: int
    target_mg: int

    @property
    def percent(self) -> int:
        return percent(self.mg, self.target_mg)


@dataclass(frozen=True)
class DayTotals:
    drinks_ml: int
    drinks_target_ml: int
    minerals: tuple[MineralTotal, ...]

    @property
    def drinks_percent(self) -> int:
        return percent(self.drinks_ml, self.drinks_target_ml)

    @property
    def drinks_reached(self) -> bool:
        return self.drinks_ml >= self.drinks_target_ml


def day_totals(user, day: dt.date) -> DayTotals:
    """Drinks and minerals of the user's local day, summed in the database (two queries)."""
    start, end = user.day_bounds(day)
    drinks = (
        HydrationEntry.objects.for_user(user)
        .between(start, end)
        .aggregate(ml=Sum("amount_ml"))["ml"]
    )
    sums = (
        IntakeEntry.objects.for_user(user)
        .between(start, end)
        .aggregate(**{m: Sum(f"{m}_mg") for m in FoodItem.MINERALS})
    )
    targets = user.mineral_targets()
    return DayTotals(
        drinks_ml=drinks or 0,
        drinks_target_ml=user.drinks_target_ml,
        minerals=tuple(MineralTotal(m, sums[m] or 0, targets[m]) for m in FoodItem.MINERALS),
    )


def trials_prefetch() -> Prefetch:
    """An episode's trials with their technique, in one query for any number of episodes."""
    return Prefetch("trials", queryset=TechniqueTrial.objects.select_related("technique"))


@dataclass(frozen=True)
class DayEntries:
    episodes: list
    drinks: list
    intake: list
    stretches: list
    exercise: list


def day_entries(user, day: dt.date) -> DayEntries:
    """Every entry of the user's local day, oldest first (six queries, however many rows)."""
    start, end = user.day_bounds(day)

    def of(model):
        field = model.TIME_FIELD
        return model.objects.for_user(user).between(start, end).order_by(field, "pk")

    return DayEntries(
        episodes=list(of(CrampEpisode).prefetch_related(trials_prefetch())),
        drinks=list(of(HydrationEntry)),
        intake=list(of(IntakeEntry).select_related("food")),
        stretches=list(of(StretchEntry).select_related("technique")),
        exercise=list(of(ExerciseSession)),
    )


def bedtime_routine():
    """The bedtime routine of the library, or None while the library is not loaded."""
    return (
        ReliefTechnique.objects.filter(slug=BEDTIME_ROUTINE_SLUG).first()
        or ReliefTechnique.objects.filter(
            kind=ReliefTechnique.Kind.ROUTINE, slug__contains="bedtime"
        ).first()
    )


def tick_habit(user, day: dt.date, habit: str) -> CheckIn:
    """Mark one habit of a day's check-in as done, creating the check-in when missing."""
    checkin, _created = CheckIn.objects.update_or_create(
        user=user, date=day, defaults={habit: True}
    )
    return checkin


def suggested_habits(entries: DayEntries) -> dict:
    """Check-in answers the day's log already gives, before the user has checked in."""
    suggested = {}
    if any(s.occasion == StretchEntry.Occasion.BEFORE_BED for s in entries.stretches):
        suggested["stretched_before_bed"] = True
    done = [e for e in entries.exercise if e.status == ExerciseSession.Status.DONE]
    warmed = {e.warmed_up for e in done} - {None}
    if warmed:
        # One session without a warm-up is enough to answer "no".
        suggested["warmed_up"] = all(warmed)
    return suggested
