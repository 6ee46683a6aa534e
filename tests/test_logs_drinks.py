import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cramps.models import HydrationEntry
from tests.conftest import NOW
from tests.factories import HydrationFactory

UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _refused(response, field, message):
    assert response.status_code == 200
    text = response.content.decode()
    error_block = text[text.index(f'id="id_{field}_error"') :][:500].replace("&#x27;", "'")
    assert message in error_block
    assert HydrationEntry.objects.count() == 0


def test_one_tap_logs_a_glass_of_water_now(owner_client, owner):
    response = owner_client.post("/log/drink/", {"amount_ml": "250", "next": "/today/"})
    assert response.status_code == 302
    assert response.url == "/today/"
    drink = HydrationEntry.objects.get(user=owner)
    assert (drink.amount_ml, drink.drink, drink.at) == (250, "water", NOW)


def test_a_custom_drink_keeps_what_and_when(owner_client, owner):
    data = {"amount_ml": "330", "drink": "electrolyte", "at": "2026-03-10T08:15"}
    owner_client.post("/log/drink/", data)
    drink = HydrationEntry.objects.get(user=owner)
    assert drink.drink == "electrolyte"
    assert drink.at == dt.datetime(2026, 3, 10, 7, 15, tzinfo=UTC)  # 08:15 in Berlin


def test_the_form_offers_water_now_by_default(owner_client):
    response = owner_client.get("/log/drink/")
    assert response.context["form"]["drink"].value() == "water"
    assert b'value="2026-03-10T10:00"' in response.content


def test_an_add_link_from_a_past_day_fills_in_that_day(owner_client):
    response = owner_client.get("/log/drink/?on=2026-03-08")
    assert b'value="2026-03-08T12:00"' in response.content


@pytest.mark.parametrize("amount", ["0", "-250"])
def test_it_refuses_zero_or_negative_amounts(owner_client, amount):
    response = owner_client.post("/log/drink/", {"amount_ml": amount})
    _refused(response, "amount_ml", "from 1 to 5,000 ml")
    assert f'value="{amount}"'.encode() in response.content


def test_it_refuses_more_than_5000_ml_in_one_entry(owner_client):
    _refused(owner_client.post("/log/drink/", {"amount_ml": "5001"}), "amount_ml", "5,000 ml")


def test_it_refuses_a_malformed_amount(owner_client):
    response = owner_client.post("/log/drink/", {"amount_ml": "abc"})
    _refused(response, "amount_ml", "whole number")
    assert b'value="abc"' in response.content


def test_it_refuses_a_drink_in_the_future(owner_client):
    response = owner_client.post("/log/drink/", {"amount_ml": "200", "at": "2026-03-11T10:00"})
    _refused(response, "at", "in the future")


def test_it_refuses_an_unknown_kind_of_drink(owner_client):
    response = owner_client.post("/log/drink/", {"amount_ml": "200", "drink": "tonic"})
    _refused(response, "drink", "valid choice")


def test_editing_changes_the_amount(owner_client, owner):
    drink = HydrationFactory(user=owner, at=NOW, amount_ml=250)
    assert owner_client.get(f"/log/drink/{drink.pk}/").context["form"]["amount_ml"].value() == 250
    data = {"amount_ml": "400", "drink": "milk", "at": "2026-03-10T10:00"}
    owner_client.post(f"/log/drink/{drink.pk}/", data)
    drink.refresh_from_db()
    assert (drink.amount_ml, drink.drink) == (400, "milk")


def test_delete_removes_the_drink(owner_client, owner):
    drink = HydrationFactory(user=owner, at=NOW)
    owner_client.post(f"/log/drink/{drink.pk}/delete/")
    assert not HydrationEntry.objects.exists()


@pytest.mark.parametrize("path", ["/log/drink/{pk}/", "/log/drink/{pk}/delete/"])
def test_other_users_drinks_are_not_found(outsider_client, owner, path):
    drink = HydrationFactory(user=owner, at=NOW, amount_ml=250)
    assert outsider_client.get(path.format(pk=drink.pk)).status_code == 404
    assert outsider_client.post(path.format(pk=drink.pk), {"amount_ml": "1"}).status_code == 404
    drink.refresh_from_db()
    assert drink.amount_ml == 250
