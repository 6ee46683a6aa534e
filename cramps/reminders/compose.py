"""A reminder's words, written from the user's own log.

`compose_many(deliveries, now)` reads (never writes) what a batch of deliveries needs, in a fixed
number of queries whatever the batch's size (the users' schedules, tonight's stretches, this
week's night cramps, the day's intake totals grouped by user, sessions and routine slots by id,
the latest cramps per user, and the bedtime routine and food catalogue once), and returns a
`Composed` per delivery id: either a reason not to send at all (`skip_reason`), or a subject with a
plain-text and an HTML body. `compose(delivery, now)` is the same for one delivery. The send path
calls `compose_many` just before `channels.deliver_many`.

Rules, each tested in tests/test_reminders_compose.py:
- Nothing goes out when the reminder kind is turned off (or has no channel left), during the
  user's quiet hours (local wall time, possibly spanning midnight), after tonight's bedtime stretch
  is already logged, or for an exercise session already done or cancelled.
- "Tonight" starts at the most recent local noon at or before the send time, so a bedtime just after
  midnight still belongs to the evening before. The same evening's local day gives "today's"
  mineral totals.
- Health wording follows ../shared/domain.md: drink to thirst, never a volume to drink, never
  quinine or tonic water; mineral foods are general health advice, their effect on cramps unproven.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cramps.insights import experiments
from cramps.models import (
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    IntakeEntry,
    Notification,
    ReliefTechnique,
    ReminderDelivery,
    ReminderSchedule,
    RoutineSlot,
    StretchEntry,
)
from cramps.models.library import BEDTIME_ROUTINE_SLUG
from cramps.models.reminders import ReminderKind
from cramps.targets import MINERAL_NAMES, potassium_caution
from cramps.text import sentences

from .timing import (
    SUPERSEDE_WINDOW,
    base_occurrence,
    key_minute,
    routine_key_parts,
    session_key_parts,
)

NIGHT_CRAMP_DAYS = 7
# How many of the latest cramps the pre-exercise reminder looks at.
RECENT_CRAMPS = 5
# Sodium is left out on purpose: most adults eat more than enough, so we never suggest more salt.
SUGGESTED_MINERALS = ("potassium", "calcium", "magnesium")
# A logged session this close to a routine slot's start stands for that slot (as in timing).
ROUTINE_MATCH = SUPERSEDE_WINDOW

# Used when the library row is missing (its fixture not loaded yet): the routine of domain.md.
_FALLBACK_BEDTIME_STEPS = (
    gettext_lazy(
        "Standing calf stretch: hands on a wall, one leg back with the heel down, lean in until "
        "you feel a moderate stretch in the calf. Hold 10 seconds, rest 10 seconds, three times."
    ),
    gettext_lazy(
        "Hamstring stretch (seated is fine): leg straight in front of you, reach gently toward "
        "the toes until you feel a moderate stretch behind the thigh. Hold 10 seconds, rest 10 "
        "seconds, three times."
    ),
    gettext_lazy("Do both legs. About three minutes in all; stretch gently, never to pain."),
)
# A routine slot without an activity of its own.
_EXERCISE = gettext_lazy("Exercise")
_SIPS = gettext_lazy("A few sips of water if you're thirsty is plenty at bedtime.")
# A subject is stored on the delivery and is the in-app notice's title: it fits both columns.
SUBJECT_MAX = min(
    ReminderDelivery._meta.get_field("subject").max_length,
    Notification._meta.get_field("title").max_length,
)


@dataclass(frozen=True)
class Composed:
    skip_reason: str | None
    subject: str = ""
    text: str = ""
    html: str = ""

    @classmethod
    def skipped(cls, reason: str) -> "Composed":
        return cls(skip_reason=reason)


def one_line(text: str, limit: int = SUBJECT_MAX) -> str:
    """`text` as one line of at most `limit` characters: every run of whitespace (line breaks,
    tabs, Unicode separators) becomes one space, and a longer text ends in "…".

    Subjects carry the user's own words (a session's activity). An email subject is a header, and
    Django refuses a header with a line break in it: the whole reminder would fail, on every
    channel. Every subject goes through here (`_render`), so it is safe as a header and fits the
    delivery's `subject` and the notification's `title`.
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def is_quiet(start: dt.time | None, end: dt.time | None, local_time: dt.time) -> bool:
    """Whether a local wall time falls in quiet hours [start, end), which may span midnight."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def compose(delivery, now: dt.datetime) -> Composed:
    """One delivery's words: `compose_many` for a batch of one (a failure raises)."""
    return compose_many([delivery], now)[delivery.pk]


def compose_many(
    deliveries, now: dt.datetime, errors: dict | None = None, schedules: dict | None = None
) -> dict[int, Composed]:
    """{delivery id: Composed} for a batch of saved deliveries (their `user` loaded with them).

    The queries are the same few for a batch of one or of five hundred, each one only when some
    delivery still needs it. A delivery whose words cannot be written (bad data, a bug) raises; with
    an `errors` dict, its exception goes there instead ({delivery id: exception}), it is left out
    of the result, and the rest of the batch is composed. `schedules`: what `schedules_for` read
    for these deliveries, when the caller has it already.
    """
    composer = _Composer(now, errors)
    composer.run(list(deliveries), schedules)
    return composer.done


class _Composer:
    """One batch: what its deliveries need from the database, read once, and their words."""

    def __init__(self, now: dt.datetime, errors: dict | None):
        self.now = now
        self.errors = errors
        self.done: dict[int, Composed] = {}
        self._steps: tuple[str, ...] | None = None
        self._foods: list[FoodItem] | None = None
        self._richest: dict[str, FoodItem | None] = {}

    def _fail(self, delivery, exc: Exception) -> None:
        if self.errors is None:
            raise exc
        self.errors[delivery.pk] = exc

    def run(self, deliveries, schedules=None) -> None:
        if not deliveries:
            return
        if schedules is None:
            schedules = schedules_for(deliveries)
        bedtime, exercise = [], []
        for delivery in deliveries:
            try:
                skip, local_now = _settings_allow(
                    delivery, schedules.get((delivery.user_id, delivery.kind)), self.now
                )
            except Exception as exc:  # e.g. a time zone that no longer exists
                self._fail(delivery, exc)
                continue
            if skip is not None:
                self.done[delivery.pk] = skip
            elif delivery.kind == ReminderKind.BEDTIME:
                bedtime.append((delivery, local_now))
            elif delivery.kind == ReminderKind.PRE_EXERCISE:
                exercise.append((delivery, local_now))
            else:
                self.done[delivery.pk] = Composed.skipped(
                    f"unknown reminder kind {delivery.kind!r}"
                )
        if bedtime:
            self._bedtime(bedtime)
        if exercise:
            self._pre_exercise(exercise)

    # Bedtime

    def _bedtime(self, items) -> None:
        tonight = {d.pk: evening_start(local_now) for d, local_now in items}
        stretched = _times_by_user(
            StretchEntry.objects.filter(
                Q(occasion=StretchEntry.Occasion.BEFORE_BED)
                | Q(technique__slug=BEDTIME_ROUTINE_SLUG)
            ),
            "at",
            {d.user_id for d, _ in items},
            since=min(tonight.values()),
        )
        rest = []
        for delivery, local_now in items:
            if any(at >= tonight[delivery.pk] for at in stretched.get(delivery.user_id, ())):
                self.done[delivery.pk] = Composed.skipped("bedtime stretch already logged tonight")
            else:
                rest.append((delivery, local_now))
        if not rest:
            return

        week = {d.pk: local_now - dt.timedelta(days=NIGHT_CRAMP_DAYS) for d, local_now in rest}
        night_cramps = _times_by_user(
            CrampEpisode.objects.filter(context=CrampEpisode.Context.ASLEEP),
            "started_at",
            {d.user_id for d, _ in rest},
            since=min(week.values()),
            until=self.now,
        )
        totals = _intake_totals([(d.user, tonight[d.pk].date()) for d, _ in rest])
        running = experiments.running_by_user({d.user_id for d, _ in rest})
        for delivery, _local_now in rest:
            try:
                with in_language_of(delivery.user):
                    self.done[delivery.pk] = self._bedtime_for(
                        delivery, night_cramps, week, totals, running, tonight
                    )
            except Exception as exc:
                self._fail(delivery, exc)

    def _bedtime_for(self, delivery, night_cramps, week, totals, running, tonight) -> Composed:
        count = sum(1 for at in night_cramps.get(delivery.user_id, ()) if at >= week[delivery.pk])
        return self._bedtime_words(
            delivery.user,
            count,
            totals.get(delivery.user_id),
            running.get(delivery.user_id),
            tonight[delivery.pk].date(),
        )

    def _bedtime_words(
        self, user, night_cramps: int, totals: dict | None, experiment=None, night=None
    ) -> Composed:
        blocks: list = []
        line = experiments.block_line(experiment, night) if experiment is not None else ""
        if line:
            # A running experiment: tonight's block first; on a "no stretch" night of a
            # bedtime-stretch experiment, no nudge to stretch at all.
            blocks.append(line)
            if experiments.skips_bedtime_stretch(experiment, night):
                return _render(
                    _("Tonight: no bedtime stretch, that is the experiment"),
                    [
                        line,
                        _("Log any cramp as usual; that is what the experiment compares."),
                        _SIPS,
                    ],
                )
        if night_cramps:
            subject = ngettext(
                "Bedtime stretch: %(count)d night cramp this week",
                "Bedtime stretch: %(count)d night cramps this week",
                night_cramps,
            ) % {"count": night_cramps}
            blocks.append(
                ngettext(
                    "You logged %(count)d night cramp this week. Tonight's stretch is worth the "
                    "three minutes: it won't stop every cramp, but it may make them fewer.",
                    "You logged %(count)d night cramps this week. Tonight's stretch is worth the "
                    "three minutes: it won't stop every cramp, but it may make them fewer.",
                    night_cramps,
                )
                % {"count": night_cramps}
            )
            blocks.append(self._bedtime_steps())
        else:
            subject = _("Time for your bedtime stretch")
            blocks.append(
                _(
                    "Time for your bedtime stretch: calves and hamstrings, about three minutes. "
                    "It won't stop every cramp, but it may make them fewer."
                )
            )
        food_line = self._food_suggestion(user, totals)
        if food_line:
            blocks.append(food_line)
        blocks.append(_SIPS)
        blocks.append(_("Done? Log the stretch and tonight's reminders stop."))
        return _render(subject, blocks)

    def _bedtime_steps(self) -> tuple[str, ...]:
        if self._steps is None:
            steps = (
                ReliefTechnique.objects.filter(slug=BEDTIME_ROUTINE_SLUG)
                .values_list("steps", flat=True)
                .first()
            )
            self._steps = tuple(str(step) for step in steps) if steps else _FALLBACK_BEDTIME_STEPS
        return self._steps

    def _food_suggestion(self, user, totals: dict | None) -> str:
        """One catalogue food rich in the mineral furthest below target, if the user logged any."""
        # Without any intake logged we cannot tell what is low: say nothing rather than guess.
        if not totals or not totals["entries"]:
            return ""
        targets = user.mineral_targets()
        shortfalls = {
            m: (totals[m] or 0) / targets[m]
            for m in SUGGESTED_MINERALS
            if targets[m] and (totals[m] or 0) < targets[m]
        }
        if not shortfalls:
            return ""
        mineral = min(shortfalls, key=lambda m: (shortfalls[m], SUGGESTED_MINERALS.index(m)))
        food = self._richest_food(mineral)
        if food is None:
            return ""
        name = MINERAL_NAMES[mineral]
        sentence = _(
            "Your logged %(mineral)s today: %(logged)s of %(target)s mg. For a snack or for "
            "tomorrow: %(food)s, %(portion)s: about %(amount)s mg of %(mineral)s."
        ) % {
            "mineral": name,
            "logged": totals[mineral] or 0,
            "target": targets[mineral],
            "food": food.name,
            "portion": food.portion,
            "amount": getattr(food, f"{mineral}_mg"),
        }
        # A catalogue note about this mineral matters here (e.g. spinach's calcium is poorly
        # absorbed): the English note names it in English, a translated one in its language.
        if food.note and (
            mineral in (food.note_en or "").lower() or str(name).lower() in food.note.lower()
        ):
            sentence = sentences(sentence, food.note)
        if mineral == "potassium":
            sentence = sentences(sentence, potassium_caution())
        return sentences(sentence, _("Good for general health; its effect on cramps is unproven."))

    def _richest_food(self, mineral: str) -> FoodItem | None:
        """The first food by (most of the mineral, display order, slug), read once per batch.

        The catalogue comes in the database's (display_order, slug) order, and only a strictly
        richer food displaces an earlier one: the same food as ORDER BY -mg, display_order, slug.
        """
        if mineral not in self._richest:
            if self._foods is None:
                self._foods = list(
                    FoodItem.objects.filter(kind=FoodItem.Kind.FOOD).order_by(
                        "display_order", "slug"
                    )
                )
            best = None
            for food in self._foods:
                amount = getattr(food, f"{mineral}_mg")
                if amount > 0 and (best is None or amount > getattr(best, f"{mineral}_mg")):
                    best = food
            self._richest[mineral] = best
        return self._richest[mineral]

    # Before exercise

    def _pre_exercise(self, items) -> None:
        plans = []  # (delivery, local_now, ("session", id, start or None) | ("routine", id, date))
        for delivery, local_now in items:
            if (parts := session_key_parts(delivery.occurrence)) is not None:
                plans.append((delivery, local_now, ("session", *parts)))
            elif (parts := routine_key_parts(delivery.occurrence)) is not None:
                plans.append((delivery, local_now, ("routine", *parts)))
            else:
                occurrence = base_occurrence(delivery.occurrence)
                self.done[delivery.pk] = Composed.skipped(f"unknown occurrence {occurrence!r}")
        if not plans:
            return

        sessions = _by_id(ExerciseSession, {p[1] for _, _, p in plans if p[0] == "session"})
        slots = _by_id(RoutineSlot, {p[1] for _, _, p in plans if p[0] == "routine"})
        found = []  # (delivery, local_now, activity, starts, cold, routine window or None)
        for delivery, local_now, plan in plans:
            try:
                user = delivery.user
                if plan[0] == "session":
                    session = sessions.get(plan[1])
                    if session is None or session.user_id != delivery.user_id:
                        self.done[delivery.pk] = Composed.skipped(
                            "the exercise session no longer exists"
                        )
                        continue
                    if session.status != ExerciseSession.Status.PLANNED:
                        self.done[delivery.pk] = Composed.skipped(
                            f"the session is already {session.get_status_display().lower()}"
                        )
                        continue
                    if plan[2] is not None and key_minute(session.starts_at) != plan[2]:
                        # Its new time is an occurrence of its own, with its own reminder.
                        self.done[delivery.pk] = Composed.skipped(
                            "the session was moved to another time"
                        )
                        continue
                    starts = session.starts_at.astimezone(user.tz)
                    found.append(
                        (delivery, local_now, session.activity, starts, session.cold_weather, None)
                    )
                else:
                    slot = slots.get(plan[1])
                    if slot is None or slot.user_id != delivery.user_id:
                        self.done[delivery.pk] = Composed.skipped(
                            "the routine slot no longer exists"
                        )
                        continue
                    starts = dt.datetime.combine(plan[2], slot.start_time, tzinfo=user.tz)
                    window = (starts - ROUTINE_MATCH, starts + ROUTINE_MATCH)
                    found.append(
                        (delivery, local_now, slot.activity or _EXERCISE, starts, False, window)
                    )
            except Exception as exc:
                self._fail(delivery, exc)

        logged = self._logged_sessions([(d, w) for d, *_, w in found if w is not None])
        ready = []
        for entry in found:
            delivery = entry[0]
            if delivery.pk in logged:
                label = ExerciseSession.Status(logged[delivery.pk]).label.lower()
                self.done[delivery.pk] = Composed.skipped(f"the session is already {label}")
            else:
                ready.append(entry)
        if not ready:
            return

        recent = _recent_cramps({d.user_id for d, *_ in ready}, self.now)
        for delivery, local_now, activity, starts, cold, _window in ready:
            try:
                with in_language_of(delivery.user):
                    self.done[delivery.pk] = _pre_exercise_words(
                        activity, starts, cold, local_now, recent.get(delivery.user_id, [])
                    )
            except Exception as exc:
                self._fail(delivery, exc)

    def _logged_sessions(self, windows) -> dict[int, str]:
        """{delivery id: status} of a session done or cancelled near each routine slot's start;
        the latest such session when there are several."""
        if not windows:
            return {}
        rows = (
            ExerciseSession.objects.filter(
                user_id__in={d.user_id for d, _ in windows},
                starts_at__gte=min(lo for _, (lo, _hi) in windows),
                starts_at__lte=max(hi for _, (_lo, hi) in windows),
                status__in=[ExerciseSession.Status.DONE, ExerciseSession.Status.CANCELLED],
            )
            .order_by()
            .values_list("user_id", "starts_at", "status")
        )
        by_user = defaultdict(list)
        for user_id, starts_at, status in rows:
            by_user[user_id].append((starts_at, status))
        logged = {}
        for delivery, (lo, hi) in windows:
            near = [row for row in by_user.get(delivery.user_id, ()) if lo <= row[0] <= hi]
            if near:
                logged[delivery.pk] = max(near, key=lambda row: row[0])[1]
        return logged


def _settings_allow(delivery, schedule, now) -> tuple[Composed | None, dt.datetime]:
    """(a skip, or None, and the user's local time): the checks common to every kind."""
    if schedule is not None and not schedule[0]:
        return Composed.skipped("this reminder is turned off"), now
    if schedule is not None and not (schedule[1] or schedule[2]):
        return (
            Composed.skipped("no way to remind you is chosen (in-app and email are both off)"),
            now,
        )
    user = delivery.user
    local_now = now.astimezone(user.tz)
    if is_quiet(user.quiet_hours_start, user.quiet_hours_end, local_now.time()):
        reason = f"quiet hours ({user.quiet_hours_start:%H:%M}-{user.quiet_hours_end:%H:%M})"
        return Composed.skipped(reason), local_now
    return None, local_now


# Batch reads: one query each, whatever the number of deliveries


def schedules_for(deliveries) -> dict[tuple[int, str], tuple[bool, bool, bool]]:
    """{(user id, kind): (enabled, in_app, by_email)} of the deliveries' users; absent where no
    schedule row exists (the model's defaults apply)."""
    rows = ReminderSchedule.objects.filter(
        user_id__in={d.user_id for d in deliveries}, kind__in={d.kind for d in deliveries}
    ).values_list("user_id", "kind", "enabled", "in_app", "by_email")
    return {(user_id, kind): flags for user_id, kind, *flags in rows}


def _times_by_user(queryset, field: str, user_ids, since, until=None) -> dict[int, list]:
    """{user id: [times]} of the rows at or after `since` (and at or before `until`). The caller
    applies each delivery's own lower bound: zones differ, the query takes the earliest."""
    queryset = queryset.filter(user_id__in=user_ids, **{f"{field}__gte": since})
    if until is not None:
        queryset = queryset.filter(**{f"{field}__lte": until})
    found = defaultdict(list)
    for user_id, at in queryset.order_by().values_list("user_id", field):
        found[user_id].append(at)
    return found


def _intake_totals(user_days) -> dict[int, dict]:
    """{user id: {entries, potassium, calcium, magnesium}} over each user's local day.

    A batch has one send time, so each user has one "today": users are grouped by the UTC bounds
    of their day (one group per zone and date), all groups in one query."""
    groups = defaultdict(set)
    for user, day in user_days:
        groups[user.day_bounds(day)].add(user.pk)
    match = Q()
    for (start, end), user_ids in groups.items():
        match |= Q(user_id__in=user_ids, at__gte=start, at__lt=end)
    rows = (
        IntakeEntry.objects.filter(match)
        .order_by()
        .values("user_id")
        .annotate(entries=Count("id"), **{m: Sum(f"{m}_mg") for m in SUGGESTED_MINERALS})
    )
    return {row["user_id"]: row for row in rows}


# Ids past PostgreSQL's bigint would fail the whole batch's query: no such row can exist.
_MAX_ID = 2**63 - 1


def _by_id(model, ids) -> dict:
    ids = {pk for pk in ids if 0 < pk <= _MAX_ID}
    return model.objects.in_bulk(ids) if ids else {}


def _recent_cramps(user_ids, now) -> dict[int, list[tuple[str, str, str]]]:
    """{user id: [(context, side, muscle)]} of each user's latest cramps, newest first."""
    rows = (
        CrampEpisode.objects.filter(user_id__in=user_ids, started_at__lte=now)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("user_id")], order_by=F("started_at").desc())
        )
        .filter(rank__lte=RECENT_CRAMPS)
        .order_by()
        .values_list("user_id", "rank", "context", "side", "muscle")
    )
    recent = defaultdict(list)
    for user_id, _rank, *row in sorted(rows, key=lambda row: (row[0], row[1])):
        recent[user_id].append(tuple(row))
    return recent


# Words


def in_language_of(user):
    """Render one user's reminder in their language (English when they chose none)."""
    return translation.override(user.language or settings.LANGUAGE_CODE)


def evening_start(local_now: dt.datetime) -> dt.datetime:
    """The most recent local noon at or before `local_now`: where "tonight" begins."""
    day = local_now.date()
    if local_now.time() < dt.time(12):
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(12), tzinfo=local_now.tzinfo)


def _pre_exercise_words(activity, starts, cold, local_now, recent) -> Composed:
    # In the user's zone (`starts` is already there), in their language's own date order.
    same_day = starts.date() == local_now.date()
    when = date_format(starts, "TIME_FORMAT" if same_day else "WEEKDAY_DATETIME_FORMAT")
    blocks: list = [
        _(
            "%(activity)s starts at %(when)s. Warm up for 5 to 10 minutes first: an easy "
            "version of the activity, building up gradually."
        )
        % {"activity": activity, "when": when},
        _(
            "Then stretch your calves and hamstrings: straighten the leg, pull your toes toward "
            "your shin and hold a gentle, moderate stretch for 20 to 30 seconds, each leg. "
            "No bouncing."
        ),
        _("Drink to thirst before and during; there's no need to force extra water."),
    ]
    if cold:
        blocks.append(
            _(
                "It's a cold-weather session: dress in layers, keep your legs covered, and put "
                "warm clothes on as soon as you finish (traditional advice, not tested, but "
                "harmless)."
            )
        )
    history = _exercise_history(recent)
    if history:
        blocks.append(history)
    return _render(
        _("%(activity)s at %(when)s: warm up and stretch first")
        % {"activity": activity, "when": when},
        blocks,
    )


_MUSCLE_WORDS = {
    CrampEpisode.Muscle.CALF: (gettext_lazy("calf"), gettext_lazy("calves")),
    CrampEpisode.Muscle.FOOT: (gettext_lazy("foot"), gettext_lazy("feet")),
    CrampEpisode.Muscle.SHIN: (gettext_lazy("shin"), gettext_lazy("shins")),
    CrampEpisode.Muscle.QUADRICEPS: (gettext_lazy("thigh (front)"), gettext_lazy("thighs (front)")),
    CrampEpisode.Muscle.HAMSTRING: (gettext_lazy("hamstring"), gettext_lazy("hamstrings")),
    CrampEpisode.Muscle.OTHER: (gettext_lazy("leg"), gettext_lazy("legs")),
}


def where(side: str, muscle: str) -> str:
    """('left', 'calf') -> 'in the left calf'; ('both', 'calf') -> 'in both calves'."""
    one, both = _MUSCLE_WORDS.get(muscle, _MUSCLE_WORDS[CrampEpisode.Muscle.OTHER])
    if side == CrampEpisode.Side.BOTH:
        return _("in both %(muscles)s") % {"muscles": both}
    if side == CrampEpisode.Side.LEFT:
        return _("in the left %(muscle)s") % {"muscle": one}
    return _("in the right %(muscle)s") % {"muscle": one}


def _exercise_history(recent: list[tuple[str, str, str]]) -> str:
    """`recent`: the user's latest cramps as (context, side, muscle), newest first."""
    exercise_contexts = (CrampEpisode.Context.DURING_EXERCISE, CrampEpisode.Context.AFTER_EXERCISE)
    during = [row for row in recent if row[0] in exercise_contexts]
    if not during:
        return ""
    contexts = {row[0] for row in during}
    if contexts == {CrampEpisode.Context.DURING_EXERCISE}:
        came = _("during exercise")
    elif contexts == {CrampEpisode.Context.AFTER_EXERCISE}:
        came = _("after exercise")
    else:
        came = _("during or after exercise")
    # Ties go to the most recent place: Counter keeps first-seen order, newest first here.
    (side, muscle), times = Counter((s, m) for _c, s, m in during).most_common(1)[0]
    words = {"came": came, "place": where(side, muscle), "n": len(during), "total": len(recent)}
    if len(recent) == 1:
        lead = _("Your last cramp came %(came)s, %(place)s.") % words
    elif times == len(during) or len(during) == 1:
        lead = _("%(n)s of your last %(total)s cramps came %(came)s, %(place)s.") % words
    else:
        lead = _("%(n)s of your last %(total)s cramps came %(came)s, most often %(place)s.") % words
    return _("%(lead)s Give that muscle a little extra time in the warm-up.") % {"lead": lead}


# Rendering


def _render(subject: str, blocks: list) -> Composed:
    """Paragraphs are strings; a tuple is a numbered list of steps. HTML is escaped throughout."""
    text_parts, html_parts = [], []
    for block in blocks:
        if isinstance(block, tuple):
            text_parts.append("\n".join(f"{n}. {step}" for n, step in enumerate(block, 1)))
            html_parts.append(
                format_html(
                    "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((s,) for s in block))
                )
            )
        else:
            text_parts.append(str(block))  # a lazy translation, in the active language
            html_parts.append(format_html("<p>{}</p>", block))
    return Composed(
        skip_reason=None,
        subject=one_line(subject),
        text="\n\n".join(text_parts),
        html=mark_safe("\n".join(html_parts)),
    )
