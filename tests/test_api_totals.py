"""GET /api/v1/totals/: a day's minerals with the same limits and warnings as the today page."""

import pytest
import time_machine

from cramps.models import IntakeEntry
from tests.conftest import NOW

URL = "/api/v1/totals/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _minerals(response):
    return {m["name"]: m for m in response.json()["minerals"]}


def test_it_needs_an_account(client, db):
    assert client.get(URL).status_code in (401, 403)


def test_it_warns_about_sodium_and_supplement_magnesium_like_the_page(owner_client, owner):
    IntakeEntry.objects.create(user=owner, at=NOW, label="Soup", sodium_mg=2500)
    IntakeEntry.objects.create(user=owner, at=NOW, label="Tablet", magnesium_mg=400)

    minerals = _minerals(owner_client.get(URL))

    assert minerals["sodium"]["is_limit"] is True
    assert "over your sodium limit of 2300 mg" in minerals["sodium"]["warning"]
    assert minerals["magnesium"]["supplement_mg"] == 400
    assert "upper limit for supplements" in minerals["magnesium"]["warning"]
    assert "kidney disease" in minerals["potassium"]["caution"]


def test_it_counts_only_the_owners_entries(owner_client, outsider):
    IntakeEntry.objects.create(user=outsider, at=NOW, label="Soup", sodium_mg=2500)
    assert _minerals(owner_client.get(URL))["sodium"]["mg"] == 0


def test_a_malformed_date_is_a_400_naming_the_field(owner_client):
    response = owner_client.get(URL, {"date": "yesterday"})
    assert response.status_code == 400
    assert "date" in response.json()


def test_a_day_still_to_come_is_a_404_as_on_the_page(owner_client):
    assert owner_client.get(URL, {"date": "2099-01-01"}).status_code == 404


def test_the_day_is_the_users_local_today_unless_given(owner_client, owner):
    IntakeEntry.objects.create(user=owner, at=NOW, label="Soup", sodium_mg=100)
    body = owner_client.get(URL).json()
    assert body["date"] == owner.local_today().isoformat()
    assert owner_client.get(URL, {"date": "2026-03-01"}).json()["minerals"][3]["mg"] == 0


def test_a_date_before_1900_is_a_clear_400_even_east_of_utc(owner_client, owner):
    owner.timezone = "Asia/Shanghai"
    owner.save()

    response = owner_client.get(URL, {"date": "0001-01-01"})

    assert response.status_code == 400
    assert response.json() == {"date": ["Enter a date from 1900 on."]}
