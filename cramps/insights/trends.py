"""Trends over 4, 12 or 52 weeks: cramps a week, their mean severity, the share in bed, and
the drinks and minerals logged against the user's daily guides.

Weeks end today: the last week is today and the six days before it. A week with nothing logged
shows no drinks or minerals figure (not zero): a gap in the log is not a day without drinks.
"""

import datetime as dt
from dataclasses import dataclass

from cramps.models import FoodItem

PERIODS = (4, 12, 52)
# Minerals shown against the user's targets; sodium is shown in mg, as a limit.
TARGET_MINERALS = tuple(m for m in FoodItem.MINERALS if m != "sodium")
DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Week:
    first: dt.date
    last: dt.date
    cramps: int
    severity_total: int
    night_cramps: int  # of the week's cramps, those in bed
    logged_days: int  # days with any drink logged
    drinks_percent: int | None  # mean a logged day, against the daily guide
    minerals_percent: dict  # mineral -> percent of its target, mean a logged day (None: no log)
    # Sodium is a limit, not a target: its mean mg a logged day, never a share of a "goal".
    sodium_mg: int | None

    @property
    def mean_severity(self) -> float | None:
        return round(self.severity_total / self.cramps, 1) if self.cramps else None

    @property
    def night_percent(self) -> int | None:
        return round(100 * self.night_cramps / self.cramps) if self.cramps else None


def _percent(amount: float, target: int) -> int | None:
    return round(100 * amount / target) if target > 0 else None


def weeks(days: dict, today: dt.date, count: int, drinks_target: int, targets: dict) -> list:
    """`count` weeks ending today, oldest first, from `days` (from `load_days`)."""
    out = []
    for n in range(count - 1, -1, -1):
        last = today - dt.timedelta(days=7 * n)
        span = [days.get(last - dt.timedelta(days=i)) for i in range(6, -1, -1)]
        span = [d for d in span if d is not None]
        cramps = [c for d in span for c in d.cramps]
        drank = [d for d in span if d.drinks_ml]
        ate = [d for d in span if d.minerals]
        minerals = {}
        for mineral in TARGET_MINERALS:
            if ate:
                mean = sum(d.minerals.get(mineral, 0) for d in ate) / len(ate)
                minerals[mineral] = _percent(mean, targets[mineral])
            else:
                minerals[mineral] = None
        out.append(
            Week(
                first=last - dt.timedelta(days=6),
                last=last,
                cramps=len(cramps),
                severity_total=sum(c.severity for c in cramps),
                night_cramps=sum(1 for c in cramps if c.in_bed),
                logged_days=len(drank),
                drinks_percent=(
                    _percent(sum(d.drinks_ml for d in drank) / len(drank), drinks_target)
                    if drank
                    else None
                ),
                minerals_percent=minerals,
                sodium_mg=(
                    round(sum(d.minerals.get("sodium", 0) for d in ate) / len(ate)) if ate else None
                ),
            )
        )
    return out


@dataclass(frozen=True)
class Summary:
    cramps: int
    per_week: float
    mean_severity: float | None
    night_percent: int | None


def summary(rows: list[Week]) -> Summary:
    total = sum(w.cramps for w in rows)
    severity = sum(w.severity_total for w in rows)
    nights = sum(w.night_cramps for w in rows)
    return Summary(
        cramps=total,
        per_week=round(total / len(rows), 1) if rows else 0.0,
        mean_severity=round(severity / total, 1) if total else None,
        night_percent=round(100 * nights / total) if total else None,
    )
