import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cramps.models import CheckIn, HydrationEntry, IntakeEntry, ReliefTechnique, StretchEntry
from tests.conftest import NOW
from tests.factories import (
    CrampEpisodeFactory,
    ExerciseSessionFactory,
    HydrationFactory,
    UserFactory,
)

UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _stretch_technique():
    technique, _ = ReliefTechnique.objects.get_or_create(
        slug="test-today-calf-stretch",
        defaults=dict(
            name="Standing calf stretch",
            kind=ReliefTechnique.Kind.STRETCH,
            summary="Lean into a wall",
            location="Calf",
            duration_seconds=60,
            evidence="low_certainty",
            source_url="https://example.org/calf",
            in_cramp_guide=False,
        ),
    )
    return technique


def _log_a_bit_of_everything(user, at):
    """One entry of every kind (and a trial) at `at`: the page's queries must not grow with it."""
    episode = CrampEpisodeFactory(user=user, started_at=at)
    episode.trials.create(technique=_stretch_technique(), outcome="helped")
    HydrationFactory(user=user, at=at, amount_ml=250)
    IntakeEntry.objects.create(user=user, at=at, label="Magnesium", magnesium_mg=100)
    StretchEntry.objects.create(
        user=user, at=at, technique=_stretch_technique(), duration_minutes=3, occasion="other"
    )
    ExerciseSessionFactory(user=user, starts_at=at)


def test_it_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get("/today/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_sums_todays_drinks_against_the_target(owner_client, owner):
    HydrationFactory(user=owner, at=NOW - dt.timedelta(hours=1), amount_ml=500)
    HydrationFactory(user=owner, at=NOW - dt.timedelta(minutes=5), amount_ml=300)
    response = owner_client.get("/today/")
    totals = response.context["totals"]
    assert totals.drinks_ml == 800
    assert totals.drinks_percent == 50  # of the 1,600 ml default target
    assert b"<strong>800 ml</strong> of about 1600 ml" in response.content


def test_it_never_urges_drinking_more_once_the_target_is_reached(owner_client, owner):
    HydrationFactory(user=owner, at=NOW - dt.timedelta(hours=1), amount_ml=2500)
    response = owner_client.get("/today/")
    text = response.content.decode()
    assert response.context["totals"].drinks_percent == 100  # the bar never goes past full
    assert "no need to force more" in text
    assert "drink more" not in text.lower()


def test_it_sums_minerals_of_the_day(owner_client, owner):
    IntakeEntry.objects.create(user=owner, at=NOW, label="A", magnesium_mg=100, calcium_mg=300)
    IntakeEntry.objects.create(user=owner, at=NOW, label="B", magnesium_mg=60)
    minerals = {m.name: m.mg for m in owner_client.get("/today/").context["totals"].minerals}
    assert minerals == {"potassium": 0, "calcium": 300, "magnesium": 160, "sodium": 0}


def test_it_offers_one_tap_water_buttons_that_post_without_javascript(owner_client):
    text = owner_client.get("/today/").content.decode()
    for ml in (150, 250, 500):
        assert f'<input type="hidden" name="amount_ml" value="{ml}">' in text
    assert 'action="/log/drink/"' in text
    assert 'action="/log/stretch/bedtime/"' in text
    assert 'href="/log/cramp/"' in text


def test_it_lists_todays_entries_with_edit_and_delete_links(owner_client, owner):
    drink = HydrationFactory(user=owner, at=NOW, amount_ml=330)
    text = owner_client.get("/today/").content.decode()
    assert "330 ml" in text
    assert f"/log/drink/{drink.pk}/?next=" in text
    assert f"/log/drink/{drink.pk}/delete/?next=" in text


def test_it_shows_times_in_the_users_zone(owner_client, owner):
    HydrationFactory(user=owner, at=NOW, amount_ml=330)  # 09:00 UTC is 10:00 in Berlin
    text = owner_client.get("/today/").content.decode()
    assert '<span class="text-body-secondary">10:00</span> <strong>330 ml</strong>' in text


def test_it_never_shows_other_users_entries(owner_client, owner, outsider):
    HydrationFactory(user=outsider, at=NOW, amount_ml=777)
    response = owner_client.get("/today/")
    assert response.context["totals"].drinks_ml == 0
    assert b"777 ml" not in response.content


def test_it_warns_about_a_long_cramp_on_the_today_page(owner_client, owner):
    CrampEpisodeFactory(user=owner, started_at=NOW - dt.timedelta(hours=1), duration_seconds=900)
    text = owner_client.get("/today/").content.decode()
    assert "Over 10 minutes: if a cramp doesn't ease when you move, get urgent advice." in text
    assert 'href="/red-flags/"' in text


def test_it_saves_the_check_in_for_the_local_date(owner_client, owner):
    data = {"warmed_up": "True", "stretched_before_bed": "False", "loose_clothing": ""}
    response = owner_client.post("/today/", data)
    assert response.status_code == 302
    checkin = CheckIn.objects.get(user=owner)
    assert checkin.date == dt.date(2026, 3, 10)
    assert (checkin.warmed_up, checkin.stretched_before_bed, checkin.loose_clothing) == (
        True,
        False,
        None,
    )


def test_a_second_check_in_updates_the_first(owner_client, owner):
    owner_client.post("/today/", {"warmed_up": "True"})
    response = owner_client.post("/day/2026-03-10/", {"warmed_up": "False", "note": "sore"})
    assert response.status_code == 302
    checkin = CheckIn.objects.get(user=owner)
    assert (checkin.warmed_up, checkin.note) == (False, "sore")


def test_the_check_in_form_shows_saved_answers(owner_client, owner):
    CheckIn.objects.create(user=owner, date=dt.date(2026, 3, 10), kept_warm=False)
    text = owner_client.get("/today/").content.decode()
    assert 'id="id_kept_warm_1" value="False" autocomplete="off" checked' in text


def test_the_check_in_suggests_a_bedtime_stretch_already_logged(owner_client, owner):
    StretchEntry.objects.create(
        user=owner,
        at=NOW,
        technique=_stretch_technique(),
        duration_minutes=3,
        occasion="before_bed",
    )
    form = owner_client.get("/today/").context["form"]
    assert form.initial == {"stretched_before_bed": True}


def test_a_check_in_note_with_html_is_shown_as_text(owner_client, owner):
    owner_client.post("/today/", {"note": "<script>alert(1)</script>"})
    text = owner_client.get("/today/").content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_check_in_note_over_10000_characters_is_refused(owner_client, owner):
    response = owner_client.post("/today/", {"note": "x" * 10_001})
    assert response.status_code == 200
    assert "Keep notes under 10,000 characters." in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_a_malformed_check_in_answer_is_refused_with_a_message(owner_client, owner):
    response = owner_client.post("/today/", {"warmed_up": "maybe"})
    assert response.status_code == 200
    assert response.context["form"].errors["warmed_up"]
    assert CheckIn.objects.count() == 0


def test_a_past_day_shows_that_days_entries_and_saves_its_check_in(owner_client, owner):
    HydrationFactory(user=owner, at=NOW - dt.timedelta(days=2), amount_ml=444)
    response = owner_client.get("/day/2026-03-08/")
    assert response.status_code == 200
    assert response.context["totals"].drinks_ml == 444
    assert b'href="/log/drink/?on=2026-03-08' in response.content
    owner_client.post("/day/2026-03-08/", {"kept_warm": "True"})
    assert CheckIn.objects.get(user=owner).date == dt.date(2026, 3, 8)


def test_a_future_day_is_not_found(owner_client, owner):
    assert owner_client.get("/day/2026-03-11/").status_code == 404
    assert owner_client.post("/day/2026-03-11/", {"warmed_up": "True"}).status_code == 404
    assert CheckIn.objects.count() == 0


def test_an_impossible_date_is_not_found(owner_client):
    assert owner_client.get("/day/2026-02-30/").status_code == 404


def test_entries_either_side_of_local_midnight_land_on_the_right_day(client, db):
    # Kiritimati is UTC+14: its 10 March starts at 10:00 UTC on 9 March.
    user = UserFactory(timezone="Pacific/Kiritimati")
    client.force_login(user)
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 9, 9, 59, tzinfo=UTC), amount_ml=100)
    HydrationFactory(user=user, at=dt.datetime(2026, 3, 9, 10, 1, tzinfo=UTC), amount_ml=200)
    today = client.get("/today/")
    assert today.context["day"] == dt.date(2026, 3, 10)
    assert today.context["totals"].drinks_ml == 200
    assert client.get("/day/2026-03-09/").context["totals"].drinks_ml == 100


def test_the_check_in_date_is_the_local_date_ahead_of_utc(client, db):
    user = UserFactory(timezone="Pacific/Kiritimati")
    client.force_login(user)
    with time_machine.travel(dt.datetime(2026, 3, 10, 11, 0, tzinfo=UTC), tick=False):
        client.post("/today/", {"kept_warm": "True"})  # 01:00 on 11 March in Kiritimati
    assert CheckIn.objects.get(user=user).date == dt.date(2026, 3, 11)


def test_the_check_in_date_is_the_local_date_behind_utc(client, db):
    user = UserFactory(timezone="America/New_York")
    client.force_login(user)
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC), tick=False):
        client.post("/today/", {"kept_warm": "True"})  # 22:00 on 9 March in New York
    assert CheckIn.objects.get(user=user).date == dt.date(2026, 3, 9)


def _today_queries(django_assert_num_queries, client):
    with django_assert_num_queries(11):
        # 1. the session  2. the user
        # 3. a running experiment, for tonight's block line
        # 4. the day's check-in
        # 5. the day's cramps  6. their trials with techniques (one prefetch)
        # 7. drinks  8. intake with foods  9. stretches with techniques  10. exercise
        # (the drinks and mineral totals are summed from rows 7 and 8: no query)
        # 11. the bell's unread count (base template)
        response = client.get("/today/")
    assert response.status_code == 200


def test_the_today_page_makes_the_same_queries_with_a_day_of_data(
    owner_client, owner, django_assert_num_queries
):
    _log_a_bit_of_everything(owner, NOW - dt.timedelta(minutes=30))
    _today_queries(django_assert_num_queries, owner_client)


def test_the_today_page_makes_the_same_queries_with_a_year_of_data(
    owner_client, owner, django_assert_num_queries
):
    for days in range(365):
        _log_a_bit_of_everything(owner, NOW - dt.timedelta(days=days, minutes=30))
    for minutes in range(31, 40):  # several of each kind on the day itself
        _log_a_bit_of_everything(owner, NOW - dt.timedelta(minutes=minutes))
    assert HydrationEntry.objects.count() == 374
    _today_queries(django_assert_num_queries, owner_client)


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_a_day_out_of_range_is_not_found(owner_client, day):
    # Year 1 has no start in UTC for a zone ahead of it: the page must not fail.
    assert owner_client.get(f"/day/{day}/").status_code == 404


def test_it_shows_sodium_as_a_limit_and_warns_above_it(owner_client, owner):
    IntakeEntry.objects.create(user=owner, at=NOW, label="Crisps", sodium_mg=2000)
    page = owner_client.get("/today/").content.decode()
    assert "2000 mg, under 2300" in page
    assert "over your sodium limit" not in page

    IntakeEntry.objects.create(user=owner, at=NOW, label="Soup", sodium_mg=500)
    page = owner_client.get("/today/").content.decode()
    assert "2500 mg is over your sodium limit of 2300 mg" in page


def test_it_warns_when_supplement_magnesium_passes_350_mg(owner_client, owner):
    IntakeEntry.objects.create(user=owner, at=NOW, label="Tablet", magnesium_mg=250)
    assert "upper limit for supplements" not in owner_client.get("/today/").content.decode()

    IntakeEntry.objects.create(user=owner, at=NOW, label="Tablet", magnesium_mg=150)
    page = owner_client.get("/today/").content.decode()
    assert "400 mg of magnesium from supplements today" in page


def test_magnesium_from_food_does_not_count_toward_the_supplement_limit(owner_client, owner):
    from cramps.models import FoodItem

    cashews = FoodItem.objects.get(slug="salted-cashews")
    entry = IntakeEntry(user=owner, at=NOW)
    entry.set_contents(cashews, 10, "", {})
    entry.save()
    assert entry.magnesium_mg > SUPPLEMENT_MG_LIMIT
    assert "upper limit for supplements" not in owner_client.get("/today/").content.decode()


def test_it_cautions_about_potassium_with_kidney_disease(owner_client):
    assert "kidney disease" in owner_client.get("/today/").content.decode()


SUPPLEMENT_MG_LIMIT = 350


def test_a_past_day_offers_not_answered_rather_than_not_today(owner_client):
    assert "Not today" in owner_client.get("/today/").content.decode()
    past = owner_client.get("/day/2026-03-01/").content.decode()
    assert "Not today" not in past
    assert "Not answered" in past
