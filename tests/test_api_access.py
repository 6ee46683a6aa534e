"""Who may reach what, for every user-data endpoint: the owner, an outsider, nobody, a token."""

import datetime as dt

import pytest
import time_machine
from rest_framework.authtoken.models import Token

from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    StretchEntry,
    TechniqueTrial,
)
from tests.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _technique(slug="api-access-stretch"):
    technique, _ = ReliefTechnique.objects.get_or_create(
        slug=slug,
        defaults={
            "name": "Access stretch",
            "kind": ReliefTechnique.Kind.STRETCH,
            "summary": "A test technique.",
            "location": "The calf.",
            "duration_seconds": 30,
            "evidence": "supported",
            "source_url": "https://example.com/",
        },
    )
    return technique


def _food():
    food, _ = FoodItem.objects.get_or_create(
        slug="api-access-yoghurt",
        defaults={
            "name": "Yoghurt",
            "portion": "1 pot",
            "calcium_mg": 180,
            "source_url": "https://example.com/",
        },
    )
    return food


def _episode(user, n=0):
    episode = CrampEpisode.objects.create(
        user=user,
        started_at=NOW - dt.timedelta(hours=n + 1),
        duration_seconds=90,
        side="left",
        severity=5,
        context="asleep",
    )
    TechniqueTrial.objects.create(episode=episode, technique=_technique(), outcome="helped")
    return episode


def _hydration(user, n=0):
    return HydrationEntry.objects.create(user=user, at=NOW - dt.timedelta(hours=n), amount_ml=250)


def _intake(user, n=0):
    entry = IntakeEntry(user=user, at=NOW - dt.timedelta(hours=n), food=_food(), servings=1)
    entry.fill_from_food()
    entry.save()
    return entry


def _stretch(user, n=0):
    return StretchEntry.objects.create(
        user=user,
        at=NOW - dt.timedelta(hours=n),
        technique=_technique(),
        duration_minutes=5,
        occasion="before_bed",
    )


def _exercise(user, n=0):
    return ExerciseSession.objects.create(
        user=user, starts_at=NOW + dt.timedelta(days=n), duration_minutes=30, activity="Walk"
    )


def _checkin(user, n=0):
    return CheckIn.objects.create(user=user, date=dt.date(2026, 3, 10) - dt.timedelta(days=n))


# Each endpoint, a way to make a row, and a valid full body for PUT / PATCH.
ENDPOINTS = {
    "cramps": (_episode, {"side": "right", "severity": 2, "context": "rest"}),
    "hydration": (_hydration, {"amount_ml": 100}),
    "intake": (_intake, {"food": "api-access-yoghurt", "servings": 2}),
    "stretches": (
        _stretch,
        {"technique": "api-access-stretch", "duration_minutes": 3, "occasion": "other"},
    ),
    "exercise": (
        _exercise,
        {"starts_at": "2026-03-11T08:00:00Z", "duration_minutes": 20, "activity": "Swim"},
    ),
    "checkins": (_checkin, {"date": "2026-03-09", "warmed_up": True}),
}
PARAMS = pytest.mark.parametrize("name", list(ENDPOINTS))


@PARAMS
def test_it_hides_other_users_rows_from_the_list(outsider_client, owner, name):
    make, _ = ENDPOINTS[name]
    make(owner)

    response = outsider_client.get(f"/api/v1/{name}/")

    assert response.status_code == 200
    assert response.json()["count"] == 0


@PARAMS
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_an_outsider_gets_404_for_another_users_row(outsider_client, owner, name, method):
    make, body = ENDPOINTS[name]
    row = make(owner)
    before = type(row).objects.filter(pk=row.pk).values().get()

    response = getattr(outsider_client, method)(
        f"/api/v1/{name}/{row.pk}/", body, content_type="application/json"
    )

    assert response.status_code == 404
    assert type(row).objects.filter(pk=row.pk).values().get() == before


@PARAMS
@pytest.mark.parametrize("pk", ["abc", "%C2%84", "", "1.5", str(2**70)])
def test_an_id_that_is_not_a_number_or_too_big_is_a_json_404(owner_client, name, pk):
    response = owner_client.get(f"/api/v1/{name}/{pk}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@PARAMS
@pytest.mark.parametrize(
    ("method", "detail"),
    [
        ("get", False),
        ("post", False),
        ("get", True),
        ("put", True),
        ("patch", True),
        ("delete", True),
    ],
)
def test_without_an_account_the_api_answers_401(client, owner, name, method, detail):
    make, body = ENDPOINTS[name]
    url = f"/api/v1/{name}/{make(owner).pk}/" if detail else f"/api/v1/{name}/"

    response = getattr(client, method)(url, body, content_type="application/json")

    # Not a redirect to the login page, not a 500: a JSON answer a phone shortcut can show.
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@PARAMS
def test_a_token_authenticates(client, owner, name):
    make, _ = ENDPOINTS[name]
    row = make(owner)
    token = Token.objects.create(user=owner)

    response = client.get(f"/api/v1/{name}/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [row.pk]


def test_a_phone_shortcut_logs_a_drink_with_a_token(client, owner):
    token = Token.objects.create(user=owner)

    response = client.post(
        "/api/v1/hydration/",
        {"amount_ml": 250},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert response.status_code == 201
    assert HydrationEntry.objects.get(pk=response.json()["id"]).user == owner


def test_a_revoked_token_is_refused(client, owner):
    token = Token.objects.create(user=owner)
    key = token.key
    token.delete()

    response = client.get("/api/v1/hydration/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


@PARAMS
def test_a_list_costs_a_fixed_number_of_queries(
    owner_client, owner, name, django_assert_num_queries
):
    make, _ = ENDPOINTS[name]
    make(owner)
    # 1 session, 1 user (session auth), 1 count, 1 page of rows (with select_related);
    # cramp episodes add 1 prefetch of their trials joined with the techniques.
    expected = 5 if name == "cramps" else 4
    with django_assert_num_queries(expected):
        one = owner_client.get(f"/api/v1/{name}/")
    for n in range(1, 8):
        make(owner, n)
    with django_assert_num_queries(expected):
        many = owner_client.get(f"/api/v1/{name}/")

    assert (one.json()["count"], many.json()["count"]) == (1, 8)
