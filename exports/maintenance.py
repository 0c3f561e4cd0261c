"""Housekeeping for export jobs: their files are temporary, the archive is not."""

from __future__ import annotations

import datetime

from django.conf import settings

from core import clock
from exports.models import ExportJob, JobState


def remove_expired_jobs(*, now: datetime.datetime | None = None) -> int:
    """Delete finished or failed jobs older than EXPORT_JOB_KEEP_DAYS, with their files; return how many."""
    limit = (now or clock.now()) - datetime.timedelta(days=settings.EXPORT_JOB_KEEP_DAYS)
    removed = 0
    for job in ExportJob.objects.filter(state__in=[JobState.DONE, JobState.FAILED], created_at__lt=limit).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed
