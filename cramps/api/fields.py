"""Serializer fields with the API's rules for times and library references."""

import datetime as dt
from zoneinfo import ZoneInfoNotFoundError

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import slug_re
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cramps.validators import utc_from_wall_time


def _user_zone(context):
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return dt.UTC
    try:
        return user.tz
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


class LocalDateTimeField(serializers.DateTimeField):
    """ISO 8601 in; a time without an offset is the user's wall time (`user.tz`). Out in UTC.

    The web forms read a `datetime-local` value the same way (the user's zone is active there),
    so a phone shortcut that sends "2026-03-10T23:40" means what the user saw on their clock.
    """

    default_error_messages = {
        "make_aware": _(
            "This local time does not exist in {timezone} (the clocks skipped it). "
            "Give the time with an offset, e.g. 2026-03-29T03:30:00+02:00."
        ),
    }

    def default_timezone(self):
        return dt.UTC

    def enforce_timezone(self, value):
        # The web forms' rules (`utc_from_wall_time`): a repeated wall time (fall back) is its
        # first occurrence; a skipped one, or one too far out to convert, is a message.
        zone = _user_zone(self.context)
        try:
            return utc_from_wall_time(value, zone)
        except DjangoValidationError as error:
            if error.code == "skipped_time":
                self.fail("make_aware", timezone=zone)
            raise serializers.ValidationError(error.messages, code=error.code) from None


SLUG_MAX_LENGTH = 60


@extend_schema_field(
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": SLUG_MAX_LENGTH}
)
class LibrarySlugField(serializers.SlugRelatedField):
    """A relief library row named by its slug; anything that is not a known slug is a 400.

    `noun` names the row in the message ("food"), `listing` where the slugs are listed; both
    are filled in with the slug when a message is made, in the request's language (DRF formats
    its field messages with named {braces})."""

    default_error_messages = {
        "does_not_exist": _('No {noun} with the slug "{value}". See {listing}.'),
        "invalid": _('Give the {noun}\'s slug as text, e.g. "banana". See {listing}.'),
    }

    def __init__(self, noun, listing, **kwargs):
        self.noun, self.listing = noun, listing
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)

    def fail(self, key, **kwargs):
        kwargs.setdefault("noun", self.noun)
        kwargs.setdefault("listing", self.listing)
        super().fail(key, **kwargs)

    def to_internal_value(self, data):
        # Checked before the query: some databases reject odd text (NUL bytes) with an error.
        if not isinstance(data, str) or len(data) > SLUG_MAX_LENGTH or not slug_re.match(data):
            self.fail("invalid")
        return super().to_internal_value(data)
