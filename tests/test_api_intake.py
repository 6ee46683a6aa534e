import datetime as dt

import pytest
import time_machine

from cramps.models import FoodItem, IntakeEntry
from tests.conftest import NOW

URL = "/api/v1/intake/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def banana(db):
    food, _ = FoodItem.objects.get_or_create(
        slug="api-banana",
        defaults={
            "name": "Banana",
            "portion": "1 medium (118 g)",
            "potassium_mg": 422,
            "calcium_mg": 6,
            "magnesium_mg": 32,
            "sodium_mg": 1,
            "source_url": "https://example.com/",
        },
    )
    return food


def _post(client, payload):
    return client.post(URL, payload, content_type="application/json")


def test_it_computes_and_stores_the_minerals_of_a_food(owner_client, owner, banana):
    response = _post(owner_client, {"food": "api-banana", "servings": "1.5"})

    assert response.status_code == 201
    body = response.json()
    assert body["food"] == "api-banana"
    assert body["servings"] == 1.5
    assert body["at"] == "2026-03-10T09:00:00Z"
    assert (body["potassium_mg"], body["calcium_mg"], body["magnesium_mg"]) == (633, 9, 48)
    entry = IntakeEntry.objects.get(pk=body["id"])
    assert entry.user == owner
    assert entry.minerals() == {"potassium": 633, "calcium": 9, "magnesium": 48, "sodium": 2}


def test_a_later_catalogue_change_does_not_rewrite_a_logged_food(owner_client, banana):
    entry_id = _post(owner_client, {"food": "api-banana", "servings": 1}).json()["id"]

    FoodItem.objects.filter(pk=banana.pk).update(potassium_mg=1)

    assert owner_client.get(f"{URL}{entry_id}/").json()["potassium_mg"] == 422


def test_it_logs_direct_amounts_with_a_label(owner_client):
    payload = {"label": "Magnesium tablet", "magnesium_mg": 250}

    response = _post(owner_client, payload)

    assert response.status_code == 201
    body = response.json()
    assert (body["food"], body["servings"], body["label"]) == (None, None, "Magnesium tablet")
    assert (body["magnesium_mg"], body["potassium_mg"]) == (250, 0)


def test_a_food_without_servings_is_one_serving(owner_client, banana):
    response = _post(owner_client, {"food": "api-banana"})

    assert response.status_code == 201
    assert (response.json()["servings"], response.json()["potassium_mg"]) == (1, 422)


def test_a_food_entry_keeps_no_label(owner_client, banana):
    response = _post(owner_client, {"food": "api-banana", "servings": 1, "label": "snack"})

    assert response.json()["label"] == ""


@pytest.mark.parametrize("label", [None, "", "   "])
def test_direct_amounts_without_a_name_are_a_supplement(owner_client, label):
    payload = {"magnesium_mg": 250} if label is None else {"magnesium_mg": 250, "label": label}

    response = _post(owner_client, payload)

    assert response.status_code == 201
    assert response.json()["label"] == "Supplement"


def test_it_recomputes_the_minerals_when_servings_change(owner_client, banana):
    entry_id = _post(owner_client, {"food": "api-banana", "servings": 1}).json()["id"]

    response = owner_client.patch(
        f"{URL}{entry_id}/", {"servings": 2}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["potassium_mg"] == 844
    assert IntakeEntry.objects.get(pk=entry_id).potassium_mg == 844


def test_it_turns_a_food_entry_into_direct_amounts(owner_client, banana):
    entry_id = _post(owner_client, {"food": "api-banana", "servings": 1}).json()["id"]

    response = owner_client.patch(
        f"{URL}{entry_id}/",
        {"food": None, "label": "Banana smoothie", "potassium_mg": 500},
        content_type="application/json",
    )

    assert response.status_code == 200
    entry = IntakeEntry.objects.get(pk=entry_id)
    assert (entry.food, entry.servings, entry.label) == (None, None, "Banana smoothie")
    # The amounts computed from the banana are gone; only what was sent is kept.
    assert entry.minerals() == {"potassium": 500, "calcium": 0, "magnesium": 0, "sodium": 0}


def test_it_updates_and_deletes_direct_amounts(owner_client):
    entry_id = _post(owner_client, {"label": "Salt tablet", "sodium_mg": 200}).json()["id"]
    detail = f"{URL}{entry_id}/"

    response = owner_client.put(
        detail,
        {"label": "Salt tablet", "sodium_mg": 400, "at": "2026-03-10T08:00:00Z"},
        content_type="application/json",
    )
    assert response.status_code == 200
    entry = IntakeEntry.objects.get(pk=entry_id)
    assert (entry.sodium_mg, entry.at) == (400, NOW - dt.timedelta(hours=1))

    assert owner_client.delete(detail).status_code == 204
    assert not IntakeEntry.objects.filter(pk=entry_id).exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({}, "food", "Choose a food from the list, or enter the minerals of a supplement."),
        (
            {"label": "Nothing", "potassium_mg": 0},
            "food",
            "Choose a food from the list, or enter the minerals of a supplement.",
        ),
        (
            {"food": "api-banana", "servings": 1, "potassium_mg": 100},
            "food",
            "Choose a food or enter the minerals yourself, not both.",
        ),
        (
            {"servings": 2, "magnesium_mg": 100, "label": "x"},
            "servings",
            "Servings go with a food.",
        ),
        (
            {"food": "dragon-fruit-xl", "servings": 1},
            "food",
            'No food with the slug "dragon-fruit-xl". See /api/v1/foods/.',
        ),
    ],
)
def test_it_explains_what_is_missing_or_too_much(
    owner_client, owner, banana, payload, field, message
):
    response = _post(owner_client, payload)

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not IntakeEntry.objects.for_user(owner).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("servings", 0),
        ("servings", "-1"),
        ("servings", "lots"),
        ("servings", "NaN"),
        ("servings", "Infinity"),
        ("servings", "0.05"),
        ("servings", 101),
        ("servings", 1000),
        ("servings", "1.234"),
        ("food", 17),
        ("food", {"slug": "api-banana"}),
        ("food", "bad slug \x00"),
        ("food", "x" * 500),
        ("at", "2026-03-11T09:00:00Z"),
    ],
)
def test_it_rejects_bad_food_input(owner_client, owner, banana, field, value):
    response = _post(owner_client, {"food": "api-banana", "servings": 1, field: value})

    assert response.status_code == 400
    assert field in response.json()
    assert not IntakeEntry.objects.for_user(owner).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("magnesium_mg", -5),
        ("magnesium_mg", 5_001),
        ("potassium_mg", 10_001),
        ("magnesium_mg", "250 mg"),
        ("label", "x" * 101),
        ("label", ["Magnesium"]),
    ],
)
def test_it_rejects_bad_direct_amounts(owner_client, owner, field, value):
    response = _post(owner_client, {"label": "Magnesium", "magnesium_mg": 250, field: value})

    assert response.status_code == 400
    assert field in response.json()
    assert not IntakeEntry.objects.for_user(owner).exists()
