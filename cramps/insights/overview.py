"""The insights page's data (habits, patterns, relief) and the trends' weeks, read for a user:
the pages and the API call these, so both show the same figures."""

import datetime as dt

from . import habits, patterns, relief, trends
from .daylog import load_days

# The insights page reads this many days back: a habit score's weight halves in 13 days, so
# a year gives the same strength as all of it, and the patterns a year of nights.
WINDOW_DAYS = 365


def overview(user, today: dt.date) -> dict:
    """Habits, patterns and the relief ranking: eight queries, whatever the history."""
    days = load_days(user, today - dt.timedelta(days=WINDOW_DAYS - 1), today)
    ranked, few = relief.rank(relief.technique_ratings(user))
    return {
        "habits": habits.habit_strengths(days, today),
        "patterns": patterns.patterns(days, today),
        "relief_ranked": ranked,
        "relief_few": few,
    }


def trend_weeks(user, today: dt.date, count: int) -> tuple[list, trends.Summary]:
    """`count` weeks ending today and their summary: six queries."""
    days = load_days(user, today - dt.timedelta(days=7 * count - 1), today)
    rows = trends.weeks(days, today, count, user.drinks_target_ml, user.mineral_targets())
    return rows, trends.summary(rows)
