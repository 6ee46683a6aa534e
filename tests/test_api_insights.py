"""The insights API: the requesting user's own figures, the same as the pages', bad query
parameters as 400 with messages per parameter, 401 without a sign-in."""

import datetime as dt
import random

import pytest
import time_machine
from rest_framework.authtoken.models import Token

from cramps.insights import demo
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
ROUTES = ("/api/v1/insights/", "/api/v1/insights/trends/", "/api/v1/insights/report/")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _api(client, user):
    token = Token.objects.create(user=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


@pytest.mark.parametrize("path", ROUTES)
def test_it_needs_a_sign_in(client, path):
    assert client.get(path).status_code == 401


def test_it_gives_the_owners_habits_patterns_and_relief(client, owner, outsider):
    demo.generate(owner, random.Random(3), owner.local_today(), 120)
    body = _api(client, owner).get("/api/v1/insights/").json()
    stretch = next(h for h in body["habits"] if h["slug"] == "stretch-before-bed")
    assert 0 <= stretch["score"] <= 100 and stretch["trend"]
    pattern = next(p for p in body["patterns"] if p["habit"] == "stretch-before-bed")
    assert pattern["enough"] and pattern["kept_days"] >= 3
    assert body["relief"] and {"technique", "uses", "helped", "enough"} <= set(body["relief"][0])


@pytest.mark.parametrize("path", ROUTES)
def test_an_outsider_sees_only_their_own_empty_log(client, owner, outsider, path):
    demo.generate(owner, random.Random(3), owner.local_today(), 120)
    body = _api(client, outsider).get(path).json()
    if path.endswith("/insights/"):
        assert body["relief"] == []
        assert all(h["score"] == 0 for h in body["habits"])
        assert all(p["kept_days"] == p["missed_days"] == 0 for p in body["patterns"])
    elif "trends" in path:
        assert sum(w["cramps"] for w in body["weeks"]) == 0
    else:
        assert body["cramps"] == 0 and body["relief"] == []


def test_trends_take_4_12_or_52_weeks(client, owner):
    api = _api(client, owner)
    assert len(api.get("/api/v1/insights/trends/").json()["weeks"]) == 12
    assert len(api.get("/api/v1/insights/trends/?weeks=52").json()["weeks"]) == 52
    response = api.get("/api/v1/insights/trends/?weeks=5")
    assert response.status_code == 400 and "weeks" in response.json()


def test_the_report_defaults_to_the_last_90_days_and_refuses_a_bad_period(client, owner):
    api = _api(client, owner)
    owner.medicines = "Simvastatin\n\n"
    owner.save()
    body = api.get("/api/v1/insights/report/").json()
    assert (body["start"], body["end"]) == ("2025-12-11", "2026-03-10")
    assert body["medicines"] == ["Simvastatin"]
    assert body["experiments"] == []
    future = api.get("/api/v1/insights/report/?end=2026-03-11")
    assert future.status_code == 400
    assert future.json() == {"end": ["The period can't end after today."]}
    reversed_ = api.get("/api/v1/insights/report/?start=2026-03-05&end=2026-03-01")
    assert reversed_.json() == {"start": ["Start on or before the end date."]}


def test_the_report_counts_match_the_page(client, owner):
    demo.generate(owner, random.Random(3), owner.local_today(), 120)
    start = (NOW.date() - dt.timedelta(days=29)).isoformat()
    body = _api(client, owner).get(f"/api/v1/insights/report/?start={start}").json()
    client.defaults.pop("HTTP_AUTHORIZATION")
    client.force_login(owner)
    page = client.get(f"/insights/report/?start={start}&end=2026-03-10").context["report"]
    assert body["cramps"] == page.cramps and body["night"] == page.night
    assert [d["count"] for d in body["durations"]] == [n for _, n in page.durations]


def test_the_overview_takes_the_same_queries_for_a_year(client, owner, django_assert_num_queries):
    demo.generate(owner, random.Random(3), owner.local_today(), 365)
    api = _api(client, owner)
    # token and user, the loader's two, the relief ranking
    with django_assert_num_queries(4):
        assert api.get("/api/v1/insights/").status_code == 200
