"""A user's log, day by local day: the one loader every insight reads.

`load_days(user, first, last)` reads a date range in a fixed number of queries (two), however
long the history: drinks, minerals, stretches and exercise are summed per local day in the
database and come back with the check-ins in one query; cramps come one row each, as their
time and context matter. The insights modules are pure functions over what it returns, so they
are tested without a database.

The habits follow the check-in (`CheckIn.HABITS`) and the log, each with the prevention tip it
comes from (fixtures/tips.json), whose slug is the habit's key.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Cast, TruncDate
from django.utils.translation import gettext_lazy as _

from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    StretchEntry,
)

# The numbers of one kind's row of per-day sums (see `load_days`).
_SUMS = ("n1", "n2", "n3", "n4", "n5")

# A day's logged drinks at this share of the user's daily guide count as "drank to thirst".
# A guide, not a goal: nothing here rewards drinking more than that.
DRINKS_SHARE = 0.75


@dataclass(frozen=True)
class Habit:
    slug: str  # the prevention tip's slug
    label: str
    # Daily habits: a day without a yes is a missed day, as in Loop. The others apply only on
    # some days (exercise, cold): a day without an answer leaves their score alone.
    daily: bool
    # Offered as a personal experiment: never for drinks (we never push fluid volumes).
    experiment: bool = True


HABITS = (
    Habit("stretch-before-bed", _("Stretched before bed"), daily=True),
    Habit("warm-up-stretch", _("Warmed up before exercise"), daily=False),
    Habit("loose-clothing", _("Clothing, shoes and socks not tight"), daily=True),
    Habit("keep-warm-after-cold", _("Kept warm after exercise in the cold"), daily=False),
    Habit("avoid-overexertion", _("Avoided overdoing exercise"), daily=False),
    Habit("dietary-minerals", _("Ate a food from the minerals list"), daily=True),
    Habit("drink-to-thirst", _("Drank about your usual amount"), daily=True, experiment=False),
)
HABIT_SLUGS = tuple(h.slug for h in HABITS)

# The check-in field behind each check-in habit.
_CHECKIN_FIELD = {
    "stretch-before-bed": "stretched_before_bed",
    "warm-up-stretch": "warmed_up",
    "loose-clothing": "loose_clothing",
    "keep-warm-after-cold": "kept_warm",
    "avoid-overexertion": "avoided_overexertion",
}


@dataclass(frozen=True)
class Cramp:
    started_at: dt.datetime  # in the user's zone
    severity: int
    duration_seconds: int
    side: str
    muscle: str
    context: str

    @property
    def in_bed(self) -> bool:
        return self.context == CrampEpisode.Context.ASLEEP


@dataclass
class Day:
    """What one local day's log says."""

    date: dt.date
    # Each habit: True kept, False not kept, None unknown or not applicable that day.
    habits: dict = field(default_factory=dict)
    cramps: list = field(default_factory=list)  # started on this local date
    night_cramps: int = 0  # in bed during the night that follows this day
    drinks_ml: int = 0
    minerals: dict = field(default_factory=dict)  # mg by mineral, food and supplements
    active: bool = False  # a drink, food, stretch, exercise or check-in logged

    @property
    def worst_severity(self) -> int | None:
        return max((c.severity for c in self.cramps), default=None)

    @property
    def cramp_at_night(self) -> bool:
        return any(c.in_bed for c in self.cramps)


def night_of(user, local: dt.datetime) -> dt.date:
    """The day whose night a moment belongs to: the day runs from waking to waking, so a cramp
    at 03:00 on Tuesday falls in Monday's night."""
    wake = dt.timedelta(hours=user.wake_time.hour, minutes=user.wake_time.minute)
    return (local.replace(tzinfo=None) - wake).date()


def load_days(user, first: dt.date, last: dt.date) -> dict[dt.date, Day]:
    """Every local day from `first` to `last` (both included), in two queries."""
    tz = user.tz
    start, _ = user.day_bounds(first)
    _, end = user.day_bounds(last)
    # A cramp of the night after `last` may fall on the next morning.
    _, night_end = user.day_bounds(last + dt.timedelta(days=1))
    days = {
        first + dt.timedelta(n): Day(first + dt.timedelta(n))
        for n in range((last - first).days + 1)
    }

    def per_day(kind, queryset, **sums):
        """One kind's sums per local day, as (kind, day, five numbers): one row shape, so the
        four kinds and the check-ins come back in one query."""
        numbers = [*sums.values(), *[Value(0)] * (len(_SUMS) - len(sums))]
        return (
            queryset.for_user(user)
            .between(start, end)
            .annotate(day=TruncDate(queryset.model.TIME_FIELD, tzinfo=tz))
            .order_by()
            .values("day")
            .annotate(kind=Value(kind), **dict(zip(_SUMS, numbers, strict=True)))
            .values_list("kind", "day", *_SUMS)
        )

    food = Count("id", filter=Q(food__isnull=False) & ~Q(food__kind=FoodItem.Kind.SUPPLEMENT))
    sums = per_day("drinks", HydrationEntry.objects.all(), ml=Sum("amount_ml")).union(
        per_day(
            "intake",
            IntakeEntry.objects.all(),
            foods=food,
            **{m: Sum(f"{m}_mg") for m in FoodItem.MINERALS},
        ),
        per_day(
            "stretch",
            StretchEntry.objects.all(),
            bed=Count("id", filter=Q(occasion=StretchEntry.Occasion.BEFORE_BED)),
        ),
        per_day(
            "exercise",
            ExerciseSession.objects.filter(status=ExerciseSession.Status.DONE),
            yes=Count("id", filter=Q(warmed_up=True)),
            no=Count("id", filter=Q(warmed_up=False)),
        ),
        # The check-in's five answers in the same shape: NULL (not answered), 0 or 1.
        CheckIn.objects.for_user(user)
        .filter(date__gte=first, date__lte=last)
        .order_by()
        .annotate(
            kind=Value("checkin"),
            day=F("date"),
            **{
                n: Cast(name, IntegerField())
                for n, name in zip(_SUMS, _CHECKIN_FIELD.values(), strict=True)
            },
        )
        .values_list("kind", "day", *_SUMS),
        all=True,
    )
    answers = []
    for kind, date, *numbers in sums:
        day = days.get(date)
        if day is None:
            continue
        day.active = True
        if kind == "drinks":
            day.drinks_ml = numbers[0] or 0
        elif kind == "intake":
            day.minerals = {
                m: mg or 0 for m, mg in zip(FoodItem.MINERALS, numbers[1:], strict=True)
            }
            day.habits["dietary-minerals"] = numbers[0] > 0 or None
        elif kind == "stretch":
            if numbers[0]:
                day.habits["stretch-before-bed"] = True
        elif kind == "exercise":
            if numbers[0] or numbers[1]:
                # One session without a warm-up is a "no" for the day, as the check-in says.
                day.habits["warm-up-stretch"] = not numbers[1]
        else:
            answers.append((day, numbers))
    # The check-in's answer wins over the log, except that a logged stretch is a stretch done.
    for day, numbers in answers:
        for slug, answer in zip(_CHECKIN_FIELD, numbers, strict=True):
            if answer is None:
                continue
            if slug == "stretch-before-bed" and not answer and day.habits.get(slug):
                continue
            day.habits[slug] = bool(answer)
    episodes = CrampEpisode.objects.for_user(user).filter(
        started_at__gte=start, started_at__lt=night_end
    )
    fields = ("started_at", "severity", "duration_seconds", "side", "muscle", "context")
    for row in episodes.order_by("started_at", "id").values_list(*fields):
        cramp = Cramp(row[0].astimezone(tz), *row[1:])
        local_day = cramp.started_at.date()
        if local_day in days and cramp.started_at < end.astimezone(tz):
            # A cramp alone does not make a day "logged on": the outcome must not decide
            # whether the habits of its day count as missed.
            days[local_day].cramps.append(cramp)
        if cramp.in_bed:
            night = night_of(user, cramp.started_at)
            if night in days:
                days[night].night_cramps += 1
    target = user.drinks_target_ml * DRINKS_SHARE
    for day in days.values():
        habits = day.habits
        if day.drinks_ml:
            habits["drink-to-thirst"] = day.drinks_ml >= target
        if day.active:
            # A day the user logged on: what they did not log there, they did not do.
            habits.setdefault("dietary-minerals", False)
            habits.setdefault("stretch-before-bed", False)
            habits.setdefault("drink-to-thirst", False)
        for habit in HABITS:
            habits.setdefault(habit.slug, None)
    return days
