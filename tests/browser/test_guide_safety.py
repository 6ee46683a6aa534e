"""The clot question gates every massage step in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_only_the_stretch_shows_until_no_is_tapped(page, live_url):
    page.goto(f"{live_url}/cramp-now/")
    stretch = page.locator("[data-slug]:not([data-massage])").first
    expect(stretch).to_be_visible()
    massage = page.locator("[data-massage]")
    assert massage.count() > 0
    for i in range(massage.count()):
        expect(massage.nth(i)).to_be_hidden()
    expect(page.locator("[data-guide-player]")).to_be_hidden()

    # Start and Next, even clicked by a script, do nothing before the answer.
    page.evaluate(
        """() => ['start', 'next'].forEach(
            (a) => document.querySelector(`[data-action="${a}"]`).click())"""
    )
    page.wait_for_timeout(600)
    expect(page.locator("[data-player-timer]")).to_have_text("0:00")
    expect(page.locator("[data-action='pause']")).to_be_hidden()
    for i in range(massage.count()):
        expect(massage.nth(i)).to_be_hidden()

    page.get_by_role("button", name="No, show the steps").click()
    expect(page.locator("[data-guide-player]")).to_be_visible()
    expect(page.locator("[data-clot-check]")).to_be_hidden()
    expect(page.locator(".red-flag-line")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("[data-massage].is-current")).to_be_visible()


def test_yes_shows_only_the_urgent_care_advice(page, live_url):
    page.goto(f"{live_url}/cramp-now/")
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Don't massage the leg")
    expect(page.locator("[data-slug]")).to_have_count(0)


def test_without_javascript_every_step_is_listed_after_the_question(browser, live_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_url}/cramp-now/")
    expect(page.locator("[data-clot-check]")).to_be_visible()
    massage = page.locator("[data-massage]")
    assert massage.count() > 0
    expect(massage.first).to_be_visible()
    context.close()
