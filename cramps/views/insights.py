"""What helps me: habits, patterns, relief, a calendar, trends and a report for the doctor.

Thin views: each reads the user's log through `cramps.insights` in a fixed number of queries
and renders it; nothing is stored or cached per user.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode

from cramps.forms.insights import ReportPeriodForm
from cramps.insights import calendar, charts, overview, patterns, relief, report, trends
from cramps.insights.daylog import load_days
from cramps.targets import MINERAL_NAMES


def experiment_url(slug: str) -> str:
    """The link that starts an experiment on a habit."""
    return f"{reverse('cramps:experiment_new')}?{urlencode({'habit': slug})}"


@login_required
def index(request):
    user = request.user
    today = user.local_today()
    context = overview.overview(user, today)
    context["patterns"] = [(p, experiment_url(p.habit.slug)) for p in context["patterns"]]
    context.update(
        today=today,
        min_each_way=patterns.MIN_EACH_WAY,
        min_days=patterns.MIN_DAYS,
        min_uses=relief.MIN_USES,
    )
    return render(request, "cramps/insights/index.html", context)


@login_required
def month(request, year: int, month: int):
    if not 1 <= month <= 12 or not 1900 <= year <= 9998:
        raise Http404("No such month")
    user = request.user
    today = user.local_today()
    first, last = calendar.month_range(year, month)
    days = load_days(user, first, min(last, today)) if first <= today else {}
    grid = calendar.month_grid(year, month, days, today)
    context = {
        "month": grid,
        "today": today,
        "next_month": grid.next if grid.next <= today else None,
        "previous_month": grid.previous if grid.previous.year >= 1900 else None,
        "weekdays": [dt.date(2026, 3, 2 + i) for i in range(7)],  # a Monday, for day names
    }
    return render(request, "cramps/insights/calendar.html", context)


@login_required
def this_month(request):
    today = request.user.local_today()
    return month(request, today.year, today.month)


@login_required
def trends_page(request):
    user = request.user
    try:
        count = int(request.GET.get("weeks", trends.DEFAULT_WEEKS))
    except ValueError:
        count = trends.DEFAULT_WEEKS
    if count not in trends.PERIODS:
        count = trends.DEFAULT_WEEKS
    today = user.local_today()
    rows, summary = overview.trend_weeks(user, today, count)
    # Each week's first local day, as the user's language writes a day and month.
    labels = [date_format(w.first, "MONTH_DAY_FORMAT") for w in rows]
    context = {
        "weeks": rows,
        "count": count,
        "periods": trends.PERIODS,
        "summary": summary,
        "cramps_chart": charts.bar_chart([w.cramps for w in rows], labels),
        "severity_chart": charts.bar_chart([w.mean_severity for w in rows], labels, top=10),
        "night_chart": charts.bar_chart([w.night_percent for w in rows], labels, top=100),
        "drinks_chart": charts.bar_chart(
            [w.drinks_percent for w in rows], labels, top=100, guide=100
        ),
        "minerals": [MINERAL_NAMES[m] for m in trends.TARGET_MINERALS],
    }
    return render(request, "cramps/insights/trends.html", context)


@login_required
def report_page(request):
    user = request.user
    today = user.local_today()
    start, end = report.default_period(today)
    form = ReportPeriodForm(
        request.GET if request.GET else None,
        today=today,
        initial={"start": start, "end": end},
    )
    result = None
    if not request.GET:
        result = report.build_report(user, start, end)
    elif form.is_valid():
        result = report.build_report(user, form.cleaned_data["start"], form.cleaned_data["end"])
    return render(request, "cramps/insights/report.html", {"form": form, "report": result})
