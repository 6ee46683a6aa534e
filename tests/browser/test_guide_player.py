"""The step player at a phone's size: compact, and never over the current step's text."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE_HEIGHT = 844


def _bottom_of_text(page):
    """The bottom edge of the current step's instructions (where, how), on screen."""
    return page.evaluate(
        """() => {
          const card = document.querySelector('.technique.is-current');
          const steps = card.querySelector('ol.steps');
          return steps.getBoundingClientRect().bottom;
        }"""
    )


def test_the_player_is_compact_and_leaves_every_steps_text_in_view(page, live_url):
    page.goto(f"{live_url}/cramp-now/")
    page.get_by_role("button", name="No, show the steps").click()
    player = page.locator("[data-guide-player]")
    expect(player).to_be_visible()
    box = player.bounding_box()
    assert box["height"] <= 0.12 * PHONE_HEIGHT, box

    total = page.locator("[data-slug]").count()
    for step in range(total):
        current = page.locator(".technique.is-current")
        expect(current).to_have_attribute("data-position", str(step + 1))
        page.wait_for_timeout(400)  # the smooth scroll to the step
        top_of_player = player.bounding_box()["y"]
        title = current.locator(".card-title").bounding_box()
        assert title["y"] >= 0, f"step {step + 1}: its name is above the screen"
        assert _bottom_of_text(page) <= top_of_player, f"step {step + 1}: text under the player"
        if step < total - 1:
            page.get_by_role("button", name="Next").click()


def test_the_countdown_runs_pauses_and_ends_at_zero(page, live_url):
    page.clock.install()  # the page's clock: seconds pass when the test says so
    page.goto(f"{live_url}/cramp-now/")
    expect(page.locator("[data-clot-check]")).to_be_visible()
    page.get_by_role("button", name="No, show the steps").click()
    seconds = int(page.locator(".technique.is-current").get_attribute("data-duration") or 30)
    timer = page.locator("[data-player-timer]")
    expect(timer).to_have_text(f"{seconds // 60}:{seconds % 60:02d}")

    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.clock.run_for(5_000)
    left = seconds - 5
    expect(timer).to_have_text(f"{left // 60}:{left % 60:02d}")

    page.get_by_role("button", name="Pause").click()
    page.clock.run_for(5_000)
    expect(timer).to_have_text(f"{left // 60}:{left % 60:02d}")

    page.get_by_role("button", name="Resume").click()
    page.clock.run_for((left + 2) * 1_000)
    expect(timer).to_have_text("0:00")
