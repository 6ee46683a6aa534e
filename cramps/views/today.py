"""Today at a glance, and the same page for a past day: totals, the check-in, the entries."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cramps.days import day_entries
from cramps.forms.choices import QUICK_DRINKS_ML
from cramps.forms.logs import CheckInForm
from cramps.insights.experiments import tonight_block_line
from cramps.models import CheckIn


@login_required
def today(request):
    return _day_page(request, request.user.local_today())


@login_required
def day(request, day: dt.date):
    if day > request.user.local_today():
        raise Http404("That day has not come yet")
    return _day_page(request, day)


def _day_page(request, day):
    user = request.user
    form = None
    if request.method == "POST":
        form = CheckInForm(request.POST, past=day < user.local_today())
        if form.is_valid():
            CheckIn.objects.record(user, day, **form.cleaned_data)
            messages.success(request, _("Check-in saved."))
            return redirect("cramps:today" if day == user.local_today() else request.path)
    is_today = day == user.local_today()
    # A running experiment's block tonight (1 query).
    tonight_line = tonight_block_line(user, day) if is_today else ""
    checkin = CheckIn.objects.for_user(user).filter(date=day).first()
    entries = day_entries(user, day)
    if form is None:
        form = CheckInForm(initial=CheckInForm.initial_for(checkin, entries), past=not is_today)
    context = {
        "day": day,
        "is_today": is_today,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": None if is_today else day + dt.timedelta(days=1),
        "checkin": checkin,
        "form": form,
        "entries": entries,
        "totals": entries.totals(user),
        "quick_drinks": QUICK_DRINKS_ML,
        "tonight_line": tonight_line,
    }
    return render(request, "cramps/today.html", context)
