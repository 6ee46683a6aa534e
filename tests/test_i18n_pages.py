"""Pages and the words their scripts show, in the reader's language (English and Chinese)."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from cramps.models import IntakeEntry
from tests.factories import CrampEpisodeFactory, HydrationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]

ZH = "zh-hans"
# 09:00 UTC on Tuesday 10 March 2026 is 17:00 in Shanghai, the same day.
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def chinese_reader(client):
    user = UserFactory(language=ZH, timezone="Asia/Shanghai")
    client.force_login(user)
    return user


def _attribute(page: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', page)
    assert match, f"{name} is not on the page"
    return html.unescape(match.group(1))


def test_the_api_docs_page_is_in_chinese_for_a_chinese_browser(client):
    page = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()

    assert f'<html lang="{ZH}"' in page
    assert "只收发 JSON" in page and "端点" in page and "请求体（JSON）" in page
    assert "<code>amount_ml</code>: integer，必填" in page
    assert "Endpoints" not in page and "JSON only." not in page and "Body (JSON)" not in page
    # The links inside the translated sentences still lead where they did.
    assert 'href="/api/docs/swagger/"' in page and 'href="/zh-hans/profile/"' in page


def test_the_api_docs_page_stays_english_for_an_english_browser(client):
    page = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()

    assert "JSON only." in page and "Endpoints" in page and "端点" not in page
    assert 'href="/profile/"' in page


def test_the_outbox_gets_its_words_in_the_pages_language(client, chinese_reader):
    page = client.get("/zh-hans/today/").content.decode()

    assert _attribute(page, "data-t-outbox-many") == "有 {n} 条记录保存在这台设备上，等待发送。"
    assert _attribute(page, "data-t-outbox-drink-failed") == (
        "一次饮水，记录于 {when}：未发送。{reason}"
    )
    assert _attribute(page, "data-t-outbox-discard") == "丢弃"
    assert _attribute(page, "data-t-outbox-send") == "立即发送"
    assert _attribute(page, "data-t-outbox-kept").startswith("没有网络：已保存在这台设备上。")


def test_the_outbox_words_are_english_on_an_english_page(client):
    client.force_login(UserFactory(language="en"))
    page = client.get("/today/").content.decode()

    assert _attribute(page, "data-t-outbox-one") == (
        "1 entry is kept on this device, waiting to be sent."
    )
    assert _attribute(page, "data-t-outbox-send") == "Send now"


def test_the_time_zone_suggestion_gets_its_words_in_the_pages_language(client):
    chinese = client.get("/zh-hans/signup/").content.decode()
    assert _attribute(chinese, "data-t-filled") == "检测到：{zone}（已按你的设备填好）"
    assert _attribute(chinese, "data-t-use") == "用这个时区"

    english = client.get("/signup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _attribute(english, "data-t-detected") == "Detected: {zone}"
    assert _attribute(english, "data-t-use") == "Use it"


def test_the_profiles_time_zone_field_gets_the_same_words(client, chinese_reader):
    page = client.get("/zh-hans/profile/").content.decode()

    assert _attribute(page, "data-t-use") == "用这个时区"


@time_machine.travel(NOW, tick=False)
def test_todays_minerals_and_entries_read_in_chinese(client, chinese_reader):
    at = NOW - dt.timedelta(hours=1)
    IntakeEntry.objects.create(user=chinese_reader, at=at, label="Tablet", magnesium_mg=100)
    HydrationFactory(user=chinese_reader, at=at, amount_ml=300)
    CrampEpisodeFactory(user=chinese_reader, started_at=at, duration_seconds=90)

    page = client.get("/zh-hans/today/").content.decode()

    for name in ("钾", "钙", "镁", "钠"):
        assert f"<span>{name}" in page
    assert 'aria-label="钠，上限"' in page
    assert "钾 0 · 钙 0 · 镁 100 · 钠 0 毫克" in page
    assert "<strong>300 毫升</strong>" in page
    assert "<strong>抽筋</strong>：" in page and "2 分钟" in page
    assert "3月10日 星期二" in page
    for english in ("Potassium", "Calcium", "Sodium", ", limit", "Tuesday"):
        assert english not in page


@time_machine.travel(NOW, tick=False)
def test_todays_minerals_keep_their_english_names_in_english(client):
    client.force_login(UserFactory(language="en", timezone="Europe/Berlin"))

    page = client.get("/today/").content.decode()

    assert "<span>Potassium</span>" in page and 'aria-label="Sodium, limit"' in page
    assert "Tuesday 10 Mar" in page


@time_machine.travel(NOW, tick=False)
def test_a_past_days_date_puts_the_weekday_where_each_language_does(client, chinese_reader):
    chinese = client.get("/zh-hans/day/2026-03-09/").content.decode()
    assert "<title>2026年3月9日 星期一 · Crampless</title>" in chinese
    assert "2026年3月9日 星期一</h1>" in chinese

    client.force_login(UserFactory(language="en", timezone="Asia/Shanghai"))
    english = client.get("/day/2026-03-09/").content.decode()
    assert "<title>Mon 9 Mar 2026 · Crampless</title>" in english
    assert "Monday 9 March 2026</h1>" in english


def test_the_guides_account_sentence_is_one_chinese_sentence_with_its_links(client):
    page = client.get("/zh-hans/cramp-now/?clot=no").content.decode()

    assert (
        '保存记录需要一个免费账户：<a href="/accounts/login/">登录</a>或'
        '<a href="/zh-hans/signup/">注册</a>。上面的步骤不用账户也能看。'
    ) in page
    assert '来源：<a href="https://www.nhs.uk/conditions/leg-cramps/">NHS：腿抽筋</a>、' in page
    english = client.get("/cramp-now/?clot=no").content.decode()
    assert (
        'Saving a log needs a free account: <a href="/accounts/login/">log in</a> or '
        '<a href="/signup/">sign up</a>. The steps above never do.'
    ) in english


def test_a_password_reset_asked_for_in_chinese_is_emailed_in_chinese(client, mailoutbox):
    UserFactory(username="li", email="li@example.com")

    client.post(
        "/accounts/password/reset/", {"email": "li@example.com"}, HTTP_ACCEPT_LANGUAGE="zh-CN"
    )

    (email,) = mailoutbox
    assert email.subject == "重置你的 Crampless 密码"
    assert email.body.startswith("li，你好：")
    assert "这个链接只能用一次" in email.body and "/accounts/reset/" in email.body
    assert "Someone (we hope you)" not in email.body


def test_the_500_page_names_the_language_it_is_written_in():
    from django.template.loader import render_to_string

    with translation.override(ZH):
        page = render_to_string("500.html")
    assert f'<html lang="{ZH}">' in page and "出错" in page


def test_the_prevention_tips_how_to_links_read_as_one_chinese_sentence(client):
    page = client.get("/zh-hans/prevention/").content.decode()

    assert '方法：<a href="/zh-hans/techniques/warm-up/">运动前热身</a>、' in page
    assert "</a>, <a" not in page
