"""The report for a doctor: a period of the user's log in one printable page.

What it holds: how often cramps came and when (in bed or not, by week), the sides and muscles,
the durations, the red flags the log itself shows, the habits kept, experiment results, the
relief ratings and the medicines the user listed. What a log cannot show (a swollen or red leg,
weakness) the page says it does not show.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cramps.models import CrampEpisode, Experiment
from cramps.validators import EARLIEST

from . import experiments
from .daylog import HABITS, load_days
from .relief import rank, technique_ratings

# The longest period one report covers.
MAX_DAYS = 366
DEFAULT_DAYS = 90

# The same buckets as the log form's quick choices (seconds: upper bound, label).
DURATION_BUCKETS = (
    (59, gettext_lazy("Under 1 min")),
    (300, gettext_lazy("1-5 min")),
    (CrampEpisode.LONG_CRAMP_SECONDS, gettext_lazy("5-10 min")),
    (None, gettext_lazy("Over 10 min")),
)
# Cramps in bed at least once a week on average: "cramps that disturb sleep" (see a GP).
SLEEP_FLAG_PER_WEEK = 1.0


def experiment_results_for_report(user, start: dt.date, end: dt.date) -> list:
    """Experiments finished or stopped in the period, for the report: dicts with a "title" (the
    habit) and a "summary" (the verdict and its counts, and what it does not prove)."""
    summaries = []
    for found in experiments.experiment_results_for_report(user, start, end):
        results = found.results
        summary = _(
            "%(verdict)s: %(with)s cramps in %(with_nights)s nights with the habit, "
            "%(without)s in %(without_nights)s nights without (%(pairs)s complete pairs). "
            "A result about this person in those weeks, not proof for anyone else."
        ) % {
            "verdict": results.verdict_words,
            "with": results.cramps_habit,
            "with_nights": results.nights_habit,
            "without": results.cramps_none,
            "without_nights": results.nights_none,
            "pairs": results.pairs_used,
        }
        if found.experiment.status == Experiment.Status.STOPPED:
            summary = _("%(summary)s Stopped early: only its finished pairs count.") % {
                "summary": summary
            }
        summaries.append({"title": found.experiment.habit.title, "summary": summary})
    return summaries


@dataclass(frozen=True)
class Adherence:
    label: str
    kept: int
    known: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.kept / self.known) if self.known else None


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    days: int
    cramps: int
    cramp_days: int
    per_week: float
    night: int
    mean_severity: float | None
    worst_severity: int | None
    contexts: list  # (label, count), most first
    sides: list
    muscles: list
    durations: list  # (label, count), in bucket order
    long_cramps: list  # local datetimes of cramps over 10 minutes
    sleep_flag: bool
    adherence: list
    relief_ranked: list
    relief_few: list
    experiments: list
    medicines: list

    @property
    def night_percent(self) -> int | None:
        return round(100 * self.night / self.cramps) if self.cramps else None


def _counted(values, choices) -> list:
    labels = dict(choices)
    counts = Counter(values)
    return [(labels.get(key, key), n) for key, n in counts.most_common()]


def _bucket(seconds: int) -> int:
    """The index in DURATION_BUCKETS of the bucket `seconds` falls in."""
    for i, (limit, _label) in enumerate(DURATION_BUCKETS):
        if limit is None or seconds <= limit:
            return i
    return len(DURATION_BUCKETS) - 1


def build_report(user, start: dt.date, end: dt.date) -> Report:
    """The report of the user's local days from `start` to `end`, both included (three
    queries, however long the history)."""
    days = load_days(user, start, end)
    cramps = [c for day in days.values() for c in day.cramps]
    count = len(cramps)
    length = (end - start).days + 1
    night = sum(1 for c in cramps if c.in_bed)
    durations = Counter(_bucket(c.duration_seconds) for c in cramps)
    adherence = []
    for habit in HABITS:
        answers = [d.habits.get(habit.slug) for d in days.values()]
        known = [a for a in answers if a is not None]
        adherence.append(Adherence(str(habit.label), sum(known), len(known)))
    first, _ = user.day_bounds(start)
    _, last = user.day_bounds(end)
    ranked, few = rank(technique_ratings(user, first, last))
    per_week = round(7 * count / length, 1)
    return Report(
        start=start,
        end=end,
        days=length,
        cramps=count,
        cramp_days=sum(1 for d in days.values() if d.cramps),
        per_week=per_week,
        night=night,
        mean_severity=round(sum(c.severity for c in cramps) / count, 1) if count else None,
        worst_severity=max((c.severity for c in cramps), default=None),
        contexts=_counted((c.context for c in cramps), CrampEpisode.Context.choices),
        sides=_counted((c.side for c in cramps), CrampEpisode.Side.choices),
        muscles=_counted((c.muscle for c in cramps), CrampEpisode.Muscle.choices),
        durations=[(str(label), durations[i]) for i, (_, label) in enumerate(DURATION_BUCKETS)],
        long_cramps=[
            c.started_at for c in cramps if c.duration_seconds > CrampEpisode.LONG_CRAMP_SECONDS
        ],
        sleep_flag=7 * night / length >= SLEEP_FLAG_PER_WEEK,
        adherence=adherence,
        relief_ranked=ranked,
        relief_few=few,
        experiments=experiment_results_for_report(user, start, end),
        medicines=[line.strip() for line in user.medicines.splitlines() if line.strip()],
    )


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def check_period(start: dt.date, end: dt.date, today: dt.date) -> None:
    """The one rule of a report's period, for the web form and the API: a `ValidationError`
    names the field."""
    if start < EARLIEST.date():
        raise ValidationError({"start": _("Choose a date from 1900 on.")}, code="too_early")
    if end > today:
        raise ValidationError({"end": _("The period can't end after today.")}, code="future")
    if start > end:
        raise ValidationError({"start": _("Start on or before the end date.")}, code="order")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(
            {"start": _("Choose a period of at most %(days)s days.") % {"days": MAX_DAYS}},
            code="too_long",
        )
