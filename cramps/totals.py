"""A day's drinks and minerals against the user's targets, summed from entries already loaded.

Pure: no query. The today page loads the day's entries once to list them; the totals are summed
from the same rows, so the page never reads them twice and the bars always match the list.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from cramps.models import FoodItem


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


def day_totals(user, drinks: Iterable, intake: Iterable) -> DayTotals:
    """The totals of one day's drinks and intake entries, against `user`'s targets."""
    intake = list(intake)
    targets = user.mineral_targets()
    return DayTotals(
        drinks_ml=sum(d.amount_ml for d in drinks),
        drinks_target_ml=user.drinks_target_ml,
        minerals=tuple(
            MineralTotal(m, sum(getattr(e, f"{m}_mg") for e in intake), targets[m])
            for m in FoodItem.MINERALS
        ),
    )
