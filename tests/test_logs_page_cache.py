"""The today page and the history lists serve a repeat visit from a cache keyed on one query
that reads every row they show: a change by any writer shows at once, and a page is never
shared between users, requests' CSRF tokens or messages."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from cramps.models import HydrationEntry, Notification, ReliefTechnique, TechniqueTrial
from tests.conftest import NOW
from tests.factories import CrampEpisodeFactory, HydrationFactory

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _frozen():
    # Frozen time: an edit does not move `updated_at`, so only the rows' contents can tell.
    with time_machine.travel(NOW, tick=False):
        cache.clear()
        yield


def _technique():
    technique, _ = ReliefTechnique.objects.get_or_create(
        slug="test-cache-calf-stretch",
        defaults=dict(
            name="Standing calf stretch",
            kind=ReliefTechnique.Kind.STRETCH,
            summary="Lean into a wall",
            location="Calf",
            duration_seconds=60,
            evidence="low_certainty",
            source_url="https://example.org/calf",
            in_cramp_guide=False,
        ),
    )
    return technique


def _cramp_with_trial(user):
    episode = CrampEpisodeFactory(user=user, started_at=NOW.replace(hour=3))
    TechniqueTrial.objects.create(episode=episode, technique=_technique(), outcome="helped")
    return episode


@pytest.mark.parametrize("path", ["/today/", "/history/cramps/", "/history/drinks/"])
def test_a_repeat_visit_costs_the_session_the_user_and_one_check(
    owner_client, owner, path, django_assert_num_queries
):
    _cramp_with_trial(owner)
    HydrationFactory(user=owner, at=NOW, amount_ml=270)
    first = owner_client.get(path)
    # 1. the session  2. the user  3. the fingerprint: the page's rows and the bell, in one
    # (+1 on /today/: a running experiment, whose block line is part of the page's key)
    with django_assert_num_queries(4 if path == "/today/" else 3):
        again = owner_client.get(path)
    assert again.status_code == 200
    assert TOKEN.sub(b"", again.content) == TOKEN.sub(b"", first.content)


@pytest.mark.parametrize("path", ["/today/", "/history/drinks/"])
def test_it_shows_a_change_made_by_a_queryset_update_at_once(owner_client, owner, path):
    HydrationFactory(user=owner, at=NOW, amount_ml=270)  # not a quick-drink amount
    assert b"270 ml" in owner_client.get(path).content
    # No save(), no new `updated_at`, no signal: what the API or an admin bulk edit might do.
    HydrationEntry.objects.filter(user=owner).update(amount_ml=333)
    content = owner_client.get(path).content
    assert b"333 ml" in content
    assert b"270 ml" not in content


@pytest.mark.parametrize("path", ["/today/", "/history/cramps/"])
def test_it_shows_a_changed_trial_and_a_renamed_technique(owner_client, owner, path):
    _cramp_with_trial(owner)
    assert b"Standing calf stretch (helped)" in owner_client.get(path).content
    TechniqueTrial.objects.update(outcome="no")
    assert b"Standing calf stretch (didn&#x27;t help)" in owner_client.get(path).content
    ReliefTechnique.objects.filter(slug="test-cache-calf-stretch").update(name="Wall stretch")
    assert b"Wall stretch (didn&#x27;t help)" in owner_client.get(path).content


@pytest.mark.parametrize("path", ["/today/", "/history/drinks/"])
def test_it_shows_a_deleted_entry_gone(owner_client, owner, path):
    HydrationFactory(user=owner, at=NOW, amount_ml=270)
    HydrationFactory(user=owner, at=NOW, amount_ml=170)
    assert b"170 ml" in owner_client.get(path).content
    HydrationEntry.objects.filter(amount_ml=170).delete()
    assert b"170 ml" not in owner_client.get(path).content


def test_the_bell_follows_notifications_read_elsewhere(owner_client, owner):
    Notification.objects.create(user=owner, title="Stretch", body="Time for your calf stretch.")
    assert b" unread</span>" in owner_client.get("/today/").content
    Notification.objects.update(read_at=NOW)
    assert b" unread</span>" not in owner_client.get("/today/").content


def test_it_shows_a_changed_setting_at_once(owner_client, owner):
    assert f"of about {owner.drinks_target_ml} ml".encode() in owner_client.get("/today/").content
    owner.drinks_target_ml += 100
    owner.save()
    assert f"of about {owner.drinks_target_ml} ml".encode() in owner_client.get("/today/").content


def test_it_never_serves_one_users_page_to_another(owner, outsider):
    outsider.timezone = owner.timezone
    outsider.save()
    HydrationFactory(user=owner, at=NOW, amount_ml=270)
    HydrationFactory(user=outsider, at=NOW, amount_ml=444)
    clients = {}
    for user in (owner, outsider):
        clients[user] = Client()
        clients[user].force_login(user)
        clients[user].get("/today/")
    assert b"270 ml" in clients[owner].get("/today/").content
    assert b"444 ml" not in clients[owner].get("/today/").content
    assert b"444 ml" in clients[outsider].get("/today/").content


def test_each_response_carries_a_fresh_token_that_the_check_in_accepts(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    tokens = [
        [token.decode() for token in TOKEN.findall(client.get("/today/").content)] for _ in range(2)
    ]
    assert tokens[0] and tokens[1]
    assert set(tokens[0]).isdisjoint(tokens[1])  # masked anew: no cached token is reused
    response = client.post(
        "/today/", {"csrfmiddlewaretoken": tokens[1][0], "loose_clothing": "True"}
    )
    assert response.status_code == 302


def test_a_message_shows_once_and_is_never_cached(owner_client):
    owner_client.get("/today/")
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
