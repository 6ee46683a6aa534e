"""Queries per signed-in page: the same for a day and a year of data, every request rendered
(no page cache: the second request makes the same queries as the first)."""

import datetime as dt

import pytest
import time_machine

from cramps.models import CheckIn, Notification
from tests.conftest import NOW
from tests.test_today import _log_a_bit_of_everything


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _history(user, days):
    for back in range(1, days + 1):  # from yesterday, the day page shown below
        at = NOW - dt.timedelta(days=back, minutes=30)
        _log_a_bit_of_everything(user, at)
        CheckIn.objects.record(user, at.date(), loose_clothing=True)
        Notification.objects.create(user=user, title="Stretch", body="Calves and hamstrings.")


PAGES = {
    # 1. session  2. user  3. the day's check-in  4. cramps  5. their trials with techniques
    # 6. drinks  7. intake with foods  8. stretches with techniques  9. exercise
    # 10. the bell's unread count (totals: summed from 6 and 7, no query)
    "/day/2026-03-09/": 10,
    # 1. session  2. user  3. the page count  4. the page's rows with their deliveries
    # 5. the last week's failed deliveries (none: no schedules read)  6. the bell's unread count
    "/notifications/": 6,
}


@pytest.mark.parametrize("days", [1, 365])
@pytest.mark.parametrize(("path", "queries"), PAGES.items())
def test_a_page_makes_the_same_queries_for_a_day_or_a_year(
    owner_client, owner, path, queries, days, django_assert_num_queries
):
    _history(owner, days)
    for _ in range(2):  # rendered from the database on every request
        with django_assert_num_queries(queries):
            assert owner_client.get(path).status_code == 200
