"""Snoozing a reminder, or skipping the rest of tonight's.

A snooze is one more `ReminderDelivery` for the same user and kind, with the occurrence
`<original>~snooze-<n>`, due later and not yet queued: the dispatcher queues it when it falls due,
and `compose` treats it like the original (tonight's stretch logged -> skipped). A newer snooze
replaces one still waiting, so pressing "15 min" and then "1 h" gives one reminder, not two.
"Skip" marks every pending delivery of the occurrence (and its snoozes) skipped and creates none.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cramps.models import ReminderDelivery
from cramps.models.reminders import ReminderKind

from . import windows
from .timing import SNOOZE_MARK, split_occurrence

SNOOZES = {"15m": dt.timedelta(minutes=15), "1h": dt.timedelta(hours=1)}
SKIP = "skip"
ACTIONS = (*SNOOZES, SKIP)
SKIPPED_BY_YOU = "skipped by you"
REPLACED = "replaced by a later snooze"


def action_label(action: str, kind: str) -> str:
    if action == SKIP:
        return _("Skip tonight") if kind == ReminderKind.BEDTIME else _("Skip this session")
    return {"15m": _("Remind me in 15 min"), "1h": _("Remind me in 1 hour")}[action]


def _family(delivery):
    """The occurrence's deliveries: the original and all its snoozes."""
    base, _ = split_occurrence(delivery.occurrence)
    return ReminderDelivery.objects.filter(user_id=delivery.user_id, kind=delivery.kind).filter(
        Q(occurrence=base) | Q(occurrence__startswith=base + SNOOZE_MARK)
    )


def snooze(delivery, delay: dt.timedelta, now: dt.datetime) -> ReminderDelivery:
    """A new pending delivery of the same occurrence, due `delay` from now."""
    base, _ = split_occurrence(delivery.occurrence)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                family = _family(delivery)
                family.filter(status=ReminderDelivery.Status.PENDING).update(
                    status=ReminderDelivery.Status.SKIPPED, detail=REPLACED, finished_at=now
                )
                latest = max(
                    (split_occurrence(o)[1] for o in family.values_list("occurrence", flat=True)),
                    default=0,
                )
                return ReminderDelivery.objects.create(
                    user_id=delivery.user_id,
                    kind=delivery.kind,
                    occurrence=f"{base}{SNOOZE_MARK}{latest + 1}",
                    due_at=now + delay,
                    status=ReminderDelivery.Status.PENDING,
                    queued_at=None,
                )
        except IntegrityError:
            # Two snoozes at once took the same number: count again.
            continue
    raise RuntimeError(f"could not snooze delivery {delivery.pk}")


def skip_occurrence(delivery, now: dt.datetime) -> int:
    """Marks the occurrence's pending deliveries skipped; returns how many."""
    return (
        _family(delivery)
        .filter(status=ReminderDelivery.Status.PENDING)
        .update(status=ReminderDelivery.Status.SKIPPED, detail=SKIPPED_BY_YOU, finished_at=now)
    )


def _too_late(delivery, due_at: dt.datetime) -> bool:
    """Whether the dispatcher would drop a snooze due then as stale (after the session starts,
    or more than an hour after bedtime)."""
    return bool(windows.closed([windows.of(delivery)._replace(due_at=due_at)], due_at))


def act(delivery, action: str, now: dt.datetime) -> str:
    """Applies a snooze or skip chosen by the user; returns what to tell them."""
    if action == SKIP:
        skip_occurrence(delivery, now)
        if delivery.kind == ReminderKind.BEDTIME:
            return _("No more bedtime reminders tonight.")
        return _("No more reminders for this session.")
    if _too_late(delivery, now + SNOOZES[action]):
        if delivery.kind == ReminderKind.BEDTIME:
            return _("That's over an hour past your bedtime, so there's no snooze. Sleep well!")
        return _("Your session starts before then, so there's no snooze. Have a good session!")
    later = snooze(delivery, SNOOZES[action], now)
    local = later.due_at.astimezone(delivery.user.tz)
    return _("We'll remind you again at %(time)s.") % {"time": date_format(local, "TIME_FORMAT")}
