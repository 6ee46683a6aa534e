import datetime as dt
import smtplib
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives

from cramps.models import Notification, ReminderDelivery, ReminderSchedule
from cramps.reminders import links as reminder_links
from cramps.reminders.channels import TransientDeliveryError, deliver
from cramps.reminders.compose import Composed

BERLIN = ZoneInfo("Europe/Berlin")
EVENING = dt.datetime(2026, 3, 10, 21, 30, tzinfo=BERLIN)
COMPOSED = Composed(
    skip_reason=None,
    subject="Time for your bedtime stretch",
    text="Time for your bedtime stretch: calves & hamstrings.",
    html="<p>Time for your bedtime stretch: calves &amp; hamstrings.</p>",
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(owner):
    return ReminderDelivery.objects.create(
        user=owner, kind="bedtime", occurrence="2026-03-10", due_at=EVENING
    )


def _choose(user, in_app, by_email, kind="bedtime"):
    ReminderSchedule.objects.create(user=user, kind=kind, in_app=in_app, by_email=by_email)


def _send_raising(exc):
    return mock.patch.object(EmailMultiAlternatives, "send", side_effect=exc)


@pytest.mark.parametrize(
    ("in_app", "by_email", "notifications", "emails"),
    [(True, False, 1, 0), (False, True, 0, 1), (True, True, 1, 1)],
)
def test_it_uses_only_the_channels_the_user_chose(
    owner, delivery, mailoutbox, in_app, by_email, notifications, emails
):
    _choose(owner, in_app, by_email)
    deliver(delivery, COMPOSED)
    assert Notification.objects.for_user(owner).count() == notifications
    assert len(mailoutbox) == emails


def test_it_follows_each_kinds_own_choice(owner, mailoutbox):
    _choose(owner, in_app=True, by_email=False, kind="bedtime")
    _choose(owner, in_app=False, by_email=True, kind="pre_exercise")
    exercise = ReminderDelivery.objects.create(
        user=owner, kind="pre_exercise", occurrence="session:1", due_at=EVENING
    )
    deliver(exercise, COMPOSED)
    assert Notification.objects.count() == 0
    assert len(mailoutbox) == 1


def test_it_sends_both_by_default_before_any_settings_are_saved(owner, delivery, mailoutbox):
    deliver(delivery, COMPOSED)
    notification = Notification.objects.get(delivery=delivery)
    assert notification.user == owner
    assert notification.title == COMPOSED.subject
    assert notification.body == COMPOSED.text
    assert notification.read_at is None
    assert len(mailoutbox) == 1


def test_its_email_has_plain_text_and_html_with_snooze_and_unsubscribe_links(
    owner, delivery, mailoutbox, settings
):
    settings.SITE_URL = "https://crampless.example"
    deliver(delivery, COMPOSED)
    (email,) = mailoutbox
    assert email.to == [owner.email]
    assert email.subject == COMPOSED.subject
    # The plain part is not HTML-escaped; the HTML part is the escaped body.
    assert "calves & hamstrings" in email.body
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    assert COMPOSED.html in html
    unsubscribe = email.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://crampless.example/reminders/unsubscribe/")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in email.body and unsubscribe[1:-1] in html
    for action in ("15m", "1h", "skip"):
        prefix = f"https://crampless.example/reminders/snooze/{action}/"
        assert prefix in email.body and prefix in html
    assert "Skip tonight" in email.body


def test_its_snooze_links_are_signed_for_this_delivery(owner, delivery, mailoutbox):
    from cramps.reminders.links import read_snooze_token

    deliver(delivery, COMPOSED)
    line = next(line for line in mailoutbox[0].body.splitlines() if "/snooze/15m/" in line)
    token = line.rstrip("/").rsplit("/", 1)[1]
    assert read_snooze_token(token) == delivery.pk


def test_it_never_sends_a_second_notification_or_email_on_retry(owner, delivery, mailoutbox):
    with time_machine.travel(EVENING, tick=False):
        deliver(delivery, COMPOSED)
    delivery.refresh_from_db()
    assert delivery.email_sent_at == EVENING
    # The send task retries with a fresh copy of the row, or a stale one: the same either way.
    stale = ReminderDelivery.objects.get(pk=delivery.pk)
    stale.email_sent_at = None
    deliver(stale, COMPOSED)
    deliver(ReminderDelivery.objects.get(pk=delivery.pk), COMPOSED)
    assert Notification.objects.filter(delivery=delivery).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("gone"),
        smtplib.SMTPConnectError(421, "busy"),
        ConnectionRefusedError(111, "refused"),
        TimeoutError("timed out"),  # what socket.timeout is since Python 3.10
        smtplib.SMTPDataError(451, "try again later"),
    ],
)
def test_it_reports_a_mail_server_hiccup_as_worth_retrying(owner, delivery, mailoutbox, error):
    with _send_raising(error), pytest.raises(TransientDeliveryError):
        deliver(delivery, COMPOSED)
    delivery.refresh_from_db()
    assert delivery.email_sent_at is None
    # The in-app notice is already there; the retry sends the email once and no second notice.
    deliver(delivery, COMPOSED)
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(delivery=delivery).count() == 1


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"alice@example.com": (550, b"no such user")}),
        smtplib.SMTPDataError(554, "rejected"),
        ValueError("bad header"),
    ],
)
def test_it_lets_a_final_error_through_unchanged(owner, delivery, error):
    with _send_raising(error), pytest.raises(type(error)):
        deliver(delivery, COMPOSED)
    delivery.refresh_from_db()
    assert delivery.email_sent_at is None


def test_it_skips_email_for_a_user_without_an_address(owner, delivery, mailoutbox):
    type(owner).objects.filter(pk=owner.pk).update(email="")
    delivery = ReminderDelivery.objects.select_related("user").get(pk=delivery.pk)
    deliver(delivery, COMPOSED)
    assert mailoutbox == []
    assert Notification.objects.filter(delivery=delivery).exists()


def test_its_emails_are_exactly_what_the_templates_render(owner, mailoutbox, settings):
    """Each email is the engine's rendering of the templates for that email, escaping included."""
    from cramps.reminders.channels import deliver_many
    from cramps.reminders.compose import _render

    settings.SITE_URL = "https://crampless.example"
    composed = _render("Tom's <b>run</b> & stretch", ['Step "one" <i>', ("a & b", "c < d")])
    deliveries = _bedtime_deliveries(owner, 3)
    with time_machine.travel(EVENING, tick=False):
        assert deliver_many([(d, composed) for d in deliveries]) == {}
        _assert_rendered(owner, deliveries, composed, mailoutbox)
    # Each email has its own signed links.
    assert len({email.body for email in mailoutbox}) == 3


def _assert_rendered(owner, deliveries, composed, mailoutbox):
    from django.template.loader import render_to_string

    assert len(mailoutbox) == len(deliveries)
    for email, delivery in zip(mailoutbox, deliveries, strict=True):
        links = list(_snooze_links(email.body))
        context = {
            "composed": composed,
            "user": owner,
            "kind_label": "Bedtime stretch",
            "snooze_links": links,
            "unsubscribe_url": email.extra_headers["List-Unsubscribe"][1:-1],
            "settings_url": "https://crampless.example/reminders/settings/",
            "notifications_url": "https://crampless.example/notifications/",
        }
        assert [label for label, _ in links] == [
            "Remind me in 15 min",
            "Remind me in 1 hour",
            "Skip tonight",
        ]
        assert [url for _, url in links] == [
            reminder_links.snooze_url(delivery, action) for action in ("15m", "1h", "skip")
        ]
        assert context["unsubscribe_url"] == reminder_links.unsubscribe_url(owner, "bedtime")
        assert email.subject == composed.subject
        assert email.body == render_to_string("emails/reminder.txt", context)
        ((html, _mimetype),) = email.alternatives
        assert html == render_to_string("emails/reminder.html", context)
        assert "Tom&#x27;s &lt;b&gt;run&lt;/b&gt; &amp; stretch" in html


def _bedtime_deliveries(user, count):
    return [
        ReminderDelivery.objects.create(
            user=user, kind="bedtime", occurrence=f"2026-03-{n + 10:02d}", due_at=EVENING
        )
        for n in range(count)
    ]


@pytest.fixture
def own_templates(tmp_path, settings, monkeypatch):
    """Email templates of the test's own, in a folder searched first."""
    from cramps.reminders import channels

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    monkeypatch.setattr(
        channels, "TEMPLATES", {p: f"test_{p}.txt" for p in ("subject", "text", "html")}
    )

    def write(subject, text, html):
        for part, source in (("subject", subject), ("text", text), ("html", html)):
            (tmp_path / f"test_{part}.txt").write_text(source)

    return write


def test_a_template_that_reads_the_words_renders_the_same_for_every_email(
    owner, mailoutbox, own_templates
):
    from cramps.reminders.channels import deliver_many

    own_templates(
        subject="{{ composed.subject }}",
        text="{% if 'calves' in composed.text %}Calves tonight{% else %}Other{% endif %}",
        html="<p>{% if 'calves' in composed.text %}Calves{% endif %}</p>",
    )
    deliveries = _bedtime_deliveries(owner, 3)
    with time_machine.travel(EVENING, tick=False):
        assert deliver_many([(d, COMPOSED) for d in deliveries]) == {}
    assert [email.body for email in mailoutbox] == ["Calves tonight"] * 3
    assert [email.alternatives[0][0] for email in mailoutbox] == ["<p>Calves</p>"] * 3


def test_a_per_user_variable_reaches_only_its_user(owner, outsider, mailoutbox, own_templates):
    from cramps.reminders.channels import deliver_many

    own_templates(
        subject="Hello {{ user.username }}",
        text="For {{ user.email }}",
        html="<p>For {{ user.username }}</p>",
    )
    deliveries = [*_bedtime_deliveries(owner, 1), *_bedtime_deliveries(outsider, 1)]
    with time_machine.travel(EVENING, tick=False):
        assert deliver_many([(d, COMPOSED) for d in deliveries]) == {}
    by_recipient = {email.to[0]: email for email in mailoutbox}
    assert by_recipient[owner.email].subject == "Hello alice"
    assert by_recipient[owner.email].body == f"For {owner.email}"
    assert by_recipient[owner.email].alternatives[0][0] == "<p>For alice</p>"
    assert by_recipient[outsider.email].subject == "Hello mallory"
    assert by_recipient[outsider.email].body == f"For {outsider.email}"
    assert "alice" not in by_recipient[outsider.email].message().as_string()


@pytest.mark.parametrize("count", [1, 50])
def test_a_batch_reads_its_data_in_the_same_queries_for_1_or_50_emails(
    owner, mailoutbox, count, django_assert_num_queries
):
    from cramps.reminders.channels import deliver_many

    deliveries = list(
        ReminderDelivery.objects.select_related("user").filter(
            pk__in=[d.pk for d in _bedtime_deliveries(owner, count)]
        )
    )
    with time_machine.travel(EVENING, tick=False), django_assert_num_queries(4 + count):
        # 1 the users' channel choices
        # 2 the in-app notices, written first
        # 3 which of the deliveries were emailed already (a retry may hold stale copies)
        # + one write per email: the moment just before it is handed to the mail server
        # 4 the email stamp of those that went out
        assert deliver_many([(d, COMPOSED) for d in deliveries]) == {}
    assert len(mailoutbox) == count


def _snooze_links(body):
    for line in body.splitlines():
        label, sep, url = line.partition(": https://crampless.example/reminders/snooze/")
        if sep:
            yield label, "https://crampless.example/reminders/snooze/" + url
