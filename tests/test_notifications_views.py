import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from cramps.context_processors import notifications as bell
from cramps.models import Notification, ReminderDelivery, ReminderSchedule
from cramps.reminders import dispatch, links

BERLIN = ZoneInfo("Europe/Berlin")
EVENING = dt.datetime(2026, 3, 10, 21, 30, tzinfo=BERLIN)
Status = ReminderDelivery.Status
LIST = reverse("cramps:notifications")
SETTINGS = reverse("cramps:reminder_settings")

pytestmark = pytest.mark.django_db


def _delivery(user, occurrence="2026-03-10", status=Status.SENT, kind="bedtime", due_at=EVENING):
    return ReminderDelivery.objects.create(
        user=user, kind=kind, occurrence=occurrence, due_at=due_at, status=status
    )


def _notification(user, title="Time for your bedtime stretch", delivery=None, **extra):
    return Notification.objects.create(
        user=user, title=title, body="Calves and hamstrings.", delivery=delivery, **extra
    )


@pytest.fixture
def evening():
    with time_machine.travel(EVENING, tick=False):
        yield


# The list


@pytest.mark.parametrize("url", [LIST, SETTINGS])
def test_it_asks_a_visitor_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_the_users_notifications_newest_first(owner_client, owner, outsider, evening):
    old = _notification(owner, title="Older reminder")
    Notification.objects.filter(pk=old.pk).update(created_at=EVENING - dt.timedelta(days=1))
    _notification(owner, title="Newer reminder")
    _notification(outsider, title="Mallory's reminder")
    response = owner_client.get(LIST)
    content = response.content.decode()
    assert content.index("Newer reminder") < content.index("Older reminder")
    assert "Mallory" not in content
    assert reverse("cramps:reminder_settings") in content
    # Shown in the user's zone: 21:30 in Berlin.
    assert "21:30" in content


def test_it_pages_through_many_notifications(owner_client, owner):
    for n in range(25):
        _notification(owner, title=f"Reminder number {n:02d}")
    first = owner_client.get(LIST).content.decode()
    second = owner_client.get(LIST, {"page": 2}).content.decode()
    assert "Reminder number 24" in first and "Reminder number 04" not in first
    assert "Reminder number 04" in second and "Page 2 of 2" in second
    assert owner_client.get(LIST, {"page": "nonsense"}).status_code == 200


def test_it_shows_a_failed_email_reminder(owner_client, owner, evening):
    failed = _delivery(owner, status=Status.FAILED)
    ReminderDelivery.objects.filter(pk=failed.pk).update(
        due_at=dt.datetime(2026, 3, 10, 22, tzinfo=BERLIN) - dt.timedelta(hours=1)
    )
    content = owner_client.get(LIST).content.decode()
    assert "Your 21:00 email reminder (bedtime stretch) could not be sent." in content


def test_it_says_a_reminder_interrupted_after_the_hand_over_may_have_arrived_and_is_not_resent(
    owner_client, owner, evening
):
    failed = _delivery(owner, status=Status.FAILED, due_at=EVENING - dt.timedelta(minutes=30))
    ReminderDelivery.objects.filter(pk=failed.pk).update(detail=dispatch.INTERRUPTED)
    content = owner_client.get(LIST).content.decode()
    assert (
        "Your 21:00 email reminder (bedtime stretch) was interrupted after it was handed to the "
        "mail server: it may have arrived, so it will not be sent again." in content
    )
    assert "Check your email address" not in content


def test_it_says_nothing_of_a_send_interrupted_before_the_hand_over(owner_client, owner, evening):
    # Provably not sent, so it was sent again: nothing for the user to wonder about.
    resent = _delivery(owner, status=Status.SENT, due_at=EVENING - dt.timedelta(minutes=30))
    ReminderDelivery.objects.filter(pk=resent.pk).update(detail=dispatch.RESUMED)
    content = owner_client.get(LIST).content.decode()
    assert "interrupted" not in content
    assert "could not be sent" not in content


def test_it_escapes_notification_text(owner_client, owner):
    _notification(owner, title="<script>alert(1)</script>")
    content = owner_client.get(LIST).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;" in content


# Marking read


def test_it_marks_one_notification_read(owner_client, owner):
    mine = _notification(owner)
    other = _notification(owner)
    response = owner_client.post(reverse("cramps:notification_read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None


def test_it_marks_read_only_by_post(owner_client, owner):
    mine = _notification(owner)
    assert owner_client.get(reverse("cramps:notification_read", args=[mine.pk])).status_code == 405


def test_it_marks_all_read(owner_client, owner, outsider):
    _notification(owner)
    _notification(owner)
    theirs = _notification(outsider)
    owner_client.post(reverse("cramps:notifications_read_all"))
    assert not Notification.objects.for_user(owner).unread().exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_hides_other_users_notifications_and_deliveries(outsider_client, owner):
    notification = _notification(owner)
    delivery = _delivery(owner)
    read = outsider_client.post(reverse("cramps:notification_read", args=[notification.pk]))
    snooze = outsider_client.post(
        reverse("cramps:delivery_snooze", args=[delivery.pk]), {"action": "15m"}
    )
    assert read.status_code == 404 and snooze.status_code == 404
    assert outsider_client.post(reverse("cramps:notification_read", args=[999999])).status_code == (
        404
    )
    notification.refresh_from_db()
    assert notification.read_at is None
    assert ReminderDelivery.objects.count() == 1


# Snoozing from the app


def test_it_snoozes_from_the_in_app_notification(owner_client, owner, evening):
    delivery = _delivery(owner)
    _notification(owner, delivery=delivery)
    assert "Remind me in 15 min" in owner_client.get(LIST).content.decode()
    response = owner_client.post(
        reverse("cramps:delivery_snooze", args=[delivery.pk]), {"action": "15m"}, follow=True
    )
    assert "We&#x27;ll remind you again at 21:45." in response.content.decode()
    later = ReminderDelivery.objects.get(occurrence="2026-03-10~snooze-1")
    assert later.status == Status.PENDING and later.queued_at is None
    assert later.due_at == EVENING + dt.timedelta(minutes=15)


def test_it_skips_tonight_from_the_app(owner_client, owner, evening):
    delivery = _delivery(owner)
    waiting = _delivery(owner, occurrence="2026-03-10~snooze-1", status=Status.PENDING)
    owner_client.post(reverse("cramps:delivery_snooze", args=[delivery.pk]), {"action": "skip"})
    waiting.refresh_from_db()
    assert waiting.status == Status.SKIPPED and waiting.detail == "skipped by you"
    assert ReminderDelivery.objects.count() == 2


def test_it_refuses_an_unknown_snooze_choice_with_a_message(owner_client, owner):
    delivery = _delivery(owner)
    response = owner_client.post(
        reverse("cramps:delivery_snooze", args=[delivery.pk]), {"action": "99y"}, follow=True
    )
    assert "Choose 15 min, 1 hour or skip." in response.content.decode()
    assert ReminderDelivery.objects.count() == 1


# Signed links from the email: no login


def _snooze_url(delivery, action="1h"):
    return reverse("cramps:email_snooze", args=[action, links.snooze_token(delivery)])


def test_an_email_snooze_link_asks_before_acting(client, owner, evening):
    delivery = _delivery(owner)
    response = client.get(_snooze_url(delivery))
    assert response.status_code == 200
    assert "Remind me in 1 hour" in response.content.decode()
    # A mail scanner that fetches the link changes nothing.
    assert ReminderDelivery.objects.count() == 1


def test_an_email_snooze_link_snoozes_on_confirm_without_login(owner, evening):
    delivery = _delivery(owner)
    response = Client(enforce_csrf_checks=True).post(_snooze_url(delivery))
    assert response.status_code == 200
    assert "22:30" in response.content.decode()
    later = ReminderDelivery.objects.get(occurrence="2026-03-10~snooze-1")
    assert later.due_at == EVENING + dt.timedelta(hours=1)


def test_an_email_skip_link_skips_tonight(client, owner, evening):
    delivery = _delivery(owner)
    waiting = _delivery(owner, occurrence="2026-03-10~snooze-1", status=Status.PENDING)
    client.post(_snooze_url(delivery, "skip"))
    waiting.refresh_from_db()
    assert waiting.status == Status.SKIPPED


def test_a_tampered_snooze_link_fails_cleanly(client, owner):
    delivery = _delivery(owner)
    url = _snooze_url(delivery)
    tampered = url.replace("/1h/", "/1h/x")
    for method in (client.get, client.post):
        response = method(tampered)
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert client.get("/reminders/snooze/1h/not-a-token/").status_code == 400
    assert client.get(url.replace("/1h/", "/forever/")).status_code == 404
    assert ReminderDelivery.objects.count() == 1


def test_an_old_snooze_link_has_expired(client, owner):
    delivery = _delivery(owner)
    with time_machine.travel(EVENING, tick=False):
        url = _snooze_url(delivery)
    with time_machine.travel(EVENING + dt.timedelta(days=2), tick=False):
        response = client.post(url)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert ReminderDelivery.objects.count() == 1


def test_a_snooze_link_for_a_deleted_reminder_is_gone(client, owner):
    delivery = _delivery(owner)
    url = _snooze_url(delivery)
    delivery.delete()
    assert client.get(url).status_code == 410


def _unsubscribe_url(user, kind="bedtime"):
    return reverse("cramps:unsubscribe", args=[links.unsubscribe_token(user, kind)])


def test_unsubscribe_asks_first_then_stops_only_that_kinds_emails(client, owner):
    ReminderSchedule.objects.create(user=owner, kind="bedtime")
    ReminderSchedule.objects.create(user=owner, kind="pre_exercise")
    url = _unsubscribe_url(owner)
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop bedtime stretch reminder emails?" in page.content.decode()
    assert ReminderSchedule.objects.get(user=owner, kind="bedtime").by_email is True
    done = client.post(url)
    assert done.status_code == 200
    bedtime = ReminderSchedule.objects.get(user=owner, kind="bedtime")
    assert (bedtime.by_email, bedtime.enabled, bedtime.in_app) == (False, True, True)
    assert ReminderSchedule.objects.get(user=owner, kind="pre_exercise").by_email is True


def test_unsubscribe_works_by_one_click_post_from_a_mail_provider(owner):
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        _unsubscribe_url(owner, "pre_exercise"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert ReminderSchedule.objects.get(user=owner, kind="pre_exercise").by_email is False


def test_a_tampered_unsubscribe_link_fails_cleanly(client, owner, outsider):
    ReminderSchedule.objects.create(user=owner, kind="bedtime")
    token = links.unsubscribe_token(outsider, "bedtime")
    value, _, rest = token.partition(":")
    # Someone swaps in another user's payload under a valid-looking signature.
    forged = links.unsubscribe_token(owner, "bedtime").split(":", 1)[0] + ":" + rest
    for bad in (forged, token[:-2], "garbage"):
        response = client.post(reverse("cramps:unsubscribe", args=[bad]))
        assert response.status_code == 400
    assert ReminderSchedule.objects.get(user=owner, kind="bedtime").by_email is True


def test_an_unsubscribe_link_for_a_deleted_account_is_gone(client, outsider):
    url = _unsubscribe_url(outsider)
    outsider.delete()
    assert client.post(url).status_code == 410


# Settings


def test_settings_show_both_kinds_with_defaults_and_link_to_quiet_hours(owner_client):
    content = owner_client.get(SETTINGS).content.decode()
    assert "Bedtime stretch" in content and "Before exercise" in content
    assert 'name="bedtime-lead_minutes" value="30"' in content
    assert reverse("cramps:profile") in content
    assert not ReminderSchedule.objects.exists()


def _settings_data(**changes):
    data = {}
    for kind in ("bedtime", "pre_exercise"):
        data.update(
            {
                f"{kind}-enabled": "on",
                f"{kind}-lead_minutes": "30",
                f"{kind}-in_app": "on",
                f"{kind}-by_email": "on",
            }
        )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_save_each_kind_and_refresh_the_schedule(owner_client, owner):
    data = _settings_data(**{"bedtime-lead_minutes": "45", "pre_exercise-by_email": None})
    with mock.patch("cramps.reminders.schedule.refresh_schedules") as refresh:
        response = owner_client.post(SETTINGS, data)
    assert response.status_code == 302
    refresh.assert_called_once_with(owner)
    bedtime = ReminderSchedule.objects.get(user=owner, kind="bedtime")
    exercise = ReminderSchedule.objects.get(user=owner, kind="pre_exercise")
    assert bedtime.lead_minutes == 45 and bedtime.by_email
    assert exercise.in_app and not exercise.by_email


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bedtime-lead_minutes", "4", "Enter a number from 5 to 180 minutes."),
        ("bedtime-lead_minutes", "181", "Enter a number from 5 to 180 minutes."),
        ("bedtime-lead_minutes", "12abc", "Enter a whole number, e.g. 250."),
    ],
)
def test_settings_refuse_a_bad_lead_time_and_keep_what_was_typed(
    owner_client, owner, field, value, message
):
    with mock.patch("cramps.reminders.schedule.refresh_schedules") as refresh:
        response = owner_client.post(SETTINGS, _settings_data(**{field: value}))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert f'value="{value}"' in content
    assert not refresh.called
    assert not ReminderSchedule.objects.exists()


def test_settings_want_a_channel_for_a_reminder_that_is_on(owner_client, owner):
    ReminderSchedule.objects.create(user=owner, kind="bedtime", lead_minutes=30)
    data = _settings_data(
        **{
            "bedtime-lead_minutes": "60",
            "pre_exercise-in_app": None,
            "pre_exercise-by_email": None,
        }
    )
    response = owner_client.post(SETTINGS, data)
    assert "Choose in the app, by email or both" in response.content.decode()
    # Nothing half-saved: the valid bedtime form was not written either.
    assert ReminderSchedule.objects.get(user=owner, kind="bedtime").lead_minutes == 30
    assert not ReminderSchedule.objects.filter(user=owner, kind="pre_exercise").exists()


def test_settings_change_only_the_users_own_schedules(owner_client, owner, outsider):
    theirs = ReminderSchedule.objects.create(user=outsider, kind="bedtime", lead_minutes=90)
    with mock.patch("cramps.reminders.schedule.refresh_schedules"):
        owner_client.post(SETTINGS, _settings_data(**{"bedtime-lead_minutes": "10"}))
    theirs.refresh_from_db()
    assert theirs.lead_minutes == 90


# The bell


def test_the_bell_counts_unread_notifications_with_one_query(
    owner, outsider, django_assert_num_queries
):
    _notification(owner)
    _notification(owner, read_at=timezone.now())
    _notification(outsider)
    request = RequestFactory().get("/")
    request.user = owner
    context = bell(request)
    with django_assert_num_queries(1):
        # 1: count of the user's unread notifications (partial index notification_unread).
        assert context["unread_notifications"] == 1


def test_the_bell_is_only_for_logged_in_users(
    client, owner_client, owner, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert bell(request) == {}
    _notification(owner)
    content = owner_client.get(SETTINGS).content.decode()
    assert '<span class="badge text-bg-danger">1<span class="visually-hidden"> unread</span>' in (
        content
    )


def test_the_bell_caps_a_large_count(owner_client, owner):
    Notification.objects.bulk_create(
        Notification(user=owner, title=f"n{i}", body="b") for i in range(12)
    )
    content = owner_client.get(SETTINGS).content.decode()
    assert '<span class="badge text-bg-danger">9+<span class="visually-hidden"> unread' in content
