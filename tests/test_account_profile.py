import datetime as dt

import pytest
from django.urls import reverse

from cramps.models import RoutineSlot
from cramps.targets import default_targets

PROFILE = "/profile/"


def profile_data(user, slots=(), **overrides):
    """What the page posts back for `user` unchanged, plus the given routine rows."""
    data = {
        "timezone": user.timezone,
        "bedtime": user.bedtime.strftime("%H:%M"),
        "wake_time": user.wake_time.strftime("%H:%M"),
        "quiet_hours_start": "",
        "quiet_hours_end": "",
        "sex": user.sex,
        "drinks_target_ml": user.drinks_target_ml,
        "potassium_target_mg": user.potassium_target_mg,
        "calcium_target_mg": user.calcium_target_mg,
        "magnesium_target_mg": user.magnesium_target_mg,
        "sodium_target_mg": user.sodium_target_mg,
        "routine-TOTAL_FORMS": len(slots),
        "routine-INITIAL_FORMS": sum(1 for s in slots if s.get("id")),
        "routine-MIN_NUM_FORMS": 0,
        "routine-MAX_NUM_FORMS": 1000,
    }
    if user.pregnant:
        data["pregnant"] = "on"
    for i, slot in enumerate(slots):
        for key, value in slot.items():
            data[f"routine-{i}-{key}"] = value
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def refreshed(monkeypatch):
    calls = []
    monkeypatch.setattr("cramps.reminders.schedule.refresh_schedules", calls.append)
    return calls


def test_it_sends_visitors_to_log_in(client, db):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={PROFILE}"


def test_it_shows_the_owners_settings(owner_client, owner):
    response = owner_client.get(PROFILE)

    assert response.status_code == 200
    assert b'value="Europe/Berlin"' in response.content
    assert b"Drink to thirst; this is a guide, not a quota. Don't force extra fluid." in (
        response.content
    )


def test_it_saves_a_valid_zone_and_sleep_times(owner_client, owner, refreshed):
    data = profile_data(owner, timezone="America/New_York", bedtime="23:15", wake_time="06:45")

    response = owner_client.post(PROFILE, data, follow=True)

    owner.refresh_from_db()
    assert response.redirect_chain == [(PROFILE, 302)]
    assert owner.timezone == "America/New_York"
    assert owner.bedtime == dt.time(23, 15)
    assert owner.wake_time == dt.time(6, 45)
    assert b"Profile saved" in response.content


def test_it_stores_the_canonical_zone_name_typed_in_any_case(owner_client, owner, refreshed):
    owner_client.post(PROFILE, profile_data(owner, timezone=" asia/tokyo "))

    owner.refresh_from_db()
    assert owner.timezone == "Asia/Tokyo"


def test_it_refreshes_reminder_schedules_with_the_saved_user(owner_client, owner, refreshed):
    owner_client.post(PROFILE, profile_data(owner, timezone="Asia/Tokyo"))

    assert refreshed == [owner]
    # The schedules are computed from the new settings, not the ones before the save.
    assert refreshed[0].timezone == "Asia/Tokyo"


def test_it_rejects_an_unknown_zone_next_to_the_field_keeping_the_typed_value(
    owner_client, owner, refreshed
):
    response = owner_client.post(
        PROFILE, profile_data(owner, timezone="Mars/Olympus_Mons", bedtime="21:00")
    )

    owner.refresh_from_db()
    assert response.status_code == 200
    [error] = response.context["form"].errors["timezone"]
    assert "“Mars/Olympus_Mons” is not a time zone we know" in error
    assert b'value="Mars/Olympus_Mons"' in response.content
    assert (owner.timezone, owner.bedtime) == ("Europe/Berlin", dt.time(22, 30))
    assert refreshed == []


def test_it_shows_html_typed_as_a_zone_escaped(owner_client, owner):
    response = owner_client.post(PROFILE, profile_data(owner, timezone="<b>x</b>"))

    assert b"<b>x</b>" not in response.content
    assert b"&lt;b&gt;x&lt;/b&gt;" in response.content


def test_it_rejects_a_malformed_number_without_a_500(owner_client, owner):
    response = owner_client.post(PROFILE, profile_data(owner, drinks_target_ml="lots"))

    assert response.status_code == 200
    assert "drinks_target_ml" in response.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("potassium_target_mg", "20000", "Enter a number from 0 to 10,000 mg."),
        ("potassium_target_mg", "-1", "Enter a number from 0 to 10,000 mg."),
        ("drinks_target_ml", "100", "Enter a number from 500 to 5,000 ml."),
        ("magnesium_target_mg", "lots", "Enter a whole number, e.g. 250."),
    ],
)
def test_it_names_the_targets_limits_in_words(owner_client, owner, field, value, message):
    response = owner_client.post(PROFILE, profile_data(owner, **{field: value}))

    assert response.context["form"].errors[field] == [message]
    assert f'value="{value}"' in response.content.decode()


def test_it_needs_both_ends_of_quiet_hours_or_neither(owner_client, owner, refreshed):
    response = owner_client.post(PROFILE, profile_data(owner, quiet_hours_start="22:00"))

    assert response.context["form"].errors["quiet_hours_end"] == [
        "Set both the start and the end of quiet hours, or leave both empty."
    ]
    owner.refresh_from_db()
    assert owner.quiet_hours_start is None


def test_it_saves_quiet_hours_across_midnight(owner_client, owner, refreshed):
    owner_client.post(
        PROFILE, profile_data(owner, quiet_hours_start="22:00", quiet_hours_end="07:30")
    )

    owner.refresh_from_db()
    assert (owner.quiet_hours_start, owner.quiet_hours_end) == (dt.time(22), dt.time(7, 30))


class TestTargets:
    def test_a_new_user_starts_with_the_lower_reference_targets(self, owner):
        assert owner.sex == ""
        assert owner.magnesium_target_mg == default_targets("").magnesium_mg == 320
        assert owner.drinks_target_ml == 1600

    def test_choosing_male_switches_targets_still_at_the_defaults(
        self, owner_client, owner, refreshed
    ):
        response = owner_client.post(PROFILE, profile_data(owner, sex="male"), follow=True)

        owner.refresh_from_db()
        male = default_targets("male")
        assert owner.sex == "male"
        assert owner.drinks_target_ml == male.drinks_ml == 2000
        assert owner.potassium_target_mg == male.potassium_mg
        assert owner.magnesium_target_mg == male.magnesium_mg
        assert b"defaults for your sex" in response.content

    def test_a_target_the_user_chose_stays_when_sex_changes(self, owner_client, owner, refreshed):
        owner_client.post(PROFILE, profile_data(owner, sex="male", magnesium_target_mg=250))

        owner.refresh_from_db()
        assert owner.magnesium_target_mg == 250
        assert owner.potassium_target_mg == default_targets("male").potassium_mg

    def test_switching_back_restores_the_female_defaults(self, owner_client, owner, refreshed):
        owner_client.post(PROFILE, profile_data(owner, sex="male"))
        owner.refresh_from_db()
        owner_client.post(PROFILE, profile_data(owner, sex="female"))

        owner.refresh_from_db()
        assert owner.drinks_target_ml == default_targets("female").drinks_ml

    def test_reset_puts_chosen_targets_back_to_the_defaults(self, owner_client, owner, refreshed):
        owner.drinks_target_ml = 3000
        owner.save()

        owner_client.post(PROFILE, profile_data(owner, reset_targets="on"))

        owner.refresh_from_db()
        assert owner.drinks_target_ml == default_targets("").drinks_ml

    def test_it_keeps_changed_targets_when_sex_stays(self, owner_client, owner, refreshed):
        owner_client.post(PROFILE, profile_data(owner, calcium_target_mg=1200))

        owner.refresh_from_db()
        assert owner.calcium_target_mg == 1200


class TestPregnancy:
    @pytest.mark.parametrize("sex", ["female", ""])
    def test_a_female_or_unspecified_user_can_tick_pregnancy(
        self, owner_client, owner, refreshed, sex
    ):
        response = owner_client.post(PROFILE, profile_data(owner, sex=sex, pregnant="on"))

        owner.refresh_from_db()
        assert response.status_code == 302
        assert owner.pregnant

    def test_a_male_user_gets_a_clear_message_and_nothing_is_saved(
        self, owner_client, owner, refreshed
    ):
        response = owner_client.post(
            PROFILE, profile_data(owner, sex="male", pregnant="on", timezone="Asia/Tokyo")
        )

        owner.refresh_from_db()
        assert response.context["form"].errors["pregnant"] == [
            "Pregnancy can only be set when sex is Female or Prefer not to say."
        ]
        assert (owner.sex, owner.pregnant, owner.timezone) == ("", False, "Europe/Berlin")

    def test_a_pregnant_user_sees_the_pregnancy_notes(self, owner_client, owner):
        owner.pregnant = True
        owner.save()

        response = owner_client.get(PROFILE)

        assert b"needs urgent care today" in response.content
        assert b"second and third trimester" in response.content
        assert b"midwife" in response.content
        assert b"No strong pressure on calf points" in response.content

    def test_other_users_do_not_see_pregnancy_notes(self, owner_client):
        response = owner_client.get(PROFILE)

        assert b"midwife" not in response.content


def test_it_lists_only_the_owners_routine(owner_client, owner, outsider):
    RoutineSlot.objects.create(user=owner, weekday=1, start_time=dt.time(18, 30), activity="Swim")
    RoutineSlot.objects.create(user=outsider, weekday=2, start_time=dt.time(7), activity="Rowing")

    response = owner_client.get(PROFILE)

    assert b"Swim" in response.content
    assert b"Rowing" not in response.content


class TestBirthYear:
    """An optional year of birth sets calcium's default: 1,200 mg for women from 51 (NIH ODS)."""

    @pytest.fixture(autouse=True)
    def _frozen(self):
        import time_machine

        from tests.conftest import NOW

        with time_machine.travel(NOW, tick=False):
            yield

    def test_a_woman_of_51_gets_1200_mg_of_calcium(self, owner_client, owner, refreshed):
        owner.sex = "female"
        owner.save()
        owner_client.post(PROFILE, profile_data(owner, birth_year=1975))

        owner.refresh_from_db()
        assert owner.birth_year == 1975
        assert owner.calcium_target_mg == 1200

    @pytest.mark.parametrize(
        ("zone", "instant", "calcium"),
        [
            # 20:00 UTC on New Year's Eve: the server is still in 2025, Auckland is in 2026.
            ("Pacific/Auckland", dt.datetime(2025, 12, 31, 20, tzinfo=dt.UTC), 1200),
            # 05:00 UTC on New Year's Day: the server is in 2026, Los Angeles still in 2025.
            ("America/Los_Angeles", dt.datetime(2026, 1, 1, 5, tzinfo=dt.UTC), 1000),
        ],
    )
    def test_the_age_is_counted_on_the_users_own_calendar_not_the_servers(
        self, owner_client, owner, refreshed, zone, instant, calcium
    ):
        import time_machine

        owner.sex, owner.timezone = "female", zone
        owner.save()
        with time_machine.travel(instant, tick=False):
            # Born in 1975: 51 this year in 2026, 50 in 2025.
            owner_client.post(PROFILE, profile_data(owner, birth_year=1975))

        owner.refresh_from_db()
        assert owner.birth_year == 1975
        assert owner.calcium_target_mg == calcium

    def test_a_calcium_figure_the_user_chose_stays(self, owner_client, owner, refreshed):
        owner.sex, owner.calcium_target_mg = "female", 900
        owner.save()
        owner_client.post(PROFILE, profile_data(owner, birth_year=1950))

        owner.refresh_from_db()
        assert owner.calcium_target_mg == 900

    def test_it_is_optional(self, owner_client, owner, refreshed):
        response = owner_client.post(PROFILE, profile_data(owner, birth_year=""))

        owner.refresh_from_db()
        assert response.status_code == 302
        assert owner.birth_year is None

    def test_a_year_still_to_come_is_refused_next_to_the_field(
        self, owner_client, owner, refreshed
    ):
        response = owner_client.post(PROFILE, profile_data(owner, birth_year=2040))

        assert response.status_code == 200
        assert "already come" in response.context["form"].errors["birth_year"][0]
        assert 'value="2040"' in response.content.decode()
        owner.refresh_from_db()
        assert owner.birth_year is None

    def test_the_sodium_figure_reads_as_a_limit(self, owner_client, owner):
        page = owner_client.get(PROFILE).content.decode()
        assert "Sodium limit (mg)" in page
        assert "A limit to stay under, not a goal" in page
