"""A visitor taps "Log this cramp" on the guide: what they tried and when it started survive
log-in and sign-up, and the pages say why they are there."""

import datetime as dt
import html
import re
from urllib.parse import quote, urlencode, urlsplit

import pytest
import time_machine
from django.core import mail

from cramps.models import User
from tests.conftest import NOW
from tests.factories import UserFactory
from tests.test_account_signup import _data as signup_data
from tests.test_relief_guide import make_technique

pytestmark = pytest.mark.django_db

OPENED = NOW - dt.timedelta(minutes=67)  # 07:53 UTC = 08:53 in Berlin


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tried(db):
    return make_technique("test-point")


def _log_link(technique):
    query = urlencode([("tried", technique.slug), ("at", OPENED.isoformat())])
    return f"/log/cramp/?{query}"


def _assert_prefilled(page, technique):
    assert re.search(r'name="started_at" value="2026-03-10T08:53"', page)
    field = f"trial_{technique.pk}"
    assert re.search(rf'name="{field}"[^>]*value="tried"[^>]*checked', page)


def test_log_in_says_why_and_lands_on_the_cramp_form_filled_in(client, tried):
    UserFactory(username="bea", timezone="Europe/Berlin", password="slow calf stretch 42")
    link = _log_link(tried)

    to_login = client.get(link)
    assert to_login.status_code == 302
    login_page = client.get(to_login["Location"]).content.decode()
    assert "data-why-here" in login_page
    assert "Saving a cramp needs a free account" in login_page
    # The way to sign up keeps the way back.
    assert f"/signup/?next={quote(link, safe='/')}" in html.unescape(login_page)

    logged_in = client.post(
        to_login["Location"],
        {"username": "bea", "password": "slow calf stretch 42", "next": link},
    )
    assert logged_in.status_code == 302
    assert logged_in["Location"] == link
    _assert_prefilled(client.get(link).content.decode(), tried)


def test_sign_up_says_why_and_lands_on_the_cramp_form_filled_in(client, tried):
    link = _log_link(tried)
    signup = f"/signup/?{urlencode({'next': link})}"

    page = client.get(signup).content.decode()
    assert "Saving a cramp needs a free account" in page
    assert f'name="next" value="{html.escape(link)}"' in page

    response = client.post(signup, {**signup_data(), "next": link})
    assert response["Location"] == "/signup/sent/"
    assert User.objects.filter(username="bea").exists()

    # The emailed confirmation link carries the way back to the cramp form, through its button.
    page = client.get(_confirm_link()).content.decode()
    assert f'name="next" value="{html.escape(link)}"' in page
    confirmed = client.post(_confirm_link(), {"next": link})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == link
    _assert_prefilled(client.get(link).content.decode(), tried)


def _confirm_link() -> str:
    (message,) = mail.outbox
    url = re.search(r"https?://\S+/signup/confirm/\S+", message.body).group(0)
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_sign_up_never_sends_anyone_to_another_site(client):
    client.post("/signup/", {**signup_data(), "next": "https://evil.example/"})

    assert "evil.example" not in client.get(_confirm_link()).content.decode()
    confirmed = client.post(_confirm_link(), {"next": "https://evil.example/"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/profile/"


def test_a_plain_log_in_says_nothing_about_a_cramp(client):
    page = client.get("/accounts/login/?next=/today/").content.decode()

    assert "data-why-here" not in page


@pytest.mark.parametrize(
    "at",
    ["2026-03-10T12:00:00+00:00", "2026-03-08T09:00:00+00:00", "yesterday", "2026-03-10T09:00"],
)
def test_a_guide_time_in_the_future_too_old_or_without_a_zone_falls_back_to_now(owner_client, at):
    page = owner_client.get(f"/log/cramp/?{urlencode({'at': at})}").content.decode()

    # NOW is 09:00 UTC, 10:00 in the owner's Berlin.
    assert re.search(r'name="started_at" value="2026-03-10T10:00"', page)


@pytest.mark.parametrize("at", ["2026-02-30T10:00:00+00:00", "2026-03-10T08:00:00+99:00"])
def test_an_impossible_guide_time_falls_back_to_now(owner_client, at):
    response = owner_client.get(f"/log/cramp/?{urlencode({'at': at})}")

    assert response.status_code == 200
    assert 'name="started_at" value="2026-03-10T10:00"' in response.content.decode()
