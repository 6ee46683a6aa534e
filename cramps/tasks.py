"""Celery entry points: thin wrappers over cramps.reminders.dispatch. Tasks take ids, not objects.

Beat runs `dispatch_due_reminders` every minute (tracker/settings.py); it is the only periodic
task, whatever the number of users: no per-user beat entries, no ETA tasks. The dispatcher says
which deliveries to send; this module publishes them (the engine knows nothing of Celery).
"""

import functools
import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from cramps.reminders import dispatch

logger = logging.getLogger(__name__)


@shared_task
def dispatch_due_reminders() -> None:
    report = dispatch_and_publish()
    logger.info("Reminders dispatched: %s", report)


def dispatch_and_publish(now=None) -> dispatch.DispatchReport:
    """One dispatcher run, its sends published once its writes are committed."""
    report = dispatch.dispatch_due(now)
    transaction.on_commit(functools.partial(publish, report))
    return report


def publish(report: dispatch.DispatchReport) -> None:
    """Publish `report.to_send` in batches of SEND_BATCH. Once the broker has failed, it is not
    tried again in this run (each try may wait for a socket timeout): the rest is unqueued, and
    the next run queues it once the broker is back."""
    ids = report.to_send
    for start in range(0, len(ids), dispatch.SEND_BATCH):
        chunk = ids[start : start + dispatch.SEND_BATCH]
        try:
            send_reminders.apply_async(
                (chunk,),
                expires=dispatch.REQUEUE_AFTER.total_seconds(),
                argsrepr=f"[{len(chunk)} delivery ids]",  # skip repr()ing 200 ids
            )
        except BrokerError as exc:
            logger.warning("Broker unavailable, reminders stay pending for the next run: %s", exc)
            report.broker_down = True
            rest = ids[start:]
            dispatch.unqueue(rest, report.stamp)
            report.unpublished += len(rest)
            return
        report.queued += len(chunk)


@shared_task(bind=True, acks_late=True, max_retries=dispatch.MAX_ATTEMPTS)
def send_reminder(self, delivery_id: int) -> None:
    try:
        result = dispatch.send_delivery(delivery_id)
    except Exception as exc:
        raise _retry_batch(self, exc) from exc
    if result.outcome is dispatch.Outcome.RETRY:
        # If the broker refuses the retry, the row is pending and the dispatcher re-queues it.
        raise self.retry(countdown=dispatch.retry_delay(result.attempts))


@shared_task(bind=True, acks_late=True, max_retries=dispatch.MAX_ATTEMPTS)
def send_reminders(self, delivery_ids: list[int]) -> None:
    """A batch from the dispatcher. Each id is claimed on its own: a redelivered batch is safe."""
    try:
        results = dispatch.send_batch(delivery_ids)
    except Exception as exc:
        raise _retry_batch(self, exc) from exc
    for delivery_id, result in results.items():
        if result.outcome is dispatch.Outcome.RETRY:
            _queue_retry(delivery_id, dispatch.retry_delay(result.attempts))


def _retry_batch(task, exc: Exception):
    """The batch failed as a whole (send_batch put its rows back to pending, or failed those at
    MAX_ATTEMPTS): run it again after a backoff, at most MAX_ATTEMPTS times. If the broker
    refuses the retry, the rows are pending and the dispatcher re-queues them."""
    countdown = dispatch.retry_delay(task.request.retries + 1)
    return task.retry(
        exc=exc, countdown=countdown, expires=countdown + dispatch.REQUEUE_AFTER.total_seconds()
    )


def _queue_retry(delivery_id: int, countdown: int) -> None:
    try:
        send_reminder.apply_async(
            (delivery_id,),
            countdown=countdown,
            expires=countdown + dispatch.REQUEUE_AFTER.total_seconds(),
        )
    except BrokerError as exc:
        logger.warning(
            "Could not queue the retry of reminder %s (the dispatcher will): %s", delivery_id, exc
        )
