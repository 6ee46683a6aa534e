"""English and Simplified Chinese: the language a reader gets, how it is chosen and kept."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ZH = "zh-hans"


@pytest.fixture(autouse=True)
def _english_after():
    cache.clear()
    yield
    cache.clear()
    # A request leaves its language active in the thread: later tests reverse URLs in English.
    translation.activate(settings.LANGUAGE_CODE)


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
