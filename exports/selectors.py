"""Read export jobs and the archive, scoped to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from exports.models import ArchivedReport, ExportJob
from exports.policies import require_read_archive
from plans.models import Plan


def jobs_of(user: User) -> QuerySet[ExportJob]:
    """Return all of the user's export jobs, newest first, with their plans and units (nobody sees another's)."""
    return ExportJob.objects.filter(requested_by=user).select_related("plan", "unit")


def jobs_for(user: User, *, limit: int = 20) -> list[ExportJob]:
    """Return the user's latest export jobs, newest first, for the export page."""
    return list(jobs_of(user)[:limit])


def job_for(user: User, pk: int) -> ExportJob:
    """Return one of the user's own jobs; anyone else's is not found (404)."""
    job = jobs_of(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@dataclass
class ArchiveMonth:
    """One month of a plan's archive: every version of each format, newest first."""

    month: datetime.date
    versions: dict[str, list[ArchivedReport]] = field(default_factory=dict)

    @property
    def latest(self) -> dict[str, ArchivedReport]:
        """Return the newest version of each format."""
        return {fmt: rows[0] for fmt, rows in self.versions.items() if rows}


def archive_for(user: User, plan: Plan) -> list[ArchiveMonth]:
    """Return a plan's archive grouped by month (newest month first), in one query."""
    require_read_archive(user)
    months: dict[datetime.date, ArchiveMonth] = {}
    rows = ArchivedReport.objects.filter(plan=plan).select_related("generated_by").order_by("-month", "fmt", "-version")
    for row in rows:
        months.setdefault(row.month, ArchiveMonth(row.month)).versions.setdefault(row.fmt, []).append(row)
    return list(months.values())


def archived_report_for(user: User, pk: int) -> ArchivedReport:
    """Return an archived report the user may download (bureau roles); 404 when it does not exist."""
    require_read_archive(user)
    record = ArchivedReport.objects.select_related("plan").filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def archived_plans() -> QuerySet[Plan]:
    """Return the plans that have an archive or can have one (published or archived), newest first."""
    return Plan.objects.exclude(status="draft").order_by("-plan_year", "-published_at", "-id")
