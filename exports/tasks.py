"""Celery tasks of the exports app: they take ids (or nothing) and call services."""

from celery import shared_task

from exports.maintenance import remove_expired_jobs
from exports.services import archive_due_months, export_job_run


@shared_task(name="exports.run_export", ignore_result=True, acks_late=True, soft_time_limit=1800, time_limit=1860)
def run_export(job_id: int) -> None:
    """Make a queued export job's file; a job already taken or finished is left alone."""
    export_job_run(job_id)


@shared_task(
    name="exports.archive_last_month", ignore_result=True, acks_late=True, soft_time_limit=3600, time_limit=3660
)
def archive_last_month() -> int:
    """Archive last month's report of every published plan (beat, on the 1st); months already archived are kept."""
    return sum(1 for outcome in archive_due_months() if outcome.created)


@shared_task(name="exports.cleanup", ignore_result=True)
def cleanup() -> int:
    """Remove the files of export jobs finished long ago (the archive is never cleaned)."""
    return remove_expired_jobs()
