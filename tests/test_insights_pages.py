"""The insights pages: filled from the demo generator, the owner's data only, fixed queries."""

import datetime as dt
import random

import pytest
import time_machine
from django.urls import reverse

from cramps.insights import demo
from tests.conftest import NOW

pytestmark = pytest.mark.django_db

PAGES = (
    "/insights/",
    "/insights/calendar/",
    "/insights/calendar/2026/02/",
    "/insights/trends/",
    "/insights/trends/?weeks=52",
    "/insights/report/",
    "/insights/report/?start=2025-03-11&end=2026-03-10",
)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _fill(user, days):
    return demo.generate(user, random.Random(7), user.local_today(), days)


@pytest.mark.parametrize("path", PAGES)
def test_it_fills_every_page_from_the_demo_log(owner_client, owner, path):
    _fill(owner, demo.DEMO_DAYS)
    response = owner_client.get(path)
    assert response.status_code == 200
    assert b"style=" not in response.content
    assert b"<script>" not in response.content


@pytest.mark.parametrize("path", PAGES)
def test_it_asks_a_visitor_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Every page: the session, the user, the bell's unread count, then the loader's two (the
# per-day sums of drinks, food, stretches and exercise with the check-ins in one union, then
# the cramps); the insights page and the report add one for the relief ranking. The report adds
# three for experiments: the finished ones, then their cramps and check-ins (two queries however
# many experiments; the demo log has one).
QUERIES = {
    path: 9 if path.startswith("/insights/report/") else 6 if path.startswith("/insights/?") else 5
    for path in PAGES
}
QUERIES["/insights/"] = 6


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("days", [1, 365])
def test_it_makes_as_many_queries_for_a_year_as_for_a_day(
    client, owner, path, days, django_assert_num_queries
):
    _fill(owner, days)
    client.force_login(owner)
    client.get(path)  # a first visit sets the CSRF cookie: the count is the steady state
    with django_assert_num_queries(QUERIES[path]):
        response = client.get(path)
    assert response.status_code == 200


def test_the_insights_page_shows_the_owners_figures_and_not_an_outsiders(
    owner_client, owner, outsider
):
    _fill(outsider, demo.DEMO_DAYS)
    response = owner_client.get("/insights/")
    content = response.content.decode()
    assert "No techniques logged yet" in content
    assert "Not enough data yet (0 days kept, 0 not)" in content


def test_it_words_a_pattern_as_a_pattern_not_proof(owner_client, owner):
    _fill(owner, demo.DEMO_DAYS)
    content = owner_client.get("/insights/").content.decode()
    assert "After the " in content and "nights had a cramp" in content
    assert "is not proof" in content
    assert "may or may not be the habit" in content


def test_a_pattern_offers_to_test_the_habit_with_an_experiment(owner_client, owner):
    _fill(owner, demo.DEMO_DAYS)

    page = owner_client.get("/insights/").content.decode()

    assert "/experiments/new/?habit=stretch-before-bed" in page


def test_the_calendar_links_each_past_day_to_its_page_with_a_label(owner_client, owner):
    from cramps.models import CrampEpisode

    CrampEpisode.objects.create(
        user=owner,
        started_at=dt.datetime(2026, 3, 3, 2, 0, tzinfo=owner.tz),
        duration_seconds=180,
        side="left",
        severity=8,
        context="asleep",
    )
    content = owner_client.get("/insights/calendar/2026/03/").content.decode()
    assert "<caption>" in content and "<table" in content
    assert 'href="/day/2026-03-03/"' in content
    assert (
        '<span class="visually-hidden">Tuesday 3 March: 1 cramp, worst 8 of 10, at night</span>'
        in content
    )
    assert 'href="/day/2026-03-11/"' not in content  # tomorrow is not a link
    assert 'aria-current="date"' in content


@pytest.mark.parametrize("path", ["/insights/calendar/2026/13/", "/insights/calendar/1899/12/"])
def test_an_impossible_month_is_a_404(owner_client, path):
    assert owner_client.get(path).status_code == 404


def test_the_report_lists_medicines_long_cramps_and_what_a_log_cannot_show(owner_client, owner):
    from cramps.models import CrampEpisode

    owner.medicines = "Atorvastatin 20 mg\nFurosemide"
    owner.save()
    CrampEpisode.objects.create(
        user=owner,
        started_at=dt.datetime(2026, 3, 1, 3, 0, tzinfo=owner.tz),
        duration_seconds=900,
        side="right",
        severity=9,
        context="asleep",
    )
    content = owner_client.get("/insights/report/").content.decode()
    assert "<li>Atorvastatin 20 mg</li>" in content and "<li>Furosemide</li>" in content
    assert "1 cramp lasted over 10 minutes" in content and "1 Mar 2026 03:00" in content
    assert "A log cannot show a swollen" in content
    assert "cramps/css/print.css" in content


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-03-01&end=2026-03-11", "end", "The period can&#x27;t end after today."),
        ("start=2026-03-05&end=2026-03-01", "start", "Start on or before the end date."),
        ("start=2024-01-01&end=2026-03-01", "start", "Choose a period of at most 366 days."),
        ("start=nonsense&end=2026-03-01", "start", "Enter a valid date."),
    ],
)
def test_a_bad_report_period_says_why_next_to_the_field_and_keeps_it(
    owner_client, query, field, message
):
    response = owner_client.get(f"/insights/report/?{query}")
    assert response.status_code == 200
    assert response.context["report"] is None
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    typed = dict(pair.split("=") for pair in query.split("&"))[field]
    assert f'value="{typed}"' in response.content.decode()


def test_the_profile_page_edits_the_medicines(owner_client, owner):
    response = owner_client.get("/profile/")
    assert 'name="medicines"' in response.content.decode()
