"""The insights pages: filled from the demo generator, the owner's data only, fixed queries."""

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
