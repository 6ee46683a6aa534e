"""An in-app reminder appears under the bell: sent in this process, and (with Redis and
PostgreSQL, always under CI=true) by a real Celery worker process."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cramps import tasks
from cramps.models import Notification, ReminderDelivery
from cramps.reminders import dispatch
from cramps.reminders.schedule import refresh_schedules

# The real worker's fixtures: its own queue on Redis, a subprocess on the test database.
from tests.test_reminders_worker import (  # noqa: F401
    start_worker,
    test_queue,
    wait_until_finished,
)

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "shots"


def _bedtime_soon(user):
    """Bedtime ten minutes from now, with its 30-minute lead: the reminder is due at once."""
    user.bedtime = (timezone.now().astimezone(user.tz) + dt.timedelta(minutes=10)).time()
    user.save()
    refresh_schedules(user)


def _bell(page):
    """On a phone, unread notifications show under the bar, not only inside the closed menu."""
    return page.get_by_role("navigation").get_by_role("link", name="new notification")


def _see_the_reminder(page, live_url, user):
    page.reload()
    expect(_bell(page)).to_be_visible()  # not hidden in the closed menu
    expect(_bell(page)).to_have_accessible_name("1 new notification")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "bell-unread.png"))
    _bell(page).click()
    expect(page).to_have_url(f"{live_url}/notifications/")
    title = Notification.objects.get(user=user).title
    expect(page.locator(".card-title").first).to_contain_text(title)
    expect(page.locator(".card .badge").first).to_have_text("New")


def test_a_reminder_sent_in_process_appears_under_the_bell(page, live_url, signed_in):
    _bedtime_soon(signed_in)
    page.goto(f"{live_url}/today/")
    expect(_bell(page)).to_have_count(0)

    report = dispatch.dispatch_due()
    dispatch.send_batch(report.to_send)
    _see_the_reminder(page, live_url, signed_in)


def test_a_reminder_sent_by_a_real_worker_appears_under_the_bell(
    page,
    live_url,
    signed_in,
    start_worker,  # noqa: F811
):
    worker = start_worker()
    _bedtime_soon(signed_in)
    page.goto(f"{live_url}/today/")
    expect(_bell(page)).to_have_count(0)

    assert tasks.dispatch_and_publish().queued == 1
    delivery = wait_until_finished(ReminderDelivery.objects.get(user=signed_in).pk, worker)
    assert delivery.status == ReminderDelivery.Status.SENT, delivery.detail
    _see_the_reminder(page, live_url, signed_in)
