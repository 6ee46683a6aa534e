"""One page per relief technique: red flags before massage steps, claims labelled, sources."""

import html

import pytest
from django.core.cache import cache

from cramps.models import ReliefTechnique
from tests.test_relief_guide import RED_FLAG_LINE  # one wording everywhere


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    # Public pages are cached per process; each test sees the rows it made.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def point(db):
    return ReliefTechnique.objects.create(
        slug="test-chengshan",
        name="Test Chengshan",
        native_name="承山",
        point_code="BL57",
        kind=ReliefTechnique.Kind.ACUPOINT,
        summary="A test point on the calf.",
        location="Test hollow where the calf muscles meet the tendon.",
        steps=["Press the test hollow with your thumb, moderate pressure."],
        duration_seconds=60,
        evidence="traditional",
        evidence_note="Test: no trial found.",
        traditional_claim="Test: relaxes the sinews.",
        cautions=["Test: gentle in pregnancy."],
        more_sources=["https://example.com/more-test"],
        source_url="https://example.com/test-chengshan",
    )


@pytest.fixture
def stretch(db):
    return ReliefTechnique.objects.create(
        slug="test-stretch-page",
        name="Test stretch",
        kind=ReliefTechnique.Kind.STRETCH,
        summary="Stretch the cramped muscle.",
        location="Test calf.",
        steps=["Pull the test toes toward the shin."],
        duration_seconds=45,
        evidence="supported",
        is_massage=False,
        source_url="https://example.com/test-stretch",
    )


def test_it_shows_a_technique_without_an_account(client, point):
    response = client.get("/techniques/test-chengshan/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Test Chengshan",
        "承山",
        "BL57",
        "Test hollow where the calf muscles meet the tendon.",
        "Press the test hollow with your thumb, moderate pressure.",
        "1 minute",
        "Test: no trial found.",
        "Test: gentle in pregnancy.",
        'href="https://example.com/test-chengshan"',
        'href="https://example.com/more-test"',
    ):
        assert text in page


def test_it_puts_the_red_flag_line_before_massage_steps(client, point):
    page = client.get("/techniques/test-chengshan/").content.decode()
    assert RED_FLAG_LINE in page
    assert page.index(RED_FLAG_LINE) < page.index("Press the test hollow")


def test_it_labels_the_traditional_claim(client, point):
    page = client.get("/techniques/test-chengshan/").content.decode()
    label = page.index("Traditional Chinese medicine claim")
    assert label < page.index("Test: relaxes the sinews.") < label + 200


def test_a_stretch_page_carries_no_traditional_label(client, stretch):
    page = client.get("/techniques/test-stretch-page/").content.decode()
    assert "Pull the test toes toward the shin." in page
    assert "Traditional Chinese medicine claim" not in page


def test_it_404s_for_an_unknown_technique(client, db):
    assert client.get("/techniques/no-such-point/").status_code == 404


def test_every_fixture_technique_has_a_page(client, db):
    for technique in ReliefTechnique.objects.all():
        page = client.get(f"/techniques/{technique.slug}/").content.decode()
        for step in technique.steps:
            assert html.escape(step) in page
