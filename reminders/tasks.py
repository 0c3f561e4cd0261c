"""Celery tasks of reminders: the scans, the senders, the sweep and the cleanup. Thin: they call services."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.conf import settings

from reminders import maintenance, scans
from reminders.delivery import deliveries_recover, delivery_send, due_delivery_ids, worker_name

logger = logging.getLogger(__name__)
SEND_BUDGET_SECONDS = 150  # well inside the sender's soft time limit (240 s)


@shared_task(name="reminders.scan_deadlines", ignore_result=True, acks_late=True, soft_time_limit=1500, time_limit=1800)
def scan_deadlines() -> None:
    """Run the deadline scan as of now (beat: every morning). Safe to run twice: the rows are unique."""
    result = scans.scan_deadlines()
    logger.info("deadline scan: %s reminders, %s escalations", result.reminders, result.escalations)


@shared_task(
    name="reminders.scan_reporting_cycles", ignore_result=True, acks_late=True, soft_time_limit=1500, time_limit=1800
)
def scan_reporting_cycles() -> None:
    """Run the reporting-cycle scan as of now (beat: every afternoon)."""
    result = scans.scan_reporting_cycles()
    logger.info("reporting scan: %s reminders, %s escalations", result.reminders, result.escalations)


@shared_task(name="reminders.send_deliveries", ignore_result=True, acks_late=True, soft_time_limit=240, time_limit=300)
def send_deliveries(delivery_ids: list[int]) -> None:
    """Send the given deliveries one by one. Idempotent: sent, held or failed ones are skipped.

    A failure is retried by the sweep once its backoff has passed, so this task never sleeps.
    """
    worker = f"{send_deliveries.request.hostname or worker_name()}:{worker_name().rsplit(':', 1)[-1]}"
    started = time.monotonic()
    for delivery_id in delivery_ids:
        if time.monotonic() - started > SEND_BUDGET_SECONDS:
            break  # slow channels: the rest stay pending and queued, and the sweep queues them again
        delivery_send(delivery_id=int(delivery_id), worker=worker)


@shared_task(name="reminders.dispatch_due_deliveries", ignore_result=True, soft_time_limit=50, time_limit=60)
def dispatch_due_deliveries() -> None:
    """Take back claims of dead workers and queue due deliveries (retries, held ones, lost messages). Every minute."""
    deliveries_recover()
    ids = due_delivery_ids()
    for start in range(0, len(ids), 50):
        send_deliveries.apply_async(args=[ids[start : start + 50]], queue=settings.REMINDER_QUEUE)


@shared_task(name="reminders.cleanup", ignore_result=True, soft_time_limit=600, time_limit=900)
def cleanup() -> None:
    """Remove what is kept only for a while: expired sessions and inbox messages read long ago. Nightly."""
    maintenance.cleanup()
