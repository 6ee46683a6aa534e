"""Celery entry points: thin wrappers over cramps.reminders.dispatch. Tasks take ids, not objects.

Beat runs `dispatch_due_reminders` every minute (tracker/settings.py); it is the only periodic
task, whatever the number of users: no per-user beat entries, no ETA tasks.
"""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerError

from cramps.reminders import dispatch

logger = logging.getLogger(__name__)


@shared_task
def dispatch_due_reminders() -> None:
    report = dispatch.dispatch_due()
    logger.info("Reminders dispatched: %s", report)


@shared_task(bind=True, acks_late=True, max_retries=dispatch.MAX_ATTEMPTS)
def send_reminder(self, delivery_id: int) -> None:
    result = dispatch.send_delivery(delivery_id)
    if result.outcome is dispatch.Outcome.RETRY:
        # If the broker refuses the retry, the row is pending and the dispatcher re-queues it.
        raise self.retry(countdown=dispatch.retry_delay(result.attempts))


@shared_task(acks_late=True)
def send_reminders(delivery_ids: list[int]) -> None:
    """A batch from the dispatcher. Each id is claimed on its own: a redelivered batch is safe."""
    for delivery_id, result in dispatch.send_batch(delivery_ids).items():
        if result.outcome is dispatch.Outcome.RETRY:
            _queue_retry(delivery_id, dispatch.retry_delay(result.attempts))


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
