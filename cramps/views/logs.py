"""Logging from the web pages: add, edit and delete entries of every kind, and the history.

Every view reaches rows through `Model.objects.for_user(request.user)`: anyone else gets a 404.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cramps.forms.logs import DrinkForm, EpisodeForm, ExerciseForm, IntakeForm, StretchForm
from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    StretchEntry,
)
from cramps.reminders.schedule import delete_session

PAGE_SIZE = 25


@dataclass(frozen=True)
class Kind:
    """One kind of entry: its model, form, URL names and words."""

    slug: str  # in /history/<slug>/
    model: type
    form: type | None
    edit_url: str  # URL names, written out so a search for one finds its uses
    delete_url: str
    noun: str
    title: str
    add_url: str = ""  # none for a check-in: it is made on its day's page
    add_title: str = ""
    intro: str = ""
    # Exercise sessions drive reminders: saved and deleted through `cramps.reminders.schedule`.
    refreshes_reminders: bool = False

    def rows(self, user):
        return self.model.objects.for_user(user).with_details()

    def link(self, rows) -> None:
        """Give each row its `edit_href` and `delete_href`: two URL reversals for any number of
        rows (a `{% url %}` a row walked the resolver twice a row)."""
        edit, delete = _pattern(self.edit_url), _pattern(self.delete_url)
        for row in rows:
            row.edit_href = f"{edit[0]}{row.pk}{edit[1]}"
            row.delete_href = f"{delete[0]}{row.pk}{delete[1]}"

    @staticmethod
    def describe(entry) -> str:
        """Words for a message or the delete page, the time in the active (user's) zone.

        (A model's `__str__` formats its time as stored, in UTC.)
        """
        if isinstance(entry, CheckIn):
            return _("check-in of %(date)s") % {"date": date_format(entry.date, "DATE_FORMAT")}
        if isinstance(entry, CrampEpisode):
            # Every figure the quick save filled in, so it can be seen and changed.
            what = _("%(where)s, severity %(severity)s/10, %(duration)s, %(context)s") % {
                "where": entry.where,
                "severity": entry.severity,
                "duration": entry.duration_label,
                "context": entry.get_context_display().lower(),
            }
        elif isinstance(entry, ExerciseSession):
            what = _("%(activity)s, %(minutes)s min (%(status)s)") % {
                "activity": entry.activity,
                "minutes": entry.duration_minutes,
                "status": entry.get_status_display().lower(),
            }
        else:
            what = str(entry)
        when = timezone.localtime(getattr(entry, entry.TIME_FIELD))
        return _("%(what)s, %(when)s") % {
            "what": what,
            "when": date_format(when, "WEEKDAY_DATETIME_FORMAT"),
        }


_SOME_PK = 987654321


def _pattern(name: str) -> tuple[str, str]:
    """A row's URL (`name` takes its pk) as the text before and after the pk, in the active
    language: reversed once with a stand-in pk."""
    before, after = reverse(name, args=[_SOME_PK]).split(str(_SOME_PK))
    return before, after


CRAMPS = Kind(
    "cramps",
    CrampEpisode,
    EpisodeForm,
    edit_url="cramps:episode_edit",
    delete_url="cramps:episode_delete",
    add_url="cramps:episode_add",
    noun=gettext_lazy("cramp"),
    title=gettext_lazy("Cramps"),
    add_title=gettext_lazy("Log a cramp"),
    intro=gettext_lazy("Tap the leg and how bad it was, then Save. The rest is optional."),
)
DRINKS = Kind(
    "drinks",
    HydrationEntry,
    DrinkForm,
    edit_url="cramps:drink_edit",
    delete_url="cramps:drink_delete",
    add_url="cramps:drink_add",
    noun=gettext_lazy("drink"),
    title=gettext_lazy("Drinks"),
    add_title=gettext_lazy("Log a drink"),
    intro=gettext_lazy("Drink to thirst: there is no need to force extra fluid."),
)
INTAKE = Kind(
    "intake",
    IntakeEntry,
    IntakeForm,
    edit_url="cramps:intake_edit",
    delete_url="cramps:intake_delete",
    add_url="cramps:intake_add",
    noun=gettext_lazy("food or supplement"),
    title=gettext_lazy("Food and minerals"),
    add_title=gettext_lazy("Log food or a supplement"),
    intro=gettext_lazy(
        "Choose a food from the list, or enter the amounts on a supplement's label."
    ),
)
STRETCHES = Kind(
    "stretches",
    StretchEntry,
    StretchForm,
    edit_url="cramps:stretch_edit",
    delete_url="cramps:stretch_delete",
    add_url="cramps:stretch_add",
    noun=gettext_lazy("stretch"),
    title=gettext_lazy("Stretches"),
    add_title=gettext_lazy("Log a stretch"),
)
EXERCISE = Kind(
    "exercise",
    ExerciseSession,
    ExerciseForm,
    edit_url="cramps:exercise_edit",
    delete_url="cramps:exercise_delete",
    add_url="cramps:exercise_add",
    noun=gettext_lazy("exercise session"),
    title=gettext_lazy("Exercise"),
    add_title=gettext_lazy("Plan or log exercise"),
    intro=gettext_lazy("Plan a session ahead to get a warm-up reminder, or log one you did."),
    refreshes_reminders=True,
)
CHECKINS = Kind(
    "checkins",
    CheckIn,
    None,
    edit_url="cramps:checkin_edit",
    delete_url="cramps:checkin_delete",
    noun=gettext_lazy("check-in"),
    title=gettext_lazy("Check-ins"),
)
KINDS = {kind.slug: kind for kind in (CRAMPS, DRINKS, INTAKE, STRETCHES, EXERCISE, CHECKINS)}


def _next_url(request, default=None):
    """Where to go after saving: a local `next` from the form or link, else the today page."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("cramps:today")


def _initial_time(request):
    """Now; or, from a past day's page (`?on=<date>`), noon of that day in the user's zone."""
    user = request.user
    try:
        day = dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.now()
    if day >= user.local_today():
        return timezone.now()
    return dt.datetime.combine(day, dt.time(12), tzinfo=user.tz)


def _saved(request, kind, entry, updated=False):
    words = {"noun": capfirst(kind.noun), "what": kind.describe(entry)}
    said = (_("%(noun)s updated: %(what)s.") if updated else _("%(noun)s saved: %(what)s.")) % words
    if isinstance(entry, CrampEpisode):
        # A quick save fills in the time, duration and what you were doing: say so, and offer
        # the edit page to change them.
        messages.success(
            request,
            format_html(
                '{} <a href="{}" class="alert-link">{}</a>',
                said,
                reverse(kind.edit_url, args=[entry.pk]),
                _("Change"),
            ),
        )
    else:
        messages.success(request, said)
    if isinstance(entry, CrampEpisode) and entry.is_long:
        # Saved all the same; the warning is what matters now.
        messages.warning(
            request,
            format_html(
                '{} <a href="{}" class="alert-link">{}</a>',
                _(
                    "This cramp lasted over 10 minutes. If it doesn't ease when you move, get "
                    "urgent medical advice."
                ),
                reverse("cramps:red_flags"),
                _("When to get help"),
            ),
        )


def _form_page(request, kind, form, entry=None):
    context = {
        "form": form,
        "kind": kind,
        "entry": entry,
        "title": _("Edit %(noun)s") % {"noun": kind.noun} if entry else kind.add_title,
        "next": _next_url(request),
        "delete_url": reverse(kind.delete_url, args=[entry.pk]) if entry else "",
    }
    return render(request, "cramps/logs/entry_form.html", context)


def _add(request, kind, initial=None, **form_kwargs):
    instance = kind.model(user=request.user)
    initial = {kind.model.TIME_FIELD: _initial_time(request), **(initial or {})}
    form = kind.form(request.POST or None, instance=instance, initial=initial, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        entry = form.save()
        _saved(request, kind, entry)
        return redirect(_next_url(request))
    return _form_page(request, kind, form)


def _edit(request, kind, pk):
    entry = get_object_or_404(kind.model.objects.for_user(request.user), pk=pk)
    form = kind.form(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        entry = form.save()
        _saved(request, kind, entry, updated=True)
        return redirect(_next_url(request))
    return _form_page(request, kind, form, entry)


def _delete(request, kind, pk):
    entry = get_object_or_404(kind.model.objects.for_user(request.user), pk=pk)
    if request.method == "POST":
        label = kind.describe(entry)
        if kind.refreshes_reminders:
            delete_session(entry)  # the session's reminders go with it
        else:
            entry.delete()
        messages.success(request, _("Deleted: %(label)s.") % {"label": label})
        return redirect(_next_url(request))
    context = {
        "kind": kind,
        "entry": entry,
        "description": kind.describe(entry),
        "next": _next_url(request),
    }
    return render(request, "cramps/logs/confirm_delete.html", context)


@login_required
def episode_add(request):
    """`?tried=<slug>&tried=<slug>` (from the relief guide) marks those techniques as tried;
    `?at=` is when the guide was opened, the cramp's start."""
    # Offered for a cramp that just happened: "asleep" during the user's night.
    started = _guide_time(request) or timezone.now()
    context = CrampEpisode.default_context(request.user, started)
    tried = request.GET.getlist("tried")
    initial = {"context": context, "started_at": started}
    return _add(request, CRAMPS, initial=initial, tried=tried)


def _guide_time(request):
    """`?at=<ISO time>`: when the visitor opened the guide, carried through log-in or sign-up.
    Only a time in the last day counts; anything else falls back to now."""
    try:
        at = parse_datetime(request.GET.get("at", "").replace(" ", "+"))
    except ValueError:  # well formed but impossible: 30 February, an offset of +99:00
        return None
    if at is None or timezone.is_naive(at):
        return None
    now = timezone.now()
    return at if now - dt.timedelta(days=1) <= at <= now else None


@login_required
@require_POST
def bedtime_routine_done(request):
    """One tap: the bedtime routine is done now, and the day's check-in says so."""
    user = request.user
    routine = ReliefTechnique.bedtime_routine()
    if routine is None:
        messages.error(request, _("The bedtime routine is not in the library yet."))
        return redirect(_next_url(request))
    minutes = max(1, round(routine.duration_seconds / 60))
    with transaction.atomic():  # the stretch and the check-in's answer, or neither
        entry = StretchEntry.objects.create(
            user=user,
            technique=routine,
            duration_minutes=minutes,
            occasion=StretchEntry.Occasion.BEFORE_BED,
            at=user.local_now(),
        )
        CheckIn.objects.record(user, user.local_today(), stretched_before_bed=True)
    messages.success(
        request,
        _("Bedtime routine logged: %(entry)s. Sleep well.") % {"entry": STRETCHES.describe(entry)},
    )
    return redirect(_next_url(request))


@login_required
def checkin_edit(request, pk):
    """A check-in is edited on its day's page."""
    checkin = get_object_or_404(CheckIn.objects.for_user(request.user), pk=pk)
    return redirect("cramps:day", checkin.date)


# Add, edit and delete for every kind: the URLconf names the kind (a slug of KINDS).


@login_required
def add(request, kind):
    return _add(request, KINDS[kind])


@login_required
def edit(request, kind, pk):
    return _edit(request, KINDS[kind], pk)


@login_required
def delete(request, kind, pk):
    return _delete(request, KINDS[kind], pk)


@login_required
def history(request):
    # One count query per kind: six, however long the history is.
    counts = [(kind, kind.model.objects.for_user(request.user).count()) for kind in KINDS.values()]
    return render(request, "cramps/logs/history.html", {"counts": counts})


@login_required
def history_list(request, kind):
    kind = KINDS.get(kind)
    if kind is None:
        raise Http404("No such kind of entry")
    page = Paginator(kind.rows(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    kind.link(page)
    context = {
        "kind": kind,
        "page": page,
        "add_url": reverse(kind.add_url) if kind.add_url else "",
    }
    return render(request, "cramps/logs/history_list.html", context)
