"""The insights page's data (habits, patterns, relief) and the trends' weeks, read for a user:
the pages and the API call these, so both show the same figures."""

import datetime as dt

from . import habits, patterns, relief, trends
from .daylog import load_days

# The insights page reads this many days back (26 weeks). A day's weight in a habit score
# halves in 13 days, so after 26 weeks what came before weighs under 0.1% (0.5 ** 14): the
# strength is the same as over all the history. Patterns and streaks cover these weeks too:
# recent nights say more about the habits kept now than last year's do.
WINDOW_DAYS = 26 * 7


def overview(user, today: dt.date) -> dict:
    """Habits, patterns and the relief ranking: three queries, whatever the history."""
    days = load_days(user, today - dt.timedelta(days=WINDOW_DAYS - 1), today)
    ranked, few = relief.rank(relief.technique_ratings(user))
    return {
        "habits": habits.habit_strengths(days, today),
        "patterns": patterns.patterns(days, today),
        "relief_ranked": ranked,
        "relief_few": few,
    }


def trend_weeks(user, today: dt.date, count: int) -> tuple[list, trends.Summary]:
    """`count` weeks ending today and their summary: two queries."""
    days = load_days(user, today - dt.timedelta(days=7 * count - 1), today)
    rows = trends.weeks(days, today, count, user.drinks_target_ml, user.mineral_targets())
    return rows, trends.summary(rows)
