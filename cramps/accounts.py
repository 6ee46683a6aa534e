"""Sign-up with a confirmed email, told the same way whether or not the email has an account.

- A new email: the account is created inactive, with its reminder settings but nothing planned,
  and a link to confirm it is emailed. The link opens a page with a button: mail systems open
  links to scan them, so only the button's POST confirms, activates the account and plans its
  reminders. Its token is the sign-up's own (`SignupTokenGenerator`), never a password reset's.
- An email with a confirmed account: nothing is created; its owner is emailed that someone tried
  to sign up with their address, with the links to log in and reset the password.
- An email whose account was never confirmed (never logged in): that account is replaced by the
  new sign-up. It never held data (nobody could log in to it), and only the email's owner can
  confirm. A deactivated account that was used is kept, and its owner told as above.

The page says "check your email" in every case, so it never reveals whether an account exists.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode

from cramps.models import ReminderSchedule, User
from cramps.models.reminders import ReminderKind
from cramps.reminders import schedule


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """Tokens that confirm a sign-up's email, valid for PASSWORD_RESET_TIMEOUT. Their own salt:
    a password-reset token never confirms an account, nor this one resets a password. Spent once
    the account is active (and by the log-in that follows)."""

    key_salt = "cramps.accounts.SignupTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


signup_token_generator = SignupTokenGenerator()


def sign_up(form, next_url: str = "") -> None:
    """Act on a valid sign-up form; what happened is told only to the email's owner. A local
    `next_url` (checked by the view) rides in the confirmation link."""
    email = form.cleaned_data["email"]
    existing = User.objects.filter(email__iexact=email).first()
    # Only a sign-up never confirmed (never logged in) may be replaced: an account an admin
    # deactivated keeps its data, and its owner is told as for an active one.
    if existing is not None and (existing.is_active or existing.last_login is not None):
        _send("emails/signup_exists", existing, {})
        return
    try:
        with transaction.atomic():
            if existing is not None:
                existing.delete()
            user = form.save(commit=False)
            user.is_active = False
            user.save()
            by_email = form.cleaned_data.get("email_reminders", False)
            # The settings exist from the start; nothing is planned until the email is confirmed.
            ReminderSchedule.objects.bulk_create(
                [ReminderSchedule(user=user, kind=k, by_email=by_email) for k in ReminderKind]
            )
    except IntegrityError:
        # The same email signed up at the same moment from another request: that one wins.
        return
    _send("emails/signup_confirm", user, {"confirm_url": confirm_url(user, next_url)})


def confirm_url(user, next_url: str = "") -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = signup_token_generator.make_token(user)
    path = reverse("cramps:signup_confirm", kwargs={"uidb64": uid, "token": token})
    query = "?" + urlencode({"next": next_url}) if next_url else ""
    return settings.SITE_URL + path + query


def confirmable(uidb64: str, token: str) -> User | None:
    """The account the link would confirm, changing nothing; None if the link is wrong, expired
    (PASSWORD_RESET_TIMEOUT) or already used."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not signup_token_generator.check_token(user, token):
        return None
    return user


def confirm(uidb64: str, token: str) -> User | None:
    """The account the link confirms, now active with its reminders planned; None as for
    `confirmable`. Once confirmed the token no longer checks: a second press gets None."""
    with transaction.atomic():
        user = confirmable(uidb64, token)
        if user is None:
            return None
        # Two presses at once: the first activates, the second finds it done.
        if not User.objects.filter(pk=user.pk, is_active=False).update(is_active=True):
            return None
        user.is_active = True
        schedule.refresh_schedules(user)
    return user


def _send(template: str, user, context: dict) -> None:
    context = {
        "user": user,
        "site_url": settings.SITE_URL,
        "login_url": settings.SITE_URL + reverse("login"),
        "reset_url": settings.SITE_URL + reverse("password_reset"),
        **context,
    }
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [user.email])
