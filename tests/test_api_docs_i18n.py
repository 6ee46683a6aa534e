"""Issue 11: the API reference (/api/docs/) and the schema (/api/schema/) in the reader's
language. The schema's texts are lazy translations; the docs page keeps one copy per language."""

import html
import re

import pytest
from django.conf import settings

from cramps.api import docs

pytestmark = pytest.mark.django_db

ENGLISH = (
    "Not signed in, or a wrong token.",
    "Upsert by date: a check-in for a date that already has one updates the answers sent",
    "Daily check-ins, one per local date",
    "Defaults to now on create.",
    "A day that has not come yet (as on the web page).",
    "list of TechniqueTrialRequest",
)
CHINESE = (
    "未登录，或令牌错误。",
    "按日期新建或更新（upsert）：如果该日期已有打卡，就更新本次发送的回答",
    "每日打卡，每个本地日期一条",
    "创建时默认为当前时间。",
    "这一天还没到（与网页上相同）。",
    "TechniqueTrialRequest 列表",
)


@pytest.fixture(autouse=True)
def fresh_docs():
    """Each test starts with no page built, whatever ran before it in this process."""
    docs._operations.cache_clear()
    yield
    docs._operations.cache_clear()


def _page(client, **headers) -> str:
    response = client.get("/api/docs/", **headers)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_docs_page_is_in_chinese_then_in_english_in_one_process(client):
    chinese = _page(client, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    english = _page(client, HTTP_ACCEPT_LANGUAGE="en")
    chinese_again = _page(client, HTTP_ACCEPT_LANGUAGE="zh-CN")

    for page in (chinese, chinese_again):
        assert all(text in page for text in CHINESE)
        assert not any(text in page for text in ENGLISH)
    assert all(text in english for text in ENGLISH)
    assert not any(text in english for text in CHINESE)


def test_the_language_cookie_chooses_chinese_for_the_docs_page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = _page(client)

    assert "未登录，或令牌错误。" in page
    assert "Not signed in, or a wrong token." not in page


def _texts(operations) -> list[str]:
    """Every sentence of the page that comes from the schema, in page order."""
    texts = []
    for op in operations:
        texts += [op["summary"], op["description"]]
        texts += [p["description"] for p in op["parameters"]]
        texts += [f["description"] for f in op["body"]]
        texts += [r["description"] for r in op["responses"]]
    return texts


def test_every_sentence_of_the_docs_page_has_its_chinese():
    english = _texts(docs._operations("en"))
    chinese = _texts(docs._operations("zh-hans"))

    untranslated = {
        en
        for en, zh in zip(english, chinese, strict=True)
        if re.search("[a-z]{3}", en) and en == zh
    }
    assert not untranslated


def _schema(client, query="", **headers) -> dict:
    response = client.get(f"/api/schema/{query}", HTTP_ACCEPT="application/json", **headers)
    assert response.status_code == 200
    return response.json()


def _checkin_create(schema: dict) -> dict:
    return schema["paths"]["/api/v1/checkins/"]["post"]


def test_the_schema_follows_accept_language(client):
    chinese = _schema(client, HTTP_ACCEPT_LANGUAGE="zh-CN")
    english = _schema(client, HTTP_ACCEPT_LANGUAGE="en")

    assert _checkin_create(chinese)["responses"]["401"]["description"] == "未登录，或令牌错误。"
    assert _checkin_create(english)["responses"]["401"]["description"] == (
        "Not signed in, or a wrong token."
    )
    assert "Accept-Language" in english["info"]["description"]
    assert chinese["info"]["description"].startswith("记录抽筋")


def test_lang_in_the_schema_url_chooses_its_language_over_the_header(client):
    english = _schema(client, "?lang=en", HTTP_ACCEPT_LANGUAGE="zh-CN")
    chinese = _schema(client, "?lang=zh-hans", HTTP_ACCEPT_LANGUAGE="en")

    assert _checkin_create(english)["description"].startswith("Upsert by date")
    assert _checkin_create(chinese)["description"].startswith("按日期新建或更新")


@pytest.mark.parametrize("lang", ["xx", "../../", "%00", "a" * 300])
def test_an_unknown_lang_gives_the_schema_in_english(client, lang):
    schema = _schema(client, f"?lang={lang}")

    assert _checkin_create(schema)["responses"]["401"]["description"] == (
        "Not signed in, or a wrong token."
    )


def test_the_docs_page_shows_an_operations_summary(client):
    page = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Everything of the signed-in user as one JSON document (streamed)" in page
