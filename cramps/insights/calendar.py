"""A month of the user's log as a grid: weeks from Monday, each day with its cramps (worst
severity, at night or by day) and the habits kept, by the user's local date."""

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass

from .daylog import HABITS


def severity_band(severity: int | None) -> str:
    """ "none", "mild" (1-3), "moderate" (4-6) or "severe" (7-10): the cell's colour class."""
    if severity is None:
        return "none"
    if severity <= 3:
        return "mild"
    if severity <= 6:
        return "moderate"
    return "severe"


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    in_month: bool
    future: bool
    cramps: int = 0
    worst_severity: int | None = None
    at_night: bool = False
    kept: int = 0
    known: int = 0
    active: bool = False

    @property
    def band(self) -> str:
        return severity_band(self.worst_severity)


@dataclass(frozen=True)
class Month:
    first: dt.date
    weeks: list  # lists of 7 CalendarDay, Monday first
    cramp_days: int
    night_days: int

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=31)).replace(day=1)


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day the grid shows: whole weeks, Monday to Sunday."""
    weeks = _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def month_grid(year: int, month: int, days: dict, today: dt.date) -> Month:
    """The month's grid over `days` (from `load_days` for `month_range`)."""
    weeks = []
    for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for date in week:
            day = days.get(date)
            future = date > today
            if day is None or future:
                row.append(CalendarDay(date, date.month == month, future))
                continue
            answers = [day.habits.get(h.slug) for h in HABITS]
            row.append(
                CalendarDay(
                    date=date,
                    in_month=date.month == month,
                    future=future,
                    cramps=len(day.cramps),
                    worst_severity=day.worst_severity,
                    at_night=day.cramp_at_night,
                    kept=sum(1 for a in answers if a is True),
                    known=sum(1 for a in answers if a is not None),
                    active=day.active,
                )
            )
        weeks.append(row)
    shown = [d for week in weeks for d in week if d.in_month]
    return Month(
        first=dt.date(year, month, 1),
        weeks=weeks,
        cramp_days=sum(1 for d in shown if d.cramps),
        night_days=sum(1 for d in shown if d.at_night),
    )
