"""The relief library in English and Simplified Chinese: complete fixtures, the same steps in
both, the same honesty and safety wording in both, and pages, admin and API in the reader's
language.

The fixture checks read the raw files (what `make run` loads); the rest read the rows the
session-wide conftest loaded.
"""

import json
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from modeltranslation.translator import translator

from cramps.models.library import FoodItem, PreventionTip, RedFlag, ReliefTechnique
from tests.conftest import LIBRARY_FIXTURES

FIXTURE_DIR = settings.BASE_DIR / "fixtures"
MODELS = dict(
    zip(LIBRARY_FIXTURES, (ReliefTechnique, PreventionTip, RedFlag, FoodItem), strict=True)
)
LANGUAGE_CODES = [code.replace("-", "_") for code, _name in settings.LANGUAGES]
HAN = re.compile(r"[\u4e00-\u9fff]")
ACUPOINTS = {
    "weizhong": ("委中", "BL40"),
    "yanglingquan": ("阳陵泉", "GB34"),
    "zusanli": ("足三里", "ST36"),
    "tiaokou": ("条口", "ST38"),
    "chengshan": ("承山", "BL57"),
}


def _rows(name):
    return json.loads((FIXTURE_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _translated(name):
    return translator.get_options_for_model(MODELS[name]).get_field_names()


def _pairs():
    """(fixture, slug, field, English, Chinese) for every translated field of every row."""
    for name in LIBRARY_FIXTURES:
        for row in _rows(name):
            fields = row["fields"]
            for field in _translated(name):
                yield (
                    name,
                    fields["slug"],
                    field,
                    fields.get(f"{field}_en"),
                    fields.get(f"{field}_zh_hans"),
                )


def _texts(value):
    return value if isinstance(value, list) else [value or ""]


def _chinese_texts():
    for name, slug, field, _english, chinese in _pairs():
        for text in _texts(chinese):
            yield (name, slug, field), text


# --- The fixtures: complete in both languages ------------------------------------------------


@pytest.mark.parametrize("name", LIBRARY_FIXTURES)
def test_fixtures_carry_each_text_field_per_language_and_never_the_bare_field(name):
    for row in _rows(name):
        fields = row["fields"]
        for field in _translated(name):
            assert field not in fields, (row["fields"]["slug"], field)
            for code in LANGUAGE_CODES:
                assert f"{field}_{code}" in fields or not fields.get(f"{field}_en"), (
                    fields["slug"],
                    field,
                    code,
                )


def test_every_text_in_english_has_its_chinese_and_no_chinese_stands_alone():
    for name, slug, field, english, chinese in _pairs():
        assert bool(english) == bool(chinese), (name, slug, field)
        for text in _texts(chinese) if chinese else []:
            assert text.strip(), (name, slug, field)
        if chinese and field != "portion":
            assert all(HAN.search(text) for text in _texts(chinese)), (name, slug, field)


def test_every_list_has_as_many_items_in_chinese_as_in_english():
    lists = 0
    for name, slug, field, english, chinese in _pairs():
        if isinstance(english, list):
            lists += 1
            assert isinstance(chinese, list), (name, slug, field)
            assert len(chinese) == len(english), (name, slug, field)
    assert lists >= 12 * 2 + 9  # steps and cautions of every technique, signs of every flag


@pytest.mark.parametrize("name", LIBRARY_FIXTURES)
def test_the_fixture_files_keep_chinese_readable_not_escaped(name):
    raw = (FIXTURE_DIR / f"{name}.json").read_text(encoding="utf-8")
    # The raw-text safety checks (tests/test_fixtures.py) could not see an escaped 用力.
    assert "\\u" not in raw
    assert HAN.search(raw)


# --- The same honesty and safety in Chinese ---------------------------------------------------


def test_no_chinese_text_says_to_press_hard_and_pressure_is_moderate_and_comfortable():
    for where, text in _chinese_texts():
        for phrase in ("用力", "重按", "使劲", "狠按"):
            assert phrase not in text, (where, phrase)
        if "力度" in text:
            assert "适度" in text and "舒适" in text, (where, text)


def test_where_the_english_says_traditional_the_chinese_says_so_too():
    checked = 0
    for name, slug, field, english, chinese in _pairs():
        for en, zh in zip(_texts(english), _texts(chinese), strict=True):
            if "traditional" in en.lower():
                checked += 1
                assert "传统" in zh, (name, slug, field)
    assert checked >= 11  # five points' notes and claims, and the keep-warm tip


@pytest.mark.django_db
def test_every_traditional_claim_in_chinese_is_labelled_unproven():
    with translation.override("zh-hans"):
        for point in ReliefTechnique.objects.exclude(traditional_claim=""):
            # The claim says whose it is; the page labels it unproven (test below).
            assert point.traditional_claim.startswith("传统中医认为"), point.slug
            assert point.evidence_note.startswith("传统疗法，未经证实。"), point.slug


def test_quinine_appears_in_chinese_only_in_a_do_not():
    seen = 0
    for where, text in _chinese_texts():
        for sentence in re.split(r"(?<=[。！？；])", text):
            if "奎宁" in sentence or "汤力水" in sentence:
                seen += 1
                assert re.search(r"切勿|不要|别|勿", sentence), (where, sentence)
    assert seen == 1  # the minerals tip's warning


@pytest.mark.django_db
@pytest.mark.parametrize(("slug", "point"), ACUPOINTS.items())
def test_each_point_has_its_standard_chinese_name(slug, point):
    native, code = point
    technique = ReliefTechnique.objects.get(slug=slug)

    with translation.override("zh-hans"):
        assert technique.name.startswith(native)
    assert technique.point_code == code
    assert technique.native_name == native


@pytest.mark.django_db
def test_the_clot_warning_in_chinese_is_plain_no_massage_and_care_today():
    with translation.override("zh-hans"):
        clot = RedFlag.objects.get(slug="possible-clot").action
        emergency = RedFlag.objects.get(slug="clot-with-breathlessness").action
        point_cautions = " ".join(ReliefTechnique.objects.get(slug="weizhong").cautions)

    assert clot.startswith("单腿肿胀、发热、发红或颜色变深：可能是血栓。")
    assert "不要按摩" in clot
    assert "当天就医" in clot
    assert "急救电话" in emergency and "不要按摩" in emergency
    assert "血栓" in point_cautions and "不要按摩" in point_cautions


@pytest.mark.django_db
def test_the_fluids_tip_in_chinese_says_drink_to_thirst_not_a_volume():
    with translation.override("zh-hans"):
        note = PreventionTip.objects.get(slug="fluids-long-exercise").note

    assert note.startswith("口渴就喝，不要硬灌。")
    assert "低钠血症" in note


# --- One steps count per language: the model's rule ------------------------------------------


@pytest.mark.django_db
def test_a_translation_with_a_step_missing_is_refused_next_to_its_field():
    technique = ReliefTechnique.objects.get(slug="weizhong")
    technique.steps_zh_hans = technique.steps_zh_hans[:-1]

    with pytest.raises(ValidationError) as refused:
        technique.full_clean()

    assert set(refused.value.message_dict) == {"steps_zh_hans"}
    assert "6" in refused.value.message_dict["steps_zh_hans"][0]


@pytest.mark.django_db
def test_a_red_flag_with_an_extra_sign_in_chinese_is_refused():
    flag = RedFlag.objects.get(slug="possible-clot")
    flag.signs_zh_hans = [*flag.signs_zh_hans, "多出来的一条"]

    with pytest.raises(ValidationError) as refused:
        flag.full_clean()

    assert set(refused.value.message_dict) == {"signs_zh_hans"}


@pytest.mark.django_db
def test_a_row_not_yet_translated_is_valid_and_shows_its_english():
    technique = ReliefTechnique.objects.get(slug="calf-stretch")
    technique.name_zh_hans = ""
    technique.steps_zh_hans = []
    technique.full_clean()
    technique.save()

    with translation.override("zh-hans"):
        fresh = ReliefTechnique.objects.get(slug="calf-stretch")
        assert fresh.name == "Standing calf stretch"
        assert fresh.steps[0].startswith("Stand facing a wall")
        assert fresh.summary.startswith("面对墙")


# --- Pages in the reader's language ----------------------------------------------------------


@pytest.mark.django_db
def test_the_models_give_the_active_languages_text():
    technique = ReliefTechnique.objects.get(slug="chengshan")

    with translation.override("zh-hans"):
        assert technique.name == "承山穴"
        assert technique.steps[0].startswith("坐下")
    assert technique.name == "Chengshan"


@pytest.mark.django_db
def test_a_chinese_reader_gets_the_technique_page_in_chinese(client):
    page = client.get(
        "/techniques/weizhong/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9", follow=True
    ).content.decode()

    assert "委中穴" in page
    assert "中指指尖放在这个点上" in page
    # The traditional claim is labelled unproven, once, before it.
    assert page.count("传统说法，未经证实") == 1
    assert page.index("传统说法，未经证实") < page.index("中医认为此穴")
    assert "Sit down and bend the cramped leg slightly." not in page


@pytest.mark.django_db
def test_an_english_reader_gets_the_same_page_in_english_even_after_a_chinese_one(client):
    client.get("/techniques/weizhong/", HTTP_ACCEPT_LANGUAGE="zh-CN", follow=True)

    page = client.get(
        "/techniques/weizhong/", HTTP_ACCEPT_LANGUAGE="en-GB", follow=True
    ).content.decode()

    # Visitors' pages are cached (cramps.views.public): the cache is keyed by language.
    assert "Sit down and bend the cramped leg slightly." in page
    assert "中指指尖放在这个点上" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "english", "chinese"),
    [
        ("/prevention/", "Drink during long exercise", "长时间运动时注意喝水"),
        ("/red-flags/", "Signs of a blood clot in the leg", "腿部血栓的征兆"),
        ("/cramp-now/?clot=no", "Stretch the cramped muscle", "拉伸抽筋的肌肉"),
        ("/cramp-now/?clot=yes", "Signs of a blood clot in the leg", "可能是血栓"),
    ],
)
def test_the_relief_pages_show_the_library_in_the_readers_language(client, path, english, chinese):
    zh = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True).content.decode()
    en = client.get(path, HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()

    assert chinese in zh and english not in zh
    assert english in en and chinese not in en


# --- The admin edits both languages ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "slug", "field"),
    [
        (ReliefTechnique, "weizhong", "steps"),
        (PreventionTip, "dietary-minerals", "note"),
        (RedFlag, "possible-clot", "action"),
        (FoodItem, "banana", "portion"),
    ],
)
def test_the_admin_shows_each_text_field_once_per_language(admin_client, model, slug, field):
    row = model.objects.get(slug=slug)
    url = f"/admin/cramps/{model._meta.model_name}/{row.pk}/change/"

    page = admin_client.get(url).content.decode()

    assert f'name="{field}_en"' in page
    assert f'name="{field}_zh_hans"' in page


def _admin_food_data(food, **changes):
    data = {
        "slug": food.slug,
        "source_url": food.source_url,
        "display_order": food.display_order,
        "kind": food.kind,
        **{f"{m}_mg": value for m, value in food.minerals().items()},
    }
    for field in ("name", "portion", "note"):
        for code in LANGUAGE_CODES:
            data[f"{field}_{code}"] = getattr(food, f"{field}_{code}") or ""
    return {**data, **changes}


@pytest.mark.django_db
def test_the_admin_saves_a_chinese_edit_without_touching_the_english(admin_client):
    food = FoodItem.objects.get(slug="banana")
    url = f"/admin/cramps/fooditem/{food.pk}/change/"

    response = admin_client.post(url, _admin_food_data(food, name_zh_hans="香蕉（熟）"))

    assert response.status_code == 302
    food.refresh_from_db()
    assert food.name_zh_hans == "香蕉（熟）"
    assert food.name_en == "Banana"


@pytest.mark.django_db
def test_the_admin_refuses_a_translation_with_a_step_missing(admin_client):
    technique = ReliefTechnique.objects.get(slug="tiaokou")
    url = f"/admin/cramps/relieftechnique/{technique.pk}/change/"
    data = {
        "slug": technique.slug,
        "source_url": technique.source_url,
        "display_order": technique.display_order,
        "native_name": technique.native_name,
        "point_code": technique.point_code,
        "kind": technique.kind,
        "duration_seconds": technique.duration_seconds,
        "evidence": technique.evidence,
        "more_sources": json.dumps(technique.more_sources),
        "in_cramp_guide": "on",
        "is_massage": "on",
    }
    for field in _translated("techniques"):
        for code in LANGUAGE_CODES:
            value = getattr(technique, f"{field}_{code}")
            data[f"{field}_{code}"] = json.dumps(value) if isinstance(value, list) else value
    data["steps_zh_hans"] = json.dumps(technique.steps_zh_hans[:2])

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "steps_zh_hans" in response.context["adminform"].form.errors
    technique.refresh_from_db()
    assert len(technique.steps_zh_hans) == len(technique.steps_en)


# --- The API in the requested language --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "field", "english", "chinese"),
    [
        ("/api/v1/techniques/weizhong/", "name", "Weizhong", "委中穴"),
        ("/api/v1/tips/dietary-minerals/", "title", "Get your minerals from everyday food",
         "从日常饮食中获取矿物质"),
        ("/api/v1/red-flags/possible-clot/", "title", "Signs of a blood clot in the leg",
         "腿部血栓的征兆"),
        ("/api/v1/foods/banana/", "name", "Banana", "香蕉"),
    ],
)  # fmt: skip
def test_the_api_answers_in_the_language_asked_for(client, path, field, english, chinese):
    zh = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8")
    en = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    malformed = client.get(path, HTTP_ACCEPT_LANGUAGE="!!;q=oops,,;;")
    unknown = client.get(path, HTTP_ACCEPT_LANGUAGE="fr-FR")
    none = client.get(path)

    assert zh.status_code == 200
    assert zh.json()[field] == chinese
    assert zh["Content-Language"] == "zh-hans"
    assert "Accept-Language" in zh["Vary"]
    for response in (en, malformed, unknown, none):
        assert response.status_code == 200
        assert response.json()[field] == english
        assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_api_lists_steps_in_chinese_with_the_same_count(client):
    zh = client.get("/api/v1/techniques/", HTTP_ACCEPT_LANGUAGE="zh-CN").json()["results"]
    en = client.get("/api/v1/techniques/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]

    assert [t["slug"] for t in zh] == [t["slug"] for t in en]
    for chinese, english in zip(zh, en, strict=True):
        assert len(chinese["steps"]) == len(english["steps"]), chinese["slug"]
        assert HAN.search(chinese["steps"][0]), chinese["slug"]
        assert "name_zh_hans" not in chinese  # one language per answer


@pytest.mark.django_db
def test_the_schema_documents_accept_language_on_the_library(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    for path in (
        "/api/v1/techniques/",
        "/api/v1/techniques/{slug}/",
        "/api/v1/tips/",
        "/api/v1/tips/{slug}/",
        "/api/v1/red-flags/",
        "/api/v1/red-flags/{slug}/",
        "/api/v1/foods/",
        "/api/v1/foods/{slug}/",
    ):
        parameters = schema["paths"][path]["get"]["parameters"]
        headers = [p for p in parameters if p["in"] == "header"]
        assert [p["name"] for p in headers] == ["Accept-Language"], path
        assert "zh-hans" in headers[0]["description"]
