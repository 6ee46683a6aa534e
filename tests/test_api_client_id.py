"""Entries logged offline carry a client-made id: a repeat is the same entry, exactly once."""

import uuid

import pytest
import time_machine
from django.test import Client

from cramps.models import CrampEpisode, HydrationEntry
from tests.conftest import NOW

pytestmark = pytest.mark.django_db

KINDS = [
    ("/api/v1/hydration/", HydrationEntry, {"amount_ml": 250}, {"amount_ml": 500}),
    ("/api/v1/cramps/", CrampEpisode, {"side": "left", "severity": 7}, {"side": "right"}),
]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("url", "model", "body", "other_body"), KINDS)
def test_it_stores_an_entry_sent_twice_once_and_returns_it_again(
    owner_client, owner, url, model, body, other_body
):
    client_id = str(uuid.uuid4())

    first = owner_client.post(url, {**body, "client_id": client_id}, "application/json")
    # The answer was lost on the way back; the device sends it again, even with another body.
    again = owner_client.post(url, {**other_body, "client_id": client_id}, "application/json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["client_id"] == client_id
    assert model.objects.filter(user=owner).count() == 1


@pytest.mark.parametrize(("url", "model", "body", "other_body"), KINDS)
def test_the_same_id_from_another_user_never_touches_the_first_users_entry(
    owner, outsider, url, model, body, other_body
):
    client_id = str(uuid.uuid4())
    mine = _client_for(owner).post(url, {**body, "client_id": client_id}, "application/json")

    theirs = _client_for(outsider).post(
        url, {**other_body, **body, "client_id": client_id}, "application/json"
    )

    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert model.objects.get(pk=mine.json()["id"]).user == owner
    assert model.objects.get(pk=theirs.json()["id"]).user == outsider


@pytest.mark.parametrize(("url", "model", "body", "other_body"), KINDS)
@pytest.mark.parametrize("bad_id", ["not-a-uuid", "1234", 42, ["x"]])
def test_a_malformed_id_is_a_400_and_saves_nothing(
    owner_client, url, model, body, other_body, bad_id
):
    response = owner_client.post(url, {**body, "client_id": bad_id}, "application/json")

    assert response.status_code == 400
    assert "client_id" in response.json()
    assert model.objects.count() == 0


@pytest.mark.parametrize(("url", "model", "body", "other_body"), KINDS)
def test_entries_without_an_id_are_separate_entries(owner_client, url, model, body, other_body):
    for _ in range(2):
        assert owner_client.post(url, body, "application/json").status_code == 201

    assert model.objects.count() == 2


def test_an_update_keeps_the_id_the_device_gave(owner_client):
    client_id = str(uuid.uuid4())
    created = owner_client.post(
        "/api/v1/hydration/", {"amount_ml": 250, "client_id": client_id}, "application/json"
    ).json()

    response = owner_client.put(
        f"/api/v1/hydration/{created['id']}/",
        {"amount_ml": 300, "client_id": str(uuid.uuid4())},
        "application/json",
    )

    assert response.status_code == 200
    assert response.json()["client_id"] == client_id
    assert response.json()["amount_ml"] == 300
