"""Signed links in reminder emails: they act without a login, so the signature is the only key.

- Unsubscribe: signs (user id, kind). It stops that kind's emails (`by_email=False`); in-app
  reminders stay as they were. Valid for a year: mail clients offer the link long after sending.
- Snooze / skip: signs the delivery id; valid for a day (an older reminder has nothing to snooze).

A tampered token raises `signing.BadSignature`, an old one `signing.SignatureExpired` (a subclass:
catch it first). Views turn them into a 400 or 410 page.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from cramps.models.reminders import ReminderKind

UNSUBSCRIBE_SALT = "cramps.reminders.unsubscribe"
SNOOZE_SALT = "cramps.reminders.snooze"
UNSUBSCRIBE_MAX_AGE = dt.timedelta(days=365)
SNOOZE_MAX_AGE = dt.timedelta(days=1)


def unsubscribe_token(user, kind: str) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; raises BadSignature or SignatureExpired."""
    data = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign_object(
        token, max_age=UNSUBSCRIBE_MAX_AGE
    )
    if not isinstance(data, dict) or data.get("k") not in ReminderKind.values:
        raise signing.BadSignature("unexpected payload")
    if not isinstance(data.get("u"), int):
        raise signing.BadSignature("unexpected payload")
    return data["u"], data["k"]


def snooze_token(delivery) -> str:
    return signing.TimestampSigner(salt=SNOOZE_SALT).sign_object({"d": delivery.pk})


def read_snooze_token(token: str) -> int:
    """The delivery id from a token; raises BadSignature or SignatureExpired."""
    data = signing.TimestampSigner(salt=SNOOZE_SALT).unsign_object(token, max_age=SNOOZE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("d"), int):
        raise signing.BadSignature("unexpected payload")
    return data["d"]


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(user, kind: str) -> str:
    return absolute(reverse("cramps:unsubscribe", args=[unsubscribe_token(user, kind)]))


def snooze_url(delivery, action: str) -> str:
    return absolute(reverse("cramps:email_snooze", args=[action, snooze_token(delivery)]))
