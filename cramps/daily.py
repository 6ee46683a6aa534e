"""A user's day: the quick choices of the log forms and the day's totals and entries.

The pure helpers (duration buckets, progress) know nothing of requests; `day_totals` and
`day_entries` build the few queries the today page needs.
"""

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass

from django.db.models import Prefetch, Q, Sum

from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    StretchEntry,
    TechniqueTrial,
)
from cramps.targets import MineralStatus

# The one-tap drink buttons on the today page, in ml.
QUICK_DRINKS_ML = (150, 250, 500)

# The library row behind "did my bedtime routine" (fixtures/techniques.json).
BEDTIME_ROUTINE_SLUG = "bedtime-routine"

# Quick duration choices for a cramp: (key, label, seconds stored). The stored figure is a
# representative value inside the range; "over 10 min" stays over the red-flag threshold.
DURATIONS = (
    ("lt1", "Under 1 min", 30),
    ("1to5", "1-5 min", 180),
    ("5to10", "5-10 min", 450),
    ("gt10", "Over 10 min", 900),
)
DEFAULT_DURATION = "1to5"
_DURATION_SECONDS = {key: seconds for key, _label, seconds in DURATIONS}


def seconds_for_duration(key: str) -> int:
    return _DURATION_SECONDS[key]


def duration_for_seconds(seconds: int) -> str:
    """The quick choice a stored duration falls in (an edit form shows it selected)."""
    if seconds < 60:
        return "lt1"
    if seconds <= 300:
        return "1to5"
    if seconds <= CrampEpisode.LONG_CRAMP_SECONDS:
        return "5to10"
    return "gt10"


def percent(amount: int, target: int) -> int:
    """Progress for a bar, capped at 100: a bar never invites going past the target."""
    if target <= 0:
        return 0
    return min(100, round(100 * amount / target))


@dataclass(frozen=True)
class DayTotals:
    drinks_ml: int
    drinks_target_ml: int
    minerals: tuple[MineralStatus, ...]

    @property
    def drinks_percent(self) -> int:
        return percent(self.drinks_ml, self.drinks_target_ml)

    @property
    def drinks_reached(self) -> bool:
        return self.drinks_ml >= self.drinks_target_ml


def day_totals(user, day: dt.date) -> DayTotals:
    """Drinks and minerals of the user's local day, summed in the database (two queries)."""
    start, end = user.day_bounds(day)
    drinks = (
        HydrationEntry.objects.for_user(user)
        .between(start, end)
        .aggregate(ml=Sum("amount_ml"))["ml"]
    )
    sums = (
        IntakeEntry.objects.for_user(user)
        .between(start, end)
        .aggregate(
            **{m: Sum(f"{m}_mg") for m in FoodItem.MINERALS},
            # Supplements' magnesium has its own upper limit (cramps.targets).
            supplement_magnesium=Sum(
                "magnesium_mg",
                filter=Q(food__isnull=True) | Q(food__kind=FoodItem.Kind.SUPPLEMENT),
            ),
        )
    )
    targets = user.mineral_targets()
    supplements = {"magnesium": sums["supplement_magnesium"] or 0}
    return DayTotals(
        drinks_ml=drinks or 0,
        drinks_target_ml=user.drinks_target_ml,
        minerals=tuple(
            MineralStatus(m, sums[m] or 0, targets[m], supplements.get(m, 0))
            for m in FoodItem.MINERALS
        ),
    )


def trials_prefetch() -> Prefetch:
    """An episode's trials with their technique, in one query for any number of episodes."""
    return Prefetch("trials", queryset=TechniqueTrial.objects.select_related("technique"))


@dataclass(frozen=True)
class DayEntries:
    episodes: list
    drinks: list
    intake: list
    stretches: list
    exercise: list


def day_entries(user, day: dt.date) -> DayEntries:
    """Every entry of the user's local day, oldest first (six queries, however many rows)."""
    start, end = user.day_bounds(day)

    def of(model):
        field = model.TIME_FIELD
        return model.objects.for_user(user).between(start, end).order_by(field, "pk")

    return DayEntries(
        episodes=list(of(CrampEpisode).prefetch_related(trials_prefetch())),
        drinks=list(of(HydrationEntry)),
        intake=list(of(IntakeEntry).select_related("food")),
        stretches=list(of(StretchEntry).select_related("technique")),
        exercise=list(of(ExerciseSession)),
    )


def bedtime_routine():
    """The bedtime routine of the library, or None while the library is not loaded."""
    return (
        ReliefTechnique.objects.filter(slug=BEDTIME_ROUTINE_SLUG).first()
        or ReliefTechnique.objects.filter(
            kind=ReliefTechnique.Kind.ROUTINE, slug__contains="bedtime"
        ).first()
    )


def tick_habit(user, day: dt.date, habit: str) -> CheckIn:
    """Mark one habit of a day's check-in as done, creating the check-in when missing."""
    checkin, _created = CheckIn.objects.update_or_create(
        user=user, date=day, defaults={habit: True}
    )
    return checkin


def suggested_habits(entries: DayEntries) -> dict:
    """Check-in answers the day's log already gives, before the user has checked in."""
    suggested = {}
    if any(s.occasion == StretchEntry.Occasion.BEFORE_BED for s in entries.stretches):
        suggested["stretched_before_bed"] = True
    done = [e for e in entries.exercise if e.status == ExerciseSession.Status.DONE]
    warmed = {e.warmed_up for e in done} - {None}
    if warmed:
        # One session without a warm-up is enough to answer "no".
        suggested["warmed_up"] = all(warmed)
    return suggested


# --- Page fingerprints ------------------------------------------------------------------------
# A cached page must never show a stale log. A fingerprint is one query that reads, as text,
# every column of every row a page shows (the entries, the library names beside them, the
# check-in) and the bell's unread count, so a change by any writer (a form, the API, the admin,
# a queryset update) changes it; the today page and the history lists key their cached HTML on
# its digest. The SQL is built from the models' metadata, so a new column is covered by itself.
# It filters by user exactly as `for_user()` and `between()` do, in one round trip instead of
# one per kind.

_UNREAD, _COUNT = "#unread ", "#count "


@dataclass(frozen=True)
class Fingerprint:
    digest: str
    unread_notifications: int
    count: int  # the history list's row count (what its paginator counts); 0 for a day


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_text(vendor: str, model, alias: str, *extra: str) -> str:
    """One row as text: every column, then the `extra` expressions (NULL shown as `~`)."""
    extra = [f"COALESCE(CAST({e} AS TEXT), '~')" for e in extra]
    if vendor == "postgresql":
        # The row's own text form: every column, and a short statement to plan.
        return " || '|' || ".join([f"CAST({alias} AS TEXT)", *extra])
    columns = [
        f"COALESCE(CAST({alias}.{_q(f.column)} AS TEXT), '~')" for f in model._meta.concrete_fields
    ]
    return " || '|' || ".join([*columns, *extra])


def _table(model) -> str:
    return _q(model._meta.db_table)


# The library name a page shows beside an entry: (library model, the entry's key to it).
_NAMES = {
    IntakeEntry: (FoodItem, "food_id"),
    StretchEntry: (ReliefTechnique, "technique_id"),
    TechniqueTrial: (ReliefTechnique, "technique_id"),
}


def _rows_sql(vendor: str, model, where: str, tail: str = "") -> str:
    """The rows of one kind as text, each with the library name shown beside it."""
    join, names = "", ()
    if model in _NAMES:
        library, key = _NAMES[model]
        join = f" LEFT JOIN {_table(library)} lib ON lib.{_q('id')} = x.{_q(key)}"
        names = (f"lib.{_q('name')}",)
    label = model._meta.model_name
    return (
        f"SELECT '{label}|' || {_row_text(vendor, model, 'x', *names)} "
        f"FROM {_table(model)} x{join} WHERE {where}{tail}"
    )


def _unread_sql() -> str:
    from cramps.models import Notification

    return (
        f"SELECT '{_UNREAD}' || CAST(COUNT(*) AS TEXT) FROM {_table(Notification)} "
        f"WHERE {_q('user_id')} = %s AND {_q('read_at')} IS NULL"
    )


_DAY_KINDS = (CrampEpisode, HydrationEntry, IntakeEntry, StretchEntry, ExerciseSession)


@functools.cache
def _day_sql(vendor: str) -> str:
    """Params: (user, start, end) for each kind and for the trials, (user, date), user."""
    parts = []
    for model in _DAY_KINDS:
        time = _q(model.TIME_FIELD)
        parts.append(
            _rows_sql(vendor, model, f"x.{_q('user_id')} = %s AND x.{time} >= %s AND x.{time} < %s")
        )
    episodes = (
        f"SELECT {_q('id')} FROM {_table(CrampEpisode)} WHERE {_q('user_id')} = %s "
        f"AND {_q('started_at')} >= %s AND {_q('started_at')} < %s"
    )
    parts.append(_rows_sql(vendor, TechniqueTrial, f"x.{_q('episode_id')} IN ({episodes})"))
    parts.append(_rows_sql(vendor, CheckIn, f"x.{_q('user_id')} = %s AND x.{_q('date')} = %s"))
    parts.append(_unread_sql())
    return "\nUNION ALL\n".join(parts)


def day_fingerprint(user, day: dt.date) -> Fingerprint:
    """Everything the day page shows of the user's local day, in one query (see above)."""
    from django.db import connection

    ops = connection.ops
    start, end = (ops.adapt_datetimefield_value(t) for t in user.day_bounds(day))
    params = [user.pk, start, end] * (len(_DAY_KINDS) + 1)
    params += [user.pk, ops.adapt_datefield_value(day), user.pk]
    return _fingerprint(_day_sql(connection.vendor), params)


@functools.cache
def _history_sql(model, vendor: str) -> str:
    """Params: user (count), (user, limit, offset) for the page, again for trials, user."""
    order = ", ".join(
        f"x.{_q(model._meta.get_field(name.lstrip('-')).column)}"
        + (" DESC" if name.startswith("-") else "")
        for name in model._meta.ordering
    )
    mine = f"x.{_q('user_id')} = %s"
    # The list's own order (the model's Meta.ordering), so these are the rows the page shows.
    page = f" ORDER BY {order} LIMIT %s OFFSET %s"
    parts = [
        f"SELECT '{_COUNT}' || CAST(COUNT(*) AS TEXT) FROM {_table(model)} x WHERE {mine}",
        f"SELECT * FROM ({_rows_sql(vendor, model, mine, page)}) page",
    ]
    if model is CrampEpisode:
        ids = f"SELECT x.{_q('id')} FROM {_table(model)} x WHERE {mine}{page}"
        parts.append(_rows_sql(vendor, TechniqueTrial, f"x.{_q('episode_id')} IN ({ids})"))
    parts.append(_unread_sql())
    return "\nUNION ALL\n".join(parts)


def history_fingerprint(model, user, limit: int, offset: int) -> Fingerprint:
    """The count of the user's rows of one kind, one page of them (in the model's order, as
    the history list pages them) with their details, and the bell's count: one query."""
    from django.db import connection

    params = [user.pk, user.pk, limit, offset]
    if model is CrampEpisode:
        params += [user.pk, limit, offset]
    return _fingerprint(_history_sql(model, connection.vendor), [*params, user.pk])


def _fingerprint(sql: str, params: list) -> Fingerprint:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(row[0] for row in cursor.fetchall())
    numbers = {
        prefix: int(row.removeprefix(prefix))
        for row in rows
        for prefix in (_UNREAD, _COUNT)
        if row.startswith(prefix)
    }
    digest = hashlib.blake2b("\n".join(rows).encode(), digest_size=16).hexdigest()
    return Fingerprint(digest, numbers.get(_UNREAD, 0), numbers.get(_COUNT, 0))
