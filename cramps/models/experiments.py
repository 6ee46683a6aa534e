"""Personal experiments (n-of-1 trials): one prevention habit, blocks with and without it.

The rules of an experiment live here, once (`clean()`, field validators, constraints): the web
form, the API and the admin all run them, so a bad value gets the same words everywhere. The
schedule and the analysis are pure functions in `cramps.insights.experiments`.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import UserOwnedQuerySet
from .library import PreventionTip

# The habits an experiment can test: the prevention tips the daily check-in already asks about
# (so adherence is recorded without a new question), and whose "no habit" weeks are harmless to
# skip. Left out on purpose: drinks and minerals (never withhold fluid or food, never a dose),
# and "Don't overdo it" (its "no habit" weeks would mean overdoing it).
CHECKIN_FIELD_BY_HABIT = {
    "stretch-before-bed": "stretched_before_bed",
    "warm-up-stretch": "warmed_up",
    "loose-clothing": "loose_clothing",
    "keep-warm-after-cold": "kept_warm",
}
EXPERIMENT_HABITS = Q(slug__in=tuple(CHECKIN_FIELD_BY_HABIT))


def eligible_habits():
    """The library's habits an experiment can test, in the library's order."""
    return PreventionTip.objects.filter(EXPERIMENT_HABITS)


def new_seed() -> int:
    return secrets.randbits(31)


NOT_A_HABIT = _("Choose one of the habits in the list.")
ONE_AT_A_TIME = _("You already have an experiment running. Stop it or let it finish first.")
START_IN_PAST = _("Start today or on a later day.")
START_TOO_LATE = _("Start within the next 60 days.")
FROZEN = _("A finished or stopped experiment can't be changed. You can read it or delete it.")
DESIGN_FIXED = _("An experiment's plan can't change once it is saved. Stop it and start a new one.")
NOT_RUNNING = _("Only a running experiment can be stopped.")
BLOCK_CHOICE = _("Choose blocks of 1 or 2 weeks.")
PAIRS_CHOICE = _("Choose 3 or 4 pairs of blocks.")

MAX_START_AHEAD = dt.timedelta(days=60)
_DESIGN_FIELDS = ("habit_id", "block_days", "pairs", "start_date", "seed")


class ExperimentQuerySet(UserOwnedQuerySet):
    def running(self):
        return self.filter(status=Experiment.Status.RUNNING)

    def settle(self, user) -> int:
        """Mark the user's running experiment finished once its last night is over.

        A conditional update, so two requests settling at once agree; returns the rows changed.
        The end is a local date, read on the user's clock now.
        """
        changed = 0
        today = user.local_today()
        for experiment in self.for_user(user).running():
            if today > experiment.last_night:
                changed += self.filter(pk=experiment.pk, status=Experiment.Status.RUNNING).update(
                    status=Experiment.Status.FINISHED
                )
        return changed


def block_days_choice(value) -> None:
    if value not in (7, 14):
        raise ValidationError(BLOCK_CHOICE, code="invalid_choice")


def pairs_choice(value) -> None:
    if value not in (3, 4):
        raise ValidationError(PAIRS_CHOICE, code="invalid_choice")


def _one_at_a_time() -> ValidationError:
    return ValidationError(ONE_AT_A_TIME, code="one_at_a_time")


class Experiment(models.Model):
    """One habit tested in pairs of blocks, each pair "habit" and "no habit" in a random order.

    The order comes from `seed` alone (`cramps.insights.experiments.schedule`), so the schedule
    shown on the first day is the one analysed on the last. Dates are the user's local dates.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        STOPPED = "stopped", _("Stopped early")

    BLOCK_DAYS = ((7, _("1 week")), (14, _("2 weeks")))
    PAIRS = ((3, _("3 pairs")), (4, _("4 pairs")))

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    habit = models.ForeignKey(
        PreventionTip,
        on_delete=models.PROTECT,
        related_name="experiments",
        # The admin's and forms' choices, and `full_clean()`'s check that the habit is allowed.
        limit_choices_to=EXPERIMENT_HABITS,
        error_messages={"invalid": NOT_A_HABIT, "null": NOT_A_HABIT, "blank": NOT_A_HABIT},
    )
    block_days = models.PositiveSmallIntegerField(
        choices=BLOCK_DAYS, default=7, validators=[block_days_choice]
    )
    pairs = models.PositiveSmallIntegerField(choices=PAIRS, default=3, validators=[pairs_choice])
    start_date = models.DateField(help_text=_("The first night of the first block."))
    seed = models.PositiveIntegerField(default=new_seed, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    stopped_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExperimentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            # One at a time: two running experiments would each spoil the other's blocks.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="running"),
                name="experiment_one_running_per_user",
                violation_error_message=ONE_AT_A_TIME,
            ),
            models.CheckConstraint(
                condition=Q(block_days__in=(7, 14)), name="experiment_block_days_7_14"
            ),
            models.CheckConstraint(condition=Q(pairs__in=(3, 4)), name="experiment_pairs_3_4"),
            models.CheckConstraint(
                condition=Q(status="stopped", stopped_at__isnull=False)
                | ~Q(status="stopped") & Q(stopped_at__isnull=True),
                name="experiment_stopped_at_iff_stopped",
            ),
        ]

    def __str__(self):
        return f"{self.habit.title}, from {self.start_date:%Y-%m-%d}"

    @property
    def nights(self) -> int:
        return self.block_days * 2 * self.pairs

    @property
    def last_night(self) -> dt.date:
        return self.start_date + dt.timedelta(days=self.nights - 1)

    @property
    def checkin_field(self) -> str:
        return CHECKIN_FIELD_BY_HABIT[self.habit.slug]

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    def clean(self):
        """Reads only, never writes: a running experiment whose last night is over still counts
        here until it is settled (`Experiment.objects.settle`), which the pages and the API do on
        the way in, before they validate."""
        super().clean()
        if self.pk is not None:
            saved = type(self).objects.filter(pk=self.pk).values(*_DESIGN_FIELDS, "status").first()
            if saved is not None:
                if saved["status"] != self.Status.RUNNING:
                    raise ValidationError(FROZEN, code="frozen")
                if any(saved[name] != getattr(self, name) for name in _DESIGN_FIELDS):
                    raise ValidationError(DESIGN_FIXED, code="design_fixed")
                return
        errors = {}
        if self.user_id is not None:
            today = self.user.local_today()
            if self.start_date is not None and self.start_date < today:
                errors["start_date"] = ValidationError(START_IN_PAST, code="start_in_past")
            elif self.start_date is not None and self.start_date > today + MAX_START_AHEAD:
                errors["start_date"] = ValidationError(START_TOO_LATE, code="start_too_late")
            if type(self).objects.for_user(self.user).running().exists():
                errors[NON_FIELD_ERRORS] = _one_at_a_time()
        if errors:
            raise ValidationError(errors)

    def start(self) -> None:
        """Save this new experiment, validated already (`full_clean()`, as the form and the API
        do). Another request may have started one between that check and this insert (a double
        submit, a second tab): the database's one-running constraint refuses it, and this raises
        the rule's words as a ValidationError instead of an IntegrityError. Nothing is saved then.
        """
        assert self.pk is None, "start() saves a new experiment; a saved plan never changes"
        try:
            with transaction.atomic():
                self.save()
        except IntegrityError:
            if not type(self).objects.for_user(self.user).running().exists():
                raise
            raise ValidationError({NON_FIELD_ERRORS: _one_at_a_time()}) from None

    def stop(self) -> None:
        """End a running experiment now; its data are kept and it can only be read or deleted."""
        changed = (
            type(self)
            .objects.filter(pk=self.pk, status=self.Status.RUNNING)
            .update(status=self.Status.STOPPED, stopped_at=timezone.now())
        )
        if not changed:
            raise ValidationError(NOT_RUNNING, code="not_running")
        self.refresh_from_db(fields=["status", "stopped_at"])
