"""The bell's notifications, reminder settings, and the signed links in reminder emails.

Logged-in pages reach rows only through `for_user` (anyone else gets a 404). The email links work
without a login: their signature is the key, and they act only on a POST from a confirm page (or a
mail provider's RFC 8058 one-click POST), so a link scanner that fetches them changes nothing.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cramps.forms.reminders import ReminderScheduleForm, SnoozeForm
from cramps.models import Notification, ReminderDelivery, ReminderSchedule, User
from cramps.models.reminders import ReminderKind
from cramps.reminders import dispatch, links, schedule, snooze

PAGE_SIZE = 20
# Snooze buttons show on notifications this recent; an older reminder has nothing left to snooze.
SNOOZABLE_FOR = dt.timedelta(hours=12)
FAILED_SHOWN_FOR = dt.timedelta(days=7)


@login_required
def notification_list(request):
    notifications = Notification.objects.for_user(request.user).select_related("delivery")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "cramps/reminders/notifications.html",
        {
            "page": page,
            "failures": _failure_notices(request.user, now),
            "snoozable_after": now - SNOOZABLE_FOR,
            "actions": [(a, snooze.action_label(a, ReminderKind.BEDTIME)) for a in snooze.ACTIONS],
        },
    )


def _failure_notices(user, now):
    """(notice, whether to suggest checking the address) for the last week's failed deliveries:
    'Your 22:00 email reminder could not be sent', or, for a send a dying worker interrupted
    after the hand-over, that it may have arrived and so is not sent again."""
    failed = ReminderDelivery.objects.for_user(user).filter(
        status=ReminderDelivery.Status.FAILED, due_at__gte=now - FAILED_SHOWN_FOR
    )[:5]
    if not failed:
        return []
    by_email = dict(ReminderSchedule.objects.for_user(user).values_list("kind", "by_email"))
    notices = []
    for delivery in failed:
        local = delivery.due_at.astimezone(user.tz)
        same_day = local.date() == user.local_today()
        words = {
            "when": date_format(local, "TIME_FORMAT" if same_day else "WEEKDAY_DATETIME_FORMAT"),
            "label": delivery.get_kind_display().lower(),
        }
        by_mail = by_email.get(delivery.kind, True)
        if delivery.detail == dispatch.INTERRUPTED:
            # Failed after the hand-over to the mail server: sending it again could make two.
            if by_mail:
                notice = _(
                    "Your %(when)s email reminder (%(label)s) was interrupted after it was "
                    "handed to the mail server: it may have arrived, so it will not be sent again."
                )
            else:
                notice = _(
                    "Your %(when)s reminder (%(label)s) was interrupted after it was handed to "
                    "the mail server: it may have arrived, so it will not be sent again."
                )
            notices.append((notice % words, False))
        elif by_mail:
            notices.append(
                (_("Your %(when)s email reminder (%(label)s) could not be sent.") % words, True)
            )
        else:
            notices.append(
                (_("Your %(when)s reminder (%(label)s) could not be sent.") % words, True)
            )
    return notices


def _back_to_list(request):
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if page.isdigit() else ""
    return redirect(reverse("cramps:notifications") + suffix)


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return _back_to_list(request)


@login_required
@require_POST
def notifications_read_all(request):
    count = Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    messages.success(
        request,
        _("Marked %(count)d as read.") % {"count": count} if count else _("Nothing unread."),
    )
    return _back_to_list(request)


@login_required
@require_POST
def delivery_snooze(request, pk):
    delivery = get_object_or_404(
        ReminderDelivery.objects.for_user(request.user).select_related("user"), pk=pk
    )
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose 15 min, 1 hour or skip."))
        return _back_to_list(request)
    messages.success(request, snooze.act(delivery, form.cleaned_data["action"], timezone.now()))
    return _back_to_list(request)


@login_required
def reminder_settings(request):
    schedules = _schedules(request.user)
    forms = [
        ReminderScheduleForm(request.POST or None, instance=s, prefix=s.kind) for s in schedules
    ]
    if request.method == "POST" and all([form.is_valid() for form in forms]):
        schedule.save_settings([form.save(commit=False) for form in forms], request.user)
        messages.success(request, _("Reminder settings saved."))
        return redirect("cramps:reminder_settings")
    return render(request, "cramps/reminders/settings.html", {"forms": forms})


def _schedules(user):
    """One schedule per kind: the saved rows, or unsaved defaults (saved with the page)."""
    existing = {s.kind: s for s in ReminderSchedule.objects.for_user(user)}
    return [existing.get(kind) or ReminderSchedule(user=user, kind=kind) for kind in ReminderKind]


# Signed links from emails: no login.


def _bad_link(request, exc):
    expired = isinstance(exc, signing.SignatureExpired)
    return render(
        request,
        "cramps/reminders/bad_link.html",
        {"expired": expired, "gone": False},
        status=410 if expired else 400,
    )


def _gone(request):
    return render(request, "cramps/reminders/bad_link.html", {"gone": True}, status=410)


@csrf_exempt  # the signed token is the credential; no session or cookie is used
@require_http_methods(["GET", "POST"])
def email_snooze(request, action, token):
    if action not in snooze.ACTIONS:
        raise Http404("unknown action")
    try:
        delivery_id = links.read_snooze_token(token)
    except signing.BadSignature as exc:
        return _bad_link(request, exc)
    delivery = ReminderDelivery.objects.select_related("user").filter(pk=delivery_id).first()
    if delivery is None:
        return _gone(request)
    label = snooze.action_label(action, delivery.kind)
    if request.method == "POST":
        done = snooze.act(delivery, action, timezone.now())
        return render(request, "cramps/reminders/link_done.html", {"message": done})
    return render(
        request,
        "cramps/reminders/confirm_snooze.html",
        {"delivery": delivery, "label": label, "kind_label": delivery.get_kind_display()},
    )


@csrf_exempt  # RFC 8058 one-click POSTs come from mail providers, without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user_id, kind = links.read_unsubscribe_token(token)
    except signing.BadSignature as exc:
        return _bad_link(request, exc)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return _gone(request)
    kind_label = ReminderKind(kind).label
    if request.method == "POST":
        ReminderSchedule.objects.update_or_create(
            user=user, kind=kind, defaults={"by_email": False}
        )
        message = _("You won't get %(kind)s reminder emails any more.") % {
            "kind": kind_label.lower()
        }
        return render(request, "cramps/reminders/link_done.html", {"message": message})
    return render(request, "cramps/reminders/confirm_unsubscribe.html", {"kind_label": kind_label})
