"""Sending composed reminders through the channels the user chose for their kind.

`deliver_many(pairs)` sends a batch of (delivery, composed) in a fixed number of queries, all its
emails through one mail connection; `deliver(delivery, composed)` is a batch of one. Both are safe
to call again for the same delivery (the send task retries):
- email: sent only while `ReminderDelivery.email_sent_at` is empty (read from the database, or
  from rows the send task claimed and loaded just now, never from an older copy: a retry may hold
  a stale one), and that field is set once the mail server accepted the message;
- in-app: one `Notification` per delivery (the one-to-one `delivery` is unique; a second insert
  is ignored), written first and on its own: an email that fails or a worker that dies never
  takes the notice with it, and a retry never leaves a second one.
- just before an email is handed to the mail server, `handing_to_mail_server_at` is set, under
  the send's claim (`claimed`: only while the row is still `sending` with the claim the caller
  loaded). If the claim was taken back (the dispatcher found the send interrupted), the email is
  not sent: it comes back as `TakenBack`. A send that dies before the mark provably sent
  nothing; one that dies after it may have (dispatch never resends it).
One email's failure never stops or undoes the others.

Every email is rendered by Django's template engine from its own context (`email_context`):
subject, plain text and HTML. A batch stays cheap because its data is read in a fixed number of
queries, not because rendering is shared between emails.

Errors worth retrying (the mail server unreachable, hung up, timed out, or answered with a 4xx
"try later") come back as `TransientDeliveryError`; anything else comes back as it was raised and
is final. `deliver` raises them.
"""

import contextlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from cramps.models import Notification, ReminderDelivery, ReminderSchedule

from . import links
from .compose import in_language_of, one_line
from .snooze import ACTIONS, action_label

# The three parts of a reminder email, each rendered for every email.
TEMPLATES = {
    "subject": "emails/reminder_subject.txt",
    "text": "emails/reminder.txt",
    "html": "emails/reminder.html",
}

_TRANSIENT = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,  # socket.timeout is an alias of it
)


class TransientDeliveryError(Exception):
    """A failure that may pass: the send task retries it with backoff."""


class TakenBack(Exception):
    """The dispatcher took this send back (found interrupted) before its email was handed over:
    not sent here; the retry it queued sends it."""


def deliver(delivery, composed) -> None:
    errors = deliver_many([(delivery, composed)])
    if delivery.pk in errors:
        raise errors[delivery.pk]


def deliver_many(pairs, schedules: dict | None = None, claimed=False) -> dict[int, Exception]:
    """Send each (delivery, composed); {delivery id: error} for those that did not go out.

    Queries, whatever the batch's size: the users' channel choices (unless `schedules`, from
    `compose.schedules_for`, has them), the deliveries already emailed, their email stamp, and the
    notices (each only when there is something to do). `claimed`: the caller claimed these rows
    and loaded them since (status `sending`), so their `email_sent_at` is current, and it writes
    the stamps set here on the instances with its outcomes, in the same transaction.
    """
    pairs = list(pairs)
    if not pairs:
        return {}
    keys = {(d.user_id, d.kind) for d, _ in pairs}
    choices = _choices(keys) if schedules is None else _choices_from(keys, schedules)
    notices = [
        Notification(user=d.user, delivery=d, title=c.subject, body=c.text)
        for d, c in pairs
        if choices[(d.user_id, d.kind)][0]
    ]
    if notices:
        Notification.objects.bulk_create(notices, ignore_conflicts=True)
    emails = [(d, c) for d, c in pairs if choices[(d.user_id, d.kind)][1] and d.user.email]
    return _email_many(emails, claimed) if emails else {}


def _defaults() -> tuple[bool, bool]:
    return (
        ReminderSchedule._meta.get_field("in_app").get_default(),
        ReminderSchedule._meta.get_field("by_email").get_default(),
    )


def _choices(keys) -> dict[tuple[int, str], tuple[bool, bool]]:
    """{(user id, kind): (in_app, by_email)} with the model's defaults where no row exists."""
    choices = dict.fromkeys(keys, _defaults())
    rows = ReminderSchedule.objects.filter(
        user_id__in={user_id for user_id, _ in keys}, kind__in={kind for _, kind in keys}
    ).values_list("user_id", "kind", "in_app", "by_email")
    for user_id, kind, in_app, by_email in rows:
        if (user_id, kind) in choices:
            choices[(user_id, kind)] = (in_app, by_email)
    return choices


def _choices_from(keys, schedules) -> dict[tuple[int, str], tuple[bool, bool]]:
    defaults = _defaults()
    return {key: tuple(schedules[key][1:]) if key in schedules else defaults for key in keys}


def _email_many(pairs, claimed) -> dict[int, Exception]:
    if claimed:
        already = {d.pk for d, _ in pairs if d.email_sent_at is not None}
    else:
        # Read the marker from the database, not the instance: a retry may hold a stale copy.
        already = set(
            ReminderDelivery.objects.filter(
                pk__in=[d.pk for d, _ in pairs], email_sent_at__isnull=False
            ).values_list("pk", flat=True)
        )
    pairs = [(d, c) for d, c in pairs if d.pk not in already]
    if not pairs:
        return {}
    templates = {part: get_template(name) for part, name in TEMPLATES.items()}
    errors, sent = {}, []
    connection = get_connection(fail_silently=False)
    try:
        for delivery, composed in pairs:
            try:
                message = render_email(delivery, composed, templates, connection)
                _send(connection, message, lambda d=delivery: _hand_over(d, claimed))
            except TakenBack as exc:
                errors[delivery.pk] = exc
            except TransientDeliveryError as exc:
                errors[delivery.pk] = exc
                # The connection may be broken: the next message opens a new one.
                _close(connection)
            except Exception as exc:  # final for this one; the others still go out
                errors[delivery.pk] = exc
            else:
                sent.append(delivery)
    finally:
        _close(connection)
    if sent:
        stamp = timezone.now()
        for delivery in sent:
            delivery.email_sent_at = stamp
        if not claimed:
            ReminderDelivery.objects.filter(pk__in=[d.pk for d in sent]).update(email_sent_at=stamp)
    return errors


def email_context(delivery, composed) -> dict:
    """What the email templates see for one delivery (its `user` loaded): its own words, its own
    signed links, and its recipient."""
    kind = delivery.kind
    return {
        "composed": composed,
        "user": delivery.user,
        "kind_label": delivery.get_kind_display(),
        "snooze_links": [
            (action_label(action, kind), links.snooze_url(delivery, action)) for action in ACTIONS
        ],
        "unsubscribe_url": links.unsubscribe_url(delivery.user, kind),
        "settings_url": links.absolute(reverse("cramps:reminder_settings")),
        "notifications_url": links.absolute(reverse("cramps:notifications")),
    }


def render_email(delivery, composed, templates, connection=None) -> EmailMultiAlternatives:
    """One reminder email, each part rendered by the engine from this delivery's context, in the
    recipient's language (their links too: /zh-hans/ pages for a Chinese reader)."""
    with in_language_of(delivery.user):
        return _render_email(delivery, composed, templates, connection)


def _render_email(delivery, composed, templates, connection=None) -> EmailMultiAlternatives:
    context = email_context(delivery, composed)
    message = EmailMultiAlternatives(
        # A header: one line, whatever the template prints (Django refuses a line break in it).
        subject=one_line(templates["subject"].render(context)),
        body=templates["text"].render(context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            # RFC 8058: mail providers may unsubscribe with one POST, no page in between.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(templates["html"].render(context), "text/html")
    return message


def _hand_over(delivery, claimed) -> bool:
    """Marks the moment before the email leaves; False if the claim was taken back meanwhile."""
    rows = ReminderDelivery.objects.filter(pk=delivery.pk)
    if claimed:
        rows = rows.filter(status=ReminderDelivery.Status.SENDING, claimed_at=delivery.claimed_at)
    now = timezone.now()
    if not rows.update(handing_to_mail_server_at=now):
        return False
    delivery.handing_to_mail_server_at = now
    return True


def _send(connection, message, hand_over) -> None:
    try:
        # Opened by the first message (or again after a failure), then kept open: send_messages
        # closes only a connection it opened itself.
        connection.open()
        if not hand_over():
            raise TakenBack("taken back by the dispatcher before the email was handed over")
        message.send(fail_silently=False)  # through `connection`
    except _TRANSIENT as exc:
        raise TransientDeliveryError(f"email not sent, will retry: {exc!r}") from exc
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise TransientDeliveryError(f"mail server said try later: {exc!r}") from exc
        raise


def _close(connection) -> None:
    # A connection that broke mid-batch may not close cleanly: drop it all the same.
    with contextlib.suppress(Exception):
        connection.close()
