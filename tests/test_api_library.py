import pytest

from cramps.models import FoodItem, PreventionTip, RedFlag, ReliefTechnique

pytestmark = pytest.mark.django_db


def _rows():
    ReliefTechnique.objects.get_or_create(
        slug="api-lib-toes-up",
        defaults={
            "name": "Toes up",
            "kind": ReliefTechnique.Kind.STRETCH,
            "summary": "Pull the toes towards the knee.",
            "location": "The calf.",
            "steps": ["Sit", "Pull the toes up"],
            "duration_seconds": 30,
            "evidence": "supported",
            "source_url": "https://example.com/",
        },
    )
    PreventionTip.objects.get_or_create(
        slug="api-lib-drink-to-thirst",
        defaults={
            "title": "Drink to thirst",
            "body": "Drink when thirsty.",
            "category": "hydration",
            "evidence": "general_health",
            "source_url": "https://example.com/",
        },
    )
    RedFlag.objects.get_or_create(
        slug="api-lib-swollen-calf",
        defaults={
            "title": "A swollen, warm calf",
            "urgency": "same_day",
            "signs": ["swelling", "warmth"],
            "action": "Get care today.",
            "source_url": "https://example.com/",
        },
    )
    FoodItem.objects.get_or_create(
        slug="api-lib-lentils",
        defaults={
            "name": "Lentils",
            "portion": "1 cup cooked",
            "potassium_mg": 731,
            "magnesium_mg": 71,
            "source_url": "https://example.com/",
        },
    )


LIBRARY = [
    ("techniques", "api-lib-toes-up", "name", "Toes up"),
    ("tips", "api-lib-drink-to-thirst", "title", "Drink to thirst"),
    ("red-flags", "api-lib-swollen-calf", "title", "A swollen, warm calf"),
    ("foods", "api-lib-lentils", "potassium_mg", 731),
]


@pytest.mark.parametrize(("name", "slug", "field", "value"), LIBRARY)
def test_anyone_can_read_the_library_by_slug(client, name, slug, field, value):
    _rows()

    listed = client.get(f"/api/v1/{name}/")
    detail = client.get(f"/api/v1/{name}/{slug}/")

    assert listed.status_code == 200
    assert slug in [row["slug"] for row in listed.json()["results"]]
    assert detail.status_code == 200
    assert detail.json()[field] == value


@pytest.mark.parametrize(("name", "slug", "field", "value"), LIBRARY)
def test_the_library_cannot_be_written(owner_client, name, slug, field, value):
    _rows()

    assert (
        owner_client.post(f"/api/v1/{name}/", {}, content_type="application/json").status_code
        == 405
    )
    response = owner_client.delete(f"/api/v1/{name}/{slug}/")

    assert response.status_code == 405


@pytest.mark.parametrize("name", ["techniques", "tips", "red-flags", "foods"])
@pytest.mark.parametrize("slug", ["no-such-slug", "x%00y", "%3Cscript%3E"])
def test_an_unknown_slug_is_a_404(client, name, slug):
    assert client.get(f"/api/v1/{name}/{slug}/").status_code == 404


def test_a_page_past_the_end_is_a_404_not_a_500(client):
    _rows()

    assert client.get("/api/v1/foods/?page=99").status_code == 404
    assert client.get("/api/v1/foods/?page=abc").status_code == 404


def test_the_tip_to_massage_before_exercise_warns_of_a_blood_clot(client):
    # From fixtures/tips.json: massage is not harmless on a leg that may hold a clot.
    tip = client.get("/api/v1/tips/massage-before-exercise/").json()

    assert "not on a leg that is swollen, warm or red" in tip["note"]
    assert "blood clot" in tip["note"]
