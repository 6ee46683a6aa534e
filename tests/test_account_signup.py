import re

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cramps.models import ReminderSchedule, User
from tests.conftest import NOW
from tests.factories import UserFactory

SIGNUP = "/signup/"

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "username": "bea",
        "email": "bea@example.com",
        "password1": "slow calf stretch 42",
        "password2": "slow calf stretch 42",
        "timezone": "Europe/Berlin",
    }
    return {**data, **overrides}


def _link(message) -> str:
    return re.search(r"http://\S+/signup/confirm/\S+/", message.body).group(0)


def test_it_creates_an_inactive_account_and_emails_a_link(client):
    response = client.post(SIGNUP, _data(), follow=True)

    user = User.objects.get(username="bea")
    assert response.redirect_chain == [(reverse("cramps:signup_sent"), 302)]
    assert b"Check your email" in response.content
    assert not user.is_active
    assert "_auth_user_id" not in client.session
    assert (user.email, user.timezone) == ("bea@example.com", "Europe/Berlin")
    assert user.check_password("slow calf stretch 42")
    [message] = mail.outbox
    assert message.to == ["bea@example.com"]
    assert message.subject == "Confirm your Crampless account"
    # Nothing is planned for an address nobody has confirmed.
    assert not ReminderSchedule.objects.filter(user=user, next_due_at__isnull=False).exists()


def test_opening_the_link_confirms_nothing_and_shows_a_button(client):
    # Mail systems open links to scan them: a GET must not confirm or log anyone in.
    with time_machine.travel(NOW, tick=False):
        client.post(SIGNUP, _data())
        page = client.get(_link(mail.outbox[0]))

        user = User.objects.get(username="bea")
        assert page.status_code == 200
        content = page.content.decode()
        assert '<form method="post"' in content and "Confirm my email" in content
        assert not user.is_active
        assert "_auth_user_id" not in client.session
        assert not ReminderSchedule.objects.filter(user=user, next_due_at__isnull=False).exists()


def test_the_button_activates_logs_in_and_plans_reminders(client):
    with time_machine.travel(NOW, tick=False):
        client.post(SIGNUP, _data())
        link = _link(mail.outbox[0])
        client.get(link)
        response = client.post(link, follow=True)

        user = User.objects.get(username="bea")
        assert user.is_active
        assert response.redirect_chain == [(reverse("cramps:profile"), 302)]
        assert response.context["user"] == user
        assert b"Your email is confirmed" in response.content
        assert ReminderSchedule.objects.filter(user=user, next_due_at__gt=NOW).exists()


def test_the_button_needs_the_pages_csrf_token(client):
    from django.test import Client

    client.post(SIGNUP, _data())
    link = _link(mail.outbox[0])
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(link).status_code == 403
    assert not User.objects.get(username="bea").is_active


def test_the_link_works_once(client):
    client.post(SIGNUP, _data())
    link = _link(mail.outbox[0])
    client.post(link)
    client.logout()

    again = client.post(link)
    opened = client.get(link)

    assert again.status_code == opened.status_code == 400
    assert b"This link does not work" in again.content
    assert b"This link does not work" in opened.content
    assert "_auth_user_id" not in client.session


def test_a_password_reset_token_does_not_confirm_an_account(client):
    client.post(SIGNUP, _data())
    user = User.objects.get(username="bea")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    reset = default_token_generator.make_token(user)

    opened = client.get(f"/signup/confirm/{uid}/{reset}/")
    pressed = client.post(f"/signup/confirm/{uid}/{reset}/")

    assert opened.status_code == pressed.status_code == 400
    user.refresh_from_db()
    assert not user.is_active
    assert "_auth_user_id" not in client.session


def test_a_confirmation_token_does_not_reset_a_password(client):
    client.post(SIGNUP, _data())
    user = User.objects.get(username="bea")
    user.is_active = True  # even once confirmed
    user.save()
    token = re.search(r"/signup/confirm/[^/]+/([^/]+)/", mail.outbox[0].body).group(1)
    uid = urlsafe_base64_encode(force_bytes(user.pk))

    response = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)

    assert response.context["validlink"] is False


def test_a_forged_link_does_nothing(client):
    client.post(SIGNUP, _data())
    user = User.objects.get(username="bea")

    assert client.get(f"/signup/confirm/{user.pk}/abc-123/").status_code == 400
    response = client.post(f"/signup/confirm/{user.pk}/abc-123/")

    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_an_unconfirmed_account_cannot_log_in(client):
    client.post(SIGNUP, _data())

    response = client.post(
        "/accounts/login/", {"username": "bea", "password": "slow calf stretch 42"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_email_with_an_account_gets_the_same_page_and_its_owner_an_email(client):
    owner = UserFactory(username="first", email="bea@example.com")

    fresh = client.post(SIGNUP, _data(username="other", email="new@example.com"), follow=True)
    taken = client.post(SIGNUP, _data(email="BEA@Example.com"), follow=True)

    assert taken.redirect_chain == fresh.redirect_chain
    assert taken.content == fresh.content
    assert not User.objects.filter(username="bea").exists()
    [_, warning] = mail.outbox
    assert warning.to == [owner.email]
    assert warning.subject == "Someone tried to sign up with your email"
    assert "No new account was created" in warning.body
    assert "/accounts/password/reset/" in warning.body
    assert "/signup/confirm/" not in warning.body


def test_a_new_sign_up_replaces_an_unconfirmed_one_with_the_same_email(client):
    client.post(SIGNUP, _data(username="squatter"))

    client.post(SIGNUP, _data(username="bea", email="Bea@example.com"))

    assert list(User.objects.values_list("username", flat=True)) == ["bea"]
    assert len(mail.outbox) == 2


def test_a_sign_up_never_deletes_a_deactivated_account_that_was_used(client, db):
    kept = UserFactory(username="old", email="bea@example.com", is_active=False, last_login=NOW)

    client.post(SIGNUP, _data(username="stranger", email="bea@example.com"))

    assert list(User.objects.values_list("username", flat=True)) == ["old"]
    (message,) = mail.outbox
    assert message.to == [kept.email]


def test_email_reminders_are_off_unless_asked_for(client):
    client.post(SIGNUP, _data())
    client.post(SIGNUP, _data(username="cy", email="cy@example.com", email_reminders="on"))

    bea = ReminderSchedule.objects.filter(user__username="bea")
    cy = ReminderSchedule.objects.filter(user__username="cy")
    assert bea.count() == cy.count() == 2
    assert not bea.filter(by_email=True).exists()
    assert not cy.filter(by_email=False).exists()
    assert not bea.filter(in_app=False).exists()


def test_the_form_asks_about_email_reminders_unticked(client):
    response = client.get(SIGNUP)

    assert b"Send me reminders by email too" in response.content
    assert b'name="email_reminders"' in response.content
    assert b"checked" not in response.content


def test_it_rejects_an_unknown_zone_and_keeps_what_was_typed(client):
    response = client.post(SIGNUP, _data(timezone="Europe/Atlantis"))

    assert response.status_code == 200
    [error] = response.context["form"].errors["timezone"]
    assert "is not a time zone we know" in error
    assert b'value="Europe/Atlantis"' in response.content
    assert not User.objects.filter(username="bea").exists()


def test_it_rejects_mismatched_passwords(client):
    response = client.post(SIGNUP, _data(password2="something else 42"))

    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(username="bea").exists()
    assert not mail.outbox


def test_it_suggests_the_browser_zone_with_a_script_and_lists_zones_without_one(client):
    response = client.get(SIGNUP)

    assert b'src="/static/cramps/js/timezone.js" defer' in response.content
    assert b'list="timezone-list"' in response.content
    assert b'<option value="America/New_York">' in response.content


def test_it_sends_a_logged_in_user_to_the_profile(owner_client):
    response = owner_client.get(SIGNUP)

    assert response.status_code == 302
    assert response.url == reverse("cramps:profile")


def test_a_mismatch_also_shows_the_weak_password_message_at_once(client, db):
    response = client.post(SIGNUP, _data(password1="calf", password2="cal"))
    errors = response.context["form"].errors
    assert "password2" in errors
    assert any("too short" in message for message in errors["password1"])
