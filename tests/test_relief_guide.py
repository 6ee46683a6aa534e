"""The "cramp now" guide: public, every step without JavaScript, red flags before massage."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from cramps.models import RedFlag, ReliefTechnique

GUIDE = "/cramp-now/"
RED_FLAG_LINE = (
    "One leg swollen, warm, red or darker (redness can be hard to spot on brown or black skin), "
    "or a cramping or throbbing pain in one leg that won't ease? Don't massage: get care today."
)


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    # Public pages are cached per process; each test sees the rows it made.
    cache.clear()
    yield
    cache.clear()


def make_technique(slug, **fields):
    defaults = {
        "name": slug.replace("-", " ").title(),
        "kind": ReliefTechnique.Kind.ACUPOINT,
        "summary": "A test technique.",
        "location": f"Where {slug} is.",
        "steps": [f"First step of {slug}.", f"Second step of {slug}."],
        "duration_seconds": 45,
        "evidence": "traditional",
        "source_url": "https://example.com/source",
        "cautions": [f"Caution for {slug}."],
        "display_order": 1,
    }
    return ReliefTechnique.objects.create(slug=slug, **{**defaults, **fields})


@pytest.fixture
def stretch(db):
    # The last display_order on purpose: the stretch still comes first.
    return make_technique(
        "test-stretch",
        name="Test calf stretch",
        kind=ReliefTechnique.Kind.STRETCH,
        evidence="supported",
        is_massage=False,
        display_order=999,
        steps=["Straighten the test leg.", "Pull the test toes toward the shin."],
    )


@pytest.fixture
def acupoint(db):
    return make_technique(
        "test-point",
        name="Test point",
        native_name="测试",
        point_code="XX1",
        display_order=0,
        traditional_claim="Test-claim: calms the test channel.",
        steps=["Knead the test point with moderate pressure."],
    )


@pytest.fixture
def bedtime(db):
    return make_technique(
        "test-bedtime",
        kind=ReliefTechnique.Kind.ROUTINE,
        in_cramp_guide=False,
        is_massage=False,
        steps=["Bedtime-only test step."],
    )


@pytest.fixture
def urgent_flags(db):
    return {
        urgency: RedFlag.objects.create(
            slug=f"test-flag-{urgency}",
            title=f"Test flag {urgency}",
            urgency=urgency,
            signs=[f"Test sign {urgency}"],
            action=f"Test action {urgency}",
            source_url="https://example.com/flag",
            about_clot=urgency != RedFlag.Urgency.SEE_DOCTOR,
        )
        for urgency in RedFlag.Urgency.values
    }


def test_it_lists_every_step_of_every_guide_technique_without_an_account(
    client, stretch, acupoint, bedtime
):
    response = client.get(GUIDE)
    assert response.status_code == 200
    page = response.content.decode()
    guide_techniques = ReliefTechnique.objects.filter(in_cramp_guide=True)
    assert guide_techniques.count() >= 2
    for technique in guide_techniques:  # fixture rows too, when they are loaded
        assert html.escape(technique.name) in page
        assert html.escape(technique.location) in page
        for step in technique.steps:
            assert html.escape(step) in page
    assert "Bedtime-only test step." not in page
    assert "XX1" in page and "测试" in page and "Caution for test-point." in page
    assert "45 seconds" in page


def test_it_puts_the_stretch_before_the_acupoints(client, stretch, acupoint):
    page = client.get(GUIDE).content.decode()
    assert page.index("Straighten the test leg.") < page.index("Knead the test point")


def test_it_shows_the_red_flag_line_before_the_first_massage_step(client, stretch, acupoint):
    for url in (GUIDE, GUIDE + "?clot=no"):
        page = client.get(url).content.decode()
        first_massage = min(
            page.index(html.escape(t.steps[0]))
            for t in ReliefTechnique.objects.filter(in_cramp_guide=True, is_massage=True)
        )
        assert RED_FLAG_LINE in page
        assert page.index(RED_FLAG_LINE) < first_massage
        assert 'href="/red-flags/"' in page


def test_it_offers_the_clot_check_as_a_form_that_works_without_javascript(client, stretch):
    page = client.get(GUIDE).content.decode()
    assert 'method="get"' in page
    assert 'name="clot" value="yes"' in page
    assert 'name="clot" value="no"' in page


def test_a_possible_clot_shows_only_urgent_advice_and_no_massage(
    client, stretch, acupoint, urgent_flags
):
    response = client.get(GUIDE + "?clot=yes")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Call your emergency number now if you are short of breath or have chest pain" in page
    assert page.index("Test flag emergency") < page.index("Test flag same_day")
    assert "Test action same_day" in page
    assert "Test flag see_doctor" not in page


def test_a_possible_clot_shows_the_clot_signs_not_other_urgent_ones(client, urgent_flags):
    RedFlag.objects.create(
        slug="test-long-cramp",
        title="Test long cramp",
        urgency=RedFlag.Urgency.SAME_DAY,
        action="Test action long cramp",
        source_url="https://example.com/flag",
    )
    page = client.get(GUIDE + "?clot=yes").content.decode()
    assert "Test flag same_day" in page
    assert "Test long cramp" not in page
    for technique in ReliefTechnique.objects.all():
        assert html.escape(technique.name) not in page
        for step in technique.steps:
            assert html.escape(step) not in page
    assert "guide.js" not in page
    assert "/log/cramp/" not in page


def test_it_labels_traditional_claims_as_traditional(client, acupoint):
    page = client.get(GUIDE).content.decode()
    label = page.index("Traditional Chinese medicine claim")
    claim = page.index("Test-claim: calms the test channel.")
    assert label < claim < label + 200
    assert "Traditional practice" in page


def test_the_log_link_carries_every_guide_technique(client, stretch, acupoint, bedtime):
    page = client.get(GUIDE).content.decode()
    href = html.unescape(re.search(r'data-log-link[^>]*href="([^"]+)"', page).group(1))
    url = urlsplit(href)
    assert url.path == "/log/cramp/"
    tried = parse_qs(url.query)["tried"]
    expected = list(
        ReliefTechnique.objects.filter(in_cramp_guide=True).values_list("slug", flat=True)
    )
    assert sorted(tried) == sorted(expected)
    assert tried[0] == "test-stretch" or tried.index("test-stretch") < tried.index("test-point")
    assert "test-bedtime" not in tried


def test_it_tells_anonymous_users_that_saving_a_log_needs_an_account(client, stretch):
    page = client.get(GUIDE).content.decode()
    assert "Saving a log needs a free account" in page
    assert 'href="/accounts/login/"' in page


def test_it_loads_its_script_from_a_file_and_has_no_inline_script(client, stretch):
    page = client.get(GUIDE).content.decode()
    assert re.search(r'<script src="[^"]*cramps/js/guide\.js" defer>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " on" + "click=" not in page
    assert 'data-slug="test-stretch" data-duration="45"' in page


def test_its_query_count_stays_constant_as_the_library_grows(
    client, django_assert_num_queries, stretch, acupoint
):
    with django_assert_num_queries(1):
        # 1. the guide techniques (the page is then cached for visitors without a session)
        client.get(GUIDE)
    with django_assert_num_queries(0):
        client.get(GUIDE)  # the whole page from the cache

    for n in range(8):
        make_technique(f"test-extra-{n}")
    cache.clear()  # what CACHE_SECONDS does in production
    with django_assert_num_queries(1):
        # 1. the guide techniques: still one query with ten more rows
        page = client.get(GUIDE).content.decode()
    assert "First step of test-extra-7." in page


def test_a_signed_in_user_gets_a_constant_query_count(
    owner_client, django_assert_num_queries, stretch, acupoint
):
    for _ in range(2):  # rendered on every request: the same queries each time
        with django_assert_num_queries(4):
            # 1. the session; 2. the user; 3. the guide techniques;
            # 4. the unread-notification count in the nav
            owner_client.get(GUIDE)
    for n in range(8):
        make_technique(f"test-extra-{n}")
    with django_assert_num_queries(4):
        # the same four with ten more techniques
        page = owner_client.get(GUIDE).content.decode()
    assert "First step of test-extra-7." in page


def test_it_never_serves_one_visitors_page_to_another(client, owner, stretch):
    anonymous = client.get(GUIDE).content.decode()
    assert "Saving a log needs a free account" in anonymous

    client.force_login(owner)
    signed_in = client.get(GUIDE).content.decode()
    assert "Log out" in signed_in
    assert "Saving a log needs a free account" not in signed_in
    assert "Straighten the test leg." in signed_in

    client.logout()
    client.cookies.clear()
    assert "Saving a log needs a free account" in client.get(GUIDE).content.decode()


def test_a_clot_answer_costs_constant_queries(client, django_assert_num_queries, urgent_flags):
    with django_assert_num_queries(1):
        # 1. the emergency and same-day red flags
        client.get(GUIDE + "?clot=yes")
    with django_assert_num_queries(0):
        client.get(GUIDE + "?clot=yes")  # the whole page from the cache


def test_the_clot_answer_and_the_steps_are_cached_apart(client, stretch, urgent_flags):
    assert "Straighten the test leg." in client.get(GUIDE).content.decode()
    assert "Straighten the test leg." not in client.get(GUIDE + "?clot=yes").content.decode()
    assert "Straighten the test leg." in client.get(GUIDE + "?clot=no").content.decode()


def test_the_clot_question_names_every_sign_of_the_clot_fixture_in_one_line(db, client, stretch):
    page = client.get(GUIDE).content.decode()
    question = re.search(r"data-clot-check.*?<strong>(.*?)</strong>", page, re.S).group(1)
    assert "\n" not in question.strip()
    for sign in ("swollen", "warm", "red or darker", "brown or black skin", "throbbing pain"):
        assert sign in question


def test_massage_steps_wait_for_the_answer_and_show_at_once_without_javascript(
    client, stretch, acupoint
):
    page = client.get(GUIDE).content.decode()
    assert 'class="guide-steps" data-guide-steps' in page
    assert re.search(r'data-slug="test-point"[^>]*data-massage', page)
    assert not re.search(r'data-slug="test-stretch"[^>]*data-massage', page)
    # The question comes before every step; without JavaScript a stylesheet lists them all.
    assert page.index("data-clot-check") < page.index("Straighten the test leg.")
    assert re.search(r"<noscript><link[^>]*cramps/css/guide-noscript\.css", page)

    answered = client.get(GUIDE + "?clot=no").content.decode()
    assert 'class="guide-steps clot-cleared"' in answered
