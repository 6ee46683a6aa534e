"""The weekly routine on the profile page: an inline formset saved with the profile, atomically."""

import datetime as dt

import pytest

from cramps.models import ReminderSchedule, RoutineSlot
from tests.test_account_profile import PROFILE, profile_data


@pytest.fixture
def refreshed(monkeypatch):
    calls = []
    monkeypatch.setattr("cramps.reminders.schedule.refresh_schedules", calls.append)
    return calls


def _slot(weekday, start, minutes=45, activity="", **extra):
    return {
        "weekday": weekday,
        "start_time": start,
        "duration_minutes": minutes,
        "activity": activity,
        **extra,
    }


def _saved(user):
    return [
        (s.weekday, s.start_time, s.duration_minutes, s.activity)
        for s in RoutineSlot.objects.for_user(user)
    ]


def test_it_saves_new_slots_and_ignores_the_blank_row(owner_client, owner, refreshed):
    slots = [
        _slot(1, "18:30", 60, "Running"),
        _slot(5, "09:00", 90, "Football"),
        {"duration_minutes": 45},  # the untouched extra row
    ]

    response = owner_client.post(PROFILE, profile_data(owner, slots))

    assert response.status_code == 302
    assert _saved(owner) == [
        (1, dt.time(18, 30), 60, "Running"),
        (5, dt.time(9), 90, "Football"),
    ]
    # The profile's save and the routine's save each move the reminders.
    assert refreshed == [owner, owner]


def test_it_edits_and_removes_existing_slots(owner_client, owner, refreshed):
    keep = RoutineSlot.objects.create(user=owner, weekday=0, start_time=dt.time(7))
    drop = RoutineSlot.objects.create(user=owner, weekday=3, start_time=dt.time(19))
    slots = [
        _slot(0, "07:15", 30, "Cycling", id=keep.pk, user=owner.pk),
        _slot(3, "19:00", id=drop.pk, user=owner.pk, DELETE="on"),
    ]

    owner_client.post(PROFILE, profile_data(owner, slots))

    assert _saved(owner) == [(0, dt.time(7, 15), 30, "Cycling")]
    assert RoutineSlot.objects.get().pk == keep.pk


def test_it_rejects_two_slots_at_the_same_time_without_saving_anything(
    owner_client, owner, refreshed
):
    slots = [_slot(1, "18:30", activity="Running"), _slot(1, "18:30", activity="Swimming")]

    response = owner_client.post(PROFILE, profile_data(owner, slots, timezone="Asia/Tokyo"))

    assert response.status_code == 200
    second = response.context["formset"].forms[1]
    assert second.errors["start_time"] == [
        "You already have a slot on Tuesday at 18:30. "
        "Change the day or the time, or remove one of them."
    ]
    assert b"You already have a slot on Tuesday at 18:30" in response.content
    # The typed rows stay on the page.
    assert b'value="Swimming"' in response.content
    # Neither the routine nor the rest of the profile was saved half-way.
    owner.refresh_from_db()
    assert owner.timezone == "Europe/Berlin"
    assert _saved(owner) == []
    assert refreshed == []


def test_it_rejects_a_new_slot_at_the_time_of_a_saved_one(owner_client, owner, refreshed):
    saved = RoutineSlot.objects.create(user=owner, weekday=2, start_time=dt.time(6))
    slots = [_slot(2, "06:00", id=saved.pk, user=owner.pk), _slot(2, "06:00", activity="Yoga")]

    response = owner_client.post(PROFILE, profile_data(owner, slots))

    assert response.status_code == 200
    assert "start_time" in response.context["formset"].forms[1].errors
    assert RoutineSlot.objects.count() == 1


def test_it_allows_a_new_slot_at_the_time_of_one_being_removed(owner_client, owner, refreshed):
    old = RoutineSlot.objects.create(user=owner, weekday=2, start_time=dt.time(6), activity="Old")
    slots = [
        _slot(2, "06:00", id=old.pk, user=owner.pk, DELETE="on"),
        _slot(2, "06:00", activity="New"),
    ]

    response = owner_client.post(PROFILE, profile_data(owner, slots))

    assert response.status_code == 302
    assert _saved(owner) == [(2, dt.time(6), 45, "New")]


def test_it_lets_two_slots_swap_their_times(owner_client, owner, refreshed):
    monday = RoutineSlot.objects.create(user=owner, weekday=0, start_time=dt.time(7), activity="A")
    friday = RoutineSlot.objects.create(user=owner, weekday=4, start_time=dt.time(8), activity="B")
    slots = [
        _slot(4, "08:00", activity="A", id=monday.pk, user=owner.pk),
        _slot(0, "07:00", activity="B", id=friday.pk, user=owner.pk),
    ]

    response = owner_client.post(PROFILE, profile_data(owner, slots))

    assert response.status_code == 302
    assert _saved(owner) == [(0, dt.time(7), 45, "B"), (4, dt.time(8), 45, "A")]
    # The slots keep their ids (the API refers to them).
    assert RoutineSlot.objects.get(activity="A").pk == monday.pk


def test_a_clash_saved_meanwhile_is_a_message_not_a_500(owner_client, owner):
    slots = [_slot(6, "10:00", activity="Hike")]
    # Another tab saved the same slot after this page was loaded.
    RoutineSlot.objects.create(user=owner, weekday=6, start_time=dt.time(10))

    response = owner_client.post(PROFILE, profile_data(owner, slots, timezone="Asia/Tokyo"))

    assert response.status_code == 200
    assert "clashes with a slot saved meanwhile" in response.context["formset"].non_form_errors()[0]
    owner.refresh_from_db()
    assert owner.timezone == "Europe/Berlin"
    # The profile's refresh of the reminders was rolled back with it.
    assert not ReminderSchedule.objects.filter(user=owner).exists()


def test_it_rejects_a_bad_duration_next_to_the_field(owner_client, owner, refreshed):
    response = owner_client.post(PROFILE, profile_data(owner, [_slot(1, "18:30", minutes=1)]))

    assert "duration_minutes" in response.context["formset"].forms[0].errors
    assert RoutineSlot.objects.count() == 0


def test_it_cannot_edit_another_users_slot_by_its_id(owner_client, owner, outsider, refreshed):
    theirs = RoutineSlot.objects.create(user=outsider, weekday=1, start_time=dt.time(9))
    slots = [_slot(1, "10:00", activity="Taken", id=theirs.pk, user=owner.pk)]

    owner_client.post(PROFILE, profile_data(owner, slots))

    theirs.refresh_from_db()
    assert (theirs.user, theirs.start_time, theirs.activity) == (outsider, dt.time(9), "")
    assert _saved(owner) == []
