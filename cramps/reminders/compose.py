"""A reminder's words, written from the user's own log.

`compose(delivery, now)` reads (never writes) the user's settings and recent log and returns a
`Composed`: either a reason not to send at all (`skip_reason`), or a subject with a plain-text and
an HTML body. The send task calls it just before `channels.deliver`.

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
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from cramps.models import (
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    IntakeEntry,
    ReliefTechnique,
    ReminderSchedule,
    RoutineSlot,
    StretchEntry,
)
from cramps.models.reminders import ReminderKind

from .timing import SUPERSEDE_WINDOW

BEDTIME_ROUTINE_SLUG = "bedtime-routine"
SNOOZE_MARK = "~snooze-"
NIGHT_CRAMP_DAYS = 7
# How many of the latest cramps the pre-exercise reminder looks at.
RECENT_CRAMPS = 5
# Sodium is left out on purpose: most adults eat more than enough, so we never suggest more salt.
SUGGESTED_MINERALS = ("potassium", "calcium", "magnesium")
# A logged session this close to a routine slot's start stands for that slot (as in timing).
ROUTINE_MATCH = SUPERSEDE_WINDOW

# Used when the library row is missing (its fixture not loaded yet): the routine of domain.md.
_FALLBACK_BEDTIME_STEPS = (
    "Standing calf stretch: hands on a wall, one leg back with the heel down, lean in until you "
    "feel a moderate stretch in the calf. Hold 10 seconds, rest 10 seconds, three times.",
    "Hamstring stretch (seated is fine): leg straight in front of you, reach gently toward the "
    "toes until you feel a moderate stretch behind the thigh. Hold 10 seconds, rest 10 seconds, "
    "three times.",
    "Do both legs. About three minutes in all; stretch gently, never to pain.",
)
_SIPS = "A few sips of water if you're thirsty is plenty at bedtime."


@dataclass(frozen=True)
class Composed:
    skip_reason: str | None
    subject: str = ""
    text: str = ""
    html: str = ""

    @classmethod
    def skipped(cls, reason: str) -> "Composed":
        return cls(skip_reason=reason)


def split_occurrence(occurrence: str) -> tuple[str, int]:
    """'2026-03-10~snooze-2' -> ('2026-03-10', 2); an original occurrence has snooze number 0."""
    base, mark, number = occurrence.partition(SNOOZE_MARK)
    if mark and number.isdigit():
        return base, int(number)
    return occurrence, 0


def is_quiet(start: dt.time | None, end: dt.time | None, local_time: dt.time) -> bool:
    """Whether a local wall time falls in quiet hours [start, end), which may span midnight."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def compose(delivery, now: dt.datetime) -> Composed:
    user = delivery.user
    schedule = ReminderSchedule.objects.filter(user=user, kind=delivery.kind).first()
    if schedule is not None and not schedule.enabled:
        return Composed.skipped("this reminder is turned off")
    if schedule is not None and not (schedule.in_app or schedule.by_email):
        return Composed.skipped("no way to remind you is chosen (in-app and email are both off)")
    local_now = now.astimezone(user.tz)
    if is_quiet(user.quiet_hours_start, user.quiet_hours_end, local_now.time()):
        return Composed.skipped(
            f"quiet hours ({user.quiet_hours_start:%H:%M}-{user.quiet_hours_end:%H:%M})"
        )
    if delivery.kind == ReminderKind.BEDTIME:
        return _bedtime(user, local_now)
    if delivery.kind == ReminderKind.PRE_EXERCISE:
        return _pre_exercise(user, split_occurrence(delivery.occurrence)[0], local_now)
    return Composed.skipped(f"unknown reminder kind {delivery.kind!r}")


# Bedtime


def evening_start(local_now: dt.datetime) -> dt.datetime:
    """The most recent local noon at or before `local_now`: where "tonight" begins."""
    day = local_now.date()
    if local_now.time() < dt.time(12):
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(12), tzinfo=local_now.tzinfo)


def _bedtime(user, local_now: dt.datetime) -> Composed:
    tonight = evening_start(local_now)
    stretched = (
        StretchEntry.objects.for_user(user)
        .filter(at__gte=tonight)
        .filter(
            Q(occasion=StretchEntry.Occasion.BEFORE_BED) | Q(technique__slug=BEDTIME_ROUTINE_SLUG)
        )
        .exists()
    )
    if stretched:
        return Composed.skipped("bedtime stretch already logged tonight")

    night_cramps = (
        CrampEpisode.objects.for_user(user)
        .filter(
            context=CrampEpisode.Context.ASLEEP,
            started_at__gte=local_now - dt.timedelta(days=NIGHT_CRAMP_DAYS),
            started_at__lte=local_now,
        )
        .count()
    )
    blocks: list = []
    if night_cramps:
        noun = "night cramp" if night_cramps == 1 else "night cramps"
        subject = f"Bedtime stretch: {night_cramps} {noun} this week"
        blocks.append(
            f"You logged {night_cramps} {noun} this week. Tonight's stretch is worth the three "
            "minutes: stretching might not prevent every cramp, but may help to reduce them."
        )
        blocks.append(_bedtime_steps())
    else:
        subject = "Time for your bedtime stretch"
        blocks.append(
            "Time for your bedtime stretch: calves and hamstrings, about three minutes. "
            "It might not prevent every cramp, but may help to reduce them."
        )
    food_line = _food_suggestion(user, tonight.date())
    if food_line:
        blocks.append(food_line)
    blocks.append(_SIPS)
    blocks.append("Done? Log the stretch and tonight's reminders stop.")
    return _render(subject, blocks)


def _bedtime_steps() -> tuple[str, ...]:
    technique = ReliefTechnique.objects.filter(slug=BEDTIME_ROUTINE_SLUG).first()
    if technique is not None and technique.steps:
        return tuple(str(step) for step in technique.steps)
    return _FALLBACK_BEDTIME_STEPS


def _food_suggestion(user, day: dt.date) -> str:
    """One catalogue food rich in the mineral furthest below target, if the user logged any."""
    start, end = user.day_bounds(day)
    totals = (
        IntakeEntry.objects.for_user(user)
        .between(start, end)
        .aggregate(entries=Count("id"), **{m: Sum(f"{m}_mg") for m in SUGGESTED_MINERALS})
    )
    # Without any intake logged we cannot tell what is low: say nothing rather than guess.
    if not totals["entries"]:
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
    food = (
        FoodItem.objects.filter(kind=FoodItem.Kind.FOOD, **{f"{mineral}_mg__gt": 0})
        .order_by(f"-{mineral}_mg", "display_order", "slug")
        .first()
    )
    if food is None:
        return ""
    logged = totals[mineral] or 0
    amount = getattr(food, f"{mineral}_mg")
    # A catalogue note about this mineral matters here (e.g. spinach's calcium is poorly absorbed).
    note = f" {food.note}" if mineral in food.note.lower() else ""
    return (
        f"Your logged {mineral} today: {logged} of {targets[mineral]} mg. For a snack or for "
        f"tomorrow: {food.name}, {food.portion}: about {amount} mg of {mineral}.{note} Good for "
        "general health; its effect on cramps is unproven."
    )


# Before exercise


def _pre_exercise(user, occurrence: str, local_now: dt.datetime) -> Composed:
    kind, _, rest = occurrence.partition(":")
    if kind == "session" and rest.isdigit():
        session = ExerciseSession.objects.for_user(user).filter(pk=int(rest)).first()
        if session is None:
            return Composed.skipped("the exercise session no longer exists")
        if session.status != ExerciseSession.Status.PLANNED:
            return Composed.skipped(
                f"the session is already {session.get_status_display().lower()}"
            )
        activity = session.activity
        starts = session.starts_at.astimezone(user.tz)
        cold = session.cold_weather
    elif kind == "routine":
        slot_id, _, day = rest.partition(":")
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            return Composed.skipped(f"unknown occurrence {occurrence!r}")
        slot = (
            RoutineSlot.objects.for_user(user).filter(pk=slot_id).first()
            if slot_id.isdigit()
            else None
        )
        if slot is None:
            return Composed.skipped("the routine slot no longer exists")
        starts = dt.datetime.combine(date, slot.start_time, tzinfo=user.tz)
        logged = (
            ExerciseSession.objects.for_user(user)
            .filter(
                starts_at__gte=starts - ROUTINE_MATCH,
                starts_at__lte=starts + ROUTINE_MATCH,
                status__in=[ExerciseSession.Status.DONE, ExerciseSession.Status.CANCELLED],
            )
            .first()
        )
        if logged is not None:
            return Composed.skipped(f"the session is already {logged.get_status_display().lower()}")
        activity = slot.activity or "Exercise"
        cold = False
    else:
        return Composed.skipped(f"unknown occurrence {occurrence!r}")

    when = f"{starts:%H:%M}" if starts.date() == local_now.date() else f"{starts:%a %d %b %H:%M}"
    blocks: list = [
        f"{activity} starts at {when}. Warm up for 5 to 10 minutes first: an easy "
        "version of the activity, building up gradually.",
        "Then stretch your calves and hamstrings: straighten the leg, pull your toes toward your "
        "shin and hold a gentle, moderate stretch for 20 to 30 seconds, each leg. No bouncing.",
        "Drink to thirst before and during; there's no need to force extra water.",
    ]
    if cold:
        blocks.append(
            "It's a cold-weather session: dress in layers, keep your legs covered, and put warm "
            "clothes on as soon as you finish (traditional advice, not tested, but harmless)."
        )
    history = _exercise_history(user, local_now)
    if history:
        blocks.append(history)
    return _render(f"{activity} at {when}: warm up and stretch first", blocks)


_MUSCLE_WORDS = {
    CrampEpisode.Muscle.CALF: ("calf", "calves"),
    CrampEpisode.Muscle.FOOT: ("foot", "feet"),
    CrampEpisode.Muscle.SHIN: ("shin", "shins"),
    CrampEpisode.Muscle.QUADRICEPS: ("thigh (front)", "thighs (front)"),
    CrampEpisode.Muscle.HAMSTRING: ("hamstring", "hamstrings"),
    CrampEpisode.Muscle.OTHER: ("leg", "legs"),
}


def where(side: str, muscle: str) -> str:
    """('left', 'calf') -> 'in the left calf'; ('both', 'calf') -> 'in both calves'."""
    one, both = _MUSCLE_WORDS.get(muscle, ("leg", "legs"))
    if side == CrampEpisode.Side.BOTH:
        return f"in both {both}"
    return f"in the {side} {one}"


def _exercise_history(user, local_now: dt.datetime) -> str:
    recent = list(
        CrampEpisode.objects.for_user(user)
        .filter(started_at__lte=local_now)
        .order_by("-started_at")
        .values_list("context", "side", "muscle")[:RECENT_CRAMPS]
    )
    exercise_contexts = (CrampEpisode.Context.DURING_EXERCISE, CrampEpisode.Context.AFTER_EXERCISE)
    during = [row for row in recent if row[0] in exercise_contexts]
    if not during:
        return ""
    contexts = {row[0] for row in during}
    if contexts == {CrampEpisode.Context.DURING_EXERCISE}:
        came = "during exercise"
    elif contexts == {CrampEpisode.Context.AFTER_EXERCISE}:
        came = "after exercise"
    else:
        came = "during or after exercise"
    # Ties go to the most recent place: Counter keeps first-seen order, newest first here.
    (side, muscle), times = Counter((s, m) for _, s, m in during).most_common(1)[0]
    place = where(side, muscle)
    if len(recent) == 1:
        lead = f"Your last cramp came {came}, {place}."
    elif times == len(during) or len(during) == 1:
        lead = f"{len(during)} of your last {len(recent)} cramps came {came}, {place}."
    else:
        lead = f"{len(during)} of your last {len(recent)} cramps came {came}, most often {place}."
    return f"{lead} Give that muscle a little extra time in the warm-up."


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
            text_parts.append(block)
            html_parts.append(format_html("<p>{}</p>", block))
    return Composed(
        skip_reason=None,
        subject=subject,
        text="\n\n".join(text_parts),
        html=mark_safe("\n".join(html_parts)),
    )
