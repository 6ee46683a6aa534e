"""The API's JSON shapes.

ModelSerializer copies each model field's validators (not in the future, 1-5000 ml, severity
1-10, notes up to 10,000 characters), so the API rejects what the forms reject. Rules that span
fields (food or amounts, one technique once per episode) live in `validate()`.
"""

from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from rest_framework import exceptions, serializers

from cramps import daily
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
from cramps.validators import FUTURE_TOLERANCE

from .fields import LibrarySlugField, LocalDateTimeField

# Shortcut defaults: what a one-tap log fills in when the client leaves a field out. The
# duration is the web form's default choice ("1-5 min").
DEFAULT_CRAMP_SECONDS = daily.seconds_for_duration(daily.DEFAULT_DURATION)
# Limits of direct amounts and servings, the same as the web form's.
MAX_DIRECT_MG = {"potassium_mg": 10_000, "calcium_mg": 5_000, "magnesium_mg": 5_000}
MAX_DIRECT_MG["sodium_mg"] = 10_000
MIN_SERVINGS, MAX_SERVINGS = Decimal("0.1"), Decimal("100")
DEFAULT_LABEL = "Supplement"

_READ_ONLY = ["id", "created_at", "updated_at"]


class _LogSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: LocalDateTimeField,
    }

    @property
    def _user(self):
        return self.context["request"].user


# --- Cramp episodes -------------------------------------------------------------------------


class TechniqueTrialSerializer(serializers.ModelSerializer):
    technique = LibrarySlugField(
        "technique", "/api/v1/techniques/", queryset=ReliefTechnique.objects.all()
    )

    class Meta:
        model = TechniqueTrial
        fields = ["technique", "outcome"]


class CrampEpisodeSerializer(_LogSerializer):
    techniques_tried = TechniqueTrialSerializer(
        many=True, source="trials", required=False, max_length=20
    )
    is_long = serializers.BooleanField(
        read_only=True, help_text="Longer than 10 minutes: a reason to seek medical advice."
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
            "created_at",
            "updated_at",
        ]
        read_only_fields = _READ_ONLY
        extra_kwargs = {
            "started_at": {"required": False, "help_text": "Defaults to now on create."},
            "duration_seconds": {
                "required": False,
                "help_text": f"Defaults to {DEFAULT_CRAMP_SECONDS} on create.",
            },
            "muscle": {"help_text": "Defaults to calf on create."},
            "context": {"required": False, "help_text": "Defaults to other on create."},
        }

    def validate_techniques_tried(self, trials):
        slugs = [trial["technique"].slug for trial in trials]
        if len(slugs) != len(set(slugs)):
            raise serializers.ValidationError("List each technique once.")
        return trials

    @transaction.atomic
    def create(self, validated_data):
        trials = validated_data.pop("trials", [])
        validated_data.setdefault("started_at", timezone.now())
        validated_data.setdefault("duration_seconds", DEFAULT_CRAMP_SECONDS)
        validated_data.setdefault("context", CrampEpisode.Context.OTHER)
        episode = CrampEpisode.objects.create(**validated_data)
        self._write_trials(episode, trials)
        return episode

    @transaction.atomic
    def update(self, instance, validated_data):
        # Sent: the list replaces the episode's trials. Left out: they stay as they are.
        trials = validated_data.pop("trials", None)
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
        fields = ["id", "at", "amount_ml", "drink", "created_at", "updated_at"]
        read_only_fields = _READ_ONLY
        extra_kwargs = {
            "at": {"required": False, "help_text": "Defaults to now on create."},
            "drink": {"help_text": "Defaults to water on create."},
        }

    def create(self, validated_data):
        validated_data.setdefault("at", timezone.now())
        return super().create(validated_data)


_MG_FIELDS = [f"{mineral}_mg" for mineral in FoodItem.MINERALS]
_EITHER = "Give a food (with servings), or the mineral amounts of a supplement."


class IntakeEntrySerializer(_LogSerializer):
    food = LibrarySlugField(
        "food",
        "/api/v1/foods/",
        queryset=FoodItem.objects.all(),
        required=False,
        allow_null=True,
        help_text="A food's slug; its mg figures times servings are computed and stored.",
    )

    class Meta:
        model = IntakeEntry
        fields = ["id", "at", "food", "servings", "label", *_MG_FIELDS, "created_at", "updated_at"]
        read_only_fields = _READ_ONLY
        extra_kwargs = {
            "at": {"required": False, "help_text": "Defaults to now on create."},
            "servings": {
                "min_value": MIN_SERVINGS,
                "max_value": MAX_SERVINGS,
                "help_text": "With a food only; defaults to 1.",
            },
            "label": {
                "help_text": f'What was taken, with direct amounts; defaults to "{DEFAULT_LABEL}".'
            },
            **{
                name: {
                    "max_value": MAX_DIRECT_MG[name],
                    "help_text": "Direct amount (no food), or computed from the food.",
                }
                for name in _MG_FIELDS
            },
        }

    def validate(self, attrs):
        entry = self.instance

        def current(name, default=None):
            return attrs[name] if name in attrs else getattr(entry, name, default)

        amounts_sent = [name for name in _MG_FIELDS if name in attrs]
        if current("food") is not None:
            if amounts_sent:
                message = "Not with a food: the amounts come from the food."
                raise serializers.ValidationError(dict.fromkeys(amounts_sent, message))
            # As in the web form: one serving unless told otherwise; a food needs no label.
            return {**attrs, "servings": current("servings") or Decimal(1), "label": ""}

        if attrs.get("servings") is not None:
            raise serializers.ValidationError({"servings": "Servings go with a food."})
        # Amounts computed from a food that is now removed do not count as the user's own.
        keep = entry is not None and entry.food_id is None
        amounts = {
            name: attrs.get(name, getattr(entry, name) if keep else 0) for name in _MG_FIELDS
        }
        if not any(amounts.values()):
            raise serializers.ValidationError({"food": _EITHER})
        label = current("label", "").strip() or DEFAULT_LABEL
        return {**attrs, **amounts, "servings": None, "label": label}

    def create(self, validated_data):
        validated_data.setdefault("at", timezone.now())
        return self._save(IntakeEntry(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save(instance)

    @staticmethod
    def _save(entry):
        if entry.food_id:
            entry.fill_from_food()
        entry.save()
        return entry


class StretchEntrySerializer(_LogSerializer):
    technique = LibrarySlugField(
        "stretch",
        "/api/v1/techniques/ (kind stretch or routine)",
        queryset=ReliefTechnique.objects.filter(
            kind__in=[ReliefTechnique.Kind.STRETCH, ReliefTechnique.Kind.ROUTINE]
        ),
    )

    class Meta:
        model = StretchEntry
        fields = ["id", "at", "technique", "duration_minutes", "occasion"]
        fields += ["created_at", "updated_at"]
        read_only_fields = _READ_ONLY
        extra_kwargs = {"at": {"required": False, "help_text": "Defaults to now on create."}}

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

    # How far ahead a session may be planned is the model field's rule (`plannable`).

    def validate_activity(self, value):
        # One line: the activity becomes a reminder's email subject.
        return " ".join(value.split())

    def validate(self, attrs):
        entry = self.instance
        starts_at = attrs.get("starts_at", getattr(entry, "starts_at", None))
        done = attrs.get("status", getattr(entry, "status", None)) == ExerciseSession.Status.DONE
        if done and starts_at > timezone.now() + FUTURE_TOLERANCE:
            raise serializers.ValidationError(
                {"status": "A session that starts later can't be done yet."}
            )
        return attrs


# --- Daily check-ins ---------------------------------------------------------------------------


class DateTaken(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


class ConflictSerializer(serializers.Serializer):
    """The 409 body: messages per field, like a 400."""

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
                "help_text": "The user's local date; defaults to their today on create.",
            }
        }

    def validate_date(self, value):
        if value > self._user.local_today():
            raise serializers.ValidationError("Check in for today or an earlier day.")
        taken = CheckIn.objects.for_user(self._user).filter(date=value)
        if self.instance is not None and taken.exclude(pk=self.instance.pk).exists():
            # Moving a check-in onto another one's date: the data is fine, the state clashes.
            raise DateTaken({"date": ["There is already a check-in for this date."]})
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
        fields = ["slug", "title", "body", "category", "evidence", "note", "source_url"]


class RedFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = RedFlag
        fields = ["slug", "title", "urgency", "signs", "action", "source_url"]


class FoodItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = FoodItem
        fields = ["slug", "name", "kind", "portion", *_MG_FIELDS, "note", "source_url"]
