import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

# Clocks on phones drift; a log a few minutes ahead is a typo we let through, more is not.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)


def not_in_future(value: dt.datetime) -> None:
    """For times of things that already happened (a cramp, a drink, a stretch)."""
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(
            "This time is in the future. Enter when it happened.", code="future_time"
        )
