"""The relief library fixtures: what the "cramp now" guide, the tips and the food log rely on.

The session-wide conftest loads fixtures/*.json once; these tests read those rows back and
also scan the raw JSON, so a careless edit to a fixture file fails here first.
"""

import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command

from cramps.models.library import (
    EvidenceLevel,
    FoodItem,
    PreventionTip,
    RedFlag,
    ReliefTechnique,
    TipEvidence,
)
from tests.conftest import LIBRARY_FIXTURES

FIXTURE_DIR = settings.BASE_DIR / "fixtures"
LIBRARY_MODELS = (ReliefTechnique, PreventionTip, RedFlag, FoodItem)

GUIDE_ORDER = [
    "cramp-stretch",
    "weizhong",
    "yanglingquan",
    "zusanli",
    "tiaokou",
    "chengshan",
    "calf-squeeze",
]
POINT_CODES = {
    "weizhong": "BL40",
    "yanglingquan": "GB34",
    "zusanli": "ST36",
    "tiaokou": "ST38",
    "chengshan": "BL57",
}
STRETCH_LOG_SLUGS = [
    "bedtime-routine",
    "calf-stretch",
    "hamstring-stretch",
    "quadriceps-stretch",
    "warm-up",
]
# The seed page's 11 tips with the evidence tag domain.md gives each.
TIP_EVIDENCE = {
    "ventilated-space": TipEvidence.NO_EVIDENCE,
    "fluids-long-exercise": TipEvidence.GENERAL_HEALTH,
    "dietary-minerals": TipEvidence.GENERAL_HEALTH,
    "loose-clothing": TipEvidence.NO_EVIDENCE,
    "check-gear-fit": TipEvidence.NO_EVIDENCE,
    "warm-up-stretch": TipEvidence.PLAUSIBLE,
    "keep-warm-after-cold": TipEvidence.TRADITIONAL,
    "relaxed-mood": TipEvidence.NO_EVIDENCE,
    "stretch-before-bed": TipEvidence.LOW_CERTAINTY_SUPPORTED,
    "avoid-overexertion": TipEvidence.PLAUSIBLE,
    "massage-before-exercise": TipEvidence.NO_EVIDENCE,
}
# (potassium, calcium, magnesium, sodium) in mg per portion, from USDA FoodData Central.
# domain.md's table differs in four cells, each checked against the single FDC food named in
# the row's source_url: 1% milk has 305 mg calcium and 107 mg sodium per cup (domain: 300,
# 105); plain low-fat yogurt has 415 mg calcium and 39 mg magnesium per 8 oz (domain: 448,
# 42, values of a different yogurt); boiled spinach has 122 mg calcium per 1/2 cup (domain: 120).
SEED_FOODS = {
    "banana": (422, 6, 32, 1),
    "milk": (366, 305, 27, 107),
    "yogurt": (531, 415, 39, 159),
    "spinach-cooked": (419, 122, 78, 63),
    "orange": (237, 52, 13, 0),
    "celery": (104, 16, 4, 32),
}
URGENCY_RANK = {
    RedFlag.Urgency.EMERGENCY: 0,
    RedFlag.Urgency.SAME_DAY: 1,
    RedFlag.Urgency.SEE_DOCTOR: 2,
}


def _raw(name):
    return (FIXTURE_DIR / f"{name}.json").read_text(encoding="utf-8")


def _rows(name):
    return json.loads(_raw(name))


def _strings(value):
    """Every piece of text in a fixture row, however deeply it sits in lists."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _counts():
    return {model.__name__: model.objects.count() for model in LIBRARY_MODELS}


# --- Techniques ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_cramp_now_guide_walks_through_the_seed_techniques_in_order():
    guide = ReliefTechnique.objects.filter(in_cramp_guide=True)

    assert list(guide.values_list("slug", flat=True)) == GUIDE_ORDER


@pytest.mark.django_db
def test_the_guide_starts_with_the_first_aid_stretch_not_a_massage():
    first = ReliefTechnique.objects.filter(in_cramp_guide=True).first()

    assert first.slug == "cramp-stretch"
    assert first.kind == ReliefTechnique.Kind.STRETCH
    assert not first.is_massage
    assert first.evidence == EvidenceLevel.SUPPORTED


@pytest.mark.django_db
def test_guide_steps_have_distinct_positions():
    orders = list(
        ReliefTechnique.objects.filter(in_cramp_guide=True).values_list("display_order", flat=True)
    )

    assert len(orders) == len(set(orders))


@pytest.mark.django_db
@pytest.mark.parametrize(("slug", "code"), POINT_CODES.items())
def test_each_seed_acupoint_carries_its_point_code_and_chinese_name(slug, code):
    point = ReliefTechnique.objects.get(slug=slug)

    assert point.point_code == code
    assert point.kind == ReliefTechnique.Kind.ACUPOINT
    assert re.search(r"[\u4e00-\u9fff]", point.native_name)


@pytest.mark.django_db
def test_every_technique_names_a_source_and_an_evidence_level():
    for technique in ReliefTechnique.objects.all():
        assert technique.source_url.startswith("http"), technique.slug
        assert technique.evidence in EvidenceLevel.values, technique.slug
        assert technique.summary.strip(), technique.slug


@pytest.mark.django_db
def test_every_acupoint_is_labelled_traditional_with_its_claim_stated_as_such():
    points = ReliefTechnique.objects.filter(kind=ReliefTechnique.Kind.ACUPOINT)

    assert points.count() == len(POINT_CODES)
    for point in points:
        assert point.is_traditional, point.slug
        assert point.traditional_claim.startswith("In traditional Chinese medicine"), point.slug
        assert point.is_massage, point.slug


@pytest.mark.django_db
def test_guide_techniques_take_30_to_60_seconds_in_short_ordered_steps():
    for technique in ReliefTechnique.objects.filter(in_cramp_guide=True):
        assert 30 <= technique.duration_seconds <= 60, technique.slug
        assert len(technique.steps) >= 3, technique.slug
        for step in technique.steps:
            assert step.endswith("."), (technique.slug, step)
            assert len(step) <= 160, (technique.slug, step)


@pytest.mark.django_db
def test_every_hands_on_technique_warns_never_to_massage_a_possible_clot():
    for technique in ReliefTechnique.objects.filter(is_massage=True):
        cautions = " ".join(technique.cautions).lower()

        assert "blood clot" in cautions, technique.slug
        assert "moderate" in cautions, technique.slug
        assert "numbness" in cautions, technique.slug


@pytest.mark.django_db
def test_chengshan_warns_against_strong_pressure_in_pregnancy():
    cautions = " ".join(ReliefTechnique.objects.get(slug="chengshan").cautions).lower()

    assert "pregnan" in cautions
    assert "avoid strong pressure" in cautions


@pytest.mark.django_db
def test_tiaokou_explains_it_is_the_seed_pages_mouth_point():
    tiaokou = ReliefTechnique.objects.get(slug="tiaokou")

    assert "mouth point" in tiaokou.evidence_note
    assert tiaokou.native_name == "条口"


@pytest.mark.django_db
@pytest.mark.parametrize("slug", STRETCH_LOG_SLUGS)
def test_stretch_log_techniques_stay_out_of_the_guide_and_need_no_massage(slug):
    technique = ReliefTechnique.objects.get(slug=slug)

    assert technique.is_stretch
    assert not technique.in_cramp_guide
    assert not technique.is_massage


@pytest.mark.django_db
def test_the_bedtime_routine_is_honest_about_mixed_trial_results():
    routine = ReliefTechnique.objects.get(slug="bedtime-routine")

    assert routine.kind == ReliefTechnique.Kind.ROUTINE
    assert routine.duration_seconds == 180
    assert routine.evidence == EvidenceLevel.LOW_CERTAINTY
    assert routine.source_url == "https://pubmed.ncbi.nlm.nih.gov/22341378/"
    assert "Coppin" in routine.evidence_note
    assert "no effect" in routine.evidence_note
    assert "Cochrane" in routine.evidence_note


@pytest.mark.django_db
def test_the_warm_up_admits_the_evidence_for_preventing_cramps_is_weak():
    warm_up = ReliefTechnique.objects.get(slug="warm-up")

    assert warm_up.evidence != EvidenceLevel.TRADITIONAL
    assert "weak" in warm_up.evidence_note


# --- Prevention tips -------------------------------------------------------------------------


@pytest.mark.django_db
def test_all_eleven_seed_tips_are_present_with_a_source_and_their_evidence_tag():
    tips = {tip.slug: tip for tip in PreventionTip.objects.all()}

    assert set(tips) == set(TIP_EVIDENCE)
    for slug, evidence in TIP_EVIDENCE.items():
        assert tips[slug].evidence == evidence, slug
        assert tips[slug].source_url.startswith("http"), slug
        assert tips[slug].category in PreventionTip.Category.values, slug
        assert tips[slug].body.strip(), slug


@pytest.mark.django_db
def test_the_fluids_tip_says_drink_to_thirst_and_warns_of_overhydration():
    tip = PreventionTip.objects.get(slug="fluids-long-exercise")

    assert "drink to thirst" in tip.note.lower()
    assert "hyponatraemia" in tip.note
    assert "acsm-csmr" in tip.source_url


@pytest.mark.django_db
def test_the_minerals_tip_calls_the_benefit_unproven_and_supplements_a_medical_decision():
    note = PreventionTip.objects.get(slug="dietary-minerals").note.lower()

    assert "no proven benefit for cramps" in note
    assert "only on medical advice" in note
    assert "potassium" in note
    assert "never take quinine" in note


# --- Safety wording across the raw files -----------------------------------------------------


@pytest.mark.parametrize("name", LIBRARY_FIXTURES)
def test_no_fixture_tells_anyone_to_press_hard(name):
    text = _raw(name).lower()

    # The Chinese too: 用力 ("use force") and 重按 ("press heavily"), even in a "don't".
    for phrase in ("press hard", "hard as you can", "forcibl", "用力", "重按"):
        assert phrase not in text, (name, phrase)


@pytest.mark.parametrize("name", ["techniques", "tips"])
def test_quinine_and_tonic_water_appear_only_in_a_warning(name):
    for text in _strings(_rows(name)):
        if text.startswith("https://"):
            continue  # a source's address: the FDA's warning names quinine
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            lowered = sentence.lower()
            if "quinine" in lowered or "tonic water" in lowered:
                assert re.search(r"\b(never|not)\b", lowered), sentence


@pytest.mark.parametrize("name", LIBRARY_FIXTURES)
def test_fixture_rows_use_slugs_as_natural_keys_not_primary_keys(name):
    for row in _rows(name):
        assert "pk" not in row
        assert row["model"].startswith("cramps.")
        assert row["fields"]["slug"]


# --- Red flags -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_red_flags_list_the_most_urgent_first():
    flags = list(RedFlag.objects.all())
    ranks = [URGENCY_RANK[flag.urgency] for flag in flags]

    assert flags[0].slug == "clot-with-breathlessness"
    assert flags[0].urgency == RedFlag.Urgency.EMERGENCY
    assert ranks == sorted(ranks)


@pytest.mark.django_db
def test_a_possible_clot_means_no_massage_and_care_today():
    flag = RedFlag.objects.get(slug="possible-clot")

    assert flag.urgency == RedFlag.Urgency.SAME_DAY
    assert "don't massage" in flag.action.lower()
    assert any("one leg" in sign for sign in flag.signs)


@pytest.mark.django_db
def test_a_clot_with_breathlessness_means_calling_the_emergency_number():
    flag = RedFlag.objects.get(slug="clot-with-breathlessness")

    assert "emergency number" in flag.action
    assert any("breathless" in sign.lower() for sign in flag.signs)


@pytest.mark.django_db
def test_every_red_flag_lists_signs_an_action_and_a_source():
    slugs = set()
    for flag in RedFlag.objects.all():
        slugs.add(flag.slug)
        assert flag.signs, flag.slug
        assert flag.action.strip(), flag.slug
        assert flag.source_url.startswith("http"), flag.slug

    assert {
        "possible-clot",
        "clot-with-breathlessness",
        "long-cramp",
        "toxins-or-tetanus",
        "frequent-cramps",
        "medicines",
        "claudication",
        "pregnancy",
    } <= slugs


# --- Foods -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("slug", "values"), SEED_FOODS.items())
def test_the_seed_foods_carry_their_usda_mineral_values(slug, values):
    food = FoodItem.objects.get(slug=slug)

    minerals = food.minerals()
    assert (
        minerals["potassium"],
        minerals["calcium"],
        minerals["magnesium"],
        minerals["sodium"],
    ) == values
    assert food.source_url.startswith("https://fdc.nal.usda.gov/")


@pytest.mark.django_db
def test_every_food_links_the_entry_its_numbers_come_from_never_a_search():
    for food in FoodItem.objects.all():
        assert "search" not in food.source_url and "query=" not in food.source_url, food.slug
        if food.kind != FoodItem.Kind.SUPPLEMENT:
            assert re.match(r"https://fdc\.nal\.usda\.gov/food-details/\d+/", food.source_url)


@pytest.mark.django_db
def test_the_magnesium_supplement_warns_about_the_upper_limit():
    tablet = FoodItem.objects.get(slug="magnesium-tablet")

    assert tablet.kind == FoodItem.Kind.SUPPLEMENT
    assert tablet.magnesium_mg == 250
    assert "350 mg" in tablet.note
    assert "doctor" in tablet.note


@pytest.mark.django_db
def test_the_food_list_offers_drinks_and_a_salty_snack_as_well_as_foods():
    kinds = set(FoodItem.objects.values_list("kind", flat=True))

    assert kinds == {FoodItem.Kind.FOOD, FoodItem.Kind.DRINK, FoodItem.Kind.SUPPLEMENT}
    assert FoodItem.objects.get(slug="sports-drink").sodium_mg > 0
    assert FoodItem.objects.get(slug="salted-cashews").sodium_mg > 100


# --- Loading ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_fixture_row_passes_model_validation():
    for model in LIBRARY_MODELS:
        for row in model.objects.all():
            row.full_clean()


@pytest.mark.django_db
def test_the_database_holds_exactly_the_rows_in_the_fixture_files():
    expected = {
        model.__name__: len(_rows(name))
        for model, name in zip(LIBRARY_MODELS, LIBRARY_FIXTURES, strict=True)
    }

    assert _counts() == expected


@pytest.mark.django_db
def test_loading_the_library_again_changes_no_row_counts():
    before = _counts()

    call_command("loaddata", *LIBRARY_FIXTURES, verbosity=0)

    assert _counts() == before


@pytest.mark.django_db
def test_loading_the_library_again_restores_an_edited_row_in_place():
    tip = PreventionTip.objects.get(slug="fluids-long-exercise")
    PreventionTip.objects.filter(pk=tip.pk).update(note="edited by hand")

    call_command("loaddata", "tips", verbosity=0)

    reloaded = PreventionTip.objects.get(slug="fluids-long-exercise")
    assert reloaded.pk == tip.pk
    assert reloaded.note == tip.note


@pytest.mark.django_db
def test_the_library_loads_into_an_empty_database():
    for model in LIBRARY_MODELS:
        model.objects.all().delete()
    assert set(_counts().values()) == {0}

    call_command("loaddata", *LIBRARY_FIXTURES, verbosity=0)

    assert _counts() == {
        model.__name__: len(_rows(name))
        for model, name in zip(LIBRARY_MODELS, LIBRARY_FIXTURES, strict=True)
    }


def test_the_clot_answer_in_the_guide_covers_both_clot_flags_and_pregnancy(db):
    clot_flags = set(RedFlag.objects.filter(about_clot=True).values_list("slug", flat=True))
    assert clot_flags == {"clot-with-breathlessness", "possible-clot", "pregnancy"}


# --- The content review (issue 10, section 5) ---------------------------------------------------

NHS_INFORM = "https://www.nhsinform.scot/"
NIDIRECT = "https://www.nidirect.gov.uk/"
SEED = "http://m.zhiys.com/web/8784.html"


@pytest.mark.django_db
def test_chengshan_lies_halfway_between_the_knee_crease_and_the_ankle():
    location = ReliefTechnique.objects.get(slug="chengshan").location
    assert "between the knee crease and the ankle" in location
    assert "heel" not in location


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["quadriceps-stretch", "warm-up"])
def test_untested_techniques_are_plausible_not_low_certainty(slug):
    technique = ReliefTechnique.objects.get(slug=slug)
    assert technique.evidence == EvidenceLevel.PLAUSIBLE
    assert technique.get_evidence_display() == "Plausible, not tested"


@pytest.mark.parametrize("name", ["techniques", "red_flags", "tips"])
def test_pressure_is_always_gentle_to_moderate_and_comfortable(name):
    for text in _strings(_rows(name)):
        lowered = text.lower()
        if "pressure" in lowered and "moderate" in lowered:
            assert "gentle to moderate, comfortable pressure" in lowered, text
    assert "firm but comfortable" not in _raw(name)


@pytest.mark.django_db
def test_weizhong_names_its_pressure_once():
    weizhong = ReliefTechnique.objects.get(slug="weizhong")
    texts = " ".join([*weizhong.steps, *weizhong.cautions])
    assert texts.count("pressure") == 2  # one step and the shared caution, the same words
    assert texts.count("gentle to moderate, comfortable pressure") == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "source"),
    [("long-cramp", NHS_INFORM), ("toxins-or-tetanus", NHS_INFORM), ("frequent-cramps", NIDIRECT)],
)
def test_red_flags_point_to_a_page_that_says_what_the_row_says(slug, source):
    assert RedFlag.objects.get(slug=slug).source_url.startswith(source)


@pytest.mark.django_db
def test_the_clot_signs_are_in_our_own_words():
    raw = _raw("red_flags")
    for nhs_words in ("hard or sore when you touch them", "harder to see on brown or black skin"):
        assert nhs_words not in raw
    signs = " ".join(RedFlag.objects.get(slug="possible-clot").signs)
    assert "darker" in signs and "brown or black skin" in signs


@pytest.mark.django_db
def test_tips_from_the_seed_page_say_so_and_carry_a_supporting_source():
    from_seed = PreventionTip.objects.filter(origin_url=SEED)
    assert from_seed.count() == 6
    assert not PreventionTip.objects.filter(source_url=SEED).exists()
    for tip in from_seed:
        assert tip.source_url.startswith("https://"), tip.slug


@pytest.mark.django_db
def test_the_minerals_tip_links_the_fda_quinine_warning():
    tip = PreventionTip.objects.get(slug="dietary-minerals")
    assert any(s.startswith("https://www.fda.gov/") and "quinine" in s for s in tip.more_sources)
