"""Sending a composed reminder through the channels the user chose for its kind.

`deliver(delivery, composed)` is safe to call again for the same delivery (the send task retries):
- in-app: one `Notification` per delivery (`get_or_create` on its one-to-one `delivery`);
- email: sent only while `ReminderDelivery.email_sent_at` is empty, and that field is set as soon
  as the mail server accepted the message.
The in-app notice is written first: it cannot fail for network reasons, so a retried email never
leaves the user without the in-app one.

Errors worth retrying (the mail server unreachable, hung up, timed out, or answered with a 4xx
"try later") raise `TransientDeliveryError`; anything else propagates and is final.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cramps.models import Notification, ReminderDelivery, ReminderSchedule

from . import links
from .snooze import ACTIONS, action_label

_TRANSIENT = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,  # socket.timeout is an alias of it
)


class TransientDeliveryError(Exception):
    """A failure that may pass: the send task retries it with backoff."""


def channels_for(user, kind: str) -> tuple[bool, bool]:
    """(in_app, by_email) for a kind; the model's defaults when no schedule row exists yet."""
    schedule = ReminderSchedule.objects.filter(user=user, kind=kind).first()
    if schedule is None:
        schedule = ReminderSchedule(user=user, kind=kind)
    return schedule.in_app, schedule.by_email


def deliver(delivery, composed) -> None:
    in_app, by_email = channels_for(delivery.user, delivery.kind)
    if in_app:
        _notify(delivery, composed)
    if by_email and delivery.user.email:
        _email(delivery, composed)


def _notify(delivery, composed) -> Notification:
    notification, _created = Notification.objects.get_or_create(
        delivery=delivery,
        defaults={"user": delivery.user, "title": composed.subject, "body": composed.text},
    )
    return notification


def email_message(delivery, composed) -> EmailMultiAlternatives:
    """The reminder email: plain text and HTML, with signed snooze and unsubscribe links."""
    unsubscribe = links.unsubscribe_url(delivery.user, delivery.kind)
    context = {
        "composed": composed,
        "kind_label": delivery.get_kind_display(),
        "snooze_links": [
            (action_label(action, delivery.kind), links.snooze_url(delivery, action))
            for action in ACTIONS
        ],
        "unsubscribe_url": unsubscribe,
        "settings_url": links.absolute(reverse("cramps:reminder_settings")),
        "notifications_url": links.absolute(reverse("cramps:notifications")),
    }
    message = EmailMultiAlternatives(
        subject=composed.subject,
        body=render_to_string("emails/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            # RFC 8058: mail providers may unsubscribe with one POST, no page in between.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("emails/reminder.html", context), "text/html")
    return message


def _email(delivery, composed) -> None:
    # Read the marker from the database, not the instance: a retry may hold a stale copy.
    if ReminderDelivery.objects.filter(pk=delivery.pk, email_sent_at__isnull=False).exists():
        return
    message = email_message(delivery, composed)
    try:
        message.send(fail_silently=False)
    except _TRANSIENT as exc:
        raise TransientDeliveryError(f"email not sent, will retry: {exc!r}") from exc
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise TransientDeliveryError(f"mail server said try later: {exc!r}") from exc
        raise
    delivery.email_sent_at = timezone.now()
    ReminderDelivery.objects.filter(pk=delivery.pk).update(email_sent_at=delivery.email_sent_at)
