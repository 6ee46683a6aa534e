"""Today at a glance, and the same page for a past day: totals, the check-in, the entries."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from cramps import daily
from cramps.forms.logs import CheckInForm
from cramps.insights.experiments import tonight_block_line
from cramps.models import CheckIn
from cramps.views.logs import render_fingerprinted


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
        form = CheckInForm(request.POST)
        if form.is_valid():
            # One check-in per local date: a second save updates it, never raises.
            CheckIn.objects.update_or_create(user=user, date=day, defaults=form.cleaned_data)
            messages.success(request, "Check-in saved.")
            return redirect("cramps:today" if day == user.local_today() else request.path)
    is_today = day == user.local_today()
    # One query says whether the page this user last saw of this day is still right.
    fingerprint = daily.day_fingerprint(user, day)
    # A running experiment's block tonight (1 query); in the cache key, so starting or stopping
    # an experiment shows at once.
    tonight_line = tonight_block_line(user, day) if is_today else ""

    def context():
        checkin = CheckIn.objects.for_user(user).filter(date=day).first()
        entries = daily.day_entries(user, day)
        return {
            "day": day,
            "is_today": is_today,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": None if is_today else day + dt.timedelta(days=1),
            "checkin": checkin,
            "form": form
            if form is not None
            else CheckInForm(initial=CheckInForm.initial_for(checkin, entries)),
            "entries": entries,
            "totals": daily.day_totals(user, day),
            "quick_drinks": daily.QUICK_DRINKS_ML,
            "tonight_line": tonight_line,
        }

    template = "cramps/today.html"
    return render_fingerprinted(
        request, template, fingerprint, context, day, is_today, tonight_line
    )
