import datetime as dt
from zoneinfo import ZoneInfo

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
TOO_LATE = "This time is too far in the future."


def _not_too_early(value: dt.datetime) -> None:
    if value < EARLIEST:
        raise ValidationError(TOO_EARLY, code="too_early")


def not_in_future(value: dt.datetime) -> None:
    """For times of things that already happened (a cramp, a drink, a stretch): not in the
    future, and not before 1900."""
    _not_too_early(value)
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(
            "This time is in the future. Enter when it happened.", code="future_time"
        )


def plannable(value: dt.datetime) -> None:
    """For times that may lie ahead (an exercise session): from 1900 to a year from now."""
    _not_too_early(value)
    if value > timezone.now() + MAX_PLAN_AHEAD:
        raise ValidationError("Plan sessions up to a year ahead.", code="too_far_ahead")


def utc_from_wall_time(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A naive wall time on a clock in `zone` as a UTC instant (an aware one is only converted).

    A time the clocks repeat (fall back) is read as its first occurrence, as a phone shows it
    first: a cramp at 01:30 on the night the clocks go back can be logged. A time the clocks
    skipped (spring forward) never happened there, and a time too far from today to convert is
    a typo: both are a `ValidationError` for the field, never an exception from deep inside.
    """
    try:
        if timezone.is_aware(value):
            return value.astimezone(dt.UTC)
        local = value.replace(tzinfo=zone, fold=0)
        as_utc = local.astimezone(dt.UTC)
        # A skipped wall time does not survive the round trip.
        if as_utc.astimezone(zone).replace(tzinfo=None) != value.replace(fold=0):
            raise ValidationError(
                "%(time)s does not exist in %(zone)s: the clocks skipped it. "
                "Enter the time your clock showed.",
                code="skipped_time",
                params={"time": f"{value:%Y-%m-%d %H:%M}", "zone": _zone_name(zone)},
            )
        return as_utc
    except (OverflowError, ValueError):
        raise ValidationError(
            TOO_EARLY if value.year < EARLIEST.year else TOO_LATE, code="out_of_range"
        ) from None


def _zone_name(zone: dt.tzinfo) -> str:
    return zone.key if isinstance(zone, ZoneInfo) else str(zone)
