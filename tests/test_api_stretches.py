import pytest
import time_machine

from cramps.models import ReliefTechnique, StretchEntry
from tests.conftest import NOW

URL = "/api/v1/stretches/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _technique(slug, kind):
    technique, _ = ReliefTechnique.objects.get_or_create(
        slug=slug,
        defaults={
            "name": slug,
            "kind": kind,
            "summary": "A test technique.",
            "location": "The calf.",
            "duration_seconds": 30,
            "evidence": "supported",
            "source_url": "https://example.com/",
        },
    )
    return technique


@pytest.fixture
def wall_stretch(db):
    return _technique("api-wall-stretch", ReliefTechnique.Kind.STRETCH)


def _post(client, payload):
    return client.post(URL, payload, content_type="application/json")


def test_it_logs_a_stretch(owner_client, owner, wall_stretch):
    payload = {"technique": "api-wall-stretch", "duration_minutes": 5, "occasion": "before_bed"}

    response = _post(owner_client, payload)

    assert response.status_code == 201
    assert response.json()["at"] == "2026-03-10T09:00:00Z"
    entry = StretchEntry.objects.get(pk=response.json()["id"])
    assert (entry.user, entry.technique, entry.duration_minutes) == (owner, wall_stretch, 5)


def test_it_logs_a_routine_as_a_stretch(owner_client):
    _technique("api-bedtime-routine", ReliefTechnique.Kind.ROUTINE)
    payload = {"technique": "api-bedtime-routine", "duration_minutes": 10, "occasion": "other"}

    assert _post(owner_client, payload).status_code == 201


def test_it_refuses_a_massage_as_a_stretch(owner_client, owner):
    _technique("api-calf-squeeze", ReliefTechnique.Kind.MASSAGE)
    payload = {"technique": "api-calf-squeeze", "duration_minutes": 5, "occasion": "other"}

    response = _post(owner_client, payload)

    assert response.status_code == 400
    assert "api-calf-squeeze" in response.json()["technique"][0]


def test_it_lists_updates_and_deletes_stretches(owner_client, owner, wall_stretch):
    first = _post(
        owner_client,
        {
            "technique": "api-wall-stretch",
            "duration_minutes": 5,
            "occasion": "other",
            "at": "2026-03-09T21:00:00Z",
        },
    ).json()
    second = _post(
        owner_client, {"technique": "api-wall-stretch", "duration_minutes": 3, "occasion": "other"}
    ).json()

    listed = owner_client.get(URL).json()["results"]
    assert [e["id"] for e in listed] == [second["id"], first["id"]]

    detail = f"{URL}{first['id']}/"
    response = owner_client.put(
        detail,
        {"technique": "api-wall-stretch", "duration_minutes": 8, "occasion": "before_bed"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert owner_client.get(detail).json()["duration_minutes"] == 8
    response = owner_client.patch(detail, {"duration_minutes": 9}, content_type="application/json")
    assert response.json()["occasion"] == "before_bed"

    assert owner_client.delete(detail).status_code == 204
    assert list(StretchEntry.objects.for_user(owner).values_list("pk", flat=True)) == [second["id"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_minutes", 0),
        ("duration_minutes", 241),
        ("duration_minutes", "five"),
        ("occasion", "at dawn"),
        ("technique", "no-such-stretch"),
        ("technique", None),
        ("at", "2030-01-01T00:00:00Z"),
    ],
)
def test_it_rejects_bad_input_with_a_message_on_the_field(
    owner_client, owner, wall_stretch, field, value
):
    payload = {"technique": "api-wall-stretch", "duration_minutes": 5, "occasion": "other"}

    response = _post(owner_client, {**payload, field: value})

    assert response.status_code == 400
    assert field in response.json()
    assert not StretchEntry.objects.for_user(owner).exists()
