"""The user's data in a real browser: the export downloads as JSON with their rows; deleting
asks for the password, then the account is gone and logging in fails."""

import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cramps.models import HydrationEntry, User

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"  # tests/factories.py


def test_the_export_downloads_the_users_rows_as_json(page, live_url, signed_in, outsider):
    HydrationEntry.objects.create(user=signed_in, at=timezone.now(), amount_ml=330)
    HydrationEntry.objects.create(user=outsider, at=timezone.now(), amount_ml=999)
    page.goto(f"{live_url}/profile/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download everything (JSON)").click()
    download = info.value

    assert download.suggested_filename.endswith(".json")
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert document["format"] == "crampless-export"
    assert document["profile"]["timezone"] == signed_in.timezone
    # Theirs, and nobody else's.
    assert [row["amount_ml"] for row in document["drinks"]] == [330]


def test_deleting_needs_the_password_then_the_account_is_gone(page, live_url, signed_in):
    page.goto(f"{live_url}/profile/")
    page.get_by_role("link", name="Delete my account").click()

    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account and all its data").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("That is not your password")
    assert User.objects.filter(pk=signed_in.pk).exists()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and all its data").click()
    expect(page.locator(".alert-success")).to_contain_text("Your account and all its data")
    assert not User.objects.filter(pk=signed_in.pk).exists()

    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label("Username").fill(signed_in.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".alert-danger, .errorlist, .invalid-feedback").first).to_be_visible()
    expect(page).to_have_url(f"{live_url}/accounts/login/")
