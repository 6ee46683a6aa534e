"""Form fields that carry a model field's limit (`cramps.validators.Between`) and its words.

The limit is stated once, on the model field; these build the form side from it, so a form and
the API refuse the same value with the same message. The form field runs the one validator (a
number out of range gets one message, never "Ensure this value..." beside ours); the `min` and
`max` attributes let a phone show the right keypad and range.
"""

from django import forms
from django.db import models

from cramps.validators import Between, rule_of


def _attrs(rule: Between) -> dict:
    attrs = {"min": rule.low, "max": rule.high}
    attrs["inputmode"] = "decimal" if rule.places else "numeric"
    return attrs


def number_field(rule: Between, **kwargs) -> forms.Field:
    """A number input with `rule` as its only check."""
    decimal = rule.places is not None
    field_class = forms.DecimalField if decimal else forms.IntegerField
    widget = kwargs.pop("widget", None) or forms.NumberInput()
    widget.attrs = {**_attrs(rule), **widget.attrs}
    return field_class(
        validators=[rule],
        widget=widget,
        error_messages={"invalid": rule.invalid, **kwargs.pop("error_messages", {})},
        **kwargs,
    )


def model_number(model, name: str, **kwargs) -> forms.Field:
    """The form field of a model's number field, with the field's own limit and words."""
    model_field = model._meta.get_field(name)
    rule = rule_of(model_field)
    kwargs.setdefault("label", model_field.verbose_name.capitalize())
    kwargs.setdefault("required", not model_field.blank)
    return number_field(rule, **kwargs)


def formfield_with_rules(model_field: models.Field, **kwargs) -> forms.Field | None:
    """`Meta.formfield_callback` for model forms: number fields with a `Between` get it."""
    rule = rule_of(model_field)
    if rule is None:
        return model_field.formfield(**kwargs)
    kwargs.setdefault("required", not model_field.blank)
    kwargs.setdefault("label", model_field.verbose_name.capitalize())
    if model_field.has_default():
        kwargs.setdefault("initial", model_field.get_default())
    return number_field(rule, **kwargs)
