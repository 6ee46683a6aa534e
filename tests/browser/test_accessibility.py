"""No serious or critical axe-core violation on any main page, in light and dark, at a phone's
size; the theme follows the device and the switch; the menu opens without JavaScript."""

import datetime as dt
import random
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cramps.insights import demo
from cramps.models import ExerciseSession, Experiment, HydrationEntry, IntakeEntry
from tests.factories import CrampEpisodeFactory

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "shots"
PHONE_HEIGHT = 844
MAX_SCREENS = 8

SIGNED_IN_PAGES = [
    ("today", "/today/"),
    ("cramp-form", "/log/cramp/"),
    ("past-day", "/day/{yesterday}/"),
    ("stretch", "/log/stretch/"),
    ("exercise", "/log/exercise/"),
    ("history", "/history/"),
    ("history-cramps", "/history/cramps/"),
    ("profile", "/profile/"),
    ("notifications", "/notifications/"),
    ("reminder-settings", "/reminders/settings/"),
    ("guide", "/cramp-now/"),
]
PUBLIC_PAGES = [
    ("guide-visitor", "/cramp-now/"),
    ("technique", "/techniques/weizhong/"),
    ("red-flags", "/red-flags/"),
    ("prevention", "/prevention/"),
    ("evidence", "/evidence/"),
    ("login", "/accounts/login/"),
    ("signup", "/signup/"),
    ("api-docs", "/api/docs/"),
    ("home", "/"),
]


@pytest.fixture
def a_logged_day(signed_in):
    """Something of every kind today, sodium over its limit: every bar, badge and warning shows."""
    now = timezone.now()
    CrampEpisodeFactory(user=signed_in, started_at=now - dt.timedelta(minutes=5))
    CrampEpisodeFactory(user=signed_in, started_at=now - dt.timedelta(days=1), duration_seconds=900)
    HydrationEntry.objects.create(user=signed_in, at=now, amount_ml=250)
    IntakeEntry.objects.create(user=signed_in, at=now, label="Soup", sodium_mg=2600)
    IntakeEntry.objects.create(user=signed_in, at=now, label="Tablet", magnesium_mg=400)
    ExerciseSession.objects.create(
        user=signed_in, starts_at=now + dt.timedelta(hours=2), duration_minutes=30, activity="Run"
    )
    return signed_in


INSIGHTS_PAGES = [
    ("insights", "/insights/"),
    ("calendar", "/insights/calendar/"),
    ("trends", "/insights/trends/"),
    ("report", "/insights/report/"),
    ("experiments", "/experiments/"),
    ("experiments-new", "/experiments/new/"),
    ("experiment", "/experiments/{experiment}/"),
    ("today-demo", "/today/"),
]


@pytest.fixture
def demo_data(signed_in):
    """Four months of the demo generator's log and its finished experiment: every insights
    page has something to draw."""
    rng = random.Random(2026)
    today = signed_in.local_today()
    demo.generate(signed_in, rng, today, demo.DEMO_DAYS)
    demo.add_demo_experiment(signed_in, rng, today)
    return signed_in


# Long forms where a floating button would sit on a field: a field on each, and what to type.
FORMS = [
    ("/profile/", "Quiet until", "06:30"),
    ("/experiments/new/", "First night", "2026-12-01"),
]


def _screens(page, name: str, scroll: bool = True) -> None:
    """Screenshots as a phone shows the page: one screen at a time, scrolled down (a full-page
    capture would draw the floating button once, at a place it never is)."""
    for old in SHOTS.glob(f"{name}-*.png"):
        old.unlink()
    height = page.evaluate("document.documentElement.scrollHeight") if scroll else 0
    top, n = 0, 1
    while True:
        if scroll:
            page.evaluate(f"window.scrollTo({{top: {top}, behavior: 'instant'}})")
        page.screenshot(path=str(SHOTS / f"{name}-{n}.png"))
        top, n = top + PHONE_HEIGHT - 100, n + 1  # each screen overlaps the last a little
        if top >= height - 100 or n > MAX_SCREENS:
            break


def _check_pages(page, live_url, axe, pages, scheme, **ids) -> dict[str, list[str]]:
    """Visit each page in the scheme, save its screenshot, and return its axe violations (the
    pages share one browser page: a page each would cost a live-server reset each)."""
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page.emulate_media(color_scheme=scheme)
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, path in pages:
        page.goto(live_url + path.format(yesterday=yesterday, **ids))
        expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
        _screens(page, f"{name}-{scheme}")
        found[name] = axe(page)
        if path.endswith("/cramp-now/"):
            # The steps, once the clot question is answered.
            page.locator("[data-clot-no]").click()
            page.wait_for_timeout(400)  # the smooth scroll to the first step
            _screens(page, f"{name}-steps-{scheme}", scroll=False)
            found[f"{name}-steps"] = axe(page)
    return {name: v for name, v in found.items() if v}


def _readable(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}: {violation}" for name, vs in found.items() for violation in vs)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_signed_in_pages_have_no_serious_axe_violation(page, live_url, a_logged_day, axe, scheme):
    found = _check_pages(page, live_url, axe, SIGNED_IN_PAGES, scheme)
    assert not found, _readable(found)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_have_no_serious_axe_violation(page, live_url, axe, scheme):
    found = _check_pages(page, live_url, axe, PUBLIC_PAGES, scheme)
    assert not found, _readable(found)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_insights_and_experiments_pages_have_no_serious_axe_violation(
    page, live_url, demo_data, axe, scheme
):
    experiment = Experiment.objects.filter(user=demo_data).first()
    found = _check_pages(page, live_url, axe, INSIGHTS_PAGES, scheme, experiment=experiment.pk)
    assert not found, _readable(found)


# The same pages in Chinese: longer or shorter lines, other fonts, the same promises.
CHINESE_PAGES = [
    (f"zh-{name}", path if path.startswith("/api/") else f"/zh-hans{path}")
    for name, path in [
        *SIGNED_IN_PAGES,
        ("insights", "/insights/"),
        ("report", "/insights/report/"),
    ]
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chinese_pages_have_no_serious_axe_violation(page, live_url, demo_data, axe, scheme):
    demo_data.language = "zh-hans"
    demo_data.save(update_fields=["language"])
    found = _check_pages(page, live_url, axe, CHINESE_PAGES, scheme)
    assert not found, _readable(found)
    assert page.locator("html").get_attribute("lang") == "zh-hans"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chinese_public_pages_have_no_serious_axe_violation(page, live_url, axe, scheme):
    pages = [
        (f"zh-{name}", f"/zh-hans{path}") for name, path in PUBLIC_PAGES if path != "/api/docs/"
    ]
    found = _check_pages(page, live_url, axe, pages, scheme)
    assert not found, _readable(found)


def test_the_swagger_page_loads_under_the_strict_csp(page, live_url):
    """Swagger UI is drf-spectacular's page, not ours (no theme); it must still run under the
    CSP: its script draws the operations."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_url}/api/docs/swagger/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e]


def test_the_theme_switch_is_remembered(page, live_url):
    page.emulate_media(color_scheme="dark")
    page.goto(f"{live_url}/prevention/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.get_by_role("button", name="Light theme").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    page.goto(f"{live_url}/evidence/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")


def test_the_menu_opens_without_javascript(browser, live_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_url}/")
    prevention = page.locator(".nav-menu").get_by_role("link", name="Prevention")
    expect(prevention).to_be_hidden()
    page.locator(".nav-menu summary").click()
    expect(prevention).to_be_visible()
    context.close()


def test_the_cramp_now_button_covers_nothing_at_the_bottom(page, live_url):
    page.goto(f"{live_url}/red-flags/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    button = page.locator(".cramp-now").bounding_box()
    link = page.locator("footer").get_by_role("link", name="When to see a doctor").bounding_box()
    overlaps = not (
        link["y"] + link["height"] <= button["y"]
        or button["y"] + button["height"] <= link["y"]
        or link["x"] + link["width"] <= button["x"]
        or button["x"] + button["width"] <= link["x"]
    )
    assert not overlaps


@pytest.mark.parametrize(("path", "field", "value"), FORMS, ids=[p for p, _f, _v in FORMS])
def test_on_a_form_the_cramp_now_button_stands_out_of_the_way(
    page, live_url, signed_in, path, field, value
):
    page.goto(f"{live_url}{path}")
    assert page.locator(".cramp-now").evaluate("b => getComputedStyle(b).position") == "static"
    page.get_by_label(field).fill(value)
    # Once something is typed, the guide opens in a new tab: the form stays as it is.
    expect(page.locator(".cramp-now")).to_have_attribute("target", "_blank")


def test_link_buttons_centre_their_text_vertically(page, live_url, signed_in):
    page.goto(f"{live_url}/today/")
    link = page.get_by_role("link", name="Previous day")
    box = link.bounding_box()
    text = link.evaluate(
        "a => { const r = document.createRange(); r.selectNodeContents(a);"
        " const b = r.getBoundingClientRect(); return {top: b.top, bottom: b.bottom}; }"
    )
    above = text["top"] - box["y"]
    below = box["y"] + box["height"] - text["bottom"]
    assert abs(above - below) <= 2, (above, below)
