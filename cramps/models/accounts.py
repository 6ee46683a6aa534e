import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cramps.targets import default_targets
from cramps.validators import Between, one_line

from .base import UserOwnedQuerySet

_DEFAULTS = default_targets()


class User(AbstractUser):
    """The account and its profile: one row, so every page has the settings it needs for free."""

    # The profile's own fields, beside Django's account fields: the admin shows them, an export
    # carries them and an import restores them. A new profile field is added here once.
    PROFILE_FIELDS = (
        "timezone",
        "language",
        "bedtime",
        "wake_time",
        "drinks_target_ml",
        "potassium_target_mg",
        "calcium_target_mg",
        "magnesium_target_mg",
        "sodium_target_mg",
        "sex",
        "birth_year",
        "pregnant",
        "medicines",
        "quiet_hours_start",
        "quiet_hours_end",
    )

    class Sex(models.TextChoices):
        UNSPECIFIED = "", _("Prefer not to say")
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    email = models.EmailField(_("email address"), unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    bedtime = models.TimeField(default=dt.time(22, 30))
    wake_time = models.TimeField(default=dt.time(7, 0))
    drinks_target_ml = models.PositiveIntegerField(
        default=_DEFAULTS.drinks_ml, validators=[Between(500, 5000, _(" ml"))]
    )
    potassium_target_mg = models.PositiveIntegerField(
        default=_DEFAULTS.potassium_mg, validators=[Between(0, 10000, _(" mg"))]
    )
    calcium_target_mg = models.PositiveIntegerField(
        default=_DEFAULTS.calcium_mg, validators=[Between(0, 2500, _(" mg"))]
    )
    magnesium_target_mg = models.PositiveIntegerField(
        default=_DEFAULTS.magnesium_mg, validators=[Between(0, 1000, _(" mg"))]
    )
    sodium_target_mg = models.PositiveIntegerField(
        default=_DEFAULTS.sodium_mg, validators=[Between(0, 6000, _(" mg"))]
    )
    sex = models.CharField(max_length=6, choices=Sex.choices, blank=True, default="")
    # Optional: only the calcium default depends on it (1,200 mg from 51 or 71, NIH ODS).
    birth_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[Between(1900, 2100, message=_("Enter a year of birth, e.g. 1960."))],
    )
    pregnant = models.BooleanField(default=False)
    # No reminders between these local times: both set (and different), or neither.
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    # Free text for the doctor's report: statins and diuretics are known causes of cramps.
    medicines = models.TextField(blank=True, max_length=2000)
    # Blank: follow the browser. Set: every page and every reminder in this language.
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
        help_text=_("Leave blank to follow your browser."),
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False)
                & ~Q(quiet_hours_start=F("quiet_hours_end")),
                name="quiet_hours_both_or_neither",
                violation_error_message=_(
                    "Set both the start and the end of quiet hours (not the same time), "
                    "or leave both empty."
                ),
            )
        ]

    def clean(self):
        super().clean()
        errors = {}
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if (start is None) != (end is None):
            missing = "quiet_hours_end" if end is None else "quiet_hours_start"
            errors[missing] = _(
                "Set both the start and the end of quiet hours, or leave both empty."
            )
        elif start is not None and start == end:
            errors["quiet_hours_end"] = _("Quiet hours can't start and end at the same time.")
        if self.birth_year is not None and self.birth_year > self.local_today().year:
            errors["birth_year"] = _("Enter a year of birth that has already come, e.g. 1960.")
        if self.pregnant and self.sex not in (self.Sex.FEMALE, self.Sex.UNSPECIFIED):
            errors["pregnant"] = _(
                "Pregnancy can only be set when sex is Female or Prefer not to say."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_now(self) -> dt.datetime:
        return timezone.now().astimezone(self.tz)

    def local_today(self) -> dt.date:
        return self.local_now().date()

    def in_bed_at(self, at: dt.datetime) -> bool:
        """Whether `at` falls between the user's bedtime and wake time on their clock."""
        local = at.astimezone(self.tz).time()
        if self.bedtime <= self.wake_time:
            return self.bedtime <= local < self.wake_time
        # The night spans midnight, the usual case.
        return local >= self.bedtime or local < self.wake_time

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


class RoutineSlot(models.Model):
    """One weekly exercise slot of the user's routine, e.g. Tuesdays 18:30 for 45 minutes."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="routine_slots")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[Between(5, 600, _(" minutes"))]
    )
    activity = models.CharField(max_length=60, blank=True)

    objects = UserOwnedQuerySet.as_manager()

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

    def clean(self):
        # One line, as a session's: the activity becomes a reminder email's subject.
        self.activity = one_line(self.activity)
