import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cramps.models import ExerciseSession
from tests.conftest import NOW
from tests.factories import ExerciseSessionFactory

UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def refreshed(monkeypatch):
    """The users whose reminder schedules were refreshed, in order."""
    calls = []
    monkeypatch.setattr("cramps.reminders.schedule.refresh_schedules", calls.append)
    return calls


def _session(**extra):
    return {
        "activity": "Running",
        "starts_at": "2026-03-10T18:30",
        "duration_minutes": "45",
        "intensity": "moderate",
        "status": "planned",
        **extra,
    }


def test_it_plans_a_session_and_refreshes_reminders(owner_client, owner, refreshed):
    data = _session(outdoors="on", cold_weather="on", warmed_up="")
    assert owner_client.post("/log/exercise/", data).status_code == 302
    session = ExerciseSession.objects.get(user=owner)
    assert session.starts_at == dt.datetime(2026, 3, 10, 17, 30, tzinfo=UTC)  # Berlin time
    assert (session.outdoors, session.cold_weather, session.warmed_up) == (True, True, None)
    assert session.status == "planned"
    assert refreshed == [owner]


def test_it_logs_a_session_done_with_a_warm_up(owner_client, owner, refreshed):
    data = _session(starts_at="2026-03-10T08:00", status="done", warmed_up="True")
    owner_client.post("/log/exercise/", data)
    session = ExerciseSession.objects.get(user=owner)
    assert (session.status, session.warmed_up) == ("done", True)


def test_editing_and_deleting_refresh_reminders(owner_client, owner, refreshed):
    session = ExerciseSessionFactory(user=owner)
    form = owner_client.get(f"/log/exercise/{session.pk}/").context["form"]
    assert form["activity"].value() == "Running"
    owner_client.post(f"/log/exercise/{session.pk}/", _session(status="cancelled"))
    session.refresh_from_db()
    assert session.status == "cancelled"
    owner_client.post(f"/log/exercise/{session.pk}/delete/")
    assert not ExerciseSession.objects.exists()
    assert refreshed == [owner, owner]


def test_a_failed_save_does_not_refresh_reminders(owner_client, refreshed):
    owner_client.post("/log/exercise/", _session(duration_minutes="abc"))
    assert refreshed == []


def test_a_session_later_today_cannot_be_done_yet(owner_client, refreshed):
    response = owner_client.post("/log/exercise/", _session(status="done"))
    assert response.status_code == 200
    assert "can't be done yet" in response.context["form"].errors["status"][0]
    assert ExerciseSession.objects.count() == 0


@pytest.mark.parametrize("minutes", ["0", "-30", "abc", "1441"])
def test_it_refuses_impossible_durations(owner_client, minutes, refreshed):
    response = owner_client.post("/log/exercise/", _session(duration_minutes=minutes))
    assert response.status_code == 200
    assert "number" in response.context["form"].errors["duration_minutes"][0]
    assert f'value="{minutes}"'.encode() in response.content
    assert ExerciseSession.objects.count() == 0


def test_it_refuses_a_missing_activity(owner_client, refreshed):
    response = owner_client.post("/log/exercise/", _session(activity=""))
    assert response.context["form"].errors["activity"]
    assert ExerciseSession.objects.count() == 0


@pytest.mark.parametrize("path", ["/log/exercise/{pk}/", "/log/exercise/{pk}/delete/"])
def test_other_users_sessions_are_not_found(outsider_client, owner, path, refreshed):
    session = ExerciseSessionFactory(user=owner)
    assert outsider_client.get(path.format(pk=session.pk)).status_code == 404
    assert outsider_client.post(path.format(pk=session.pk), _session()).status_code == 404
    assert ExerciseSession.objects.filter(pk=session.pk).exists()
    assert refreshed == []


def test_a_new_session_offers_45_minutes_planned(owner_client):
    form = owner_client.get("/log/exercise/").context["form"]
    assert (form["duration_minutes"].value(), form["status"].value()) == (45, "planned")


def test_it_refuses_a_start_too_far_ahead_for_reminders_and_saves_nothing(
    outsider_client, refreshed
):
    # 23:00 on 31 December 9999 in New York is in year 10000 in UTC: out of every range.
    response = outsider_client.post("/log/exercise/", _session(starts_at="9999-12-31T23:00"))

    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == ["This time is too far in the future."]
    assert b'value="9999-12-31T23:00"' in response.content
    assert ExerciseSession.objects.count() == 0
    assert refreshed == []


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        ("2027-03-12T18:30", "Plan sessions up to a year ahead."),
        ("1899-12-31T23:00", "Enter a date after 1900."),
        ("0001-01-01T00:00", "Enter a date after 1900."),
    ],
)
def test_it_refuses_a_start_outside_the_plannable_range(
    owner_client, starts_at, message, refreshed
):
    response = owner_client.post("/log/exercise/", _session(starts_at=starts_at))

    assert response.context["form"].errors["starts_at"] == [message]
    assert ExerciseSession.objects.count() == 0
    assert refreshed == []


def test_it_plans_a_session_up_to_a_year_ahead(owner_client, refreshed):
    owner_client.post("/log/exercise/", _session(starts_at="2027-03-10T10:00"))

    assert ExerciseSession.objects.get().starts_at == dt.datetime(2027, 3, 10, 9, tzinfo=UTC)


def test_it_keeps_the_activity_on_one_line(owner_client, refreshed):
    # The activity becomes an email subject: a line break there could add mail headers.
    owner_client.post("/log/exercise/", _session(activity="Run\r\nBcc: victim@example.com\t "))

    assert ExerciseSession.objects.get().activity == "Run Bcc: victim@example.com"
