import datetime as dt

import pytest
import time_machine

from cramps.models import FoodItem, IntakeEntry
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def banana(db):
    food, _ = FoodItem.objects.get_or_create(
        slug="test-intake-banana",
        defaults=dict(
            name="Test banana",
            portion="1 medium (118 g)",
            potassium_mg=422,
            calcium_mg=6,
            magnesium_mg=32,
            sodium_mg=1,
            source_url="https://fdc.nal.usda.gov/",
        ),
    )
    return food


def _refused(response, field, message):
    assert response.status_code == 200
    text = response.content.decode()
    error_block = text[text.index(f'id="id_{field}_error"') :][:500].replace("&#x27;", "'")
    assert message in error_block
    assert IntakeEntry.objects.count() == 0


def test_a_food_times_servings_stores_the_computed_minerals(owner_client, owner, banana):
    response = owner_client.post("/log/food/", {"food": banana.pk, "servings": "1.5"})
    assert response.status_code == 302
    entry = IntakeEntry.objects.get(user=owner)
    assert entry.minerals() == {"potassium": 633, "calcium": 9, "magnesium": 48, "sodium": 2}
    assert entry.at == NOW


def test_a_food_without_servings_counts_one(owner_client, owner, banana):
    owner_client.post("/log/food/", {"food": banana.pk, "servings": ""})
    assert IntakeEntry.objects.get(user=owner).potassium_mg == 422


def test_a_supplement_stores_the_amounts_typed(owner_client, owner):
    data = {"label": "Magnesium citrate", "magnesium_mg": "150"}
    owner_client.post("/log/food/", data)
    entry = IntakeEntry.objects.get(user=owner)
    assert (entry.food, entry.servings, entry.label) == (None, None, "Magnesium citrate")
    assert entry.minerals() == {"potassium": 0, "calcium": 0, "magnesium": 150, "sodium": 0}


def test_a_supplement_without_a_name_is_called_supplement(owner_client, owner):
    owner_client.post("/log/food/", {"calcium_mg": "500"})
    assert IntakeEntry.objects.get(user=owner).label == "Supplement"


def test_editing_a_food_entry_recomputes_the_minerals(owner_client, owner, banana):
    owner_client.post("/log/food/", {"food": banana.pk, "servings": "1"})
    entry = IntakeEntry.objects.get(user=owner)
    form = owner_client.get(f"/log/food/{entry.pk}/").context["form"]
    assert form["potassium_mg"].value() is None  # computed figures are not offered for typing
    owner_client.post(f"/log/food/{entry.pk}/", {"food": banana.pk, "servings": "2"})
    entry.refresh_from_db()
    assert entry.potassium_mg == 844


def test_it_refuses_a_food_not_in_the_catalogue(owner_client):
    response = owner_client.post("/log/food/", {"food": "999999", "servings": "1"})
    _refused(response, "food", "not in the list")


def test_it_refuses_a_malformed_food_id(owner_client):
    _refused(owner_client.post("/log/food/", {"food": "abc"}), "food", "not in the list")


def test_it_refuses_both_a_food_and_typed_amounts(owner_client, banana):
    response = owner_client.post("/log/food/", {"food": banana.pk, "magnesium_mg": "100"})
    _refused(response, "food", "not both")


def test_it_refuses_neither_a_food_nor_amounts(owner_client):
    _refused(owner_client.post("/log/food/", {"label": "Pill"}), "food", "Choose a food")


@pytest.mark.parametrize("servings", ["0", "-1", "abc", "1000"])
def test_it_refuses_impossible_servings(owner_client, banana, servings):
    response = owner_client.post("/log/food/", {"food": banana.pk, "servings": servings})
    _refused(response, "servings", "servings")
    assert f'value="{servings}"'.encode() in response.content


@pytest.mark.parametrize("amount", ["-5", "abc", "99999"])
def test_it_refuses_impossible_mineral_amounts(owner_client, amount):
    response = owner_client.post("/log/food/", {"magnesium_mg": amount})
    _refused(response, "magnesium_mg", "number")


def test_it_refuses_intake_in_the_future(owner_client):
    response = owner_client.post(
        "/log/food/", {"magnesium_mg": "100", "at": "2026-03-10T11:00"}
    )  # an hour ahead in Berlin
    _refused(response, "at", "in the future")


def test_a_label_with_html_is_shown_as_text(owner_client, owner):
    owner_client.post("/log/food/", {"label": "<b>Mag</b>", "magnesium_mg": "100"})
    text = owner_client.get("/history/intake/").content.decode()
    assert "<b>Mag</b>" not in text
    assert "&lt;b&gt;Mag&lt;/b&gt;" in text


@pytest.mark.parametrize("path", ["/log/food/{pk}/", "/log/food/{pk}/delete/"])
def test_other_users_intake_is_not_found(outsider_client, owner, path):
    entry = IntakeEntry.objects.create(
        user=owner, at=NOW - dt.timedelta(hours=1), label="Mine", calcium_mg=10
    )
    assert outsider_client.get(path.format(pk=entry.pk)).status_code == 404
    assert outsider_client.post(path.format(pk=entry.pk), {"calcium_mg": "1"}).status_code == 404
    assert IntakeEntry.objects.get(pk=entry.pk).calcium_mg == 10


def test_a_new_entry_offers_one_serving_and_empty_amounts(owner_client):
    form = owner_client.get("/log/food/").context["form"]
    assert form["servings"].value() == 1
    assert form["magnesium_mg"].value() is None
