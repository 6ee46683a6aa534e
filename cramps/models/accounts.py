import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cramps.targets import default_targets

_DEFAULTS = default_targets()


class User(AbstractUser):
    """The account and its profile: one row, so every page has the settings it needs for free."""

    class Sex(models.TextChoices):
        UNSPECIFIED = "", "Prefer not to say"
        FEMALE = "female", "Female"
        MALE = "male", "Male"

    email = models.EmailField("email address", unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    bedtime = models.TimeField(default=dt.time(22, 30))
    wake_time = models.TimeField(default=dt.time(7, 0))
    drinks_target_ml = models.PositiveIntegerField(
        default=_DEFAULTS.drinks_ml, validators=[MinValueValidator(500), MaxValueValidator(5000)]
    )
    potassium_target_mg = models.PositiveIntegerField(
        default=_DEFAULTS.potassium_mg, validators=[MaxValueValidator(10000)]
    )
    calcium_target_mg = models.PositiveIntegerField(
        default=_DEFAULTS.calcium_mg, validators=[MaxValueValidator(2500)]
    )
    magnesium_target_mg = models.PositiveIntegerField(
        default=_DEFAULTS.magnesium_mg, validators=[MaxValueValidator(1000)]
    )
    sodium_target_mg = models.PositiveIntegerField(
        default=_DEFAULTS.sodium_mg, validators=[MaxValueValidator(6000)]
    )
    sex = models.CharField(max_length=6, choices=Sex.choices, blank=True, default="")
    pregnant = models.BooleanField(default=False)
    # No reminders between these local times (both set, or neither).
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_now(self) -> dt.datetime:
        return timezone.now().astimezone(self.tz)

    def local_today(self) -> dt.date:
        return self.local_now().date()

    def day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The UTC instants where the user's local day starts and the next one starts."""
        start = dt.datetime.combine(day, dt.time(), tzinfo=self.tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=self.tz)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def mineral_targets(self) -> dict[str, int]:
        return {
            "potassium": self.potassium_target_mg,
            "calcium": self.calcium_target_mg,
            "magnesium": self.magnesium_target_mg,
            "sodium": self.sodium_target_mg,
        }


class RoutineSlotQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class RoutineSlot(models.Model):
    """One weekly exercise slot of the user's routine, e.g. Tuesdays 18:30 for 45 minutes."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="routine_slots")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    activity = models.CharField(max_length=60, blank=True)

    objects = RoutineSlotQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "weekday", "start_time"], name="routine_slot_unique_time"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="routine_slot_weekday"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M} ({self.duration_minutes} min)"
