import datetime as dt
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Clocks on phones drift; a log a few minutes ahead is a typo we let through, more is not.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
# Earlier than this is a typo (a year of 0001 or 1026), and far enough from the calendar's edge
# that converting any zone's wall time to UTC and back cannot overflow.
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
# The same floor as the API schema states it: an ISO 8601 date or date-time whose year is 1900 or
# later (a JSON Schema pattern; OpenAPI has no minimum for dates).
EARLIEST_PATTERN = r"^(19[0-9]{2}|[2-9][0-9]{3})-"
# Planned exercise: reminders look ahead; a year is plenty and keeps times in range.
MAX_PLAN_AHEAD = dt.timedelta(days=366)

TOO_EARLY = _("Enter a date after 1900.")
TOO_LATE = _("This time is too far in the future.")


WHOLE_NUMBER = _("Enter a whole number, e.g. 250.")


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def known_zone(value) -> str:
    """The IANA name of the zone `value` names, in any case ("europe/berlin" -> "Europe/Berlin"),
    or a ValidationError: the one rule for a user's zone (the profile, sign-up and imports)."""
    name = _zones_by_lower_name().get(value.strip().lower()) if isinstance(value, str) else None
    if name is None:
        raise ValidationError(
            _(
                "“%(value)s” is not a time zone we know. Pick one from the list, "
                "for example Europe/Berlin or America/New_York."
            ),
            code="unknown_timezone",
            params={"value": value},
        )
    return name


def _not_too_early(value: dt.datetime) -> None:
    if value < EARLIEST:
        raise ValidationError(TOO_EARLY, code="too_early")


def not_before_1900(value: dt.date) -> None:
    """For dates (a check-in): the same floor as every logged time."""
    if value < EARLIEST.date():
        raise ValidationError(TOO_EARLY, code="too_early")


@deconstructible
class Between:
    """A number from `low` to `high` (inclusive), with one message that names the range in words.

    The one statement of a limit: a model field carries it, and the web forms
    (`cramps.forms.rules`), the API (`cramps.api.serializers`) and the admin all read it from
    there, so a bad value gets the same words everywhere. With `places`, at most that many
    decimals. Not a Min/MaxValueValidator on purpose: DRF would swap those for its own messages.
    """

    def __init__(self, low, high, unit="", message=None, invalid=None, places=None):
        self.low, self.high, self.unit, self.places = low, high, unit, places
        self._message, self._invalid = message, invalid

    @property
    def message(self) -> str:
        """The range in words, e.g. "Enter a number from 1 to 5,000 ml."."""
        if self._message is not None:
            return str(self._message)
        return _("Enter a number from %(low)s to %(high)s%(unit)s.") % {
            "low": f"{self.low:,}",
            "high": f"{self.high:,}",
            "unit": self.unit,
        }

    @property
    def invalid(self) -> str:
        """The words for a value that is not a number. Lazy: a form field built once, at import,
        says them in each reader's language."""
        return self._invalid if self._invalid is not None else WHOLE_NUMBER

    @property
    def too_many_places(self) -> str:
        return _("Use at most %(places)s decimals, e.g. 0.25.") % {"places": self.places}

    def __call__(self, value) -> None:
        # Range first: 1e-30 is "out of range", not "too many decimals".
        if not self.low <= value <= self.high:
            raise ValidationError(self.message, code="out_of_range")
        if self.places is not None and value != round(Decimal(value), self.places):
            raise ValidationError(self.too_many_places, code="max_decimal_places")

    def __eq__(self, other):
        return isinstance(other, Between) and self.deconstruct() == other.deconstruct()


def one_line(text: str) -> str:
    """Runs of whitespace as one space: an activity becomes a reminder email's subject."""
    return " ".join(text.split())


def rule_of(model_field) -> Between | None:
    """The `Between` limit a model field carries, if any."""
    return next((v for v in model_field.validators if isinstance(v, Between)), None)


def not_in_future(value: dt.datetime) -> None:
    """For times of things that already happened (a cramp, a drink, a stretch): not in the
    future, and not before 1900."""
    _not_too_early(value)
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(
            _("This time is in the future. Enter when it happened."), code="future_time"
        )


def plannable(value: dt.datetime) -> None:
    """For times that may lie ahead (an exercise session): from 1900 to a year from now."""
    _not_too_early(value)
    if value > timezone.now() + MAX_PLAN_AHEAD:
        raise ValidationError(_("Plan sessions up to a year ahead."), code="too_far_ahead")


def from_earliest(validators) -> bool:
    """Whether a field's validators hold its date or time to `EARLIEST`."""
    return any(v in (not_before_1900, not_in_future, plannable) for v in validators)


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
                _(
                    "%(time)s does not exist in %(zone)s: the clocks skipped it. "
                    "Enter the time your clock showed."
                ),
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
