"""What a user logs: cramp episodes, drinks, minerals, stretches, exercise and daily check-ins.

Every log model has `objects.for_user(user)`: views and the API reach rows only through it.

The rules of an entry live here, once: limits as `Between` validators on the fields (the forms,
the API and the admin read them from the field), rules across fields in `clean()` (run by the
forms, the admin and the API's serializers), defaults every writer gets in `save()`, and the
constraints that the database itself keeps.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cramps.validators import (
    FUTURE_TOLERANCE,
    Between,
    not_before_1900,
    not_in_future,
    one_line,
    plannable,
)

from .base import ChoiceLabels, UserOwnedQuerySet
from .library import FoodItem, ReliefTechnique

MAX_NOTES = 10_000
MAX_DRINK_ML = 5_000
MIN_SERVINGS, MAX_SERVINGS = Decimal("0.1"), Decimal("100")
# Direct amounts of one entry (a supplement, a food not in the list), in mg.
MAX_DIRECT_MG = {"potassium": 10_000, "calcium": 5_000, "magnesium": 5_000, "sodium": 10_000}
DEFAULT_INTAKE_LABEL = "Supplement"


CLIENT_ID_HELP = _(
    "Made by the device that logged the entry (a UUID); sending it again returns the same entry."
)


class EntryQuerySet(UserOwnedQuerySet):
    def between(self, start, end):
        """Entries whose time falls in [start, end): a user's local day from `User.day_bounds`."""
        return self.filter(
            **{f"{self.model.TIME_FIELD}__gte": start, f"{self.model.TIME_FIELD}__lt": end}
        )

    def on_day(self, user, day: dt.date):
        """The user's entries of their local day, oldest first."""
        rows = self.for_user(user).between(*user.day_bounds(day))
        return rows.order_by(self.model.TIME_FIELD, "pk")

    def with_details(self):
        """What a list shows beside each entry (a food's or technique's name): no query a row."""
        # Never `select_related()` with no names: that joins every foreign key (the user too).
        return self.select_related(*self.model.DETAILS) if self.model.DETAILS else self


class CrampEpisodeQuerySet(EntryQuerySet):
    def with_details(self):
        """Each episode's trials with their technique: one more query for any number of rows."""
        # A list shows each technique's name only: its steps, cautions and notes (JSON and long
        # text, in every language) stay in the database, not decoded for every trial.
        long_text = [
            f"technique__{field.attname}"
            for field in ReliefTechnique._meta.concrete_fields
            if isinstance(field, models.JSONField | models.TextField)
        ]
        trials = TechniqueTrial.objects.select_related("technique").defer(*long_text)
        return self.prefetch_related(models.Prefetch("trials", queryset=trials))


class _Entry(ChoiceLabels, models.Model):
    TIME_FIELD = "at"
    DETAILS = ()  # the relations `with_details()` reads with the rows

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        abstract = True


class EpisodeContext(models.TextChoices):
    ASLEEP = "asleep", _("Asleep or in bed")
    REST = "rest", _("At rest")
    DURING_EXERCISE = "during_exercise", _("During exercise")
    AFTER_EXERCISE = "after_exercise", _("After exercise")
    OTHER = "other", _("Other")


class CrampEpisode(_Entry):
    TIME_FIELD = "started_at"

    class Side(models.TextChoices):
        LEFT = "left", _("Left")
        RIGHT = "right", _("Right")
        BOTH = "both", _("Both")

    class Muscle(models.TextChoices):
        CALF = "calf", _("Calf")
        FOOT = "foot", _("Foot")
        SHIN = "shin", _("Shin")
        QUADRICEPS = "quadriceps", _("Front of thigh")
        HAMSTRING = "hamstring", _("Hamstring")
        OTHER = "other", _("Other")

    Context = EpisodeContext

    # Over this, a cramp is a red flag (NHS inform): the entry is kept and the warning shown.
    LONG_CRAMP_SECONDS = 600

    started_at = models.DateTimeField(validators=[not_in_future])
    duration_seconds = models.PositiveIntegerField(
        validators=[Between(1, 24 * 3600, _(" seconds"))]
    )
    side = models.CharField(max_length=5, choices=Side.choices)
    muscle = models.CharField(max_length=12, choices=Muscle.choices, default=Muscle.CALF)
    severity = models.PositiveSmallIntegerField(
        validators=[Between(1, 10, message=_("Choose how bad it was, from 1 to 10."))]
    )
    # Left empty by a writer (a one-tap log, the API): `save()` fills in `default_context`.
    context = models.CharField(
        max_length=16,
        choices=Context.choices,
        blank=True,
        help_text=_("Left empty: asleep between the user's bedtime and wake time, else at rest."),
    )
    notes = models.TextField(blank=True, max_length=MAX_NOTES)
    techniques = models.ManyToManyField(
        ReliefTechnique, through="TechniqueTrial", related_name="episodes", blank=True
    )
    client_id = models.UUIDField(null=True, blank=True, help_text=CLIENT_ID_HELP)

    objects = CrampEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "-started_at"], name="episode_user_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=10), name="episode_severity_1_10"
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__gte=1), name="episode_duration_pos"
            ),
            # `save()` fills it in: an empty context would escape the bedtime reminder's count.
            models.CheckConstraint(
                condition=Q(context__in=EpisodeContext.values), name="episode_context_known"
            ),
            # An entry made offline is sent again until the answer arrives: one row per id.
            models.UniqueConstraint(fields=["user", "client_id"], name="episode_client_id_once"),
        ]

    def __str__(self):
        muscle = self.get_muscle_display().lower()
        return f"{self.get_side_display()} {muscle} cramp, {self.started_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # Also here, for writers that skip validation (an import, the shell).
        self.fill_defaults()
        super().save(*args, **kwargs)

    @property
    def where(self) -> str:
        """In words: "left calf", "right front of thigh", "calf, both legs"."""
        muscle = self.get_muscle_display().lower()
        if self.side == self.Side.BOTH:
            return _("%(muscle)s, both legs") % {"muscle": muscle}
        return _("%(side)s %(muscle)s") % {
            "side": self.get_side_display().lower(),
            "muscle": muscle,
        }

    @property
    def duration_label(self) -> str:
        if self.duration_seconds < 60:
            return _("%(s)s s") % {"s": self.duration_seconds}
        return _("%(m)s min") % {"m": round(self.duration_seconds / 60)}

    @classmethod
    def default_context(cls, user, at: dt.datetime) -> str:
        """Between bedtime and waking a cramp most likely woke the user: "asleep", else "at
        rest". The one default of every writer (web form, API, admin), so the bedtime
        reminder's count of night cramps sees them all."""
        return cls.Context.ASLEEP if user.in_bed_at(at) else cls.Context.REST

    def fill_defaults(self) -> None:
        if not self.context and self.user_id is not None:
            self.context = self.default_context(self.user, self.started_at or timezone.now())

    def clean(self):
        self.fill_defaults()

    @property
    def is_long(self):
        return self.duration_seconds > self.LONG_CRAMP_SECONDS


class TechniqueTrial(ChoiceLabels, models.Model):
    """A technique tried during one episode, and whether it helped."""

    class Outcome(models.TextChoices):
        HELPED = "helped", _("Helped")
        SOMEWHAT = "somewhat", _("Somewhat")
        NO = "no", _("Didn't help")

    episode = models.ForeignKey(CrampEpisode, on_delete=models.CASCADE, related_name="trials")
    technique = models.ForeignKey(ReliefTechnique, on_delete=models.PROTECT, related_name="trials")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "technique"], name="trial_once_per_episode")
        ]

    def __str__(self):
        return f"{self.technique}: {self.get_outcome_display() or 'not rated'}"


class HydrationEntry(_Entry):
    class Drink(models.TextChoices):
        WATER = "water", _("Water")
        ELECTROLYTE = "electrolyte", _("Electrolyte drink")
        MILK = "milk", _("Milk")
        OTHER = "other", _("Other")

    at = models.DateTimeField(validators=[not_in_future])
    amount_ml = models.PositiveIntegerField(validators=[Between(1, MAX_DRINK_ML, _(" ml"))])
    drink = models.CharField(max_length=12, choices=Drink.choices, default=Drink.WATER)
    client_id = models.UUIDField(null=True, blank=True, help_text=CLIENT_ID_HELP)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "hydration entries"
        indexes = [models.Index(fields=["user", "-at"], name="hydration_user_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_ml__gte=1, amount_ml__lte=MAX_DRINK_ML),
                name="hydration_amount_range",
            ),
            models.UniqueConstraint(fields=["user", "client_id"], name="hydration_client_id_once"),
        ]

    def __str__(self):
        # Also the words of the "saved" message and the delete page (`cramps.views.logs`).
        return _("%(ml)s ml %(drink)s") % {
            "ml": self.amount_ml,
            "drink": self.get_drink_display().lower(),
        }


class IntakeEntry(_Entry):
    """Minerals taken in: a catalogue food times servings, or direct amounts (a supplement).

    The mg figures are computed when the entry is saved and stored with it, so a later change to
    the catalogue never rewrites history.
    """

    DETAILS = ("food",)
    at = models.DateTimeField(validators=[not_in_future])
    MINERAL_FIELDS = tuple(f"{mineral}_mg" for mineral in FoodItem.MINERALS)

    food = models.ForeignKey(FoodItem, on_delete=models.PROTECT, null=True, blank=True)
    servings = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            Between(
                MIN_SERVINGS,
                MAX_SERVINGS,
                message=_("Enter between 0.1 and 100 servings."),
                invalid=_("Enter a number of servings, e.g. 1 or 0.5."),
                places=2,
            )
        ],
    )
    label = models.CharField(max_length=100, blank=True)
    potassium_mg = models.PositiveIntegerField(
        default=0, validators=[Between(0, MAX_DIRECT_MG["potassium"], _(" mg"))]
    )
    calcium_mg = models.PositiveIntegerField(
        default=0, validators=[Between(0, MAX_DIRECT_MG["calcium"], _(" mg"))]
    )
    magnesium_mg = models.PositiveIntegerField(
        default=0, validators=[Between(0, MAX_DIRECT_MG["magnesium"], _(" mg"))]
    )
    sodium_mg = models.PositiveIntegerField(
        default=0, validators=[Between(0, MAX_DIRECT_MG["sodium"], _(" mg"))]
    )

    NOT_BOTH = _("Choose a food or enter the minerals yourself, not both.")
    NEITHER = _("Choose a food from the list, or enter the minerals of a supplement.")
    SERVINGS_WITHOUT_FOOD = _("Servings go with a food.")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "intake entries"
        indexes = [models.Index(fields=["user", "-at"], name="intake_user_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(food__isnull=True) | Q(servings__gt=0),
                name="intake_food_has_servings",
                violation_error_message=_("Enter the servings of the food."),
            ),
            # Food or minerals: without a food, no servings and at least one amount.
            models.CheckConstraint(
                condition=Q(food__isnull=False)
                | Q(servings__isnull=True)
                & (
                    Q(potassium_mg__gt=0)
                    | Q(calcium_mg__gt=0)
                    | Q(magnesium_mg__gt=0)
                    | Q(sodium_mg__gt=0)
                ),
                name="intake_food_or_minerals",
                violation_error_message=_(
                    "Choose a food from the list, or enter the minerals of a supplement."
                ),
            ),
        ]

    def __str__(self):
        if self.food_id:
            return f"{self.servings:g} x {self.food.name}"
        return str(self.display_label)

    @property
    def display_label(self) -> str:
        """The name typed in; an unnamed supplement (stored as the English default, which the
        API and exports keep) reads in the reader's language."""
        if not self.label or self.label == DEFAULT_INTAKE_LABEL:
            return _("Supplement")
        return self.label

    def set_contents(self, food, servings, label: str, amounts: dict[str, int]) -> None:
        """What the entry is made of: a catalogue food times servings (one unless given), or
        the mg `amounts` typed in (a supplement). Not both, not neither; servings only with a
        food. The one rule behind the web form and the API; a `ValidationError` names the field.
        """
        given = {name: mg for name, mg in amounts.items() if mg}
        if food is not None:
            if given:
                raise ValidationError({"food": self.NOT_BOTH}, code="food_and_minerals")
            self.food, self.servings, self.label = food, servings or Decimal(1), ""
            self.fill_from_food()
            return
        if servings is not None:
            raise ValidationError({"servings": self.SERVINGS_WITHOUT_FOOD}, code="no_food")
        if not given:
            raise ValidationError({"food": self.NEITHER}, code="no_contents")
        self.food, self.servings = None, None
        self.label = label.strip() or DEFAULT_INTAKE_LABEL
        for name in self.MINERAL_FIELDS:
            setattr(self, name, given.get(name, 0))

    def fill_from_food(self):
        """Compute the stored mg figures from the food and servings."""
        for mineral, mg in self.food.minerals().items():
            setattr(self, f"{mineral}_mg", round(mg * self.servings))

    def minerals(self):
        return {m: getattr(self, f"{m}_mg") for m in FoodItem.MINERALS}


class StretchEntry(_Entry):
    class Occasion(models.TextChoices):
        BEFORE_EXERCISE = "before_exercise", _("Before exercise")
        BEFORE_BED = "before_bed", _("Before bed")
        OTHER = "other", _("Other")

    DETAILS = ("technique",)
    at = models.DateTimeField(validators=[not_in_future])
    technique = models.ForeignKey(ReliefTechnique, on_delete=models.PROTECT)
    duration_minutes = models.PositiveSmallIntegerField(validators=[Between(1, 240, _(" minutes"))])
    occasion = models.CharField(max_length=16, choices=Occasion.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "stretch entries"
        indexes = [models.Index(fields=["user", "-at"], name="stretch_user_at")]

    def __str__(self):
        # Also the words of the "saved" message and the delete page (`cramps.views.logs`).
        return _("%(name)s, %(minutes)s min") % {
            "name": self.technique.name,
            "minutes": self.duration_minutes,
        }


class ExerciseSession(_Entry):
    TIME_FIELD = "starts_at"

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Intensity(models.TextChoices):
        EASY = "easy", _("Easy")
        MODERATE = "moderate", _("Moderate")
        HARD = "hard", _("Hard")

    starts_at = models.DateTimeField(validators=[plannable])
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[Between(1, 24 * 60, _(" minutes"))]
    )
    # One line (`clean()`): the activity becomes a reminder email's subject.
    activity = models.CharField(max_length=60)
    intensity = models.CharField(
        max_length=8, choices=Intensity.choices, default=Intensity.MODERATE
    )
    outdoors = models.BooleanField(default=False)
    cold_weather = models.BooleanField(default=False)
    warmed_up = models.BooleanField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["user", "-starts_at"], name="exercise_user_starts")]

    def __str__(self):
        status = self.get_status_display().lower()
        return f"{self.activity}, {self.starts_at:%Y-%m-%d %H:%M} ({status})"

    def clean(self):
        self.activity = one_line(self.activity)
        late = self.starts_at and self.starts_at > timezone.now() + FUTURE_TOLERANCE
        if late and self.status == self.Status.DONE:
            raise ValidationError(
                {"status": _("A session that starts later can't be done yet.")}, code="done_early"
            )


class CheckInQuerySet(UserOwnedQuerySet):
    def with_details(self):
        return self  # a check-in shows nothing but its own columns

    def record(self, user, day: dt.date, **answers) -> "CheckIn":
        """The user's check-in of a local date with `answers`, created or updated: one per date,
        so a second save (a double tap, the API) updates it and never raises."""
        checkin, _created = self.update_or_create(user=user, date=day, defaults=answers)
        return checkin


class CheckIn(ChoiceLabels, models.Model):
    """The day's prevention habits, one row per user per local date."""

    # The habits of the check-in, each from a prevention tip (fixtures/tips.json).
    HABITS = (
        ("warmed_up", _("Warmed up before exercise")),
        ("stretched_before_bed", _("Stretched calves and hamstrings before bed")),
        ("loose_clothing", _("Clothing, shoes and socks not tight")),
        ("kept_warm", _("Kept warm after exercise in the cold")),
        ("avoided_overexertion", _("Avoided overdoing exercise")),
    )

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    date = models.DateField(validators=[not_before_1900])
    # None means "not answered" or "did not apply today" (no exercise, no cold).
    warmed_up = models.BooleanField(null=True, blank=True)
    stretched_before_bed = models.BooleanField(null=True, blank=True)
    loose_clothing = models.BooleanField(null=True, blank=True)
    kept_warm = models.BooleanField(null=True, blank=True)
    avoided_overexertion = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=MAX_NOTES)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="checkin_once_per_local_date")
        ]

    def __str__(self):
        return f"Check-in {self.date}"

    def habits(self):
        return [(field, label, getattr(self, field)) for field, label in self.HABITS]
