"""The API's JSON shapes.

The rules are the models', so the API refuses what the web forms refuse, in the same words:
ModelSerializer copies each model field's validators (not in the future, notes up to 10,000
characters), `_LogSerializer` turns a field's `Between` limit into the serializer's range (and
the schema's minimum and maximum) with the limit's own message, and runs the model's `clean()`
(a session that starts later can't be done, one-line activities, a cramp's default context).
What an intake entry is made of is `IntakeEntry.set_contents`, as in the web form.
"""

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings

from cramps.forms import choices
from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    PreventionTip,
    RedFlag,
    ReliefTechnique,
    StretchEntry,
    TechniqueTrial,
)
from cramps.models.logs import DEFAULT_INTAKE_LABEL
from cramps.reminders import schedule
from cramps.validators import Between, rule_of

from .fields import LibrarySlugField, LocalDateTimeField


def model_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A model's ValidationError in the API's shape: its words per field, and a rule about the
    whole entry under `non_field_errors`, as the schema documents (not Django's `__all__`)."""
    detail = serializers.as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return serializers.ValidationError(detail)


# Shortcut defaults: what a one-tap log fills in when the client leaves a field out. The
# duration is the web form's default choice ("1-5 min").
DEFAULT_CRAMP_SECONDS = choices.seconds_for_duration(choices.DEFAULT_DURATION)

_READ_ONLY = ["id", "created_at", "updated_at"]


def _range_kwargs(rule: Between, kwargs: dict) -> dict:
    """A model field's `Between` as the serializer field's range: the schema shows the limits,
    and every way out of range (DRF's digit checks of a decimal included) gets its words."""
    kwargs["validators"] = [v for v in kwargs.get("validators", []) if v is not rule]
    kwargs.update(min_value=rule.low, max_value=rule.high)
    words = dict.fromkeys(
        ["min_value", "max_value", "max_digits", "max_whole_digits"], rule.message
    )
    if rule.places is not None:
        words["max_decimal_places"] = rule.too_many_places
    kwargs["error_messages"] = {"invalid": rule.invalid, **words}
    return kwargs


class _LogSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: LocalDateTimeField,
    }

    @property
    def _user(self):
        return self.context["request"].user

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        rule = rule_of(model_field)
        if rule is not None:
            kwargs = _range_kwargs(rule, kwargs)
        return field_class, kwargs

    def validate(self, attrs):
        """The model's own `clean()` on the entry as it would be saved: the rules across fields
        that the web forms and the admin run too. What it normalises is what gets saved."""
        model = self.Meta.model
        entry = copy.copy(self.instance) if self.instance is not None else model(user=self._user)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        for name, value in attrs.items():
            if any(f.name == name for f in fields):
                setattr(entry, name, value)
        before = {f.attname: getattr(entry, f.attname) for f in fields}
        try:
            entry.clean()
        except DjangoValidationError as error:
            raise model_error(error) from None
        changed = {
            f.name: getattr(entry, f.name)
            for f in fields
            if f.name != "user" and getattr(entry, f.attname) != before[f.attname]
        }
        return {**attrs, **changed}


# --- Cramp episodes -------------------------------------------------------------------------


class TechniqueTrialSerializer(serializers.ModelSerializer):
    technique = LibrarySlugField(
        pgettext_lazy("a library row", "technique"),
        "/api/v1/techniques/",
        queryset=ReliefTechnique.objects.all(),
    )

    class Meta:
        model = TechniqueTrial
        fields = ["technique", "outcome"]


class CrampEpisodeSerializer(_LogSerializer):
    techniques_tried = TechniqueTrialSerializer(
        many=True, source="trials", required=False, max_length=20
    )
    is_long = serializers.BooleanField(
        read_only=True,
        help_text=_("Longer than 10 minutes: a reason to seek medical advice."),
    )

    class Meta:
        model = CrampEpisode
        fields = [
            "id",
            "started_at",
            "duration_seconds",
            "side",
            "muscle",
            "severity",
            "context",
            "notes",
            "techniques_tried",
            "is_long",
            "client_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = _READ_ONLY
        extra_kwargs = {
            "started_at": {"required": False, "help_text": _("Defaults to now on create.")},
            "duration_seconds": {
                "required": False,
                "help_text": format_lazy(
                    _("Defaults to {seconds} on create."), seconds=DEFAULT_CRAMP_SECONDS
                ),
            },
            "muscle": {"help_text": _("Defaults to calf on create.")},
            "context": {
                "required": False,
                "help_text": _(
                    "Left out or empty: asleep between the user's bedtime and wake time (a "
                    "night cramp, counted by the bedtime reminder), else rest."
                ),
            },
        }

    def validate_techniques_tried(self, trials):
        slugs = [trial["technique"].slug for trial in trials]
        if len(slugs) != len(set(slugs)):
            raise serializers.ValidationError(_("List each technique once."))
        return trials

    @transaction.atomic
    def create(self, validated_data):
        trials = validated_data.pop("trials", [])
        validated_data.setdefault("started_at", timezone.now())
        validated_data.setdefault("duration_seconds", DEFAULT_CRAMP_SECONDS)
        # No context: the model's default from the user's night (`CrampEpisode.save`).
        episode = CrampEpisode.objects.create(**validated_data)
        self._write_trials(episode, trials)
        return episode

    @transaction.atomic
    def update(self, instance, validated_data):
        # Sent: the list replaces the episode's trials. Left out: they stay as they are.
        trials = validated_data.pop("trials", None)
        validated_data.pop("client_id", None)  # set once, by the device that made the entry
        episode = super().update(instance, validated_data)
        if trials is not None:
            episode.trials.all().delete()
            self._write_trials(episode, trials)
        return episode

    @staticmethod
    def _write_trials(episode, trials):
        TechniqueTrial.objects.bulk_create(TechniqueTrial(episode=episode, **t) for t in trials)


# --- Drinks, minerals, stretches, exercise ---------------------------------------------------


class HydrationEntrySerializer(_LogSerializer):
    class Meta:
        model = HydrationEntry
        fields = ["id", "at", "amount_ml", "drink", "client_id", "created_at", "updated_at"]
        read_only_fields = _READ_ONLY
        extra_kwargs = {
            "at": {"required": False, "help_text": _("Defaults to now on create.")},
            "drink": {"help_text": _("Defaults to water on create.")},
        }

    def create(self, validated_data):
        validated_data.setdefault("at", timezone.now())
        return super().create(validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("client_id", None)  # set once, by the device that made the entry
        return super().update(instance, validated_data)


_MG_FIELDS = list(IntakeEntry.MINERAL_FIELDS)


class IntakeEntrySerializer(_LogSerializer):
    food = LibrarySlugField(
        pgettext_lazy("a library row", "food"),
        "/api/v1/foods/",
        queryset=FoodItem.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A food's slug; its mg figures times servings are computed and stored."),
    )

    class Meta:
        model = IntakeEntry
        fields = ["id", "at", "food", "servings", "label", *_MG_FIELDS, "created_at", "updated_at"]
        read_only_fields = _READ_ONLY
        extra_kwargs = {
            "at": {"required": False, "help_text": _("Defaults to now on create.")},
            "servings": {"help_text": _("With a food only; defaults to 1.")},
            "label": {
                "help_text": format_lazy(
                    _('What was taken, with direct amounts; defaults to "{label}".'),
                    label=DEFAULT_INTAKE_LABEL,
                )
            },
            **{
                name: {"help_text": _("Direct amount (no food), or computed from the food.")}
                for name in _MG_FIELDS
            },
        }

    def validate(self, attrs):
        entry = self.instance
        food = attrs["food"] if "food" in attrs else getattr(entry, "food", None)
        # With a food, only amounts sent now compete with it (the stored ones were computed).
        # Without one, amounts not sent stay, unless they were computed from a food now removed.
        keep = entry is not None and entry.food_id is None and food is None
        amounts = {
            name: attrs.get(name, getattr(entry, name) if keep else 0) for name in _MG_FIELDS
        }
        servings = attrs.get("servings")
        if food is not None and servings is None and entry is not None and entry.food_id:
            servings = entry.servings
        label = attrs.get("label", getattr(entry, "label", ""))
        contents = IntakeEntry()
        try:
            contents.set_contents(food, servings, label, amounts)
        except DjangoValidationError as error:
            raise model_error(error) from None
        fields = ["food", "servings", "label", *_MG_FIELDS]
        return super().validate({**attrs, **{n: getattr(contents, n) for n in fields}})

    def create(self, validated_data):
        validated_data.setdefault("at", timezone.now())
        return super().create(validated_data)


class StretchEntrySerializer(_LogSerializer):
    technique = LibrarySlugField(
        pgettext_lazy("a library row", "stretch"),
        _("/api/v1/techniques/ (kind stretch or routine)"),
        queryset=ReliefTechnique.objects.filter(
            kind__in=[ReliefTechnique.Kind.STRETCH, ReliefTechnique.Kind.ROUTINE]
        ),
    )

    class Meta:
        model = StretchEntry
        fields = ["id", "at", "technique", "duration_minutes", "occasion"]
        fields += ["created_at", "updated_at"]
        read_only_fields = _READ_ONLY
        extra_kwargs = {"at": {"required": False, "help_text": _("Defaults to now on create.")}}

    def create(self, validated_data):
        validated_data.setdefault("at", timezone.now())
        return super().create(validated_data)


class ExerciseSessionSerializer(_LogSerializer):
    class Meta:
        model = ExerciseSession
        fields = [
            "id",
            "starts_at",
            "duration_minutes",
            "activity",
            "intensity",
            "outdoors",
            "cold_weather",
            "warmed_up",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = _READ_ONLY

    # How far ahead a session may be planned is the model field's rule (`plannable`); one-line
    # activities and "done only once started" are `ExerciseSession.clean()`.

    def create(self, validated_data):
        # Saved with its reminders moved, as from the web form and the admin.
        return schedule.save_session(ExerciseSession(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return schedule.save_session(instance)


# --- Daily check-ins ---------------------------------------------------------------------------


class DateTaken(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


@extend_schema_serializer(description=_("The 409 body: messages per field, like a 400."))
class ConflictSerializer(serializers.Serializer):
    date = serializers.ListField(child=serializers.CharField())


class CheckInSerializer(_LogSerializer):
    class Meta:
        model = CheckIn
        fields = ["id", "date", *(field for field, _ in CheckIn.HABITS), "note"]
        fields += ["created_at", "updated_at"]
        read_only_fields = _READ_ONLY
        extra_kwargs = {
            "date": {
                "required": False,
                "help_text": _("The user's local date; defaults to their today on create."),
            }
        }

    def validate_date(self, value):
        if value > self._user.local_today():
            raise serializers.ValidationError(_("Check in for today or an earlier day."))
        taken = CheckIn.objects.for_user(self._user).filter(date=value)
        if self.instance is not None and taken.exclude(pk=self.instance.pk).exists():
            # Moving a check-in onto another one's date: the data is fine, the state clashes.
            raise DateTaken({"date": [_("There is already a check-in for this date.")]})
        return value

    def create(self, validated_data):
        """Upsert: a second check-in for the same date updates the answers that were sent."""
        user = validated_data.pop("user")
        date = validated_data.pop("date", None) or user.local_today()
        checkin, self.created = CheckIn.objects.update_or_create(
            user=user, date=date, defaults=validated_data
        )
        return checkin


# --- The relief library (read only) ----------------------------------------------------------


class ReliefTechniqueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReliefTechnique
        fields = [
            "slug",
            "name",
            "native_name",
            "point_code",
            "kind",
            "summary",
            "location",
            "steps",
            "duration_seconds",
            "evidence",
            "evidence_note",
            "traditional_claim",
            "cautions",
            "source_url",
            "more_sources",
            "in_cramp_guide",
            "is_massage",
        ]


class PreventionTipSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreventionTip
        fields = [
            "slug",
            "title",
            "body",
            "category",
            "evidence",
            "note",
            "source_url",
            "origin_url",
            "more_sources",
        ]


class RedFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = RedFlag
        fields = ["slug", "title", "urgency", "signs", "action", "source_url"]


class FoodItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = FoodItem
        fields = ["slug", "name", "kind", "portion", *_MG_FIELDS, "note", "source_url"]


@extend_schema_serializer(
    description=_("One mineral of a day against the user's target, or its limit (sodium).")
)
class MineralStatusSerializer(serializers.Serializer):
    name = serializers.CharField()
    mg = serializers.IntegerField()
    target_mg = serializers.IntegerField(
        help_text=_("A target, or for a limit the amount to stay under.")
    )
    is_limit = serializers.BooleanField()
    supplement_mg = serializers.IntegerField(help_text=_("From supplements (magnesium only)."))
    warning = serializers.CharField(help_text=_("Empty unless a limit is passed."))
    caution = serializers.CharField()


class DayTotalsSerializer(serializers.Serializer):
    date = serializers.DateField()
    drinks_ml = serializers.IntegerField()
    drinks_target_ml = serializers.IntegerField()
    minerals = MineralStatusSerializer(many=True)
