"""The today page in a real browser: one-tap water and the daily check-in."""

import pytest
from playwright.sync_api import expect

from cramps.models import CheckIn, HydrationEntry

pytestmark = pytest.mark.browser


def test_one_tap_logs_water_and_the_bar_moves(page, live_url, signed_in):
    page.goto(f"{live_url}/today/")
    page.get_by_role("button", name="+250 ml").click()

    expect(page.locator(".entry-list")).to_contain_text("250 ml")
    expect(page.locator("#drinks-title + div")).to_contain_text("250 ml")
    entry = HydrationEntry.objects.get()
    assert (entry.user, entry.amount_ml) == (signed_in, 250)


def test_the_check_in_is_saved_and_shown_again(page, live_url, signed_in):
    page.goto(f"{live_url}/today/")
    habit = page.locator("fieldset", has_text="Stretched calves and hamstrings before bed")
    habit.get_by_text("Yes", exact=True).click()
    page.get_by_label("Anything else about today").fill("Tight calves after the hike")
    page.get_by_role("button", name="Save check-in").click()

    expect(page.locator(".alert-success")).to_contain_text("Check-in saved")
    expect(page.locator("#checkin-title")).to_contain_text("saved")
    expect(habit.get_by_role("radio", name="Yes", exact=True)).to_be_checked()
    checkin = CheckIn.objects.get(user=signed_in)
    assert (checkin.stretched_before_bed, checkin.note) == (True, "Tight calves after the hike")
    assert checkin.date == signed_in.local_today()
