import pytest
from django.urls import reverse

from cramps.models import User
from tests.factories import UserFactory

SIGNUP = "/signup/"


def _data(**overrides):
    data = {
        "username": "bea",
        "email": "bea@example.com",
        "password1": "slow calf stretch 42",
        "password2": "slow calf stretch 42",
        "timezone": "Europe/Berlin",
    }
    return {**data, **overrides}


@pytest.fixture
def refreshed(monkeypatch):
    calls = []
    monkeypatch.setattr("cramps.reminders.schedule.refresh_schedules", calls.append)
    return calls


def test_it_creates_the_account_logs_in_and_sends_to_the_profile(client, db, refreshed):
    response = client.post(SIGNUP, _data(), follow=True)

    user = User.objects.get(username="bea")
    assert response.redirect_chain == [(reverse("cramps:profile"), 302)]
    assert response.context["user"] == user
    assert user.email == "bea@example.com"
    assert user.timezone == "Europe/Berlin"
    assert user.check_password("slow calf stretch 42")
    assert b"Check your time zone" in response.content
    # Reminder schedules exist from the first minute, with the zone just chosen.
    assert refreshed == [user]


def test_it_rejects_an_email_that_differs_only_in_case_next_to_the_field(client, db):
    UserFactory(username="first", email="bea@example.com")

    response = client.post(SIGNUP, _data(email="BEA@Example.com"))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this email already exists. Log in, or reset your password."
    ]
    assert b'value="BEA@Example.com"' in response.content
    assert not User.objects.filter(username="bea").exists()


def test_it_rejects_an_unknown_zone_and_keeps_what_was_typed(client, db):
    response = client.post(SIGNUP, _data(timezone="Europe/Atlantis"))

    assert response.status_code == 200
    [error] = response.context["form"].errors["timezone"]
    assert "is not a time zone we know" in error
    assert b'value="Europe/Atlantis"' in response.content
    assert not User.objects.filter(username="bea").exists()


def test_it_rejects_mismatched_passwords(client, db):
    response = client.post(SIGNUP, _data(password2="something else 42"))

    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(username="bea").exists()


def test_it_suggests_the_browser_zone_with_a_script_and_lists_zones_without_one(client, db):
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
