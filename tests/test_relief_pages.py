"""The landing page, "about the evidence", and the wording rules every relief page keeps."""

import html
import re

import pytest
from django.core.cache import cache

from cramps.models import ReliefTechnique

PUBLIC_PAGES = [
    "/",
    "/cramp-now/",
    "/cramp-now/?clot=yes",
    "/prevention/",
    "/evidence/",
    "/red-flags/",
]


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    # Public pages are cached per process; each test sees the rows it made.
    cache.clear()
    yield
    cache.clear()


def test_home_offers_the_guide_and_sign_up_to_anonymous_users(client, db):
    page = client.get("/").content.decode()
    assert 'href="/cramp-now/"' in page
    assert 'href="/signup/"' in page
    assert 'href="/accounts/login/"' in page
    assert 'href="/today/"' not in page


def test_home_links_today_for_a_logged_in_user(owner_client):
    page = owner_client.get("/").content.decode()
    assert 'href="/today/"' in page
    assert "Sign up: free" not in page


def test_the_evidence_page_says_what_is_and_is_not_proven(client, db):
    page = client.get("/evidence/").content.decode()
    assert "it may not stop every cramp, but it can make them less" in page
    # Our own words, not the NHS's sentence; the quinine warning names the FDA's announcement.
    assert "may help to reduce them" not in page
    assert "fda.gov/drugs/drug-safety-and-availability" in page
    assert "https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD009402.pub3" in page
    assert "no controlled trial of acupressure" in page
    assert "four prospective studies" in page
    assert "Don&#x27;t use quinine" in page or "Don't use quinine" in page


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_public_page_says_press_hard(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "press hard" not in response.content.decode().lower()


def test_no_technique_page_says_press_hard(client, db):
    ReliefTechnique.objects.get_or_create(
        slug="test-wording",
        defaults={
            "name": "Test wording",
            "kind": "acupoint",
            "summary": "s",
            "location": "l",
            "steps": ["Knead with moderate pressure."],
            "duration_seconds": 30,
            "evidence": "traditional",
            "source_url": "https://example.com/",
        },
    )
    for technique in ReliefTechnique.objects.all():
        page = client.get(f"/techniques/{technique.slug}/").content.decode().lower()
        assert "press hard" not in page, technique.slug


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_quinine_and_tonic_water_appear_only_in_warnings(client, db, url):
    page = client.get(url).content.decode()
    # Visible text only, one block per element, whitespace collapsed: then split into sentences.
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", ". ", page)).lower().split())
    for sentence in re.split(r"[.!?]\s", text):
        if "quinine" in sentence or "tonic water" in sentence:
            assert re.search(r"\b(never|don't|not)\b", sentence), sentence


def test_the_evidence_page_uses_the_one_pressure_wording(client, db):
    page = client.get("/evidence/").content.decode()
    assert "gentle to moderate, comfortable pressure" in page
