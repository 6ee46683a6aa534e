"""OpenAPI generation: every operation documents the errors DRF really returns.

Schema-driven test tools (schemathesis) treat an undocumented status code as a failure, and
clients deserve to know that a bad field is a 400 with messages per field.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from cramps.text import sentences
from cramps.validators import EARLIEST_PATTERN, from_earliest

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_FIELD_ERRORS = {
    "type": "object",
    "description": gettext_lazy(
        "Messages per field name (a list of strings, or nested objects for nested fields); "
        "`non_field_errors` for the body as a whole."
    ),
    "additionalProperties": {},
}

# drf-spectacular marks these words of its own for translation but ships no Chinese; named here,
# they are in our catalogue, which gettext reads for every app's strings.
gettext_noop("No response body")
gettext_noop("Unspecified response body")
gettext_noop('Token-based authentication with required prefix "%s"')


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # drf-spectacular leaves out the length limit of a nested list (techniques_tried).
        limit = getattr(field, "max_length", None)
        if isinstance(field, serializers.ListSerializer) and limit is not None and schema:
            schema = {**schema, "maxItems": limit}
        if schema:
            schema = _limits_in_words(field, schema)
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {}
        if self.method in ("POST", "PUT", "PATCH"):
            errors["400"] = OpenApiResponse(
                _FIELD_ERRORS, _("Invalid input, with messages per field.")
            )
            errors["415"] = OpenApiResponse(_DETAIL, _("The body is not JSON."))
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            errors["429"] = OpenApiResponse(_DETAIL, _("Too many writes: wait and try again."))
        errors["401"] = OpenApiResponse(_DETAIL, _("Not signed in, or a wrong token."))
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            errors["403"] = OpenApiResponse(_DETAIL, _("Not allowed (e.g. a missing CSRF token)."))
        if "{" in self.path or self._is_list_view():
            # A detail URL of someone else's row, or a list page past the end.
            errors["404"] = OpenApiResponse(_DETAIL, _("Not found."))
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses


def _limits_in_words(field, schema: dict) -> dict:
    """The limits OpenAPI has no keyword for, as a pattern and in words: the floor of every
    logged date and time (`cramps.validators.EARLIEST`), and the decimals a number may have.
    (`multipleOf: 0.01` would state those, but JSON Schema validators check it in floating point
    and refuse 0.29.)"""
    words = None
    if isinstance(field, serializers.DateField | serializers.DateTimeField):
        if from_earliest(field.validators):
            schema = {**schema, "pattern": EARLIEST_PATTERN}
            words = _("From 1900-01-01 (UTC).")
            if isinstance(field, serializers.DateField):
                words = _("From 1900-01-01.")
    elif isinstance(field, serializers.DecimalField) and field.decimal_places is not None:
        words = _("At most %(places)s decimals.") % {"places": field.decimal_places}
    if words is None:
        return schema
    return {**schema, "description": sentences(schema.get("description"), words)}
