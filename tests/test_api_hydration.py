import datetime as dt

import pytest
import time_machine

from cramps.models import HydrationEntry
from tests.conftest import NOW
from tests.factories import HydrationFactory, UserFactory

URL = "/api/v1/hydration/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_phone_shortcut_logs_a_glass_with_the_amount_alone(owner_client, owner):
    response = owner_client.post(URL, {"amount_ml": 250}, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["at"] == "2026-03-10T09:00:00Z"
    assert response.json()["drink"] == "water"
    entry = HydrationEntry.objects.get(pk=response.json()["id"])
    assert (entry.user, entry.amount_ml, entry.at) == (owner, 250, NOW)


def test_it_logs_a_drink_with_its_kind_and_time(owner_client):
    payload = {"amount_ml": 330, "drink": "electrolyte", "at": "2026-03-10T08:15:00+01:00"}

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["drink"] == "electrolyte"
    assert response.json()["at"] == "2026-03-10T07:15:00Z"


def test_it_lists_drinks_newest_first(owner_client, owner):
    older = HydrationFactory(user=owner, at=NOW - dt.timedelta(hours=3))
    newer = HydrationFactory(user=owner, at=NOW - dt.timedelta(minutes=5))

    response = owner_client.get(URL)

    assert [e["id"] for e in response.json()["results"]] == [newer.pk, older.pk]
    assert response.json()["count"] == 2


def test_it_reads_updates_and_deletes_a_drink(owner_client, owner):
    entry = HydrationFactory(user=owner, amount_ml=200)
    detail = f"{URL}{entry.pk}/"

    assert owner_client.get(detail).json()["amount_ml"] == 200

    response = owner_client.put(
        detail, {"amount_ml": 400, "drink": "milk"}, content_type="application/json"
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.amount_ml, entry.drink) == (400, "milk")

    response = owner_client.patch(detail, {"amount_ml": 150}, content_type="application/json")
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.amount_ml, entry.drink) == (150, "milk")

    assert owner_client.delete(detail).status_code == 204
    assert not HydrationEntry.objects.filter(pk=entry.pk).exists()


def test_an_update_without_a_time_keeps_the_time(owner_client, owner):
    entry = HydrationFactory(user=owner, at=NOW - dt.timedelta(days=1))

    owner_client.put(f"{URL}{entry.pk}/", {"amount_ml": 300}, content_type="application/json")

    entry.refresh_from_db()
    assert entry.at == NOW - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount_ml", 0),
        ("amount_ml", -250),
        ("amount_ml", 5001),
        ("amount_ml", "250ml"),
        ("amount_ml", "1,5"),
        ("amount_ml", 2**70),
        ("amount_ml", None),
        ("amount_ml", [250]),
        ("drink", "beer"),
        ("at", "2026-03-10T09:10:01Z"),
        ("at", "2026-13-40T25:00"),
        ("at", 1773133200),
    ],
)
def test_it_rejects_bad_input_with_a_message_on_the_field(owner_client, owner, field, value):
    payload = {"amount_ml": 250, field: value}

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    assert not HydrationEntry.objects.for_user(owner).exists()


def test_it_names_the_limits_in_the_message(owner_client):
    response = owner_client.post(URL, {"amount_ml": 6000}, content_type="application/json")

    assert response.json() == {"amount_ml": ["Enter a number from 1 to 5,000 ml."]}


def test_it_explains_a_time_in_the_future(owner_client):
    response = owner_client.post(
        URL, {"amount_ml": 250, "at": "2026-03-10T12:00:00Z"}, content_type="application/json"
    )

    assert response.json() == {"at": ["This time is in the future. Enter when it happened."]}


def test_it_requires_an_amount(owner_client):
    response = owner_client.post(URL, {}, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"amount_ml": ["This field is required."]}


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z"])
def test_it_refuses_a_time_before_1900(owner_client, at):
    response = owner_client.post(URL, {"amount_ml": 250, "at": at}, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"at": ["Enter a date after 1900."]}
    assert not HydrationEntry.objects.exists()


def test_a_wall_time_before_year_1_in_utc_gets_the_same_message(client, db):
    # Midnight on 1 January of year 1 in Tokyo (UTC+9) has no UTC equivalent.
    client.force_login(UserFactory(timezone="Asia/Tokyo"))
    payload = {"amount_ml": 250, "at": "0001-01-01T00:00:00"}

    response = client.post(URL, payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"at": ["Enter a date after 1900."]}
    assert not HydrationEntry.objects.exists()
