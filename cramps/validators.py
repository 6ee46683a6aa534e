import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

# Clocks on phones drift; a log a few minutes ahead is a typo we let through, more is not.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
# Earlier than this is a typo (a year of 0001 or 1026), and far enough from the calendar's edge
# that converting any zone's wall time to UTC and back cannot overflow.
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
# Planned exercise: reminders look ahead; a year is plenty and keeps times in range.
MAX_PLAN_AHEAD = dt.timedelta(days=366)

TOO_EARLY = "Enter a date after 1900."


def _not_too_early(value: dt.datetime) -> None:
    if value < EARLIEST:
        raise ValidationError(TOO_EARLY, code="too_early")


def not_in_future(value: dt.datetime) -> None:
    """For times of things that already happened (a cramp, a drink, a stretch)."""
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(
            "This time is in the future. Enter when it happened.", code="future_time"
        )


def plannable(value: dt.datetime) -> None:
    """For times that may lie ahead (an exercise session): from 1900 to a year from now."""
    _not_too_early(value)
    if value > timezone.now() + MAX_PLAN_AHEAD:
        raise ValidationError("Plan sessions up to a year ahead.", code="too_far_ahead")
