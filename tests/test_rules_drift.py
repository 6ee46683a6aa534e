"""Each rule in one place: the web form and the API refuse the same bad input in the same words,
and a night cramp logged from either counts in the bedtime reminder."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    ReminderDelivery,
    RoutineSlot,
    StretchEntry,
    User,
)
from cramps.reminders.compose import compose
from tests.conftest import NOW
from tests.test_account_profile import profile_data

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _food():
    return FoodItem.objects.order_by("slug").first()


def _stretch():
    return ReliefTechnique.objects.filter(kind=ReliefTechnique.Kind.STRETCH).first()


# kind: (model, web URL, API URL, the rest of a valid entry on the web, and in the API)
KINDS = {
    "drink": (HydrationEntry, "/log/drink/", "/api/v1/hydration/", dict, dict),
    "food": (
        IntakeEntry,
        "/log/food/",
        "/api/v1/intake/",
        lambda: {"food": _food().pk, "servings": "1"},
        lambda: {"food": _food().slug, "servings": "1"},
    ),
    "supplement": (
        IntakeEntry,
        "/log/food/",
        "/api/v1/intake/",
        lambda: {"food": "", "label": "Pill"},
        lambda: {"label": "Pill"},
    ),
    "exercise": (
        ExerciseSession,
        "/log/exercise/",
        "/api/v1/exercise/",
        lambda: (
            {"activity": "Run", "starts_at": "2026-03-10T18:30", "duration_minutes": "45"}
            | {"intensity": "moderate", "status": "planned"}
        ),
        lambda: {"activity": "Run", "starts_at": "2026-03-10T18:30", "duration_minutes": 45},
    ),
    "stretch": (
        StretchEntry,
        "/log/stretch/",
        "/api/v1/stretches/",
        lambda: {"technique": _stretch().pk, "duration_minutes": "3", "occasion": "before_bed"},
        lambda: {"technique": _stretch().slug, "duration_minutes": 3, "occasion": "before_bed"},
    ),
    "cramp": (
        CrampEpisode,
        "/log/cramp/",
        "/api/v1/cramps/",
        lambda: {"side": "left", "severity": "6"},
        lambda: {"side": "left", "severity": 6},
    ),
}

SERVINGS = "Enter between 0.1 and 100 servings."


@pytest.mark.parametrize(
    ("kind", "bad", "field", "message"),
    [
        ("drink", {"amount_ml": "6000"}, "amount_ml", "Enter a number from 1 to 5,000 ml."),
        ("drink", {"amount_ml": "0"}, "amount_ml", "Enter a number from 1 to 5,000 ml."),
        ("drink", {"amount_ml": "12abc"}, "amount_ml", "Enter a whole number, e.g. 250."),
        # Not "no more than 3 digits before the decimal point" nor "5 digits in total".
        ("food", {"servings": "1000"}, "servings", SERVINGS),
        ("food", {"servings": "1e-30"}, "servings", SERVINGS),
        ("food", {"servings": "0"}, "servings", SERVINGS),
        ("food", {"servings": "0.125"}, "servings", "Use at most 2 decimals, e.g. 0.25."),
        ("food", {"servings": "lots"}, "servings", "Enter a number of servings, e.g. 1 or 0.5."),
        (
            "food",
            {"potassium_mg": "100"},
            "food",
            "Choose a food or enter the minerals yourself, not both.",
        ),
        (
            "supplement",
            {},
            "food",
            "Choose a food from the list, or enter the minerals of a supplement.",
        ),
        (
            "supplement",
            {"potassium_mg": "20000"},
            "potassium_mg",
            "Enter a number from 0 to 10,000 mg.",
        ),
        (
            "supplement",
            {"magnesium_mg": "-5"},
            "magnesium_mg",
            "Enter a number from 0 to 5,000 mg.",
        ),
        (
            "exercise",
            {"status": "done"},
            "status",
            "A session that starts later can't be done yet.",
        ),
        (
            "exercise",
            {"duration_minutes": "0"},
            "duration_minutes",
            "Enter a number from 1 to 1,440 minutes.",
        ),
        (
            "stretch",
            {"duration_minutes": "241"},
            "duration_minutes",
            "Enter a number from 1 to 240 minutes.",
        ),
        ("cramp", {"severity": "11"}, "severity", "Choose how bad it was, from 1 to 10."),
    ],
)
def test_it_refuses_bad_input_in_the_same_words_from_the_web_and_the_api(
    owner_client, owner, kind, bad, field, message
):
    model, web_url, api_url, web_base, api_base = KINDS[kind]

    web = owner_client.post(web_url, {**web_base(), **bad})
    api = owner_client.post(api_url, {**api_base(), **bad}, content_type="application/json")

    assert web.status_code == 200
    assert web.context["form"].errors[field] == [message]
    assert api.status_code == 400
    assert api.json()[field] == [message]
    assert not model.objects.for_user(owner).exists()


def test_it_keeps_an_activity_on_one_line_from_the_web_and_the_api(owner_client, owner):
    _, web_url, api_url, web_base, api_base = KINDS["exercise"]
    activity = "  Evening\n\trun   by the   river "

    owner_client.post(web_url, {**web_base(), "activity": activity})
    owner_client.post(
        api_url, {**api_base(), "activity": activity}, content_type="application/json"
    )

    activities = ExerciseSession.objects.for_user(owner).values_list("activity", flat=True)
    assert list(activities) == ["Evening run by the river"] * 2


def test_it_refuses_a_check_in_before_1900_from_the_api_like_every_other_kind(owner_client, owner):
    response = owner_client.post(
        "/api/v1/checkins/", {"date": "0001-01-01"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"date": ["Enter a date after 1900."]}
    assert not CheckIn.objects.exists()


def test_the_database_refuses_quiet_hours_with_one_end(owner):
    owner.quiet_hours_start = dt.time(22)
    with pytest.raises(ValidationError) as error:
        owner.full_clean()
    assert error.value.message_dict["quiet_hours_end"] == [
        "Set both the start and the end of quiet hours, or leave both empty."
    ]
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=owner.pk).update(quiet_hours_start=dt.time(22))


def test_the_database_refuses_an_intake_with_neither_food_nor_minerals(owner):
    with pytest.raises(IntegrityError):
        IntakeEntry.objects.create(user=owner, at=timezone.now(), label="Nothing")


# The night cramp: one default, every writer.


@pytest.mark.parametrize(
    ("local", "context"),
    [("22:29", "rest"), ("22:30", "asleep"), ("03:00", "asleep"), ("06:59", "asleep")]
    + [("07:00", "rest"), ("15:00", "rest")],
)
def test_a_cramp_during_the_users_night_is_probably_in_bed(owner, local, context):
    at = dt.datetime.combine(dt.date(2026, 3, 9), dt.time.fromisoformat(local), tzinfo=BERLIN)
    assert CrampEpisode.default_context(owner, at) == context


def test_a_night_worker_sleeping_by_day_is_in_bed_by_day(owner):
    owner.bedtime, owner.wake_time = dt.time(8), dt.time(16)
    assert CrampEpisode.default_context(owner, dt.datetime(2026, 3, 9, 10, tzinfo=BERLIN)) == (
        "asleep"
    )
    assert CrampEpisode.default_context(owner, dt.datetime(2026, 3, 9, 20, tzinfo=BERLIN)) == (
        "rest"
    )


def _night_cramps_in_the_bedtime_reminder(user) -> str:
    evening = dt.datetime(2026, 3, 10, 21, 30, tzinfo=BERLIN)
    delivery = ReminderDelivery.objects.create(
        user=user, kind="bedtime", occurrence="2026-03-10", due_at=evening
    )
    with time_machine.travel(evening, tick=False):
        return compose(delivery, timezone.now()).subject


@pytest.mark.parametrize("writer", ["web", "api"])
def test_a_night_cramp_logged_with_no_context_counts_in_the_bedtime_reminder(
    owner_client, owner, writer
):
    # 03:10 in Berlin last night, logged this morning with no context.
    if writer == "web":
        response = owner_client.post(
            "/log/cramp/", {"side": "left", "severity": "6", "started_at": "2026-03-10T03:10"}
        )
    else:
        response = owner_client.post(
            "/api/v1/cramps/",
            {"side": "left", "severity": 6, "started_at": "2026-03-10T03:10"},
            content_type="application/json",
        )
    assert response.status_code in (201, 302)

    assert CrampEpisode.objects.get(user=owner).context == "asleep"
    assert (
        _night_cramps_in_the_bedtime_reminder(owner) == "Bedtime stretch: 1 night cramp this week"
    )


def test_a_cramp_logged_from_bed_through_the_api_counts_as_a_night_cramp(client, owner):
    client.force_login(owner)
    with time_machine.travel(dt.datetime(2026, 3, 10, 3, 10, tzinfo=BERLIN), tick=False):
        response = client.post(
            "/api/v1/cramps/", {"side": "right", "severity": 8}, content_type="application/json"
        )
    assert response.json()["context"] == "asleep"
    assert (
        _night_cramps_in_the_bedtime_reminder(owner) == "Bedtime stretch: 1 night cramp this week"
    )


def test_an_import_or_shell_write_gets_the_same_default(owner):
    episode = CrampEpisode.objects.create(
        user=owner,
        started_at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=BERLIN),
        duration_seconds=60,
        side="left",
        severity=5,
    )
    assert episode.context == "asleep"


def test_it_keeps_a_routine_slots_activity_on_one_line(owner_client, owner):
    slot = {"weekday": 1, "start_time": "18:30", "duration_minutes": 45}
    slot["activity"] = " Evening\n  run "

    response = owner_client.post("/profile/", profile_data(owner, [slot]))

    assert response.status_code == 302
    assert RoutineSlot.objects.get(user=owner).activity == "Evening run"
