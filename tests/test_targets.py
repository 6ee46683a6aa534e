"""Targets and limits (cramps.targets): sodium a ceiling, supplement magnesium's upper limit,
calcium by age. The one place the today page and the API read them from."""

import datetime as dt

import pytest

from cramps.targets import (
    SODIUM_LIMIT_MG,
    SUPPLEMENT_MAGNESIUM_LIMIT_MG,
    MineralStatus,
    default_targets,
)

THIS_YEAR = dt.date(2026, 11, 24)


def test_sodium_is_a_limit_of_2300_mg_not_a_target_to_reach():
    assert default_targets().sodium_mg == default_targets("male").sodium_mg == SODIUM_LIMIT_MG
    under = MineralStatus("sodium", 1800, 2300)
    assert under.is_limit and not under.over_limit and under.warning == ""


def test_passing_the_sodium_limit_warns_with_both_figures():
    over = MineralStatus("sodium", 2600, 2300)
    assert over.over_limit
    assert over.percent == 100
    assert "2600 mg is over your sodium limit of 2300 mg" in over.warning
    assert "2,300 mg" in over.warning and "2,000 mg (WHO)" in over.warning


def test_a_target_mineral_past_its_target_gets_no_warning():
    assert MineralStatus("potassium", 5000, 2600).warning == ""
    assert not MineralStatus("potassium", 5000, 2600).is_limit


@pytest.mark.parametrize(
    ("supplement_mg", "warned"),
    [(0, False), (SUPPLEMENT_MAGNESIUM_LIMIT_MG, False), (SUPPLEMENT_MAGNESIUM_LIMIT_MG + 1, True)],
)
def test_supplement_magnesium_over_350_mg_is_warned_however_full_the_bar(supplement_mg, warned):
    # 600 mg in all, against a 320 mg target: the bar is full either way; only supplements count.
    status = MineralStatus("magnesium", 600, 320, supplement_mg)
    assert status.supplement_over_limit is warned
    assert ("upper limit for supplements" in status.warning) is warned


def test_food_magnesium_alone_is_never_warned():
    assert MineralStatus("magnesium", 900, 320, 0).warning == ""


def test_potassium_carries_the_kidney_and_blood_pressure_caution():
    caution = MineralStatus("potassium", 0, 2600).caution
    assert "kidney disease" in caution and "blood-pressure medicines" in caution
    assert MineralStatus("calcium", 0, 1000).caution == ""


@pytest.mark.parametrize(
    ("sex", "birth_year", "calcium"),
    [
        ("female", None, 1000),
        ("female", 1976, 1000),  # 50 this year
        ("female", 1975, 1200),  # 51
        ("male", 1975, 1000),
        ("male", 1956, 1000),  # 70
        ("male", 1955, 1200),  # 71
        ("", 1975, 1000),  # no sex given: the later age applies, never the higher figure on a guess
        ("", 1955, 1200),
    ],
)
def test_calcium_is_1200_mg_for_women_from_51_and_men_from_71(sex, birth_year, calcium):
    assert default_targets(sex, birth_year, THIS_YEAR).calcium_mg == calcium


def test_a_birth_year_needs_the_users_own_day_never_the_servers():
    with pytest.raises(TypeError, match="local day"):
        default_targets("female", 1975)
