"""A visitor's "Log this cramp" keeps what they tried and when, through sign-up."""

import re

import pytest
from playwright.sync_api import expect

from cramps.models import CrampEpisode, ReliefTechnique

pytestmark = pytest.mark.browser


def test_a_visitor_signs_up_and_lands_on_the_cramp_form_filled_in(
    page, live_url, confirmation_link
):
    page.goto(f"{live_url}/cramp-now/")
    page.get_by_role("button", name="No, show the steps").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Next").click()
    used = list(
        ReliefTechnique.objects.filter(
            slug__in=page.eval_on_selector_all(
                "[data-slug]", "els => els.slice(0, 2).map((el) => el.dataset.slug)"
            )
        )
    )
    page.get_by_role("link", name="Log this cramp").click()

    expect(page.locator("[data-why-here]")).to_contain_text("Saving a cramp needs a free account")
    page.get_by_role("link", name="Create an account").click()
    expect(page.locator("[data-why-here]")).to_be_visible()
    page.fill("input[name=username]", "bea")
    page.fill("input[name=email]", "bea@example.com")
    page.fill("input[name=password1]", "slow calf stretch 42")
    page.fill("input[name=password2]", "slow calf stretch 42")
    page.fill("input[name=timezone]", "Europe/Berlin")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    # The emailed link opens a button that confirms, signs in and carries on to the cramp form.
    page.goto(confirmation_link("bea@example.com"))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page).to_have_url(re.compile(r"/log/cramp/\?.*at="))
    for technique in used:
        expect(page.locator(f"input[name=trial_{technique.pk}][value=tried]")).to_be_checked()
    assert len(used) == 2
    expect(page.locator("input[name=started_at]")).not_to_have_value("")


def test_a_signed_in_user_logs_the_cramp_from_the_guides_end(page, live_url, signed_in):
    page.goto(f"{live_url}/cramp-now/")
    page.get_by_role("button", name="No, show the steps").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Next").click()
    first = page.locator("[data-slug]").first.get_attribute("data-slug")
    page.get_by_role("link", name="Log this cramp").click()

    expect(page).to_have_url(re.compile(r"/log/cramp/\?.*at="))
    page.locator("fieldset", has_text="Which leg").get_by_text("Left", exact=True).click()
    page.locator("fieldset", has_text="How bad").get_by_text("7", exact=True).click()
    page.get_by_role("button", name="Save").first.click()  # right after the two taps

    expect(page.locator(".alert-success")).to_be_visible()
    episode = CrampEpisode.objects.get(user=signed_in)
    assert (episode.side, episode.severity) == ("left", 7)
    assert first in {t.technique.slug for t in episode.trials.all()}
