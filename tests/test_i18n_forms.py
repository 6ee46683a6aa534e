"""A Chinese reader gets the forms' own words in Chinese: labels, help, legends, choices, the
messages of a bad value on the web pages and in the API. English readers keep the English."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from cramps import validators
from cramps.models import CheckIn, HydrationEntry
from tests.conftest import NOW
from tests.test_account_profile import profile_data

pytestmark = pytest.mark.django_db

ZH = "zh-hans"


@pytest.fixture(autouse=True)
def _frozen_and_english_after():
    with time_machine.travel(NOW, tick=False):
        yield
    translation.activate(settings.LANGUAGE_CODE)


def _slot(weekday, start, activity=""):
    return {"weekday": weekday, "start_time": start, "duration_minutes": 45, "activity": activity}


def test_the_profile_form_reads_in_chinese(owner_client):
    page = owner_client.get("/zh-hans/profile/").content.decode()

    for words in (
        "时区",
        "就寝时间",
        "起床时间",
        "免打扰开始",
        "提醒免打扰时段",
        "这段时间内不发提醒。两个都留空，就是不设免打扰。",
        "选填。只用来设定默认目标和显示孕期提示。",
        "钠上限（毫克）",
        "每日目标",
        "给医生的信息",
        "星期二",  # the routine's weekday choices
        "删除这个时段",
    ):
        assert words in page, words
    for english in ("Wake time", "Quiet hours for reminders", "Daily targets", "Tuesday"):
        assert english not in page, english


def test_a_slot_clash_is_told_in_chinese_with_the_day_and_time_in_place(owner_client, owner):
    slots = [_slot(1, "18:30", "Running"), _slot(1, "18:30", "Swimming")]

    response = owner_client.post("/zh-hans/profile/", profile_data(owner, slots))

    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["start_time"] == [
        "星期二 18:30 已经有一个时段了。请改一下星期或时间，或者删掉其中一个。"
    ]


def test_the_check_in_asks_about_each_habit_in_chinese(owner_client):
    page = owner_client.get("/zh-hans/today/").content.decode()

    assert "睡前拉伸了小腿和大腿后侧" in page
    assert "今天不适用" in page
    assert "Stretched calves and hamstrings before bed" not in page


def test_the_cramp_form_reads_in_chinese_and_keeps_its_link(owner_client):
    page = owner_client.get("/zh-hans/log/cramp/").content.decode()

    assert "不到 1 分钟" in page and "超过 10 分钟" in page
    assert "试过的方法" in page and "没试" in page and "有点用" in page
    assert (
        '抽筋超过 10 分钟、活动后仍不缓解，需要尽快就医：<a href="/zh-hans/red-flags/">'
        "什么时候该求助</a>。"
    ) in page


def test_the_english_cramp_form_keeps_its_english_words(owner_client):
    page = owner_client.get("/log/cramp/").content.decode()

    assert "Under 1 min" in page and "Techniques tried" in page
    assert (
        "A cramp over 10 minutes that doesn&#x27;t ease when you move needs urgent advice: "
        '<a href="/red-flags/">when to get help</a>.'
    ) in page


def test_a_drink_in_the_future_is_refused_in_chinese(owner_client, owner):
    later = (NOW + dt.timedelta(hours=2)).astimezone(owner.tz)

    response = owner_client.post(
        "/zh-hans/log/drink/", {"amount_ml": "250", "at": f"{later:%Y-%m-%dT%H:%M}"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["at"] == ["这个时间还没到。请填写实际发生的时间。"]
    assert not HydrationEntry.objects.exists()


def test_a_skipped_wall_time_names_the_time_and_zone_in_chinese():
    # 02:30 on 29 March 2026 never happened in Berlin: the clocks went from 02:00 to 03:00.
    skipped = dt.datetime(2026, 3, 29, 2, 30)
    with translation.override(ZH), pytest.raises(ValidationError) as refused:
        validators.utc_from_wall_time(skipped, ZoneInfo("Europe/Berlin"))

    with translation.override(ZH):
        assert refused.value.messages == [
            "Europe/Berlin 没有 2026-03-29 02:30 这个时间：时钟调整时跳过了它。"
            "请填写你的时钟当时显示的时间。"
        ]


def test_the_api_refuses_a_check_in_for_tomorrow_in_chinese(owner_client):
    response = owner_client.post(
        "/api/v1/checkins/",
        {"date": "2026-03-11"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )

    assert response.status_code == 400
    assert response.json() == {"date": ["只能为今天或之前的日子打卡。"]}
    assert not CheckIn.objects.exists()


def test_the_api_names_an_unknown_food_in_chinese_and_in_english(owner_client):
    payload = {"food": "dragon-fruit-xl"}

    chinese = owner_client.post(
        "/api/v1/intake/", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    english = owner_client.post("/api/v1/intake/", payload, content_type="application/json")

    assert chinese.status_code == english.status_code == 400
    assert chinese.json()["food"] == [
        "没有 slug 为“dragon-fruit-xl”的食物。请查看 /api/v1/foods/。"
    ]
    assert english.json()["food"] == [
        'No food with the slug "dragon-fruit-xl". See /api/v1/foods/.'
    ]


def test_the_library_labels_read_in_chinese(client):
    technique = client.get("/zh-hans/techniques/weizhong/").content.decode()
    prevention = client.get("/zh-hans/prevention/").content.decode()

    assert "穴位按压" in technique and "Acupressure point" not in technique
    assert "补水" in prevention and "Hydration" not in prevention


def test_the_exercise_form_suggests_running_as_an_activity_not_as_a_status(owner_client):
    page = owner_client.get("/zh-hans/log/exercise/").content.decode()

    assert 'placeholder="跑步"' in page
    assert "先热身了吗？" in page and "还没有／不确定" in page


def test_a_word_for_a_number_is_refused_in_the_readers_language(owner_client):
    # The form's field is built once, at import, in English: its message must still follow
    # each reader.
    chinese = owner_client.post("/zh-hans/log/drink/", {"amount_ml": "abc"})
    english = owner_client.post("/log/drink/", {"amount_ml": "abc"})

    assert "请输入整数，例如 250。" in chinese.content.decode()
    assert "Enter a whole number, e.g. 250." in english.content.decode()


def test_a_saved_drink_is_described_in_chinese(owner_client):
    response = owner_client.post(
        "/zh-hans/log/drink/", {"amount_ml": "250", "next": "/zh-hans/today/"}, follow=True
    )

    assert "饮水记录已保存：250 毫升水" in response.content.decode()
