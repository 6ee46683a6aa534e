"""The pure parts of the account forms: default targets on a change of sex, zone names."""

import pytest
from django.core.exceptions import ValidationError

from cramps.forms.accounts import switched_targets, timezone_choices
from cramps.targets import default_targets
from cramps.validators import known_zone

FEMALE = {
    "drinks_target_ml": 1600,
    "potassium_target_mg": 2600,
    "calcium_target_mg": 1000,
    "magnesium_target_mg": 320,
    "sodium_target_mg": 2300,
}


def test_targets_at_the_old_defaults_follow_the_new_sex():
    male = default_targets("male")

    assert switched_targets(FEMALE, "female", "male") == {
        "drinks_target_ml": male.drinks_ml,
        "potassium_target_mg": male.potassium_mg,
        "calcium_target_mg": male.calcium_mg,
        "magnesium_target_mg": male.magnesium_mg,
        "sodium_target_mg": male.sodium_mg,
    }


def test_targets_the_user_chose_stay_unless_reset():
    chosen = {**FEMALE, "drinks_target_ml": 1800}

    assert switched_targets(chosen, "", "male")["drinks_target_ml"] == 1800
    assert switched_targets(chosen, "", "male", reset=True)["drinks_target_ml"] == 2000


def test_unspecified_sex_uses_the_lower_reference_values():
    assert switched_targets({**FEMALE, "magnesium_target_mg": 420}, "male", "") == {
        **FEMALE,
        "magnesium_target_mg": 320,
    }


@pytest.mark.parametrize(
    "typed, stored",
    [("Europe/Berlin", "Europe/Berlin"), ("  europe/berlin ", "Europe/Berlin"), ("utc", "UTC")],
)
def test_zone_names_are_stored_in_their_canonical_spelling(typed, stored):
    assert known_zone(typed) == stored


@pytest.mark.parametrize("typed", ["", "Berlin", "Europe/Atlantis", "../../etc/passwd"])
def test_unknown_zones_are_refused(typed):
    with pytest.raises(ValidationError, match="is not a time zone we know"):
        known_zone(typed)


def test_the_zone_list_offers_city_names_and_utc():
    zones = timezone_choices()

    assert "Europe/Berlin" in zones
    assert "UTC" in zones
    assert not any(z.startswith("Etc/") for z in zones)
