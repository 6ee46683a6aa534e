"""Patterns (kept against not kept), relief ranking, the calendar grid and trends: pure
functions over made-up days, against hand-counted values."""

import datetime as dt

from cramps.insights import calendar, charts, patterns, relief, trends
from cramps.insights.daylog import HABITS, Cramp, Day

TODAY = dt.date(2026, 3, 10)
BERLIN = dt.timezone(dt.timedelta(hours=1))


def _day(n_back, slug=None, kept=None, night_cramps=0, cramps=(), drinks=0, minerals=None):
    date = TODAY - dt.timedelta(days=n_back)
    habits = {h.slug: None for h in HABITS}
    if slug:
        habits[slug] = kept
    return Day(
        date,
        habits=habits,
        cramps=list(cramps),
        night_cramps=night_cramps,
        drinks_ml=drinks,
        minerals=minerals or {},
        active=True,
    )


def _pattern(result, slug):
    return next(p for p in result if p.habit.slug == slug)


def test_it_counts_cramp_nights_after_kept_and_missed_days():
    days = {}
    # 10 kept days, 2 of them followed by a cramp night; 5 missed, 3 with a cramp night.
    for n in range(1, 11):
        days[_day(n, "stretch-before-bed", True).date] = _day(
            n, "stretch-before-bed", True, night_cramps=1 if n <= 2 else 0
        )
    for n in range(11, 16):
        days[_day(n).date] = _day(n, "stretch-before-bed", False, night_cramps=1 if n <= 13 else 0)
    p = _pattern(patterns.patterns(days, TODAY), "stretch-before-bed")
    assert (p.kept_days, p.kept_cramp_nights, p.missed_days, p.missed_cramp_nights) == (10, 2, 5, 3)
    assert (p.kept_percent, p.missed_percent) == (20, 60)
    assert p.enough and p.direction == "fewer"


def test_today_never_counts_its_night_has_not_come():
    days = {TODAY: _day(0, "loose-clothing", True, night_cramps=1)}
    p = _pattern(patterns.patterns(days, TODAY), "loose-clothing")
    assert p.kept_days == 0


def test_it_needs_three_days_each_way_and_fourteen_in_all():
    def with_counts(kept, missed):
        days = {}
        for n in range(1, kept + 1):
            days[TODAY - dt.timedelta(days=n)] = _day(n, "loose-clothing", True)
        for n in range(kept + 1, kept + missed + 1):
            days[TODAY - dt.timedelta(days=n)] = _day(n, "loose-clothing", False)
        return _pattern(patterns.patterns(days, TODAY), "loose-clothing")

    assert not with_counts(20, 2).enough  # two days not kept
    assert not with_counts(10, 3).enough  # 13 days in all
    assert with_counts(11, 3).enough
    assert with_counts(11, 3).direction == "same"  # no cramps either way
    assert with_counts(2, 20).direction == "unknown"


def _rating(name, uses, helped=0, somewhat=0, no=0, seconds=None):
    return relief.TechniqueRating(name.lower(), name, uses, helped, somewhat, no, seconds)


def test_relief_ranks_by_helped_share_then_shorter_cramps_and_sets_few_uses_apart():
    ratings = [
        _rating("Squeeze", 4, helped=2, somewhat=2, seconds=200),  # (2 + 1) / 4 = 75%
        _rating("Stretch", 5, helped=3, somewhat=1, no=0, seconds=100),  # 3.5 / 4 = 88%
        _rating("Point", 3, helped=3, no=1, seconds=500),  # 3 / 4 = 75%, longer cramps
        _rating("Shower", 2, helped=2, seconds=30),  # too few
        _rating("Unrated", 3, seconds=60),
    ]
    ranked, few = relief.rank(ratings)
    assert [r.name for r in ranked] == ["Stretch", "Squeeze", "Point", "Unrated"]
    assert [r.helped_percent for r in ranked] == [88, 75, 75, None]
    assert [r.name for r in few] == ["Shower"]


def test_the_calendar_shows_whole_weeks_from_monday_and_no_future_cramps():
    first, last = calendar.month_range(2026, 3)
    assert (first, last) == (dt.date(2026, 2, 23), dt.date(2026, 4, 5))
    night = Cramp(dt.datetime(2026, 3, 3, 3, tzinfo=BERLIN), 8, 180, "left", "calf", "asleep")
    days = {dt.date(2026, 3, 3): _day(7, "loose-clothing", True, cramps=[night])}
    grid = calendar.month_grid(2026, 3, days, TODAY)
    assert len(grid.weeks) == 6 and all(len(w) == 7 for w in grid.weeks)
    tuesday = grid.weeks[1][1]
    assert tuesday.date == dt.date(2026, 3, 3)
    assert (tuesday.cramps, tuesday.worst_severity, tuesday.band, tuesday.at_night) == (
        1,
        8,
        "severe",
        True,
    )
    assert (tuesday.kept, tuesday.known) == (1, 1)
    assert grid.weeks[2][3].future  # 2026-03-12
    assert (grid.cramp_days, grid.night_days) == (1, 1)
    assert [calendar.severity_band(s) for s in (None, 3, 4, 6, 7)] == [
        "none",
        "mild",
        "moderate",
        "moderate",
        "severe",
    ]


def test_trends_sum_weeks_ending_today_and_leave_unlogged_weeks_blank():
    cramp = Cramp(dt.datetime(2026, 3, 9, 2, tzinfo=BERLIN), 6, 180, "left", "calf", "asleep")
    day_cramp = Cramp(dt.datetime(2026, 3, 8, 15, tzinfo=BERLIN), 3, 30, "right", "foot", "rest")
    days = {
        dt.date(2026, 3, 9): _day(
            1, cramps=[cramp], drinks=1300, minerals={"magnesium": 160, "sodium": 2500}
        ),
        dt.date(2026, 3, 8): _day(2, cramps=[day_cramp], drinks=800),
        dt.date(2026, 3, 1): _day(9, drinks=1600),
    }
    targets = {"potassium": 2600, "calcium": 1000, "magnesium": 320, "sodium": 1500}
    rows = trends.weeks(days, TODAY, 4, 1600, targets)
    assert [w.first for w in rows] == [
        dt.date(2026, 2, 11),
        dt.date(2026, 2, 18),
        dt.date(2026, 2, 25),
        dt.date(2026, 3, 4),
    ]
    last = rows[-1]
    assert (last.cramps, last.mean_severity, last.night_percent) == (2, 4.5, 50)
    assert last.drinks_percent == 66  # (1300 + 800) / 2 = 1050 of 1600
    assert last.minerals_percent["magnesium"] == 50  # 160 of 320, the one day food was logged
    assert "sodium" not in last.minerals_percent and last.sodium_mg == 2500  # a limit, in mg
    assert rows[2].drinks_percent == 100 and rows[2].mean_severity is None
    assert rows[0].drinks_percent is None and rows[0].minerals_percent["calcium"] is None
    summary = trends.summary(rows)
    assert (summary.cramps, summary.per_week, summary.mean_severity, summary.night_percent) == (
        2,
        0.5,
        4.5,
        50,
    )


def test_a_bar_chart_scales_to_its_top_and_draws_the_guide():
    chart = charts.bar_chart([50, None, 100], ["a", "b", "c"], top=100, guide=100)
    assert [b.height for b in chart.bars] == [60.0, 0.0, 120.0]
    assert [b.y for b in chart.bars] == [60.0, 120.0, 0.0]
    assert chart.guide_y == 0.0
