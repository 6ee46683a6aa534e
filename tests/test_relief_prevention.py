"""The prevention page: each tip with a visible evidence tag; drink to thirst stands out."""

import html

import pytest
from django.core.cache import cache

from cramps.models import PreventionTip, TipEvidence


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tips(db):
    return [
        PreventionTip.objects.create(
            slug="test-fluids",
            title="Test: fluids during long exercise",
            body="Test body about fluids.",
            category=PreventionTip.Category.HYDRATION,
            evidence=TipEvidence.GENERAL_HEALTH,
            note="Test note: drink to thirst, never force large volumes.",
            source_url="https://example.com/fluids",
        ),
        PreventionTip.objects.create(
            slug="test-bedtime-stretch",
            title="Test: stretch before bed",
            body="Test body about stretching.",
            category=PreventionTip.Category.STRETCHING,
            evidence=TipEvidence.LOW_CERTAINTY_SUPPORTED,
            source_url="https://example.com/stretch",
        ),
    ]


def test_it_shows_each_tip_with_its_evidence_tag(client, tips):
    response = client.get("/prevention/")
    assert response.status_code == 200
    page = response.content.decode()
    for tip in PreventionTip.objects.all():
        assert html.escape(tip.title) in page
        label = html.escape(tip.get_evidence_display())
        assert f'<span class="badge evidence-{tip.evidence}">{label}</span>' in page
    assert 'href="https://example.com/fluids"' in page


def test_it_makes_the_drink_to_thirst_note_prominent(client, tips):
    page = client.get("/prevention/").content.decode()
    assert "Drink to thirst. Don't force extra water." in page
    note = page.index("Test note: drink to thirst, never force large volumes.")
    assert "alert alert-warning" in page[note - 200 : note]


def test_its_query_count_is_constant(client, tips, django_assert_num_queries):
    with django_assert_num_queries(1):
        # 1. the tips (the page is then cached for visitors without a session)
        client.get("/prevention/")
    with django_assert_num_queries(0):
        client.get("/prevention/")  # the whole page from the cache
