"""Sign-up in a real browser: the chosen time zone is kept through the emailed confirmation."""

import pytest
from playwright.sync_api import expect

from cramps.models import User

pytestmark = pytest.mark.browser


def test_a_new_user_signs_up_with_a_time_zone_and_confirms_by_email(
    page, live_url, confirmation_link
):
    page.goto(f"{live_url}/signup/")
    page.fill("input[name=username]", "chen")
    page.fill("input[name=email]", "chen@example.com")
    page.fill("input[name=password1]", "slow calf stretch 42")
    page.fill("input[name=password2]", "slow calf stretch 42")
    page.fill("input[name=timezone]", "Asia/Shanghai")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    # Not usable before the link is followed.
    assert not User.objects.get(username="chen").is_active

    page.goto(confirmation_link("chen@example.com"))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page).to_have_url(f"{live_url}/profile/")
    expect(page.locator(".alert-success")).to_contain_text("Your email is confirmed")
    expect(page.locator("input[name=timezone]")).to_have_value("Asia/Shanghai")
    user = User.objects.get(username="chen")
    assert (user.is_active, user.timezone) == (True, "Asia/Shanghai")


def test_the_time_zone_suggestion_speaks_the_pages_language(browser, live_url, owner, client):
    # A phone in Shanghai; the owner's profile says Europe/Berlin.
    context = browser.new_context(timezone_id="Asia/Shanghai", locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{live_url}/zh-hans/signup/")
        expect(page.locator("input[name=timezone]")).to_have_value("Asia/Shanghai")
        expect(page.locator("input[name=timezone] + .form-text")).to_have_text(
            "检测到：Asia/Shanghai（已按你的设备填好）"
        )

        client.force_login(owner)
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_url}])
        page.goto(f"{live_url}/zh-hans/profile/")
        field = page.locator("input[name=timezone]")
        expect(field).to_have_value("Europe/Berlin")  # a zone already chosen is never replaced
        note = page.locator("input[name=timezone] + .form-text")
        expect(note).to_contain_text("检测到：Asia/Shanghai")
        note.get_by_role("button", name="用这个时区").click()
        expect(field).to_have_value("Asia/Shanghai")
    finally:
        context.close()
