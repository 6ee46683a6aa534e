import datetime as dt

import pytest
import time_machine

from cramps.models import ExerciseSession
from cramps.reminders import schedule
from tests.conftest import NOW
from tests.factories import ExerciseSessionFactory

URL = "/api/v1/exercise/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def refreshed(monkeypatch):
    """Users whose reminder schedules were refreshed, in call order."""
    calls = []
    monkeypatch.setattr(schedule, "refresh_schedules", calls.append)
    return calls


def test_it_plans_a_session_and_refreshes_the_reminders(owner_client, owner, refreshed):
    payload = {"starts_at": "2026-03-10T18:30:00", "duration_minutes": 45, "activity": "Run"}

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    # 18:30 in Berlin is 17:30 UTC.
    assert body["starts_at"] == "2026-03-10T17:30:00Z"
    assert (body["status"], body["intensity"], body["warmed_up"]) == ("planned", "moderate", None)
    assert ExerciseSession.objects.get(pk=body["id"]).user == owner
    assert refreshed == [owner]


def test_it_refreshes_the_reminders_after_an_update(owner_client, owner, refreshed):
    session = ExerciseSessionFactory(user=owner, starts_at=NOW - dt.timedelta(hours=1))

    response = owner_client.patch(
        f"{URL}{session.pk}/",
        {"status": "done", "warmed_up": True},
        content_type="application/json",
    )

    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.status, session.warmed_up) == ("done", True)
    assert refreshed == [owner]


def test_it_refreshes_the_reminders_after_a_delete(owner_client, owner, refreshed):
    session = ExerciseSessionFactory(user=owner)

    assert owner_client.delete(f"{URL}{session.pk}/").status_code == 204

    assert not ExerciseSession.objects.filter(pk=session.pk).exists()
    assert refreshed == [owner]


def test_it_leaves_the_reminders_alone_when_input_is_bad(owner_client, refreshed):
    payload = {"starts_at": "2026-03-10T18:30:00Z", "duration_minutes": 0, "activity": "Run"}

    assert owner_client.post(URL, payload, content_type="application/json").status_code == 400

    assert refreshed == []


def test_it_lists_sessions_newest_first_and_reads_and_replaces_one(owner_client, owner):
    past = ExerciseSessionFactory(user=owner, starts_at=NOW - dt.timedelta(days=1))
    planned = ExerciseSessionFactory(user=owner, starts_at=NOW + dt.timedelta(days=1))

    listed = owner_client.get(URL).json()["results"]
    assert [s["id"] for s in listed] == [planned.pk, past.pk]

    detail = f"{URL}{past.pk}/"
    assert owner_client.get(detail).json()["activity"] == "Running"
    response = owner_client.put(
        detail,
        {
            "starts_at": "2026-03-09T07:00:00Z",
            "duration_minutes": 30,
            "activity": "Swim",
            "intensity": "easy",
            "outdoors": False,
            "cold_weather": False,
            "warmed_up": True,
            "status": "done",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    past.refresh_from_db()
    assert (past.activity, past.intensity, past.status) == ("Swim", "easy", "done")


def test_a_session_that_starts_later_cannot_be_done(owner_client, owner):
    payload = {
        "starts_at": "2026-03-10T18:30:00Z",
        "duration_minutes": 45,
        "activity": "Run",
        "status": "done",
    }

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"status": ["A session that starts later can't be done yet."]}


def test_a_session_that_started_can_be_marked_done(owner_client, owner):
    session = ExerciseSessionFactory(user=owner, starts_at=NOW - dt.timedelta(hours=1))

    response = owner_client.patch(
        f"{URL}{session.pk}/", {"status": "done"}, content_type="application/json"
    )

    assert response.status_code == 200


def test_it_plans_a_session_with_the_real_schedule_refresh(owner_client, owner):
    payload = {"starts_at": "2026-03-10T18:30:00Z", "duration_minutes": 45, "activity": "Run"}

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_minutes", 0),
        ("duration_minutes", 24 * 60 + 1),
        ("activity", ""),
        ("activity", "x" * 61),
        ("intensity", "brutal"),
        ("status", "maybe"),
        ("outdoors", "perhaps"),
        ("starts_at", "2027-04-01T00:00:00Z"),  # more than a year ahead
        ("starts_at", None),
    ],
)
def test_it_rejects_bad_input_with_a_message_on_the_field(owner_client, owner, field, value):
    payload = {"starts_at": "2026-03-10T18:30:00Z", "duration_minutes": 45, "activity": "Run"}

    response = owner_client.post(URL, {**payload, field: value}, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    assert not ExerciseSession.objects.for_user(owner).exists()


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        ("1899-12-31T23:59:00Z", "Enter a date after 1900."),
        ("0001-01-01T00:00:00", "Enter a date after 1900."),  # Berlin wall time: before year 1
        ("2027-03-12T00:00:00Z", "Plan sessions up to a year ahead."),
        ("9999-12-31T23:00:00-05:00", "This time is too far in the future."),  # year 10000 UTC
    ],
)
def test_it_refuses_a_start_outside_the_plannable_range(owner_client, starts_at, message):
    payload = {"starts_at": starts_at, "duration_minutes": 45, "activity": "Run"}

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"starts_at": [message]}
    assert not ExerciseSession.objects.exists()


def test_it_keeps_the_activity_on_one_line(owner_client):
    # The activity becomes an email subject: a line break there could add mail headers.
    payload = {"starts_at": "2026-03-10T18:30:00Z", "duration_minutes": 45}
    payload["activity"] = "Run\r\nBcc: victim@example.com"

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.json()["activity"] == "Run Bcc: victim@example.com"
    assert ExerciseSession.objects.get().activity == "Run Bcc: victim@example.com"


def test_a_time_in_the_hour_the_clocks_repeat_is_its_first_occurrence(outsider_client):
    # As the web forms read it: 01:30 on 2 November 2025 in New York is the first one (EDT).
    payload = {"starts_at": "2025-11-02T01:30:00", "duration_minutes": 45, "activity": "Run"}

    with time_machine.travel("2025-11-01 12:00Z", tick=False):
        response = outsider_client.post(URL, payload, content_type="application/json")

    assert response.json()["starts_at"] == "2025-11-02T05:30:00Z"
