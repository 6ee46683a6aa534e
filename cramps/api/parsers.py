"""The API's JSON parser: every body that is not usable JSON is a 400 in JSON, never a 500."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's parser turns a `ValueError` into a 400, but not the `RecursionError` that
    deeply nested arrays (`[[[[...]]]]`, a few kilobytes) raise in Python's decoder."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error: the body is nested too deeply.")) from None
