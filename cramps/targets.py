"""Default daily targets from ../shared/domain.md (EFSA 2010: water; NIH ODS and NAM: minerals).

Pure functions: the sign-up form and the profile page use them to fill in defaults that the user
can change. Where sex is not given we use the lower reference values: nobody is pushed to drink or
supplement more than the smaller adult reference.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Targets:
    drinks_ml: int
    potassium_mg: int
    calcium_mg: int
    magnesium_mg: int
    sodium_mg: int


# EFSA: about 1.6 L (women) / 2.0 L (men) a day from drinks. Drink to thirst; never force fluid.
_FEMALE = Targets(
    drinks_ml=1600, potassium_mg=2600, calcium_mg=1000, magnesium_mg=320, sodium_mg=1500
)
_MALE = Targets(
    drinks_ml=2000, potassium_mg=3400, calcium_mg=1000, magnesium_mg=420, sodium_mg=1500
)


def default_targets(sex: str = "") -> Targets:
    return _MALE if sex == "male" else _FEMALE
