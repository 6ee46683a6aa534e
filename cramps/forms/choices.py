"""The quick choices of the log forms and the today page's one-tap buttons."""

from django.utils.translation import gettext_lazy as _

from cramps.models import CrampEpisode

# The one-tap drink buttons on the today page, in ml.
QUICK_DRINKS_ML = (150, 250, 500)

# Quick duration choices for a cramp: (key, label, seconds stored). The stored figure is a
# representative value inside the range; "over 10 min" stays over the red-flag threshold.
DURATIONS = (
    ("lt1", _("Under 1 min"), 30),
    ("1to5", _("1-5 min"), 180),
    ("5to10", _("5-10 min"), 450),
    ("gt10", _("Over 10 min"), 900),
)
DEFAULT_DURATION = "1to5"
_DURATION_SECONDS = {key: seconds for key, _label, seconds in DURATIONS}


def seconds_for_duration(key: str) -> int:
    return _DURATION_SECONDS[key]


def duration_for_seconds(seconds: int) -> str:
    """The quick choice a stored duration falls in (an edit form shows it selected)."""
    if seconds < 60:
        return "lt1"
    if seconds <= 300:
        return "1to5"
    if seconds <= CrampEpisode.LONG_CRAMP_SECONDS:
        return "5to10"
    return "gt10"
