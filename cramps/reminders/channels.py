"""Sending composed reminders through the channels the user chose for their kind.

`deliver_many(pairs)` sends a batch of (delivery, composed) in a fixed number of queries, all its
emails through one mail connection; `deliver(delivery, composed)` is a batch of one. Both are safe
to call again for the same delivery (the send task retries):
- email: sent only while `ReminderDelivery.email_sent_at` is empty (read from the database, or
  from rows the send task claimed and loaded just now, never from an older copy: a retry may hold
  a stale one), and that field is set once the mail server accepted the message;
- in-app: one `Notification` per delivery (the one-to-one `delivery` is unique; a second insert
  is ignored).
A reminder goes out whole or not at all: its in-app notice is written only when its email went out
(or it has none), so a reminder whose email failed is retried or failed as one piece, and its
retry never leaves a second notice. One email's failure never stops or undoes the others.

Errors worth retrying (the mail server unreachable, hung up, timed out, or answered with a 4xx
"try later") come back as `TransientDeliveryError`; anything else comes back as it was raised and
is final. `deliver` raises them.
"""

import contextlib
import logging
import re
import smtplib

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from cramps.models import Notification, ReminderDelivery, ReminderSchedule

from . import links
from .compose import Composed
from .snooze import ACTIONS, action_label

_TRANSIENT = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,  # socket.timeout is an alias of it
)


logger = logging.getLogger(__name__)


class TransientDeliveryError(Exception):
    """A failure that may pass: the send task retries it with backoff."""


def channels_for(user, kind: str) -> tuple[bool, bool]:
    """(in_app, by_email) for a kind; the model's defaults when no schedule row exists yet."""
    return _choices([(user.pk, kind)])[(user.pk, kind)]


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
    emails = [(d, c) for d, c in pairs if choices[(d.user_id, d.kind)][1] and d.user.email]
    errors = _email_many(emails, claimed) if emails else {}
    notices = [
        Notification(user=d.user, delivery=d, title=c.subject, body=c.text)
        for d, c in pairs
        if choices[(d.user_id, d.kind)][0] and d.pk not in errors
    ]
    if notices:
        Notification.objects.bulk_create(notices, ignore_conflicts=True)
    return errors


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
    mailer = _Mailer()
    errors, sent = {}, []
    connection = get_connection(fail_silently=False)
    try:
        for delivery, composed in pairs:
            try:
                _send(connection, mailer.message(delivery, composed, connection))
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


def _send(connection, message) -> None:
    try:
        # Opened by the first message (or again after a failure), then kept open: send_messages
        # closes only a connection it opened itself.
        connection.open()
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


def email_message(delivery, composed) -> EmailMultiAlternatives:
    """The reminder email: plain text and HTML, with signed snooze and unsubscribe links."""
    return _Mailer().message(delivery, composed)


# A stand-in for a signed token in URLs reversed once per batch. Tokens are URL-safe base64 and
# colons, which reverse() leaves as they are, so putting the token in its place gives the same
# URL as reversing with the token.
_TOKEN = "__token__"
# What changes from one email to the next: the words and the signed links.
# Templates whose emails are rendered in full (warned about once).
_WARNED: set[str] = set()
_SLOTS = ("subject", "text", "html", *(f"snooze_{action}" for action in ACTIONS), "unsubscribe")


class _Mailer:
    """What every email of a batch shares, worked out once: templates, signers, fixed URLs, and
    each template rendered once per kind into a `_Skeleton`."""

    def __init__(self):
        self.templates = {
            "text": get_template("emails/reminder.txt"),
            "html": get_template("emails/reminder.html"),
        }
        self.snooze_signer = signing.TimestampSigner(salt=links.SNOOZE_SALT)
        self.unsubscribe_signer = signing.TimestampSigner(salt=links.UNSUBSCRIBE_SALT)
        self.snooze_urls = {
            action: _split(reverse("cramps:email_snooze", args=[action, _TOKEN]))
            for action in ACTIONS
        }
        self.unsubscribe_url = _split(reverse("cramps:unsubscribe", args=[_TOKEN]))
        self.settings_url = links.absolute(reverse("cramps:reminder_settings"))
        self.notifications_url = links.absolute(reverse("cramps:notifications"))
        self.labels = {}
        self.skeletons = {}

    def message(self, delivery, composed, connection=None) -> EmailMultiAlternatives:
        kind = delivery.kind
        snooze_token = self.snooze_signer.sign_object({"d": delivery.pk})
        values = {
            "subject": composed.subject,
            "text": composed.text,
            "html": composed.html,
            **{
                f"snooze_{action}": _join(self.snooze_urls[action], snooze_token)
                for action in ACTIONS
            },
            "unsubscribe": _join(
                self.unsubscribe_url,
                self.unsubscribe_signer.sign_object({"u": delivery.user.pk, "k": kind}),
            ),
        }
        message = EmailMultiAlternatives(
            subject=composed.subject,
            body=self._render("text", delivery, values),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.user.email],
            connection=connection,
            headers={
                "List-Unsubscribe": f"<{values['unsubscribe']}>",
                # RFC 8058: mail providers may unsubscribe with one POST, no page in between.
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(self._render("html", delivery, values), "text/html")
        return message

    def _context(self, delivery, values) -> dict:
        kind = delivery.kind
        if kind not in self.labels:
            self.labels[kind] = delivery.get_kind_display()
        return {
            "composed": Composed(None, values["subject"], values["text"], values["html"]),
            "kind_label": self.labels[kind],
            "snooze_links": [
                (action_label(action, kind), values[f"snooze_{action}"]) for action in ACTIONS
            ],
            "unsubscribe_url": values["unsubscribe"],
            "settings_url": self.settings_url,
            "notifications_url": self.notifications_url,
        }

    def _render(self, name, delivery, values) -> str:
        """The template's output for these values: from the skeleton when there is one."""
        # Escaping depends on whether a value is already safe HTML: one skeleton for each case.
        key = (name, delivery.kind, *(isinstance(values[slot], SafeData) for slot in _SLOTS))
        if key in self.skeletons:
            skeleton = self.skeletons[key]
            if skeleton is not None:
                return skeleton.fill(values)
            return self.templates[name].render(self._context(delivery, values))
        template = self.templates[name]
        skeleton = _Skeleton.build(template, lambda v: self._context(delivery, v), values)
        rendered = template.render(self._context(delivery, values))
        if skeleton is not None and skeleton.fill(values) != rendered:
            skeleton = None
        if skeleton is None and name not in _WARNED:
            _WARNED.add(name)  # once per process, not once per batch
            logger.warning("%s: rendering every reminder in full", template.origin.name)
        self.skeletons[key] = skeleton
        return rendered


class _Skeleton:
    """A template rendered once with a marked stand-in for each value of `_SLOTS`: the text
    between the stand-ins, and whether the template escapes the value at each place. Filling it
    gives what rendering the template would, as long as the template only prints those values
    (`{{ value }}` or `{{ value|safe }}`). `build` checks that with two probe renders (special
    characters; empty values) and the caller with the batch's first real email, else it returns
    None and every email is rendered in full."""

    _PROBE = "<&'\">\n x"
    _MARK = "\ue000{}\ue001"  # private-use characters: never in a template, never escaped

    def __init__(self, parts):
        self.parts = parts  # a string, or (slot, escaped?)

    @classmethod
    def build(cls, template, context, like: dict):
        def probe(value, like):
            return mark_safe(value) if isinstance(like, SafeData) else value

        marks = {slot: cls._MARK.format(n) for n, slot in enumerate(_SLOTS)}
        probes = {slot: probe(f"{m}{cls._PROBE}{m}", like[slot]) for slot, m in marks.items()}
        rendered = template.render(context(probes))
        parts, at = [], 0
        by_mark = {m: slot for slot, m in marks.items()}
        pattern = re.compile("(\ue000\\d+\ue001)(.*?)\\1", re.DOTALL)
        for found in pattern.finditer(rendered):
            slot = by_mark.get(found.group(1))
            if found.group(2) == cls._PROBE:
                escaped = False
            elif found.group(2) == escape(cls._PROBE):
                escaped = True
            else:
                return None  # a filter or tag changed the value
            parts.append(rendered[at : found.start()])
            parts.append((slot, escaped))
            at = found.end()
        parts.append(rendered[at:])
        if any(isinstance(part, str) and "\ue000" in part for part in parts):
            return None
        skeleton = cls(parts)
        empty = {slot: probe("", like[slot]) for slot in _SLOTS}
        if skeleton.fill(empty) != template.render(context(empty)):
            return None  # the output depends on a value beyond printing it
        return skeleton

    def fill(self, values) -> str:
        return "".join(
            part
            if isinstance(part, str)
            else (escape(values[part[0]]) if part[1] else str(values[part[0]]))
            for part in self.parts
        )


def _split(path: str) -> tuple[str, str]:
    before, token, after = links.absolute(path).partition(_TOKEN)
    if not token or _TOKEN in after:
        raise ValueError(f"no single place for a token in {path!r}")
    return before, after


def _join(url: tuple[str, str], token: str) -> str:
    return f"{url[0]}{token}{url[1]}"
