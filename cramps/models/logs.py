"""What a user logs: cramp episodes, drinks, minerals, stretches, exercise and daily check-ins.

Every log model has `objects.for_user(user)`: views and the API reach rows only through it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cramps.validators import not_in_future, plannable

from .library import FoodItem, ReliefTechnique

MAX_NOTES = 10_000
MAX_DRINK_ML = 5_000


class UserScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def between(self, start, end):
        """Entries whose time falls in [start, end): a user's local day from `User.day_bounds`."""
        return self.filter(
            **{f"{self.model.TIME_FIELD}__gte": start, f"{self.model.TIME_FIELD}__lt": end}
        )


class _Entry(models.Model):
    TIME_FIELD = "at"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class CrampEpisode(_Entry):
    TIME_FIELD = "started_at"

    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        BOTH = "both", "Both"

    class Muscle(models.TextChoices):
        CALF = "calf", "Calf"
        FOOT = "foot", "Foot"
        SHIN = "shin", "Shin"
        QUADRICEPS = "quadriceps", "Front of thigh"
        HAMSTRING = "hamstring", "Hamstring"
        OTHER = "other", "Other"

    class Context(models.TextChoices):
        ASLEEP = "asleep", "Asleep or in bed"
        REST = "rest", "At rest"
        DURING_EXERCISE = "during_exercise", "During exercise"
        AFTER_EXERCISE = "after_exercise", "After exercise"
        OTHER = "other", "Other"

    # Over this, a cramp is a red flag (NHS inform): the entry is kept and the warning shown.
    LONG_CRAMP_SECONDS = 600

    started_at = models.DateTimeField(validators=[not_in_future])
    duration_seconds = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 3600)]
    )
    side = models.CharField(max_length=5, choices=Side.choices)
    muscle = models.CharField(max_length=12, choices=Muscle.choices, default=Muscle.CALF)
    severity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    context = models.CharField(max_length=16, choices=Context.choices)
    notes = models.TextField(blank=True, max_length=MAX_NOTES)
    techniques = models.ManyToManyField(
        ReliefTechnique, through="TechniqueTrial", related_name="episodes", blank=True
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"], name="episode_user_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=10), name="episode_severity_1_10"
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__gte=1), name="episode_duration_pos"
            ),
        ]

    def __str__(self):
        muscle = self.get_muscle_display().lower()
        return f"{self.get_side_display()} {muscle} cramp, {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_long(self):
        return self.duration_seconds > self.LONG_CRAMP_SECONDS

    @property
    def at_night(self):
        return self.context == self.Context.ASLEEP


class TechniqueTrial(models.Model):
    """A technique tried during one episode, and whether it helped."""

    class Outcome(models.TextChoices):
        HELPED = "helped", "Helped"
        SOMEWHAT = "somewhat", "Somewhat"
        NO = "no", "Didn't help"

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
        WATER = "water", "Water"
        ELECTROLYTE = "electrolyte", "Electrolyte drink"
        MILK = "milk", "Milk"
        OTHER = "other", "Other"

    at = models.DateTimeField(validators=[not_in_future])
    amount_ml = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DRINK_ML)]
    )
    drink = models.CharField(max_length=12, choices=Drink.choices, default=Drink.WATER)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "hydration entries"
        indexes = [models.Index(fields=["user", "-at"], name="hydration_user_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_ml__gte=1, amount_ml__lte=MAX_DRINK_ML),
                name="hydration_amount_range",
            )
        ]

    def __str__(self):
        return f"{self.amount_ml} ml {self.get_drink_display().lower()}"


class IntakeEntry(_Entry):
    """Minerals taken in: a catalogue food times servings, or direct amounts (a supplement).

    The mg figures are computed when the entry is saved and stored with it, so a later change to
    the catalogue never rewrites history.
    """

    at = models.DateTimeField(validators=[not_in_future])
    food = models.ForeignKey(FoodItem, on_delete=models.PROTECT, null=True, blank=True)
    servings = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    label = models.CharField(max_length=100, blank=True)
    potassium_mg = models.PositiveIntegerField(default=0)
    calcium_mg = models.PositiveIntegerField(default=0)
    magnesium_mg = models.PositiveIntegerField(default=0)
    sodium_mg = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "intake entries"
        indexes = [models.Index(fields=["user", "-at"], name="intake_user_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(food__isnull=True) | Q(servings__gt=0), name="intake_food_has_servings"
            )
        ]

    def __str__(self):
        if self.food_id:
            return f"{self.servings:g} x {self.food.name}"
        return self.label or "Supplement"

    def fill_from_food(self):
        """Compute the stored mg figures from the food and servings."""
        for mineral, mg in self.food.minerals().items():
            setattr(self, f"{mineral}_mg", round(mg * self.servings))

    def minerals(self):
        return {m: getattr(self, f"{m}_mg") for m in FoodItem.MINERALS}


class StretchEntry(_Entry):
    class Occasion(models.TextChoices):
        BEFORE_EXERCISE = "before_exercise", "Before exercise"
        BEFORE_BED = "before_bed", "Before bed"
        OTHER = "other", "Other"

    at = models.DateTimeField(validators=[not_in_future])
    technique = models.ForeignKey(ReliefTechnique, on_delete=models.PROTECT)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    occasion = models.CharField(max_length=16, choices=Occasion.choices)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "stretch entries"
        indexes = [models.Index(fields=["user", "-at"], name="stretch_user_at")]

    def __str__(self):
        return f"{self.technique.name}, {self.duration_minutes} min"


class ExerciseSession(_Entry):
    TIME_FIELD = "starts_at"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Intensity(models.TextChoices):
        EASY = "easy", "Easy"
        MODERATE = "moderate", "Moderate"
        HARD = "hard", "Hard"

    starts_at = models.DateTimeField(validators=[plannable])
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    activity = models.CharField(max_length=60)
    intensity = models.CharField(
        max_length=8, choices=Intensity.choices, default=Intensity.MODERATE
    )
    outdoors = models.BooleanField(default=False)
    cold_weather = models.BooleanField(default=False)
    warmed_up = models.BooleanField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "-starts_at"], name="exercise_user_starts")]

    def __str__(self):
        status = self.get_status_display().lower()
        return f"{self.activity}, {self.starts_at:%Y-%m-%d %H:%M} ({status})"


class CheckIn(models.Model):
    """The day's prevention habits, one row per user per local date."""

    # The habits of the check-in, each from a prevention tip (fixtures/tips.json).
    HABITS = (
        ("warmed_up", "Warmed up before exercise"),
        ("stretched_before_bed", "Stretched calves and hamstrings before bed"),
        ("loose_clothing", "Clothing, shoes and socks not tight"),
        ("kept_warm", "Kept warm after exercise in the cold"),
        ("avoided_overexertion", "Avoided overdoing exercise"),
    )

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    date = models.DateField()
    # None means "not answered" or "did not apply today" (no exercise, no cold).
    warmed_up = models.BooleanField(null=True, blank=True)
    stretched_before_bed = models.BooleanField(null=True, blank=True)
    loose_clothing = models.BooleanField(null=True, blank=True)
    kept_warm = models.BooleanField(null=True, blank=True)
    avoided_overexertion = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=MAX_NOTES)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="checkin_once_per_local_date")
        ]

    def __str__(self):
        return f"Check-in {self.date}"

    def habits(self):
        return [(field, label, getattr(self, field)) for field, label in self.HABITS]
