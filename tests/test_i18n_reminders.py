"""Reminders, notifications and insights in the reader's language, dates in the reader's zone.

The Chinese assertions read the committed catalogue (locale/zh_Hans): a string left unmarked, or
marked but untranslated, stays English and fails here.
"""

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from cramps.models import (
    FoodItem,
    IntakeEntry,
    Notification,
    ReliefTechnique,
    ReminderDelivery,
    ReminderSchedule,
    TechniqueTrial,
)
from cramps.reminders import dispatch, links
from cramps.reminders.compose import compose
from cramps.reminders.timing import session_key
from tests.factories import CrampEpisodeFactory, ExerciseSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

ZH = "zh-hans"
SHANGHAI = ZoneInfo("Asia/Shanghai")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
# 23:30 UTC on Tuesday 10 March 2026: 07:30 on Wednesday 11 March in Shanghai, 16:30 on
# Tuesday 10 March in Los Angeles (already on summer time, UTC-7).
NOW = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)


def _food(slug, name, name_zh, portion, portion_zh, **mg):
    return FoodItem.objects.update_or_create(
        slug=slug,
        defaults={
            "name_en": name,
            "name_zh_hans": name_zh,
            "portion_en": portion,
            "portion_zh_hans": portion_zh,
            "source_url": "https://example.com/",
            **mg,
        },
    )[0]


def _intake(user, at, **mg):
    return IntakeEntry.objects.create(user=user, at=at, label="logged", **mg)


# The reminder itself


def test_a_chinese_readers_bedtime_email_and_notice_suggest_a_food_in_chinese(mailoutbox):
    _food(
        "test-seeds", "Test seeds", "测试南瓜子", "1 oz (28 g)", "1 盎司（28 克）", magnesium_mg=900
    )
    # 22:00 in Shanghai on 10 March: the bedtime reminder's send time.
    due = dt.datetime(2026, 3, 10, 22, tzinfo=SHANGHAI)
    li = UserFactory(username="li", timezone="Asia/Shanghai", language=ZH)
    ann = UserFactory(username="ann", timezone="Asia/Shanghai", language="en")
    for user in (li, ann):
        # Potassium and calcium met, magnesium far below: magnesium lacks most.
        _intake(
            user,
            dt.datetime(2026, 3, 10, 13, tzinfo=SHANGHAI),
            potassium_mg=4000,
            calcium_mg=1300,
            magnesium_mg=100,
        )
    ids = [
        ReminderDelivery.objects.create(
            user=user, kind="bedtime", occurrence="2026-03-10", due_at=due
        ).pk
        for user in (li, ann)
    ]
    with time_machine.travel(due + dt.timedelta(seconds=5), tick=False):
        dispatch.send_batch(ids)

    emails = {m.to[0]: m for m in mailoutbox}
    zh, en = emails[li.email], emails[ann.email]
    suggestion = (
        "你今天记录的镁：100 / 320 毫克。"
        "加餐或明天可以吃：测试南瓜子，1 盎司（28 克），约含镁 900 毫克。"
    )
    unproven = "对抽筋的作用尚未证实"
    html = zh.alternatives[0][0]
    for text in (zh.body, html):
        assert suggestion in text and unproven in text
        assert "magnesium" not in text and "Your logged" not in text and "Test seeds" not in text
    notice = Notification.objects.get(user=li)
    assert suggestion in notice.body and "magnesium" not in notice.body
    # The English reader of the same batch keeps the English words and the English food.
    assert "Your logged magnesium today: 100 of 320 mg." in en.body
    assert "Test seeds, 1 oz (28 g): about 900 mg of magnesium." in en.body
    assert "镁" not in en.body


def test_a_chinese_potassium_suggestion_keeps_its_caution_in_chinese():
    _food("test-beans", "Test beans", "测试白芸豆", "1 cup", "1 杯", potassium_mg=9000)
    user = UserFactory(timezone="Asia/Shanghai", language=ZH)
    _intake(
        user,
        dt.datetime(2026, 3, 10, 13, tzinfo=SHANGHAI),
        potassium_mg=100,
        calcium_mg=1300,
        magnesium_mg=500,
    )
    delivery = ReminderDelivery.objects.create(
        user=user,
        kind="bedtime",
        occurrence="2026-03-10",
        due_at=dt.datetime(2026, 3, 10, 22, tzinfo=SHANGHAI),
    )
    with time_machine.travel(dt.datetime(2026, 3, 10, 22, tzinfo=SHANGHAI), tick=False):
        text = compose(delivery, timezone.now()).text
    # The sentences follow one another as Chinese writes them: no space after "。".
    assert "约含钾 9000 毫克。如果你有肾病" in text
    assert "potassium" not in text and "kidney" not in text


@pytest.mark.parametrize(
    ("language", "zone", "subject"),
    [
        # The session is at 10:30 UTC on 11 March: 18:30 that day in Shanghai, 03:30 the next
        # day seen from Los Angeles (its evening of the 10th), each in the reader's words.
        (ZH, "Asia/Shanghai", "Running（18:30）：先热身和拉伸"),
        (ZH, "America/Los_Angeles", "Running（3月11日 星期三 03:30）：先热身和拉伸"),
        ("en", "America/Los_Angeles", "Running at Wed 11 Mar, 03:30: warm up and stretch first"),
    ],
)
def test_a_pre_exercise_reminders_time_reads_in_the_users_language_and_zone(
    language, zone, subject
):
    user = UserFactory(timezone=zone, language=language)
    starts = dt.datetime(2026, 3, 11, 10, 30, tzinfo=dt.UTC)
    # Before the session wherever the user is; the day differs by zone (Shanghai: 07:30 on the
    # 11th, the session's day; Los Angeles: the 10th).
    with time_machine.travel(NOW, tick=False):
        session = ExerciseSessionFactory(user=user, starts_at=starts, activity="Running")
        delivery = ReminderDelivery.objects.create(
            user=user,
            kind="pre_exercise",
            occurrence=session_key(session.pk, starts),
            due_at=starts - dt.timedelta(minutes=30),
        )
        composed = compose(delivery, timezone.now())
    assert composed.subject == subject


# The notifications page and the email links


def test_a_chinese_readers_notifications_page_is_chinese_with_dates_in_their_zone(client):
    user = UserFactory(timezone="Asia/Shanghai", language=ZH)
    with time_machine.travel(NOW, tick=False):
        Notification.objects.create(user=user, title="该做睡前拉伸了", body="三分钟。")
        # Yesterday 22:00 in Shanghai: its day and time in words, not only the time.
        ReminderDelivery.objects.create(
            user=user,
            kind="bedtime",
            occurrence="2026-03-10",
            due_at=dt.datetime(2026, 3, 10, 22, tzinfo=SHANGHAI),
            status=ReminderDelivery.Status.FAILED,
        )
        client.force_login(user)
        page = client.get("/zh-hans/notifications/").content.decode()

    with translation.override(ZH):
        profile, settings = reverse("cramps:profile"), reverse("cramps:reminder_settings")
    # One paragraph, its sentences run on as Chinese writes them.
    assert (
        "你 3月10日 星期二 22:00 的提醒邮件（睡前拉伸）没能发出。"
        f'请在<a href="{profile}">个人资料</a>里检查邮箱地址，或者在'
        f'<a href="{settings}">提醒设置</a>里打开应用内提醒。'
    ) in page
    # The notice's own time: 07:30 on Wednesday 11 March in Shanghai (23:30 UTC the day before).
    assert ">3月11日 星期三 07:30</time>" in page
    for english in ("could not be sent", "Check your email address", "Tue 10 Mar", "Wed 11 Mar"):
        assert english not in page


def test_a_failure_without_email_is_one_whole_sentence_in_english(client):
    user = UserFactory(timezone="America/Los_Angeles")
    ReminderSchedule.objects.create(user=user, kind="bedtime", by_email=False)
    with time_machine.travel(NOW, tick=False):
        ReminderDelivery.objects.create(
            user=user,
            kind="bedtime",
            occurrence="2026-03-09",
            due_at=dt.datetime(2026, 3, 9, 22, tzinfo=LOS_ANGELES),
            status=ReminderDelivery.Status.FAILED,
        )
        client.force_login(user)
        page = client.get("/notifications/").content.decode()
    assert "Your Mon 9 Mar, 22:00 reminder (bedtime stretch) could not be sent." in page


def test_a_chinese_readers_unsubscribe_pages_are_chinese(client):
    user = UserFactory(language=ZH)
    with translation.override(ZH):
        url = urlsplit(links.unsubscribe_url(user, "bedtime")).path
    assert url.startswith("/zh-hans/")

    asked = client.get(url).content.decode()
    assert "不再接收睡前拉伸提醒邮件？" in asked
    assert "你将不再通过邮件收到睡前拉伸提醒。应用内的提醒保持不变。" in asked
    assert "reminder emails" not in asked

    done = client.post(url).content.decode()
    assert "你不会再收到睡前拉伸提醒邮件了。" in done
    with translation.override(ZH):
        settings_link = f'<a href="{reverse("cramps:reminder_settings")}">提醒设置</a>'
    assert f"你随时可以在{settings_link}里修改提醒。" in done
    assert "won't get" not in done
    assert ReminderSchedule.objects.get(user=user, kind="bedtime").by_email is False


# Insights


@pytest.mark.parametrize(
    ("language", "zone", "last_week"),
    [
        # Today is 11 March in Shanghai, 10 March in Los Angeles: the last week starts six
        # days before, in the reader's own zone, written the reader's way.
        (ZH, "Asia/Shanghai", "3月5日"),
        (ZH, "America/Los_Angeles", "3月4日"),
        ("en", "America/Los_Angeles", "4 Mar"),
    ],
)
def test_the_trends_charts_date_labels_follow_the_language_and_the_users_zone(
    client, language, zone, last_week
):
    user = UserFactory(timezone=zone, language=language)
    client.force_login(user)
    prefix = "/zh-hans" if language == ZH else ""
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"{prefix}/insights/trends/?weeks=4").content.decode()
    # The cramps chart: one bar a week, each titled with its first day and its count.
    assert f"<title>{last_week}: 0</title>" in page
    assert f'<th scope="row">{last_week}</th>' in page


def test_a_chinese_readers_trends_and_report_name_minerals_and_durations_in_chinese(client):
    user = UserFactory(timezone="Asia/Shanghai", language=ZH)
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        CrampEpisodeFactory(user=user, started_at=NOW - dt.timedelta(days=1), duration_seconds=30)
        # 12 minutes at 03:00 on 2 March in Shanghai (19:00 UTC on 1 March).
        long_cramp = CrampEpisodeFactory(
            user=user,
            started_at=dt.datetime(2026, 3, 2, 3, tzinfo=SHANGHAI),
            duration_seconds=720,
        )
        technique = ReliefTechnique.objects.order_by("slug").first()
        TechniqueTrial.objects.create(episode=long_cramp, technique=technique, outcome="helped")
        trends = client.get("/zh-hans/insights/trends/").content.decode()
        report = client.get("/zh-hans/insights/report/").content.decode()
    for name in ("钾", "钙", "镁"):
        assert f'<th scope="col">{name}</th>' in trends
    assert "Potassium" not in trends and "Magnesium" not in trends
    assert '<th scope="row">不到 1 分钟</th>' in report and "超过 10 分钟" in report
    assert "Under 1 min" not in report
    assert "1 次抽筋持续超过 10 分钟：<ul><li>" in report and ">2026年3月2日 03:00</time>" in report
    # Tried once: too few to rank, said as one Chinese phrase.
    with translation.override(ZH):
        name = ReliefTechnique.objects.get(pk=technique.pk).name
    assert f"<li>{name}：使用 1 次，1 次有帮助</li>" in report


def test_a_chinese_readers_calendar_says_each_day_in_chinese_by_their_local_date(client):
    user = UserFactory(timezone="Asia/Shanghai", language=ZH)
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        # 02:00 on 3 March in Shanghai is still 2 March in UTC: the Shanghai date counts.
        CrampEpisodeFactory(
            user=user, started_at=dt.datetime(2026, 3, 3, 2, tzinfo=SHANGHAI), severity=8
        )
        page = client.get("/zh-hans/insights/calendar/2026/03/").content.decode()
    assert "本月有 1 天抽筋，其中 1 天在夜里。" in page
    assert (
        '<span class="visually-hidden">3月3日 星期二：抽筋 1 次，最严重 8／10，在夜里</span>'
        in page
    )
    assert '<span class="visually-hidden">3月2日 星期一：没有抽筋记录</span>' in page
    assert "Tuesday" not in page and "worst" not in page
