"""The reminder engine: claim due schedules, write one delivery per occurrence, say what to send.

`dispatch_due` returns the ids to send; `cramps.tasks` publishes them (this module knows nothing
of Celery). One code path on every database: the ORM, and where a bulk step needs a statement the
ORM has no words for, one small named function per step (`insert_deliveries`, `stamp_queued`,
`claim_for_sending`) written in SQL that PostgreSQL and SQLite both run (INSERT ... SELECT ... ON
CONFLICT DO NOTHING and UPDATE ... RETURNING).

Exactly once, by construction:
- `dispatch_due` claims due schedules (FOR UPDATE SKIP LOCKED where the database has it; SQLite
  runs one writer at a time), writes the occurrence's `ReminderDelivery` (unique on user, kind,
  occurrence: a second dispatcher's insert is ignored and not returned, so never sent twice) and
  advances `next_due_at` in the same transaction.
- It then stamps `queued_at` on every pending delivery that is due and not queued yet (snoozes,
  and ones whose message was lost or never published because the broker was down), under a
  conditional UPDATE ... RETURNING, and returns them too. A publish error puts `queued_at` back to
  null (`unqueue`), so the next run (every minute) tries again; nothing is lost.
- `send_batch` moves pending -> sending with a conditional update: a redelivered or duplicate
  message finds nothing to do.
- A reminder past its window (`windows.closed`) is marked skipped as "stale", never sent late.
- A send that fails as a whole after its claim (the database went away mid-batch) puts its rows
  back to pending for the task's retry, or fails them after MAX_ATTEMPTS.
- A row still `sending` INTERRUPTED_AFTER its claim belongs to a worker that died (or hung)
  mid-send. Its in-app notice, if any, was written on its own before the email. If its email was
  not yet handed to the mail server (`handing_to_mail_server_at` unset for this claim), nothing
  left: it goes back to pending and is queued again in the same run (or skipped if past its
  window); the claim check before the hand-over keeps a hung worker from sending it as well. If
  it was handed over, it may have arrived: it is failed, visibly ("interrupted"), never resent.
"""

import dataclasses
import datetime as dt
import enum
import logging
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.utils import timezone

from cramps.models import ReminderDelivery, ReminderSchedule

from . import channels, compose, windows
from .schedule import DUE_FIELDS, Due, next_fields, plan_next
from .timing import Window
from .windows import STALE

logger = logging.getLogger(__name__)

Status = ReminderDelivery.Status

CLAIM_BATCH = 1000  # schedules or deliveries claimed per transaction
SEND_BATCH = 200  # delivery ids per send message: 100,000 reminders are 500 messages
# A pending delivery queued this long ago whose message never ran is queued again; the message
# expires after the same time, so a backlog never sends anything this late twice.
REQUEUE_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 4
# A batch of 200 is sent in well under a second: a row `sending` this long after its claim was
# left by a worker that died (or hung) mid-send. With beat every minute, such a send is found
# within about two minutes, well before the bedtime it was for.
INTERRUPTED_AFTER = dt.timedelta(seconds=90)
INTERRUPTED = "interrupted while sending; it may or may not have arrived"
RESUMED = "interrupted before its email left; sent again"


@dataclasses.dataclass
class DispatchReport:
    stamp: dt.datetime  # the `queued_at` written on the rows to send
    to_send: list[int] = dataclasses.field(default_factory=list)  # for the caller to publish
    claimed: int = 0  # schedules advanced
    created: int = 0  # delivery rows written
    queued: int = 0  # deliveries published to the broker (the publisher counts them)
    stale: int = 0  # deliveries skipped as too late
    unpublished: int = 0  # left pending because the broker refused them
    interrupted: int = 0  # left `sending` after the hand-over by a worker that died: failed
    resumed: int = 0  # left `sending` before any hand-over: back to pending, sent again
    broker_down: bool = False


def dispatch_due(now: dt.datetime | None = None) -> DispatchReport:
    """Advance every due schedule and stamp every sendable delivery; publish `report.to_send`."""
    now = now or timezone.now()
    report = DispatchReport(stamp=now)
    report.interrupted, report.resumed = _recover_interrupted(now)
    while _advance_batch(now, report):
        pass
    while _queue_batch(now, report):
        pass
    return report


def unqueue(ids: list[int], stamp: dt.datetime) -> int:
    """Puts back deliveries whose publish failed: the next run queues them again."""
    return ReminderDelivery.objects.filter(
        pk__in=ids, status=Status.PENDING, queued_at=stamp
    ).update(queued_at=None)


def _recover_interrupted(now) -> tuple[int, int]:
    """Rows `sending` for longer than INTERRUPTED_AFTER: (failed, resumed). Those whose email was
    handed to the mail server under this claim may have arrived: failed (shown on the
    notifications page), never sent again. The others sent nothing: back to pending, unqueued,
    so this run's queue pass sends them again (or skips them as stale)."""
    # Matches the partial index `delivery_sending` (status sending, by claimed_at).
    stuck = ReminderDelivery.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - INTERRUPTED_AFTER
    )
    failed = stuck.filter(handing_to_mail_server_at__gte=F("claimed_at")).update(
        status=Status.FAILED, detail=INTERRUPTED, finished_at=now
    )
    # The same condition again in this UPDATE: a hung worker may stamp its hand-over between the
    # two statements, and such a row must never go back to pending (it would be sent twice).
    handed_over = Q(handing_to_mail_server_at__gte=F("claimed_at"))
    resumed = stuck.exclude(handed_over).update(
        status=Status.PENDING, queued_at=None, detail=RESUMED
    )
    if failed:
        logger.warning("%d reminders were interrupted after their email left: failed", failed)
    if resumed:
        logger.warning("%d reminders were interrupted before their email left: resent", resumed)
    return failed, resumed


# Schedules -> deliveries


def _due_schedules(now):
    # Matches the partial index `schedule_due` (enabled, next_due_at not null).
    return ReminderSchedule.objects.filter(
        enabled=True, next_due_at__isnull=False, next_due_at__lte=now
    ).order_by("next_due_at")


def _advance_batch(now, report) -> bool:
    """Claim one batch of due schedules; False when there is nothing (left) to claim."""
    with transaction.atomic():
        rows = list(
            _due_schedules(now)
            .select_for_update(skip_locked=True, of=("self",))
            .values_list(*DUE_FIELDS)[:CLAIM_BATCH]
        )
        if not rows:
            return False
        schedules = [Due(*row) for row in rows]
        occurring = [s for s in schedules if s.next_occurrence]
        closed = windows.closed(
            [
                Window(
                    s.pk, s.user_id, s.kind, s.next_occurrence, s.next_due_at, s.bedtime, s.timezone
                )
                for s in occurring
            ],
            now,
        )
        live = [s.pk for s in occurring if s.pk not in closed]
        fresh = insert_deliveries(live, now) if live else []
        stale = insert_deliveries(list(closed), now, stale=True) if closed else []
        taken = {(s.user_id, s.kind, s.next_occurrence) for s in schedules}
        advance_schedules(schedules, plan_next(schedules, now, taken=taken))
        report.claimed += len(schedules)
        report.created += len(fresh) + len(stale)
        report.stale += len(stale)
        report.to_send += fresh
    return True


def _delivery_columns(now, stale: bool) -> dict:
    """Each delivery column from a schedule row: its current occurrence, pending and queued now
    (or skipped as stale); the model's defaults elsewhere, so a field added later needs nothing."""
    given = {
        "user_id": F("user_id"),
        "kind": F("kind"),
        "occurrence": F("next_occurrence"),
        "due_at": F("next_due_at"),
        "status": Status.SKIPPED if stale else Status.PENDING,
        "detail": STALE if stale else "",
        "queued_at": None if stale else now,
        "finished_at": now if stale else None,
    }
    columns = {}
    for field in ReminderDelivery._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.attname in given:
            value = given[field.attname]
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            value = now
        else:
            value = field.get_default()
        expression = hasattr(value, "resolve_expression")
        columns[field.column] = value if expression else Value(value, output_field=field)
    return columns


def insert_deliveries(schedule_ids: list[int], now, stale: bool = False) -> list[int]:
    """One INSERT ... SELECT from the schedules' rows ... ON CONFLICT DO NOTHING RETURNING id:
    each schedule's current occurrence as a delivery, the ids of the rows that are new (a row
    another run wrote is neither written again nor returned). The SELECT is the ORM's own SQL."""
    columns = _delivery_columns(now, stale)
    aliases = {f"c{n}": value for n, value in enumerate(columns.values())}
    select = (
        ReminderSchedule.objects.filter(pk__in=schedule_ids)
        .order_by()
        .annotate(**aliases)
        .values_list(*aliases)
    )
    sql, params = select.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(ReminderDelivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) {sql} ON CONFLICT DO NOTHING RETURNING id", params
        )
        return [row[0] for row in cursor.fetchall()]


def advance_schedules(schedules: list[Due], plans) -> None:
    """Move each schedule to its next occurrence: one UPDATE per distinct (due time, key), and a
    batch's users share few (bedtimes in the same zone at the same time share one)."""
    groups = defaultdict(list)
    for schedule in schedules:
        groups[next_fields(plans[schedule.pk])].append(schedule.pk)
    for (due_at, key), ids in groups.items():
        ReminderSchedule.objects.filter(pk__in=ids).update(next_due_at=due_at, next_occurrence=key)


# Pending deliveries -> the publisher


def _queueable(now):
    # Matches the partial index `delivery_pending_due` (status pending, by due_at).
    return ReminderDelivery.objects.filter(status=Status.PENDING, due_at__lte=now).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER)
    )


_WINDOW_FIELDS = (
    "id",
    "user_id",
    "kind",
    "occurrence",
    "due_at",
    "user__bedtime",
    "user__timezone",
)


def _queue_batch(now, report) -> bool:
    """Stamp one batch of due pending deliveries queued; False when done."""
    with transaction.atomic():
        rows = list(
            _queueable(now)
            .order_by("due_at")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list(*_WINDOW_FIELDS)[:CLAIM_BATCH]
        )
        closed = windows.closed([Window(*row) for row in rows], now)
        if closed:
            report.stale += ReminderDelivery.objects.filter(
                pk__in=closed, status=Status.PENDING
            ).update(status=Status.SKIPPED, detail=STALE, finished_at=now)
        live = [row[0] for row in rows if row[0] not in closed]
        report.to_send += stamp_queued(live, now) if live else []
    return len(rows) == CLAIM_BATCH


def stamp_queued(ids: list[int], now) -> list[int]:
    """UPDATE ... SET queued_at RETURNING id, only where still queueable: the ids this run won
    (a concurrent run's stamp makes a row match nothing)."""
    table = connection.ops.quote_name(ReminderDelivery._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    cutoff = connection.ops.adapt_datetimefield_value(now - REQUEUE_AFTER)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET queued_at = %s WHERE id IN ({', '.join(['%s'] * len(ids))}) "
            "AND status = %s AND (queued_at IS NULL OR queued_at < %s) RETURNING id",
            [stamp, *ids, Status.PENDING, cutoff],
        )
        return [row[0] for row in cursor.fetchall()]


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
    message finds nothing to do. The batch is then sent as a batch: the same few queries for one
    reminder or five hundred (`compose.compose_many`, `channels.deliver_many`) plus one hand-over
    mark per email, its emails through
    one mail connection, and every reminder's outcome (with its email stamp) written by one
    conditional UPDATE. Outcomes stay each reminder's own: one that cannot be
    composed, or whose email fails, never fails, holds back or resends another.

    If the batch fails as a whole after the claim (a database error), `_release` puts its rows
    still `sending` back to pending (failed after MAX_ATTEMPTS) and the error is raised again: the
    task retries the batch with backoff. If the process dies mid-batch, the rows stay `sending`
    and the dispatcher finds them after INTERRUPTED_AFTER: resent if their email was not handed
    over yet, else failed; never twice.
    """
    claimed = claim_for_sending(delivery_ids)
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
    deliveries.update(ReminderDelivery.objects.select_related("user").in_bulk(claimed))
    now = timezone.now()
    closed = windows.closed([windows.of(d) for d in deliveries.values()], now)
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

    # Not in a transaction: each notice and each hand-over mark is committed as it is written.
    failures = channels.deliver_many(pairs, schedules=schedules, claimed=True)
    with transaction.atomic():
        for delivery, words in pairs:
            exc = failures.get(delivery.pk)
            if isinstance(exc, channels.TakenBack):
                continue  # the dispatcher took it back and queued it again
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
        write_outcomes(values, self._COLUMNS)


def write_outcomes(values: dict[int, dict], columns: tuple[str, ...]) -> int:
    """{delivery id: {field: value}} in one UPDATE ... FROM (VALUES ...), only of rows still
    `sending`; a field a row does not name keeps its value. PostgreSQL reads each column's type
    from the casts in the first row; SQLite needs none. (The ORM's bulk_update builds a CASE per
    column and row: most of a send batch's time.)"""
    if not values:
        return 0
    fields = [ReminderDelivery._meta.get_field(column) for column in columns]
    typed = connection.vendor == "postgresql"
    rows, params = [], []
    for n, (pk, row) in enumerate(values.items()):
        cells = [("bigint", pk)] + [
            (field.db_type(connection), _adapt(field, row.get(field.attname))) for field in fields
        ]
        rows.append(
            "("
            + ", ".join(f"CAST(%s AS {t})" if typed and n == 0 else "%s" for t, _ in cells)
            + ")"
        )
        params += [value for _, value in cells]
    table = connection.ops.quote_name(ReminderDelivery._meta.db_table)
    sets = ", ".join(
        f"{connection.ops.quote_name(field.column)} = "
        f"COALESCE(v.column{n}, {table}.{connection.ops.quote_name(field.column)})"
        for n, field in enumerate(fields, start=2)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM (VALUES {', '.join(rows)}) AS v "
            f"WHERE {table}.id = v.column1 AND {table}.status = %s",
            [*params, Status.SENDING],
        )
        return cursor.rowcount


def _adapt(field, value):
    if value is not None and field.get_internal_type() == "DateTimeField":
        return connection.ops.adapt_datetimefield_value(value)
    return value


def claim_for_sending(ids) -> list[int]:
    """Pending -> sending (attempts + 1, claimed_at now) for the ids still pending, in one
    UPDATE ... RETURNING: the ids this run won, in the order given."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    table = connection.ops.quote_name(ReminderDelivery._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, attempts = attempts + 1, claimed_at = %s "
            f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND status = %s RETURNING id",
            [Status.SENDING, now, *ids, Status.PENDING],
        )
        won = {row[0] for row in cursor.fetchall()}
    return [pk for pk in ids if pk in won]
