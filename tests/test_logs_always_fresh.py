"""Signed-in pages are rendered from the database on every request: no stored per-user HTML.

What a user relies on: a deleted entry never comes back, a change by any writer (a form, the API,
an admin bulk edit) shows on the next load, and the check-in form posts with the token of the
request that served it, whichever web process that was.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from cramps.models import CheckIn, HydrationEntry, Notification, ReliefTechnique, TechniqueTrial
from tests.conftest import NOW
from tests.factories import CrampEpisodeFactory, HydrationFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _frozen():
    # Frozen time: an edit does not move `updated_at`, so only the rows' contents can tell.
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("path", ["/today/", "/history/drinks/"])
def test_a_deleted_entry_never_reappears(owner_client, owner, path):
    kept = HydrationFactory(user=owner, at=NOW, amount_ml=270)
    gone = HydrationFactory(user=owner, at=NOW, amount_ml=170)
    assert b"170 ml" in owner_client.get(path).content
    # A write lands between two views of the page, then the entry is deleted from its page.
    kept.amount_ml = 280
    kept.save()
    assert b"280 ml" in owner_client.get(path).content
    response = owner_client.post(f"/log/drink/{gone.pk}/delete/", {"next": path}, follow=True)
    assert b"Deleted: 170 ml" in response.content  # the message, shown once
    for _ in range(3):
        content = owner_client.get(path).content
        assert b"170 ml" not in content
        assert b"280 ml" in content
    assert not HydrationEntry.objects.filter(pk=gone.pk).exists()


@pytest.mark.parametrize("path", ["/today/", "/history/drinks/"])
def test_it_shows_a_change_made_by_a_queryset_update_at_once(owner_client, owner, path):
    HydrationFactory(user=owner, at=NOW, amount_ml=270)  # not a quick-drink amount
    assert b"270 ml" in owner_client.get(path).content
    # No save(), no new `updated_at`, no signal: what an admin bulk edit might do.
    HydrationEntry.objects.filter(user=owner).update(amount_ml=333)
    content = owner_client.get(path).content
    assert b"333 ml" in content
    assert b"270 ml" not in content


@pytest.mark.parametrize("path", ["/today/", "/history/cramps/"])
def test_it_shows_a_changed_trial_and_a_renamed_technique(owner_client, owner, path):
    technique = ReliefTechnique.objects.filter(kind=ReliefTechnique.Kind.STRETCH).first()
    episode = CrampEpisodeFactory(user=owner, started_at=NOW.replace(hour=3))
    TechniqueTrial.objects.create(episode=episode, technique=technique, outcome="helped")
    assert f"{technique.name} (helped)".encode() in owner_client.get(path).content
    TechniqueTrial.objects.update(outcome="no")
    ReliefTechnique.objects.filter(pk=technique.pk).update(name="Wall stretch")
    assert b"Wall stretch (didn&#x27;t help)" in owner_client.get(path).content


def test_the_bell_follows_notifications_read_elsewhere(owner_client, owner):
    Notification.objects.create(user=owner, title="Stretch", body="Time for your calf stretch.")
    assert b" unread</span>" in owner_client.get("/today/").content
    Notification.objects.update(read_at=NOW)
    assert b" unread</span>" not in owner_client.get("/today/").content


def test_it_never_shows_one_users_entries_to_another(owner, outsider):
    HydrationFactory(user=owner, at=NOW, amount_ml=270)
    HydrationFactory(user=outsider, at=NOW, amount_ml=444)
    clients = {}
    for user in (owner, outsider):
        clients[user] = Client()
        clients[user].force_login(user)
    for path in ("/today/", "/history/drinks/"):
        assert b"270 ml" in clients[owner].get(path).content
        assert b"444 ml" not in clients[owner].get(path).content
        assert b"444 ml" in clients[outsider].get(path).content
        assert b"270 ml" not in clients[outsider].get(path).content


def test_the_check_in_posts_with_the_token_of_the_page_served_by_another_process(owner):
    # The page is served by "process A"; the POST goes to "process B". With no placeholder
    # and no shared HTML, every token in the page belongs to the browser's own CSRF cookie.
    served = Client(enforce_csrf_checks=True)
    served.force_login(owner)
    tokens = TOKEN.findall(served.get("/today/").content.decode())
    assert tokens
    secret = served.cookies[settings.CSRF_COOKIE_NAME].value
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    other = Client(enforce_csrf_checks=True)
    other.cookies = served.cookies  # the same browser, a different web process
    response = other.post("/today/", {"csrfmiddlewaretoken": tokens[0], "loose_clothing": "True"})
    assert response.status_code == 302
    assert CheckIn.objects.get(user=owner, date=dt.date(2026, 3, 10)).loose_clothing is True


def test_a_message_shows_once(owner_client):
    response = owner_client.post("/today/", {"loose_clothing": "True"}, follow=True)
    assert b"Check-in saved." in response.content
    assert b"Check-in saved." not in owner_client.get("/today/").content


@pytest.mark.parametrize("page", ["2", "9", "0", "x"])
def test_any_page_number_shows_the_rows_as_they_are_now(owner_client, owner, page):
    for ml in range(101, 127):  # 26 drinks, newest first: 101-125 on page 1, 126 on page 2
        HydrationFactory(user=owner, at=NOW - dt.timedelta(minutes=ml), amount_ml=ml)
    shown = 101 if page == "x" else 126  # not a number: page 1; out of range: the last page
    assert f"{shown} ml".encode() in owner_client.get(f"/history/drinks/?page={page}").content
    HydrationEntry.objects.filter(amount_ml=shown).update(amount_ml=999)
    content = owner_client.get(f"/history/drinks/?page={page}").content
    assert b"999 ml" in content
    assert f"{shown} ml".encode() not in content
