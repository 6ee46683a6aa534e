"""The relief guide in a real browser at a phone's size."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_it_asks_about_a_clot_on_the_guide(page, live_url):
    page.goto(f"{live_url}/cramp-now/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("swollen", exact=False).first).to_be_visible()


def test_it_shows_the_today_page_to_a_signed_in_user(page, live_url, signed_in):
    page.goto(f"{live_url}/today/")
    expect(page).to_have_url(f"{live_url}/today/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
