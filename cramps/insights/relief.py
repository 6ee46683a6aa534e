"""Relief ranking: the techniques the user tried during cramps, ranked by their own ratings.

One query, summed in the database, whatever the history. The rank: the share of uses rated
"helped" (a "somewhat" counts half), then the shorter mean duration of the cramps it was used
in. Fewer than `MIN_USES` uses are listed apart, unranked: too few to say.

Durations are those logged, mostly the quick choices (under 1 min, 1-5, 5-10, over 10 min), so
a mean is rough; and a technique tried during a long cramp did not make it long.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from cramps.models import TechniqueTrial

MIN_USES = 3

_HELPED = TechniqueTrial.Outcome.HELPED
_SOMEWHAT = TechniqueTrial.Outcome.SOMEWHAT
_NO = TechniqueTrial.Outcome.NO


@dataclass(frozen=True)
class TechniqueRating:
    slug: str
    name: str
    uses: int
    helped: int
    somewhat: int
    not_helped: int
    mean_duration_seconds: float | None

    @property
    def rated(self) -> int:
        return self.helped + self.somewhat + self.not_helped

    @property
    def enough(self) -> bool:
        return self.uses >= MIN_USES

    @property
    def helped_share(self) -> float | None:
        if not self.rated:
            return None
        return (self.helped + 0.5 * self.somewhat) / self.rated

    @property
    def helped_percent(self) -> int | None:
        share = self.helped_share
        return None if share is None else round(100 * share)

    @property
    def mean_duration_minutes(self) -> float | None:
        seconds = self.mean_duration_seconds
        return None if seconds is None else round(seconds / 60, 1)


def rank(ratings: list[TechniqueRating]) -> tuple[list, list]:
    """(ranked, too few uses): the ranked best first; ties by name."""

    def key(r):
        share = r.helped_share if r.helped_share is not None else -1.0
        duration = r.mean_duration_seconds if r.mean_duration_seconds is not None else 1e9
        return (-share, duration, r.name)

    ranked = sorted((r for r in ratings if r.enough), key=key)
    few = sorted((r for r in ratings if not r.enough), key=lambda r: (-r.uses, r.name))
    return ranked, few


def technique_ratings(user, start=None, end=None) -> list[TechniqueRating]:
    """The user's trials per technique (cramps started in [start, end) when given): one query."""
    trials = TechniqueTrial.objects.filter(episode__user=user)
    if start is not None:
        trials = trials.filter(episode__started_at__gte=start)
    if end is not None:
        trials = trials.filter(episode__started_at__lt=end)
    # The technique's name in every language (a related lookup reads only the English column):
    # the active language's, or the English where a row has none yet.
    names = {
        code: f"technique__{build_localized_fieldname('name', code)}"
        for code, _ in settings.LANGUAGES
    }
    english = names[settings.LANGUAGE_CODE]
    shown = names.get(translation.get_language() or "", english)
    rows = (
        trials.order_by()
        .values("technique__slug", *names.values())
        .annotate(
            uses=Count("id"),
            helped=Count("id", filter=Q(outcome=_HELPED)),
            somewhat=Count("id", filter=Q(outcome=_SOMEWHAT)),
            not_helped=Count("id", filter=Q(outcome=_NO)),
            duration=Avg("episode__duration_seconds"),
        )
    )
    return [
        TechniqueRating(
            slug=row["technique__slug"],
            name=row[shown] or row[english],
            uses=row["uses"],
            helped=row["helped"],
            somewhat=row["somewhat"],
            not_helped=row["not_helped"],
            mean_duration_seconds=row["duration"],
        )
        for row in rows
    ]
