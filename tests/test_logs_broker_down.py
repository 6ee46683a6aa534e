"""Logging never waits on the broker: with every publish failing, as when Redis is down, each
log and check-in still saves and answers at once (the database is the source of truth)."""

import datetime as dt

import pytest
from kombu import Producer
from kombu.exceptions import OperationalError

from cramps.models import CheckIn, CrampEpisode, ExerciseSession, HydrationEntry


@pytest.fixture(autouse=True)
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Producer, "publish", refuse)


def test_a_drink_saves_with_the_broker_down(owner_client, owner):
    response = owner_client.post("/log/drink/", {"amount_ml": "250", "drink": "water"})
    assert response.status_code == 302
    assert HydrationEntry.objects.for_user(owner).get().amount_ml == 250


def test_the_check_in_saves_with_the_broker_down(owner_client, owner):
    response = owner_client.post("/today/", {"stretched_before_bed": "True"})
    assert response.status_code == 302
    assert CheckIn.objects.for_user(owner).get().stretched_before_bed is True


def test_planning_exercise_saves_and_reschedules_with_the_broker_down(owner_client, owner):
    starts = (owner.local_now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT18:00")
    data = {
        "starts_at": starts,
        "duration_minutes": "45",
        "activity": "Run",
        "intensity": "moderate",
        "status": "planned",
    }
    response = owner_client.post("/log/exercise/", data)
    assert response.status_code == 302
    assert ExerciseSession.objects.for_user(owner).count() == 1
    schedule = owner.reminder_schedules.get(kind="pre_exercise")
    assert schedule.next_due_at is not None


def test_the_api_logs_a_cramp_with_the_broker_down(owner_client, owner):
    response = owner_client.post(
        "/api/v1/cramps/", {"side": "left", "severity": 7}, content_type="application/json"
    )
    assert response.status_code == 201
    assert CrampEpisode.objects.for_user(owner).count() == 1
