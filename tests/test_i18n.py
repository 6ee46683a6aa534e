"""English and Simplified Chinese: the language a reader gets, how it is chosen and kept."""

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]

ZH = "zh-hans"


def _lang(response) -> str:
    return response["Content-Language"]


def test_it_serves_english_at_the_unprefixed_guide(client):
    response = client.get("/cramp-now/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert _lang(response) == "en"
    assert '<html lang="en"' in response.content.decode()


def test_it_serves_chinese_at_the_prefixed_guide(client):
    response = client.get("/zh-hans/cramp-now/")
    assert response.status_code == 200
    assert _lang(response) == ZH
    assert f'<html lang="{ZH}"' in response.content.decode()


def test_it_sends_a_chinese_browser_to_the_chinese_guide(client):
    response = client.get("/cramp-now/?clot=yes", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/cramp-now/?clot=yes"
    assert _lang(client.get(response["Location"])) == ZH


@pytest.mark.parametrize(
    "header", ["", "xx-YY", "!!!,;;;q=", "zh-CN;q=abc", "a" * 600, "*", "klingon;q=1.0"]
)
def test_it_falls_back_to_english_on_an_unknown_or_malformed_accept_language(client, header):
    response = client.get("/cramp-now/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert _lang(response) == "en"


def test_it_ignores_a_made_up_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx<script>"
    response = client.get("/cramp-now/")
    assert response.status_code == 200
    assert _lang(response) == "en"


def test_it_keeps_the_page_when_switching(client):
    page = client.get("/cramp-now/").content.decode()
    assert 'name="next" value="/zh-hans/cramp-now/"' in page
    response = client.post("/i18n/setlang/", {"language": ZH, "next": "/zh-hans/cramp-now/"})
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/cramp-now/"
    back = client.get("/zh-hans/cramp-now/").content.decode()
    assert 'name="next" value="/cramp-now/"' in back
    # The cookie now names Chinese: the unprefixed page sends this reader to it.
    assert client.get("/cramp-now/")["Location"] == "/zh-hans/cramp-now/"


def test_it_rejects_an_unknown_language_choice_without_error(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/cramp-now/"})
    assert response.status_code == 302
    assert _lang(client.get("/cramp-now/")) == "en"


def test_it_stores_a_signed_in_users_choice_on_the_profile(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/cramp-now/").content.decode()
    assert "csrfmiddlewaretoken" in page.split('class="d-inline language-switch"')[1][:300]
    client.post("/i18n/setlang/", {"language": ZH, "next": "/zh-hans/cramp-now/"})
    user.refresh_from_db()
    assert user.language == ZH


def test_the_profile_language_wins_over_the_browser(client):
    client.force_login(UserFactory(language="en"))
    response = client.get("/cramp-now/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    assert _lang(response) == "en"

    client.force_login(UserFactory(language=ZH))
    response = client.get("/today/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response["Location"] == "/zh-hans/today/"
    assert _lang(client.get("/zh-hans/today/")) == ZH


def test_the_profile_form_saves_the_language(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/profile/").content.decode()
    assert 'name="language"' in page


def test_it_caches_each_language_of_a_visitors_page_apart(client):
    english = client.get("/cramp-now/").content.decode()
    chinese = client.get("/zh-hans/cramp-now/").content.decode()
    assert english != chinese
    # Both now come from the cache, each in its own language.
    assert client.get("/cramp-now/").content.decode() == english
    assert client.get("/zh-hans/cramp-now/").content.decode() == chinese
    assert f'<html lang="{ZH}"' in client.get("/zh-hans/cramp-now/").content.decode()


def test_it_keeps_the_service_worker_at_the_root_for_a_chinese_reader(client):
    response = client.get("/sw.js", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200


def test_the_service_worker_keeps_the_readers_language(client):
    english = client.get("/sw.js", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '"/cramp-now/"' in english and "/zh-hans/" not in english
    chinese = client.get("/sw.js", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '"/zh-hans/cramp-now/"' in chinese and '"/red-flags/"' not in chinese


def test_a_chinese_browser_gets_the_guide_in_chinese_and_an_english_one_in_english(client):
    chinese = client.get("/cramp-now/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9", follow=True)
    page = chinese.content.decode()
    assert "一步接一步" in page and "Steps, one after another" not in page
    english = client.get("/cramp-now/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Steps, one after another" in english and "一步接一步" not in english


def test_the_prefixed_pages_are_in_chinese(client):
    assert "正在抽筋" in client.get("/zh-hans/cramp-now/").content.decode()
    red_flags = client.get("/zh-hans/red-flags/").content.decode()
    assert "什么时候该看医生" in red_flags


# The press-hard rule (tests/test_relief_pages.py, tests/test_fixtures.py) in Chinese: pressure is
# always 适度、舒适, never 用力 (with force) or 重按 (press heavily).
FORBIDDEN_ZH = ("用力", "重按", "使劲")


def _catalogue():
    import polib

    return polib.pofile(str(settings.LOCALE_PATHS[0] / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_the_chinese_catalogue_never_says_press_hard():
    for entry in _catalogue():
        text = entry.msgstr or " ".join(entry.msgstr_plural.values())
        for phrase in FORBIDDEN_ZH:
            assert phrase not in text, (phrase, entry.msgid)


def test_the_chinese_pages_never_say_press_hard(client):
    for path in ("/zh-hans/cramp-now/", "/zh-hans/cramp-now/?clot=no", "/zh-hans/red-flags/"):
        page = client.get(path).content.decode()
        for phrase in FORBIDDEN_ZH:
            assert phrase not in page, (phrase, path)


def test_every_message_is_translated_and_none_is_fuzzy():
    catalogue = _catalogue()
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert not catalogue.metadata_is_fuzzy  # a fuzzy header drops the plural rule


def test_the_committed_mo_matches_the_po(tmp_path):
    import subprocess

    import polib

    base = settings.LOCALE_PATHS[0] / "zh_Hans" / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    # msgfmt is what compilemessages runs; --check also checks every placeholder.
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(base / "django.po")], check=True)

    def contents(path):
        return {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(path))}

    assert contents(base / "django.mo") == contents(fresh)


def test_a_batch_renders_each_reminder_in_its_users_language(mailoutbox):
    import datetime as dt

    import time_machine

    from cramps.models import FoodItem, IntakeEntry, Notification, ReminderDelivery
    from cramps.reminders import dispatch

    due = dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC)  # 22:00 in Berlin and in Shanghai 05:00
    chinese = UserFactory(username="li", timezone="Europe/Berlin", language=ZH)
    english = UserFactory(username="ann", timezone="Europe/Berlin", language="")
    FoodItem.objects.create(
        slug="test-seeds",
        name_en="Test seeds",
        name_zh_hans="测试南瓜子",
        portion_en="1 oz (28 g)",
        portion_zh_hans="1 盎司（28 克）",
        source_url="https://example.com/",
        magnesium_mg=900,
    )
    for user in (chinese, english):
        # Magnesium is the mineral furthest below its target: the reminder suggests a food.
        IntakeEntry.objects.create(
            user=user,
            at=due - dt.timedelta(hours=8),
            label="lunch",
            potassium_mg=4000,
            calcium_mg=1300,
            magnesium_mg=100,
        )
    ids = [
        ReminderDelivery.objects.create(
            user=user, kind="bedtime", occurrence="2026-03-10", due_at=due
        ).pk
        for user in (chinese, english)
    ]
    with time_machine.travel(due + dt.timedelta(seconds=5), tick=False):
        dispatch.send_batch(ids)

    emails = {m.to[0]: m for m in mailoutbox}
    zh, en = emails[chinese.email], emails[english.email]
    assert zh.subject == "该做睡前拉伸了"
    assert "大腿后侧" in zh.body and "在应用中查看" in zh.body and "/zh-hans/" in zh.body
    assert "你今天记录的镁" in zh.body and "测试南瓜子" in zh.body and "magnesium" not in zh.body
    assert "Your logged magnesium today" in en.body and "Test seeds" in en.body
    html = zh.alternatives[0][0]
    assert '<html lang="zh-hans">' in html and "提醒设置" in html
    assert "Reminder settings" not in html
    assert en.subject == "Time for your bedtime stretch"
    assert "See it in the app" in en.body and "该做" not in en.body and "/zh-hans/" not in en.body
    notices = {n.user_id: n for n in Notification.objects.all()}
    assert notices[chinese.pk].title == "该做睡前拉伸了" and "三分钟" in notices[chinese.pk].body
    assert notices[english.pk].title == "Time for your bedtime stretch"


def test_a_chinese_readers_snooze_page_is_in_chinese(client):
    import datetime as dt

    from cramps.models import ReminderDelivery
    from cramps.reminders import links

    user = UserFactory(language=ZH)
    delivery = ReminderDelivery.objects.create(
        user=user, kind="bedtime", occurrence="2026-03-10", due_at=dt.datetime.now(dt.UTC)
    )
    with translation.override(ZH):
        url = links.snooze_url(delivery, "skip")
    assert "/zh-hans/" in url
    page = client.get(url.split("testserver", 1)[-1]).content.decode()
    assert "今晚不用提醒" in page


def test_the_profile_saves_the_language_and_the_next_page_follows_it(client):
    from tests.test_account_profile import profile_data

    user = UserFactory()
    client.force_login(user)
    assert 'value="zh-hans"' in client.get("/profile/").content.decode()
    response = client.post("/profile/", profile_data(user, language=ZH))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == ZH
    # Profile wins over an English browser; the unprefixed page sends them to the Chinese one.
    response = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[0][0] == "/zh-hans/profile/"
    assert "保存个人资料" in response.content.decode()


def test_a_made_up_profile_language_is_refused_with_a_message(client):
    from tests.test_account_profile import profile_data

    user = UserFactory()
    client.force_login(user)
    response = client.post("/profile/", profile_data(user, language="xx"))
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    user.refresh_from_db()
    assert user.language == ""


def test_a_stored_language_no_longer_offered_falls_back_without_error(client):
    user = UserFactory()
    type(user).objects.filter(pk=user.pk).update(language="tlh")
    user.refresh_from_db()
    client.force_login(user)
    response = client.get("/today/")
    assert response.status_code == 200
    assert _lang(response) == "en"


def test_the_api_answers_errors_in_the_requested_language(client):
    chinese = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert chinese.status_code == 404
    assert chinese.json() == {"detail": "找不到。"}
    english = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="xx;;q=bad")
    assert english.json() == {"detail": "Not found."}


def test_the_guides_durations_read_in_chinese(client):
    page = client.get("/zh-hans/cramp-now/?clot=no").content.decode()
    assert "分钟" in page or "秒" in page


def test_the_guides_player_gets_its_words_in_the_pages_language(client):
    page = client.get("/zh-hans/cramp-now/?clot=no").content.decode()
    assert 'data-t-step="第 {n} 步，共 {total} 步：{name}"' in page
    assert 'data-t-start="Start"' in client.get("/cramp-now/?clot=no").content.decode()


def test_dates_follow_the_language_and_stay_in_the_users_zone():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.template import Context, Template

    # 23:30 UTC on 9 March is 07:30 on 10 March in Shanghai.
    at = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)
    template = Template(
        '{% load tz %}{% timezone zone %}{{ at|date:"DATETIME_FORMAT" }}{% endtimezone %}'
    )
    context = Context({"at": at, "zone": ZoneInfo("Asia/Shanghai")})
    with translation.override("en"):
        assert template.render(context) == "Tue 10 Mar 2026, 07:30"
    with translation.override(ZH):
        assert template.render(context) == "2026年3月10日 星期二 07:30"


def test_the_pre_exercise_history_reads_as_one_chinese_sentence():
    from cramps.reminders.compose import _exercise_history

    recent = [("during_exercise", "left", "calf"), ("rest", "both", "calf")]
    with translation.override(ZH):
        assert _exercise_history(recent) == (
            "你最近 2 次抽筋中，有 1 次发生在运动中，部位在左侧小腿。热身时给这块肌肉多留一点时间。"
        )
    assert _exercise_history(recent) == (
        "1 of your last 2 cramps came during exercise, in the left calf. "
        "Give that muscle a little extra time in the warm-up."
    )


def test_a_chinese_readers_log_messages_are_in_chinese(client):
    client.force_login(UserFactory(language=ZH))
    response = client.post(
        "/zh-hans/log/drink/", {"amount_ml": "250", "next": "/zh-hans/today/"}, follow=True
    )
    page = response.content.decode()
    assert "饮水记录已保存" in page
    assert "saved:" not in page


def test_a_chinese_readers_today_page_and_history_are_in_chinese(client):
    client.force_login(UserFactory(language=ZH))

    today = client.get("/zh-hans/today/").content.decode()
    history = client.get("/zh-hans/history/cramps/").content.decode()

    assert "今天的记录" in today and "睡前拉伸做完了" in today
    assert "Today's log" not in today and "Did my bedtime routine" not in today
    assert "Nothing logged yet." not in history


def test_a_cramps_place_and_an_unnamed_supplement_read_in_chinese():
    from cramps.models import CrampEpisode, IntakeEntry

    episode = CrampEpisode(side=CrampEpisode.Side.LEFT, muscle=CrampEpisode.Muscle.CALF)
    supplement = IntakeEntry(label="Supplement", magnesium_mg=200)
    with translation.override(ZH):
        assert episode.where == "左腿的小腿"
        assert supplement.display_label == "补充剂"
    assert episode.where == "left calf"
    assert IntakeEntry(label="Magnesium citrate").display_label == "Magnesium citrate"


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_language_defines_the_apps_named_date_formats(language):
    """A named format a language's module lacks would print its own name as the date."""
    import importlib

    from django.utils.translation import to_locale

    english = importlib.import_module("tracker.formats.en.formats")
    names = {name for name in vars(english) if name.startswith("WEEKDAY_")}
    module = importlib.import_module(f"tracker.formats.{to_locale(language)}.formats")
    assert names and names <= set(vars(module))


def test_a_range_error_names_its_unit_in_chinese(client):
    user = UserFactory(timezone="Asia/Shanghai", language=ZH)
    client.force_login(user)

    response = client.post("/zh-hans/log/drink/", {"amount_ml": "99999"})

    assert response.status_code == 200
    [error] = response.context["form"].errors["amount_ml"]
    assert "毫升" in error and "ml" not in error
