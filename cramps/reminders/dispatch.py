"""The reminder engine: claim due schedules, write one delivery per occurrence, queue the sends.

Exactly once, by construction:
- `dispatch_due` claims due schedules (FOR UPDATE SKIP LOCKED on PostgreSQL; a conditional update
  on (id, next_due_at, next_occurrence) elsewhere), writes the occurrence's `ReminderDelivery`
  (unique on user, kind, occurrence: a second dispatcher's insert is ignored) and advances
  `next_due_at` in the same transaction.
- It then queues every pending delivery that is due and not queued yet (new ones, snoozes, and
  ones whose message was lost or never published because the broker was down): it stamps
  `queued_at` under the same kind of claim and publishes after commit, in batches. A publish error
  puts `queued_at` back to null, so the next run (every minute) tries again; nothing is lost.
- `send_delivery` moves pending -> sending with a conditional update: a redelivered or duplicate
  message finds nothing to do.
- A reminder past its window (bedtime: an hour after its send time or an hour after bedtime,
  whichever is first, `timing.bedtime_reminder_stale`; pre-exercise: once the session has
  started) is marked skipped as "stale", never sent late.
- A send that fails as a whole after its claim (the database went away mid-batch) puts its rows
  back to pending for the task's retry, or fails them after MAX_ATTEMPTS. A row still `sending`
  INTERRUPTED_AFTER its claim belongs to a worker that died mid-send: we cannot know whether its
  email left, so it is never sent again but failed, visibly ("interrupted").
"""

import dataclasses
import datetime as dt
import enum
import functools
import logging
from collections import defaultdict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from cramps.models import ExerciseSession, ReminderDelivery, ReminderSchedule, RoutineSlot
from cramps.models.reminders import ReminderKind
from cramps.reminders import timing
from cramps.reminders.schedule import DUE_FIELDS, Due, next_fields, plan_next

logger = logging.getLogger(__name__)

Status = ReminderDelivery.Status

CLAIM_BATCH = 1000  # schedules or deliveries claimed per transaction
SEND_BATCH = 200  # delivery ids per send message: 100,000 reminders are 500 messages
# A pending delivery queued this long ago whose message never ran is queued again; the message
# expires after the same time, so a backlog never sends anything this late twice.
REQUEUE_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 4
STALE = "stale"
# A batch of 200 is sent in well under a second: a row `sending` this long after its claim was
# left by a worker that died (or hung) mid-send.
INTERRUPTED_AFTER = dt.timedelta(minutes=15)
INTERRUPTED = "interrupted while sending; it may or may not have arrived"


@dataclasses.dataclass
class DispatchReport:
    claimed: int = 0  # schedules advanced
    created: int = 0  # delivery rows written
    queued: int = 0  # deliveries published to the broker
    stale: int = 0  # deliveries skipped as too late
    unpublished: int = 0  # left pending because the broker refused them
    interrupted: int = 0  # left `sending` by a worker that died: failed, never resent
    broker_down: bool = False


def dispatch_due(now: dt.datetime | None = None) -> DispatchReport:
    now = now or timezone.now()
    report = DispatchReport()
    report.interrupted = _fail_interrupted(now)
    while _advance_batch(now, report):
        pass
    while _queue_batch(now, report):
        pass
    return report


def _fail_interrupted(now) -> int:
    """Rows `sending` for longer than INTERRUPTED_AFTER: their email may or may not have left, so
    they are failed (shown on the notifications page), never sent again."""
    # Matches the partial index `delivery_sending` (status sending, by claimed_at).
    count = ReminderDelivery.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - INTERRUPTED_AFTER
    ).update(status=Status.FAILED, detail=INTERRUPTED, finished_at=now)
    if count:
        logger.warning("%d reminders were interrupted while sending: marked failed", count)
    return count


# Schedules -> deliveries


def _on_postgresql() -> bool:
    # SKIP LOCKED, arrays and RETURNING: the fast path. Elsewhere (SQLite in development), plain
    # ORM statements and conditional updates, one row at a time.
    return connection.vendor == "postgresql"


def _due_schedules(now):
    # Matches the partial index `schedule_due` (enabled, next_due_at not null).
    return ReminderSchedule.objects.filter(
        enabled=True, next_due_at__isnull=False, next_due_at__lte=now
    ).order_by("next_due_at")


def _advance_batch(now, report) -> bool:
    """Claim one batch of due schedules; False when there is nothing (left) to claim."""
    if not _on_postgresql():
        return _advance_batch_one_by_one(now, report)
    with transaction.atomic():
        rows = list(
            _due_schedules(now)
            .select_for_update(skip_locked=True, of=("self",))
            .values_list(*DUE_FIELDS)[:CLAIM_BATCH]
        )
        if not rows:
            return False
        schedules = [Due(*row) for row in rows]
        plans = _plans(schedules, now)
        fresh = _insert_deliveries([s for s in schedules if s.next_occurrence], now, report)
        _set_next(schedules, plans)
        report.claimed += len(schedules)
        _publish_on_commit(fresh, now, report)
    return True


def _advance_batch_one_by_one(now, report) -> bool:
    schedules = [Due(*row) for row in _due_schedules(now).values_list(*DUE_FIELDS)[:CLAIM_BATCH]]
    if not schedules:
        return False
    plans = _plans(schedules, now)
    claimed_any = False
    for schedule in schedules:
        due_at, key = next_fields(plans[schedule.pk])
        with transaction.atomic():
            # The claim: only the run that moves the row from this occurrence writes its delivery.
            won = ReminderSchedule.objects.filter(
                pk=schedule.pk,
                enabled=True,
                next_due_at=schedule.next_due_at,
                next_occurrence=schedule.next_occurrence,
            ).update(next_due_at=due_at, next_occurrence=key)
            if won and schedule.next_occurrence:
                # Pending and not queued: the queue pass below picks it up (or marks it stale).
                ReminderDelivery.objects.bulk_create(
                    [
                        ReminderDelivery(
                            user_id=schedule.user_id,
                            kind=schedule.kind,
                            occurrence=schedule.next_occurrence,
                            due_at=schedule.next_due_at,
                        )
                    ],
                    ignore_conflicts=True,  # the unique constraint: never a second row
                )
                report.created += 1
            if won:
                report.claimed += 1
                claimed_any = True
    return claimed_any


def _plans(schedules, now):
    current = {(s.user_id, s.kind, s.next_occurrence) for s in schedules}
    return plan_next(schedules, now, taken=current)


def _insert_deliveries(schedules, now, report) -> list[int]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: one statement for the batch, and it tells
    which rows are new (a row another run wrote is not returned, so it is never queued twice).
    New rows are stamped queued (they are published after commit) or, if already too late,
    skipped as stale. Returns the ids to publish."""
    if not schedules:
        return []
    closed = windows_closed(
        [
            (s.pk, s.user_id, s.kind, s.next_occurrence, s.next_due_at, s.bedtime, s.timezone)
            for s in schedules
        ],
        now,
    )
    columns = {
        "user_id": [s.user_id for s in schedules],
        "kind": [s.kind for s in schedules],
        "occurrence": [s.next_occurrence for s in schedules],
        "due_at": [s.next_due_at for s in schedules],
        "status": [Status.SKIPPED if s.pk in closed else Status.PENDING for s in schedules],
        "detail": [STALE if s.pk in closed else "" for s in schedules],
        "queued_at": [None if s.pk in closed else now for s in schedules],
        "finished_at": [now if s.pk in closed else None for s in schedules],
    }
    inserted = _insert_unnest(ReminderDelivery, columns, now, returning=("id", "status"))
    fresh = [pk for pk, status in inserted if status == Status.PENDING]
    report.created += len(inserted)
    report.stale += len(inserted) - len(fresh)
    return fresh


def _insert_unnest(model, columns: dict, now, returning=("id",)):
    """INSERT INTO model SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING ...

    Columns not given get the model field's default (auto_now_add ones: `now`), so a field added
    to the model later needs no change here.
    """
    names, select, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.attname in columns:
            select.append(f"t.{field.attname}")
            continue
        auto = getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
        select.append(f"%s::{field.db_type(connection)}")
        params.append(now if auto else field.get_default())
    arrays = []
    for name in columns:
        arrays.append(f"%s::{model._meta.get_field(name).db_type(connection)}[]")
        params.append(columns[name])
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(select)} FROM unnest({', '.join(arrays)}) AS t({', '.join(columns)}) "
        f"ON CONFLICT DO NOTHING RETURNING {', '.join(returning)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _set_next(schedules, plans) -> None:
    """Advance rows this transaction holds locked: one UPDATE ... FROM unnest(...) per batch."""
    ids, dues, keys = [], [], []
    for schedule in schedules:
        due_at, key = next_fields(plans[schedule.pk])
        ids.append(schedule.pk)
        dues.append(due_at)
        keys.append(key)
    table = ReminderSchedule._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS s SET next_due_at = v.due, next_occurrence = v.occ "
            "FROM unnest(%s::bigint[], %s::timestamptz[], %s::varchar[]) AS v(id, due, occ) "
            "WHERE s.id = v.id",
            [ids, dues, keys],
        )


# Pending deliveries -> the broker


def _queueable(now):
    # Matches the partial index `delivery_pending_due` (status pending, by due_at).
    return ReminderDelivery.objects.filter(status=Status.PENDING, due_at__lte=now).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER)
    )


# The first seven are what `windows_closed` reads.
_FIELDS = (
    "id",
    "user_id",
    "kind",
    "occurrence",
    "due_at",
    "user__bedtime",
    "user__timezone",
    "queued_at",
)


def _queue_batch(now, report) -> bool:
    """Queue one batch of due pending deliveries; False when done or the broker is down."""
    if report.broker_down:
        return False
    if _on_postgresql():
        with transaction.atomic():
            rows = list(
                _queueable(now)
                .order_by("due_at")
                .select_for_update(skip_locked=True)
                .values_list(*_FIELDS)[:CLAIM_BATCH]
            )
            fresh = _sort_out_stale(rows, now, report)
            ReminderDelivery.objects.filter(pk__in=fresh).update(queued_at=now)
            _publish_on_commit(fresh, now, report)
    else:
        rows = list(_queueable(now).order_by("due_at").values_list(*_FIELDS)[:CLAIM_BATCH])
        queued_before = {row[0]: row[7] for row in rows}
        fresh = [
            pk
            for pk in _sort_out_stale(rows, now, report)
            # The claim, one row at a time: a concurrent run's stamp makes this match nothing.
            if ReminderDelivery.objects.filter(
                pk=pk, status=Status.PENDING, queued_at=queued_before[pk]
            ).update(queued_at=now)
        ]
        with transaction.atomic():
            _publish_on_commit(fresh, now, report)
    return len(rows) == CLAIM_BATCH and not report.broker_down


def _sort_out_stale(rows, now, report) -> list[int]:
    """Mark rows past their window skipped; return the ids still worth sending."""
    closed = windows_closed(rows, now)
    if closed:
        ReminderDelivery.objects.filter(pk__in=closed, status=Status.PENDING).update(
            status=Status.SKIPPED, detail=STALE, finished_at=now
        )
        report.stale += len(closed)
    return [row[0] for row in rows if row[0] not in closed]


def _publish_on_commit(ids, stamp, report) -> None:
    if ids:
        transaction.on_commit(functools.partial(_publish, ids, stamp, report))


def _publish(ids, stamp, report) -> None:
    from cramps.tasks import send_reminders

    for start in range(0, len(ids), SEND_BATCH):
        if not report.broker_down:
            chunk = ids[start : start + SEND_BATCH]
            try:
                send_reminders.apply_async(
                    (chunk,),
                    expires=REQUEUE_AFTER.total_seconds(),
                    argsrepr=f"[{len(chunk)} delivery ids]",  # skip repr()ing 100 ids
                )
                report.queued += len(chunk)
                continue
            except BrokerError as exc:
                report.broker_down = True
                logger.warning(
                    "Broker unavailable, reminders stay pending for the next run: %s", exc
                )
        # Once the broker has failed, don't try again in this run (each try may wait for a socket
        # timeout): unqueue the rest, and the next run queues them once the broker is back.
        rest = ids[start:]
        ReminderDelivery.objects.filter(pk__in=rest, status=Status.PENDING, queued_at=stamp).update(
            queued_at=None
        )
        report.unpublished += len(rest)
        return


# Windows


def windows_closed(rows, now) -> set[int]:
    """Ids of deliveries past their window. `rows` are tuples (id, user id, kind, occurrence,
    due_at, the user's bedtime, the user's zone name), as the first fields of `_FIELDS`."""
    closed = set()
    exercise = []
    for row in rows:
        pk, _user_id, kind, occurrence, due_at, bedtime, zone_name = row[:7]
        if kind == ReminderKind.BEDTIME:
            zone = _zone(zone_name) if bedtime is not None else None
            if timing.bedtime_reminder_stale(now, due_at, occurrence, bedtime, zone):
                closed.add(pk)
        else:
            exercise.append(row)
    if exercise:
        starts = _exercise_starts(exercise)
        closed |= {row[0] for row in exercise if row[0] in starts and now >= starts[row[0]]}
    return closed


def window_row(delivery) -> tuple:
    """What `windows_closed` reads of a delivery (its `user` loaded)."""
    user = delivery.user
    return (
        delivery.pk,
        delivery.user_id,
        delivery.kind,
        delivery.occurrence,
        delivery.due_at,
        user.bedtime,
        user.timezone,
    )


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # only the send-time bound applies; compose reports the bad zone


def _exercise_starts(rows) -> dict[int, dt.datetime]:
    """When each pre-exercise delivery's session starts (absent when the session is gone)."""
    sessions, routines = defaultdict(list), defaultdict(list)
    for pk, user_id, _kind, occurrence, *_ in rows:
        if (session_id := timing.session_key_id(occurrence)) is not None:
            sessions[(user_id, session_id)].append(pk)
        elif (parts := timing.routine_key_parts(occurrence)) is not None:
            routines[(user_id, parts[0])].append((pk, parts[1]))
    starts = {}
    if sessions:
        found = ExerciseSession.objects.filter(pk__in={sid for _, sid in sessions}).values_list(
            "user_id", "id", "starts_at"
        )
        for user_id, session_id, starts_at in found:
            for pk in sessions.get((user_id, session_id), ()):
                starts[pk] = starts_at
    if routines:
        found = RoutineSlot.objects.filter(pk__in={sid for _, sid in routines}).values_list(
            "user_id", "id", "start_time", "user__timezone"
        )
        for user_id, slot_id, start_time, zone in found:
            for pk, day in routines.get((user_id, slot_id), ()):
                starts[pk] = timing.local_instant(day, start_time, ZoneInfo(zone))
    return starts


# Sending reminders


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    RETRY = "retry"  # put back to pending: the caller queues a retry after `retry_delay`
    NOTHING = "nothing"  # not pending (already sent, being sent, or finished): a duplicate


@dataclasses.dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    attempts: int = 0


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 30, 60, 120 (all well inside REQUEUE_AFTER)."""
    return 30 * 2 ** max(attempts - 1, 0)


def send_delivery(delivery_id: int) -> SendResult:
    return send_batch([delivery_id]).get(delivery_id, SendResult(Outcome.NOTHING))


def send_batch(delivery_ids: list[int]) -> dict[int, SendResult]:
    """Send the given deliveries that are still pending; {id: result} for those it claimed.

    The claim (pending -> sending, attempts + 1) commits first, so a redelivered or duplicate
    message finds nothing to do. The batch is then sent as a batch: the same ten queries for one
    reminder or five hundred (`compose.compose_many`, `channels.deliver_many`), its emails through
    one mail connection, and every reminder's outcome (with its email stamp) written by one
    conditional UPDATE, in one transaction. Outcomes stay each reminder's own: one that cannot be
    composed, or whose email fails, never fails, holds back or resends another.

    If the batch fails as a whole after the claim (a database error), `_release` puts its rows
    still `sending` back to pending (failed after MAX_ATTEMPTS) and the error is raised again: the
    task retries the batch with backoff. If the process dies mid-batch, the rows stay `sending`
    and the dispatcher fails them after INTERRUPTED_AFTER: at most once, never twice.
    """
    claimed = _claim_for_sending(delivery_ids)
    if not claimed:
        return {}
    deliveries = {}
    try:
        return _send_claimed(claimed, deliveries)
    except Exception as exc:
        _release(claimed, deliveries, exc)
        raise


def _release(claimed: list[int], deliveries: dict, exc: Exception) -> None:
    """After a batch-level error: the batch's rows still `sending` go back to pending for the
    task's retry (queued now, so the dispatcher leaves them to it for REQUEUE_AFTER), or fail at
    MAX_ATTEMPTS. An email that went out in this batch has its stamp written first: the retry
    then writes the in-app notice without emailing again. Conditional on `sending`, like every
    write of the engine; if the database is still away, the dispatcher's sweep fails the rows."""
    logger.error("A batch of %d reminders failed after its claim", len(claimed), exc_info=exc)
    now = timezone.now()
    emailed = [pk for pk, d in deliveries.items() if d.email_sent_at is not None]
    sending = ReminderDelivery.objects.filter(pk__in=claimed, status=Status.SENDING)
    try:
        with transaction.atomic():
            if emailed:
                sending.filter(pk__in=emailed, email_sent_at__isnull=True).update(email_sent_at=now)
            sending.filter(attempts__gte=MAX_ATTEMPTS).update(
                status=Status.FAILED,
                detail=f"Could not be sent after {MAX_ATTEMPTS} attempts: {exc}",
                finished_at=now,
            )
            sending.filter(attempts__lt=MAX_ATTEMPTS).update(
                status=Status.PENDING,
                queued_at=now,
                detail=f"The send failed, trying again: {exc}",
            )
    except Exception:
        logger.exception("Could not put the batch back: the dispatcher's sweep will fail it")


def _send_claimed(claimed: list[int], deliveries: dict) -> dict[int, SendResult]:
    """Send rows this run claimed; `deliveries` is filled with the loaded rows as it goes."""
    from cramps.reminders import channels, compose

    deliveries.update(ReminderDelivery.objects.select_related("user").in_bulk(claimed))
    now = timezone.now()
    closed = windows_closed([window_row(d) for d in deliveries.values()], now)
    ends = _Ends()
    live = []
    for pk in claimed:
        if pk in closed:
            ends.finish(deliveries[pk], Status.SKIPPED, detail=STALE)
        else:
            live.append(deliveries[pk])

    errors = {}
    # Read once for both: whether each reminder is on, and through which channels.
    schedules = compose.schedules_for(live) if live else {}
    composed = compose.compose_many(live, now, errors=errors, schedules=schedules)
    pairs = []
    for delivery in live:
        if delivery.pk in errors:
            ends.fail(delivery, errors[delivery.pk])
        elif composed[delivery.pk].skip_reason:
            ends.finish(delivery, Status.SKIPPED, detail=composed[delivery.pk].skip_reason)
        else:
            pairs.append((delivery, composed[delivery.pk]))

    with transaction.atomic():
        failures = channels.deliver_many(pairs, schedules=schedules, claimed=True)
        for delivery, words in pairs:
            exc = failures.get(delivery.pk)
            if exc is None:
                ends.finish(
                    delivery,
                    Status.SENT,
                    subject=words.subject,  # one line, capped (compose.one_line)
                    body=words.text,
                    # Stamped by deliver_many when the email went out: written with the outcome.
                    email_sent_at=delivery.email_sent_at,
                )
            elif isinstance(exc, channels.TransientDeliveryError):
                ends.retry_or_fail(delivery, exc)
            else:
                ends.fail(delivery, exc)
        ends.write()
    return ends.results


class _Ends:
    """Each claimed reminder's outcome, written for the whole batch at once."""

    _COLUMNS = ("status", "detail", "subject", "body", "finished_at", "queued_at", "email_sent_at")

    def __init__(self):
        self.rows: dict[int, tuple] = {}  # id -> (delivery, {field: value}); absent: unchanged
        self.results: dict[int, SendResult] = {}

    def finish(self, delivery, status, **fields) -> None:
        self._set(delivery, Outcome(status), status=status, finished_at=True, **fields)

    def fail(self, delivery, exc: Exception) -> None:
        # Not worth retrying (a bug, bad data): fail visibly, with the traceback in the log.
        logger.error("Reminder %s failed", delivery.pk, exc_info=exc)
        self.finish(delivery, Status.FAILED, detail=f"Could not be sent: {exc}")

    def retry_or_fail(self, delivery, exc: Exception) -> None:
        if delivery.attempts >= MAX_ATTEMPTS:
            logger.warning("Reminder %s failed %d times: %s", delivery.pk, delivery.attempts, exc)
            self.finish(
                delivery,
                Status.FAILED,
                detail=f"Could not be sent after {delivery.attempts} attempts: {exc}",
            )
            return
        self._set(
            delivery,
            Outcome.RETRY,
            status=Status.PENDING,
            queued_at=True,
            detail=f"Attempt {delivery.attempts} failed, trying again: {exc}",
        )

    def _set(self, delivery, outcome, **fields) -> None:
        self.rows[delivery.pk] = (delivery, fields)
        self.results[delivery.pk] = SendResult(outcome, delivery.attempts)

    def write(self) -> None:
        """One UPDATE for the batch, only of rows still `sending` (a conditional update, as
        everywhere in the engine). `True` for a time field means "now"."""
        if not self.rows:
            return
        stamp = timezone.now()
        values = {
            pk: {f: (stamp if v is True else v) for f, v in fields.items()}
            for pk, (_, fields) in self.rows.items()
        }
        if _on_postgresql():
            self._write_unnest(values)
            return
        deliveries = []
        for pk, (delivery, _) in self.rows.items():
            for field, value in values[pk].items():
                setattr(delivery, field, value)
            deliveries.append(delivery)
        ReminderDelivery.objects.filter(status=Status.SENDING).bulk_update(
            deliveries, self._COLUMNS
        )

    def _write_unnest(self, values) -> None:
        # NULL in a column leaves that field as it was.
        ids = list(values)
        arrays = [[values[pk].get(column) for pk in ids] for column in self._COLUMNS]
        fields = [ReminderDelivery._meta.get_field(column) for column in self._COLUMNS]
        casts = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
        sets = ", ".join(f"{c} = COALESCE(v.{c}, d.{c})" for c in self._COLUMNS)
        table = ReminderDelivery._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS d SET {sets} "
                f"FROM unnest(%s::bigint[], {casts}) AS v(id, {', '.join(self._COLUMNS)}) "
                "WHERE d.id = v.id AND d.status = %s",
                [ids, *arrays, Status.SENDING],
            )


def _claim_for_sending(ids) -> list[int]:
    """Pending -> sending (attempts + 1, claimed_at now) for the ids still pending: in one
    statement where the database returns updated rows, else one conditional update per row."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    table = ReminderDelivery._meta.db_table
    now = timezone.now()
    if _on_postgresql():
        sql = (
            f"UPDATE {table} SET status = %s, attempts = attempts + 1, claimed_at = %s "
            "WHERE id = ANY(%s::bigint[]) AND status = %s RETURNING id"
        )
        params = [Status.SENDING, now, ids, Status.PENDING]
    elif connection.vendor == "sqlite" and connection.features.can_return_columns_from_insert:
        # SQLite 3.35+ returns rows from an UPDATE as it does from an INSERT.
        sql = (
            f"UPDATE {table} SET status = %s, attempts = attempts + 1, claimed_at = %s "
            f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND status = %s RETURNING id"
        )
        params = [Status.SENDING, connection.ops.adapt_datetimefield_value(now), *ids]
        params.append(Status.PENDING)
    else:
        return [
            pk
            for pk in ids
            if ReminderDelivery.objects.filter(pk=pk, status=Status.PENDING).update(
                status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now
            )
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        won = {row[0] for row in cursor.fetchall()}
    return [pk for pk in ids if pk in won]
