import datetime as dt

import pytest
import time_machine

from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    StretchEntry,
)
from tests.conftest import NOW
from tests.factories import CrampEpisodeFactory, ExerciseSessionFactory, HydrationFactory

KINDS = ("cramps", "drinks", "intake", "stretches", "exercise", "checkins")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def library(db):
    technique, _ = ReliefTechnique.objects.get_or_create(
        slug="test-history-stretch",
        defaults=dict(
            name="Test history stretch",
            kind=ReliefTechnique.Kind.STRETCH,
            summary="s",
            location="calf",
            duration_seconds=60,
            evidence="supported",
            source_url="https://example.org/",
        ),
    )
    food, _ = FoodItem.objects.get_or_create(
        slug="test-history-milk",
        defaults=dict(
            name="Test milk", portion="1 cup", calcium_mg=300, source_url="https://x.org/"
        ),
    )
    return technique, food


def _log_day(user, at, library):
    technique, food = library
    episode = CrampEpisodeFactory(user=user, started_at=at)
    episode.trials.create(technique=technique, outcome="helped")
    HydrationFactory(user=user, at=at)
    IntakeEntry.objects.create(user=user, at=at, food=food, servings=1, calcium_mg=300)
    StretchEntry.objects.create(
        user=user, at=at, technique=technique, duration_minutes=3, occasion="before_bed"
    )
    ExerciseSessionFactory(user=user, starts_at=at)
    CheckIn.objects.create(user=user, date=at.date(), kept_warm=True)


def test_the_overview_counts_only_the_users_entries(owner_client, owner, outsider, library):
    _log_day(owner, NOW - dt.timedelta(hours=2), library)
    _log_day(outsider, NOW - dt.timedelta(hours=2), library)
    counts = {kind.slug: n for kind, n in owner_client.get("/history/").context["counts"]}
    assert counts == dict.fromkeys(KINDS, 1)


@pytest.mark.parametrize("kind", KINDS)
def test_each_list_shows_the_users_rows_and_not_other_users(
    owner_client, owner, outsider, library, kind
):
    _log_day(owner, NOW - dt.timedelta(hours=2), library)
    _log_day(outsider, NOW - dt.timedelta(hours=3), library)
    response = owner_client.get(f"/history/{kind}/")
    rows = list(response.context["page"])
    assert len(rows) == 1
    assert rows[0].user == owner
    assert f"/{rows[0].pk}/?next=/history/{kind}/" in response.content.decode()


def test_an_unknown_kind_is_not_found(owner_client):
    assert owner_client.get("/history/secrets/").status_code == 404


def test_lists_show_times_in_the_users_zone(owner_client, owner):
    HydrationFactory(user=owner, at=dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC))
    text = owner_client.get("/history/drinks/").content.decode()
    assert "Tue 10 Mar 2026, 00:30" in text  # Berlin is an hour ahead in March


def test_lists_are_paged_by_25_newest_first(owner_client, owner):
    for n in range(30):
        HydrationFactory(user=owner, at=NOW - dt.timedelta(hours=n), amount_ml=100 + n)
    first = owner_client.get("/history/drinks/").context["page"]
    assert [d.amount_ml for d in first][:2] == [100, 101]
    assert len(first) == 25
    second = owner_client.get("/history/drinks/?page=2").context["page"]
    assert [d.amount_ml for d in second] == [125, 126, 127, 128, 129]
    # A page number past the end or not a number shows a page, never an error.
    assert owner_client.get("/history/drinks/?page=99").context["page"].number == 2
    assert owner_client.get("/history/drinks/?page=abc").context["page"].number == 1


def test_a_check_in_is_edited_on_its_days_page(owner_client, owner):
    checkin = CheckIn.objects.create(user=owner, date=dt.date(2026, 3, 2))
    response = owner_client.get(f"/check-in/{checkin.pk}/")
    assert response.url == "/day/2026-03-02/"


def test_a_check_in_can_be_deleted(owner_client, owner):
    checkin = CheckIn.objects.create(user=owner, date=dt.date(2026, 3, 2))
    owner_client.post(f"/check-in/{checkin.pk}/delete/")
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("path", ["/check-in/{pk}/", "/check-in/{pk}/delete/"])
def test_other_users_check_ins_are_not_found(outsider_client, owner, path):
    checkin = CheckIn.objects.create(user=owner, date=dt.date(2026, 3, 2))
    assert outsider_client.get(path.format(pk=checkin.pk)).status_code == 404
    assert outsider_client.post(path.format(pk=checkin.pk)).status_code == 404
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_the_history_requires_an_account(client, db):
    for path in ("/history/", "/history/cramps/"):
        assert client.get(path).status_code == 302


# Constant queries: a page costs the same with a day or a year of data.

LIST_QUERIES = {
    # 1. session  2. user  3. the page count  4. the page's rows
    # (+ 5. the trials with their techniques, one prefetch for cramps)
    # and last, the bell's unread count in the base template.
    "cramps": 6,
    "drinks": 5,
    "intake": 5,  # foods come with the rows (select_related)
    "stretches": 5,  # techniques come with the rows (select_related)
    "exercise": 5,
    "checkins": 5,
}


def _history_queries(client, django_assert_num_queries):
    # 1. session  2. user  3-8. one count per kind  9. the bell's unread count
    with django_assert_num_queries(9):
        assert client.get("/history/").status_code == 200
    for kind, queries in LIST_QUERIES.items():
        with django_assert_num_queries(queries):
            assert client.get(f"/history/{kind}/").status_code == 200


def test_history_pages_make_the_same_queries_with_a_day_of_data(
    owner_client, owner, library, django_assert_num_queries
):
    _log_day(owner, NOW - dt.timedelta(hours=2), library)
    _history_queries(owner_client, django_assert_num_queries)


def test_history_pages_make_the_same_queries_with_a_year_of_data(
    owner_client, owner, library, django_assert_num_queries
):
    for days in range(365):
        _log_day(owner, NOW - dt.timedelta(days=days, hours=2), library)
    assert CrampEpisode.objects.count() == ExerciseSession.objects.count() == 365
    assert HydrationEntry.objects.count() == 365
    _history_queries(owner_client, django_assert_num_queries)


def test_entries_logged_at_the_same_minute_page_newest_first_with_none_lost(owner_client, owner):
    # 30 drinks at one instant: only the primary key orders them, so page 2 neither repeats a
    # row of page 1 nor skips one.
    for ml in range(301, 331):
        HydrationFactory(user=owner, at=NOW, amount_ml=ml)
    shown = []
    for page in ("1", "2"):
        rows = owner_client.get(f"/history/drinks/?page={page}").context["page"].object_list
        shown += [row.amount_ml for row in rows]
    assert shown == list(range(330, 300, -1))  # the last saved first, each once


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_each_row_links_to_its_own_edit_and_delete_pages_in_the_pages_language(
    owner_client, owner, prefix
):
    drinks = [HydrationFactory(user=owner, at=NOW - dt.timedelta(hours=n)) for n in (1, 2)]
    text = owner_client.get(f"{prefix}/history/drinks/").content.decode()
    for drink in drinks:
        assert f'href="{prefix}/log/drink/{drink.pk}/?next={prefix}/history/drinks/"' in text
        assert f'href="{prefix}/log/drink/{drink.pk}/delete/?next={prefix}/history/drinks/"' in text


def test_a_choice_shows_its_label_in_the_readers_language_and_an_unknown_value_as_stored():
    from django.utils import translation

    drink = HydrationEntry(drink=HydrationEntry.Drink.WATER)
    assert drink.get_drink_display() == "Water"
    with translation.override("zh-hans"):
        assert drink.get_drink_display() == str(HydrationEntry.Drink.WATER.label)
        assert drink.get_drink_display() != "Water"
    assert HydrationEntry(drink="juice-old").get_drink_display() == "juice-old"
