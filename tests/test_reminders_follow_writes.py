"""Reminders follow every write, whoever makes it: the web pages, the API and the admin.

No mocks: each test changes something through one writer and reads the stored next due time.
The clock: Tuesday 2026-03-10 10:00 in Berlin; the owner's bedtime 22:30, reminders 30 minutes
ahead, so the bedtime reminder is due at 22:00 Berlin (21:00 UTC) tonight.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from cramps.models import ExerciseSession, ReminderSchedule, RoutineSlot, User
from cramps.reminders.schedule import refresh_schedules
from tests.conftest import NOW
from tests.factories import ExerciseSessionFactory
from tests.test_account_profile import profile_data

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
TONIGHT = dt.datetime(2026, 3, 10, 21, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def planned(owner):
    refresh_schedules(owner)
    assert _due(owner, "bedtime") == TONIGHT
    assert _due(owner, "pre_exercise") is None
    return owner


def _due(user, kind):
    return ReminderSchedule.objects.get(user=user, kind=kind).next_due_at


def _session_due(starts_at: dt.datetime) -> dt.datetime:
    return starts_at - dt.timedelta(minutes=30)


# The web pages


def test_the_profile_page_moves_the_bedtime_reminder(owner_client, planned):
    response = owner_client.post("/profile/", profile_data(planned, bedtime="23:30"))

    assert response.status_code == 302
    assert _due(planned, "bedtime") == TONIGHT + dt.timedelta(hours=1)


def test_the_routine_on_the_profile_page_plans_the_exercise_reminder(owner_client, planned):
    slot = {"weekday": 1, "start_time": "18:30", "duration_minutes": 45, "activity": "Run"}

    assert owner_client.post("/profile/", profile_data(planned, [slot])).status_code == 302

    assert _due(planned, "pre_exercise") == dt.datetime(2026, 3, 10, 17, 0, tzinfo=UTC)


def test_confirming_a_sign_up_plans_the_reminders_in_the_zone_chosen(client):
    data = {"username": "bea", "email": "bea@example.com", "timezone": "Asia/Tokyo"}
    data |= {"password1": "slow calf stretch 42", "password2": "slow calf stretch 42"}

    assert client.post("/signup/", data).status_code == 302
    assert _due(User.objects.get(username="bea"), "bedtime") is None
    link = re.search(r"http://\S+(/signup/confirm/\S+/)", mail.outbox[0].body).group(1)
    assert client.post(link).status_code == 302

    # 22:00 in Tokyo is 13:00 UTC.
    assert _due(User.objects.get(username="bea"), "bedtime") == dt.datetime(
        2026, 3, 10, 13, 0, tzinfo=UTC
    )


def test_the_exercise_form_plans_moves_and_drops_the_reminder(owner_client, planned):
    data = {"activity": "Run", "starts_at": "2026-03-10T18:30", "duration_minutes": "45"}
    data |= {"intensity": "moderate", "status": "planned"}

    owner_client.post("/log/exercise/", data)
    session = ExerciseSession.objects.get(user=planned)
    assert _due(planned, "pre_exercise") == _session_due(session.starts_at)

    owner_client.post(f"/log/exercise/{session.pk}/", data | {"starts_at": "2026-03-10T19:30"})
    assert _due(planned, "pre_exercise") == _session_due(session.starts_at + dt.timedelta(hours=1))

    owner_client.post(f"/log/exercise/{session.pk}/delete/")
    assert _due(planned, "pre_exercise") is None


def test_the_reminder_settings_page_moves_the_reminder(owner_client, planned):
    data = {}
    for kind in ("bedtime", "pre_exercise"):
        data |= {f"{kind}-enabled": "on", f"{kind}-lead_minutes": "30", f"{kind}-in_app": "on"}
    data["bedtime-lead_minutes"] = "60"

    assert owner_client.post("/reminders/settings/", data).status_code == 302

    assert _due(planned, "bedtime") == TONIGHT - dt.timedelta(minutes=30)


# The API


def test_the_api_plans_moves_and_drops_the_exercise_reminder(owner_client, planned):
    url = "/api/v1/exercise/"
    body = {"activity": "Swim", "starts_at": "2026-03-10T18:00:00+01:00", "duration_minutes": 30}

    session_id = owner_client.post(url, body, content_type="application/json").json()["id"]
    assert _due(planned, "pre_exercise") == dt.datetime(2026, 3, 10, 16, 30, tzinfo=UTC)

    owner_client.patch(
        f"{url}{session_id}/", {"status": "cancelled"}, content_type="application/json"
    )
    assert _due(planned, "pre_exercise") is None

    owner_client.patch(
        f"{url}{session_id}/", {"status": "planned"}, content_type="application/json"
    )
    owner_client.delete(f"{url}{session_id}/")
    assert _due(planned, "pre_exercise") is None
    assert not ExerciseSession.objects.exists()


# The admin


def _admin_user_data(user, slots=(), **changes):
    """What the admin's change page posts back for `user` unchanged, plus routine rows."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "date_joined_0": "2026-03-01",
        "date_joined_1": "09:00:00",
        "timezone": user.timezone,
        "bedtime": f"{user.bedtime:%H:%M}",
        "wake_time": f"{user.wake_time:%H:%M}",
        "drinks_target_ml": user.drinks_target_ml,
        "potassium_target_mg": user.potassium_target_mg,
        "calcium_target_mg": user.calcium_target_mg,
        "magnesium_target_mg": user.magnesium_target_mg,
        "sodium_target_mg": user.sodium_target_mg,
        "sex": user.sex,
        "quiet_hours_start": "",
        "quiet_hours_end": "",
        "routine_slots-TOTAL_FORMS": len(slots),
        "routine_slots-INITIAL_FORMS": 0,
        "routine_slots-MIN_NUM_FORMS": 0,
        "routine_slots-MAX_NUM_FORMS": 1000,
    }
    for i, slot in enumerate(slots):
        data |= {f"routine_slots-{i}-{key}": value for key, value in slot.items()}
    return data | changes


def _admin_post(admin_client, url, data):
    response = admin_client.post(url, data)
    errors = response.context and response.context.get("errors")
    assert response.status_code == 302, errors
    return response


def test_the_admin_moves_the_reminders_with_a_users_time_zone(admin_client, planned):
    url = f"/admin/cramps/user/{planned.pk}/change/"

    _admin_post(admin_client, url, _admin_user_data(planned, timezone="America/New_York"))

    # 22:00 in New York (EDT from 8 March) is 02:00 UTC the next day.
    assert _due(planned, "bedtime") == dt.datetime(2026, 3, 11, 2, 0, tzinfo=UTC)


def test_the_admin_moves_the_reminders_with_a_users_bedtime(admin_client, planned):
    url = f"/admin/cramps/user/{planned.pk}/change/"

    _admin_post(admin_client, url, _admin_user_data(planned, bedtime="23:00"))

    assert _due(planned, "bedtime") == TONIGHT + dt.timedelta(minutes=30)


def test_the_admin_plans_the_exercise_reminder_with_a_routine_slot(admin_client, planned):
    url = f"/admin/cramps/user/{planned.pk}/change/"
    slot = {"weekday": 1, "start_time": "18:30", "duration_minutes": 45, "activity": "Run"}

    _admin_post(admin_client, url, _admin_user_data(planned, [slot]))

    assert RoutineSlot.objects.for_user(planned).count() == 1
    assert _due(planned, "pre_exercise") == dt.datetime(2026, 3, 10, 17, 0, tzinfo=UTC)


def test_the_admin_refuses_quiet_hours_with_one_end(admin_client, planned):
    url = f"/admin/cramps/user/{planned.pk}/change/"

    response = admin_client.post(url, _admin_user_data(planned, quiet_hours_start="22:00"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["quiet_hours_end"] == [
        "Set both the start and the end of quiet hours, or leave both empty."
    ]


def _admin_session_data(user, starts_at: dt.datetime, **changes):
    local = starts_at.astimezone(UTC)  # the admin's active zone is the project's, UTC
    return {
        "user": user.pk,
        "starts_at_0": f"{local:%Y-%m-%d}",
        "starts_at_1": f"{local:%H:%M:%S}",
        "duration_minutes": 45,
        "activity": "Run",
        "intensity": "moderate",
        "status": "planned",
        **changes,
    }


def test_the_admin_plans_moves_and_drops_the_exercise_reminder(admin_client, planned):
    starts = dt.datetime(2026, 3, 10, 18, 30, tzinfo=BERLIN)

    _admin_post(
        admin_client, "/admin/cramps/exercisesession/add/", _admin_session_data(planned, starts)
    )
    session = ExerciseSession.objects.get(user=planned)
    assert _due(planned, "pre_exercise") == _session_due(starts)

    later = starts + dt.timedelta(hours=2)
    url = f"/admin/cramps/exercisesession/{session.pk}/change/"
    _admin_post(admin_client, url, _admin_session_data(planned, later))
    assert _due(planned, "pre_exercise") == _session_due(later)

    _admin_post(
        admin_client, f"/admin/cramps/exercisesession/{session.pk}/delete/", {"post": "yes"}
    )
    assert _due(planned, "pre_exercise") is None


def test_the_admin_drops_the_reminders_of_sessions_deleted_in_bulk(admin_client, planned):
    ExerciseSessionFactory(user=planned, starts_at=dt.datetime(2026, 3, 10, 17, tzinfo=UTC))
    refresh_schedules(planned)
    assert _due(planned, "pre_exercise") is not None
    data = {
        "action": "delete_selected",
        "_selected_action": list(ExerciseSession.objects.values_list("pk", flat=True)),
        "post": "yes",
    }

    _admin_post(admin_client, "/admin/cramps/exercisesession/", data)

    assert _due(planned, "pre_exercise") is None


def test_the_admin_moves_the_reminder_with_its_lead_time(admin_client, planned):
    reminder = ReminderSchedule.objects.get(user=planned, kind="bedtime")
    data = {"user": planned.pk, "kind": "bedtime", "enabled": "on", "lead_minutes": 90}
    data |= {"by_email": "on", "in_app": "on"}

    _admin_post(admin_client, f"/admin/cramps/reminderschedule/{reminder.pk}/change/", data)

    assert _due(planned, "bedtime") == TONIGHT - dt.timedelta(hours=1)


def test_the_admin_names_the_lead_time_limits(admin_client, planned):
    reminder = ReminderSchedule.objects.get(user=planned, kind="bedtime")
    data = {"user": planned.pk, "kind": "bedtime", "enabled": "on", "lead_minutes": 500}
    data |= {"by_email": "on"}

    response = admin_client.post(f"/admin/cramps/reminderschedule/{reminder.pk}/change/", data)

    assert response.context["adminform"].form.errors["lead_minutes"] == [
        "Enter a number from 5 to 180 minutes."
    ]
    assert _due(planned, "bedtime") == TONIGHT
