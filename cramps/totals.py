"""A day's drinks and minerals against the user's targets, summed from entries already loaded.

Pure: no query. The today page loads the day's entries once to list them; the totals are summed
from the same rows, so the page never reads them twice and the bars always match the list.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from cramps.models import FoodItem
from cramps.targets import MineralStatus, percent


@dataclass(frozen=True)
class DayTotals:
    drinks_ml: int
    drinks_target_ml: int
    minerals: tuple[MineralStatus, ...]

    @property
    def drinks_percent(self) -> int:
        return percent(self.drinks_ml, self.drinks_target_ml)

    @property
    def drinks_reached(self) -> bool:
        return self.drinks_ml >= self.drinks_target_ml


def day_totals(user, drinks: Iterable, intake: Iterable) -> DayTotals:
    """The totals of one day's drinks and intake entries, against `user`'s targets."""
    intake = list(intake)
    targets = user.mineral_targets()
    # Supplements' magnesium has its own upper limit (cramps.targets): entries typed in with no
    # food, and catalogue supplements. `intake` comes with its food (IntakeEntry.DETAILS).
    supplements = [e for e in intake if e.food is None or e.food.kind == FoodItem.Kind.SUPPLEMENT]
    return DayTotals(
        drinks_ml=sum(d.amount_ml for d in drinks),
        drinks_target_ml=user.drinks_target_ml,
        minerals=tuple(
            MineralStatus(
                m,
                sum(getattr(e, f"{m}_mg") for e in intake),
                targets[m],
                sum(e.magnesium_mg for e in supplements) if m == "magnesium" else 0,
            )
            for m in FoodItem.MINERALS
        ),
    )
