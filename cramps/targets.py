"""Daily targets and limits from ../shared/domain.md (EFSA 2010: water; NIH ODS and NAM: minerals).

Pure functions, the one place for these rules: the sign-up and profile forms use them to fill in
defaults the user can change; the day's totals (the today page) and the API read a day's status
and its warnings from `mineral_status`. Where sex is not given we use the lower reference values:
nobody is pushed to drink or supplement more than the smaller adult reference.

Sodium is a limit, not a target: the profile's sodium figure is the amount to stay under.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Targets:
    drinks_ml: int
    potassium_mg: int
    calcium_mg: int
    magnesium_mg: int
    sodium_mg: int


# NAM (2019): reduce sodium if above 2,300 mg a day; WHO: under 2,000 mg (5 g of salt).
SODIUM_LIMIT_MG = 2300
SODIUM_WHO_LIMIT_MG = 2000
# NIH ODS: the upper limit for magnesium from supplements (food does not count), adults.
SUPPLEMENT_MAGNESIUM_LIMIT_MG = 350
# Minerals whose profile figure is a ceiling to stay under, not an amount to reach.
LIMIT_MINERALS = frozenset({"sodium"})
# Each mineral's name as a sentence says it ("your logged calcium today"); `label` for a heading.
MINERAL_NAMES = {
    "potassium": gettext_lazy("potassium"),
    "calcium": gettext_lazy("calcium"),
    "magnesium": gettext_lazy("magnesium"),
    "sodium": gettext_lazy("sodium"),
}
# NIH ODS: calcium 1,200 mg a day for women from 51 and men from 71 (1,000 mg otherwise).
OLDER_CALCIUM_MG = 1200
_OLDER_CALCIUM_FROM_AGE = {"female": 51, "male": 71, "": 71}

# EFSA: about 1.6 L (women) / 2.0 L (men) a day from drinks. Drink to thirst; never force fluid.
_FEMALE = Targets(
    drinks_ml=1600, potassium_mg=2600, calcium_mg=1000, magnesium_mg=320, sodium_mg=SODIUM_LIMIT_MG
)
_MALE = Targets(
    drinks_ml=2000, potassium_mg=3400, calcium_mg=1000, magnesium_mg=420, sodium_mg=SODIUM_LIMIT_MG
)


def age_this_year(birth_year: int | None, today: dt.date | None) -> int | None:
    """The age reached this year (a birth year alone can't say whether the birthday has passed).

    `today` is the user's local day (`User.local_today()`): the year turns at their midnight,
    not the server's, so there is no fallback to the server's date.
    """
    if birth_year is None:
        return None
    if today is None:
        raise TypeError("an age from a birth year needs the user's local day (today=...)")
    return today.year - birth_year


def default_targets(
    sex: str = "", birth_year: int | None = None, today: dt.date | None = None
) -> Targets:
    base = _MALE if sex == "male" else _FEMALE
    age = age_this_year(birth_year, today)
    # Without a sex, the later age (men's) applies: never the higher figure on a guess.
    if age is not None and age >= _OLDER_CALCIUM_FROM_AGE.get(sex, 71):
        return Targets(**{**base.__dict__, "calcium_mg": OLDER_CALCIUM_MG})
    return base


def potassium_caution() -> str:
    return _(
        "If you have kidney disease or take some blood-pressure medicines (such as ACE "
        "inhibitors or potassium-sparing diuretics), ask your doctor before eating more potassium."
    )


def percent(amount: int, target: int) -> int:
    """Progress for a bar, capped at 100: a bar never invites going past a target or a limit."""
    if target <= 0:
        return 0
    return min(100, round(100 * amount / target))


@dataclass(frozen=True)
class MineralStatus:
    """One mineral of one day: the logged amount against the user's target or limit."""

    name: str
    mg: int
    target_mg: int
    # Magnesium from supplements only (entries typed in, or catalogue supplements).
    supplement_mg: int = 0

    @property
    def label(self) -> str:
        """The mineral's name as a heading, in the reader's language ("Potassium", "钾")."""
        return capfirst(str(MINERAL_NAMES.get(self.name, self.name)))

    @property
    def is_limit(self) -> bool:
        return self.name in LIMIT_MINERALS

    @property
    def percent(self) -> int:
        """The bar's fill, capped at 100: past a limit the warning speaks, not the bar."""
        return percent(self.mg, self.target_mg)

    @property
    def over_limit(self) -> bool:
        return self.is_limit and self.mg > self.target_mg

    @property
    def supplement_over_limit(self) -> bool:
        return self.name == "magnesium" and self.supplement_mg > SUPPLEMENT_MAGNESIUM_LIMIT_MG

    @property
    def warning(self) -> str:
        if self.over_limit:
            return _(
                "%(mg)s mg is over your sodium limit of %(limit)s mg. Health bodies advise "
                "staying under 2,300 mg a day (US National Academies), or 2,000 mg (WHO)."
            ) % {"mg": self.mg, "limit": self.target_mg}
        if self.supplement_over_limit:
            return _(
                "%(mg)s mg of magnesium from supplements today: over the 350 mg a day upper "
                "limit for supplements (NIH). Too much can cause diarrhoea; check with a doctor "
                "or pharmacist."
            ) % {"mg": self.supplement_mg}
        return ""

    @property
    def caution(self) -> str:
        """Said wherever more of this mineral is suggested."""
        return potassium_caution() if self.name == "potassium" else ""

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "mg": self.mg,
            "target_mg": self.target_mg,
            "is_limit": self.is_limit,
            "supplement_mg": self.supplement_mg,
            "warning": self.warning,
            "caution": self.caution,
        }
