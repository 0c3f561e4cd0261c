"""Make exports: at once when small, as a background job when large; keep the monthly archive.

`export_render` turns a request (kind, format, plan, month, unit, split) into bytes with a file
name. `export_request` decides between answering at once and queueing an `ExportJob`;
`export_job_run` (the Celery task's body) makes a queued job's file. `archive_month` stores a
month's report in the archive once; `archive_regenerate` adds a new version beside the old ones.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from audit.services import audit_created, audit_record
from core import clock
from exports import datasets, monthly
from exports.models import ArchivedReport, ExportFormat, ExportJob, ExportKind, ExportSplit, JobState
from exports.monthly import ExportError
from exports.policies import require_export, require_regenerate_archive
from plans.models import Assignment, Plan, PlanStatus, Task
from plans.selectors.scoping import plans_visible_to

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ExportFormat.PDF: "application/pdf",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.JSON: "application/json",
}
FORMATS_OF = {
    ExportKind.MONTHLY: (ExportFormat.XLSX, ExportFormat.DOCX, ExportFormat.PDF),
    ExportKind.LEDGER: (ExportFormat.XLSX,),
    ExportKind.TASKS: (ExportFormat.CSV, ExportFormat.JSON),
    ExportKind.REPORTS: (ExportFormat.CSV, ExportFormat.JSON),
}
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Rendered:
    """A finished export: its bytes, the name to save it under and its type."""

    content: bytes
    filename: str
    content_type: str
    digest: str = ""  # the report's content digest, for monthly reports
    rows: int = 0  # tasks in a report or ledger, rows in a data file

    @property
    def sha256(self) -> str:
        """Return the SHA-256 of the file's bytes."""
        return hashlib.sha256(self.content).hexdigest()


def _safe(text: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|\r\n\t' else ch for ch in text).strip() or "export"


def export_filename(*, kind: str, fmt: str, plan: Plan, month: datetime.date | None, unit: Unit | None) -> str:
    """Return a file name people recognise: 厦湖教〔2020〕132号_2020年9月推进情况表_实验小学.xlsx."""
    parts = [plan.doc_number or plan.title]
    if kind == ExportKind.MONTHLY and month is not None:
        parts.append(_("%(year)s年%(month)s月推进情况表") % {"year": month.year, "month": month.month})
    else:
        parts.append(str(ExportKind(kind).label))
    if unit is not None:
        parts.append(unit.short_name or unit.name)
    return f"{_safe('_'.join(parts))}.{fmt}"


def validate_request(*, kind: str, fmt: str, month: datetime.date | None, split: str) -> None:
    """Raise ExportError when the combination cannot be made (a ledger as Word, a split PDF…)."""
    if kind not in ExportKind.values:
        raise ExportError(_("不支持的报表类型。"))
    if fmt not in FORMATS_OF[ExportKind(kind)]:
        raise ExportError(
            _("%(kind)s只能导出为%(formats)s。")
            % {
                "kind": ExportKind(kind).label,
                "formats": _("、").join(str(ExportFormat(f).label) for f in FORMATS_OF[ExportKind(kind)]),
            }
        )
    if split not in ExportSplit.values:
        raise ExportError(_("不支持的分表方式。"))
    if split and not (kind == ExportKind.MONTHLY and fmt == ExportFormat.XLSX):
        raise ExportError(_("只有 Excel 格式的月度推进情况表可以分表。"))
    if kind == ExportKind.MONTHLY and month is None:
        raise ExportError(_("请选择月份。"))


def render_monthly(report, fmt: str, *, split: str = "") -> bytes:
    """Return the monthly report in the format (xlsx, docx or pdf)."""
    if fmt == ExportFormat.XLSX:
        from exports.render_xlsx import monthly_workbook

        return monthly_workbook(report, split=split)
    if fmt == ExportFormat.DOCX:
        from exports.render_docx import monthly_document

        return monthly_document(report)
    if fmt == ExportFormat.PDF:
        from exports.render_pdf import monthly_pdf

        return monthly_pdf(report)
    raise ExportError(_("不支持的格式。"))


def export_render(
    *,
    kind: str,
    fmt: str,
    plan: Plan,
    month: datetime.date | None = None,
    unit: Unit | None = None,
    split: str = "",
    now: datetime.datetime | None = None,
    progress: Progress | None = None,
) -> Rendered:
    """Make one export and return it; raise ExportError when it cannot be made."""
    validate_request(kind=kind, fmt=fmt, month=month, split=split)
    step = progress or (lambda _value, _stage: None)
    filename = export_filename(kind=kind, fmt=fmt, plan=plan, month=month, unit=unit)
    step(10, _("读取数据"))
    if kind == ExportKind.MONTHLY:
        data = monthly.monthly_report(plan=plan, month=month, unit=unit, now=now)
        step(40, _("生成文件"))
        content = render_monthly(data, fmt, split=split)
        return Rendered(content, filename, CONTENT_TYPES[fmt], data.digest(), len(data.rows))
    if kind == ExportKind.LEDGER:
        from exports.render_xlsx import ledger_workbook

        data = monthly.ledger(plan=plan, month=month, unit=unit, now=now)
        step(40, _("生成文件"))
        return Rendered(ledger_workbook(data), filename, CONTENT_TYPES[fmt], rows=len(data.rows))
    if kind == ExportKind.TASKS:
        rows = datasets.task_rows(plan=plan, unit=unit, now=now)
    else:
        rows = datasets.report_rows(plan=plan, unit=unit, now=now)
    step(40, _("生成文件"))
    content = (
        datasets.as_csv(rows) if fmt == ExportFormat.CSV else datasets.as_json(rows, plan=plan, kind=kind, now=now)
    )
    return Rendered(content, filename, CONTENT_TYPES[fmt], rows=len(rows))


def export_size(*, kind: str, plan: Plan, unit: Unit | None) -> int:
    """Return how many rows the export would hold: tasks for reports and ledgers, assignments for data files."""
    if kind in (ExportKind.MONTHLY, ExportKind.LEDGER):
        tasks = Task.objects.filter(plan=plan)
        return (tasks.filter(assignments__unit=unit) if unit else tasks.filter(parent__isnull=True)).count()
    assignments = Assignment.objects.filter(task__plan=plan)
    return (assignments.filter(unit=unit) if unit else assignments).count()


def _check(
    *, actor: User, kind: str, fmt: str, plan: Plan, month: datetime.date | None, unit: Unit | None, split: str
) -> None:
    require_export(actor, unit_id=unit.pk if unit else None)
    if not plans_visible_to(actor).filter(pk=plan.pk).exists():
        raise ExportError(_("找不到该工作计划。"))
    validate_request(kind=kind, fmt=fmt, month=month, split=split)
    if month is not None:
        monthly.month_window(plan, month)  # a month outside the plan fails here, before any job is queued


def export_request(
    *,
    actor: User,
    kind: str,
    fmt: str,
    plan: Plan,
    month: datetime.date | None = None,
    unit: Unit | None = None,
    split: str = "",
) -> Rendered | ExportJob:
    """Return the export at once when it is small, else queue a job and return it.

    Raises PermissionDenied for a scope the user may not export and ExportError for a request
    that cannot be made; nothing is stored then.
    """
    _check(actor=actor, kind=kind, fmt=fmt, plan=plan, month=month, unit=unit, split=split)
    limit = settings.EXPORT_INLINE_MAX_ROWS // (4 if fmt == ExportFormat.PDF else 1)  # PDF pages take longest
    if export_size(kind=kind, plan=plan, unit=unit) <= limit:
        return export_render(kind=kind, fmt=fmt, plan=plan, month=month, unit=unit, split=split)
    return export_job_create(actor=actor, kind=kind, fmt=fmt, plan=plan, month=month, unit=unit, split=split)


@transaction.atomic
def export_job_create(
    *,
    actor: User,
    kind: str,
    fmt: str,
    plan: Plan,
    month: datetime.date | None = None,
    unit: Unit | None = None,
    split: str = "",
) -> ExportJob:
    """Queue an export job; its Celery task starts once the job is committed."""
    from exports.tasks import run_export

    _check(actor=actor, kind=kind, fmt=fmt, plan=plan, month=month, unit=unit, split=split)
    job = ExportJob.objects.create(
        requested_by=actor, kind=kind, fmt=fmt, plan=plan, month=month, unit=unit, split=split
    )
    job.filename = export_filename(kind=kind, fmt=fmt, plan=plan, month=month, unit=unit)
    job.save(update_fields=["filename"])
    audit_created(actor=actor, instance=job, verb="export.request")
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def _job_progress(job_id: int) -> Progress:
    def update(value: int, stage: str) -> None:
        ExportJob.objects.filter(pk=job_id, state=JobState.RUNNING).update(progress=value, stage=stage[:60])

    return update


def export_job_run(job_id: int) -> ExportJob | None:
    """Make a queued job's file. A job already running, done or failed is left alone (the task may run twice)."""
    claimed = ExportJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=clock.now(), progress=1, stage=_("开始")
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("plan", "unit").get(pk=job_id)
    try:
        rendered = export_render(
            kind=job.kind,
            fmt=job.fmt,
            plan=job.plan,
            month=job.month,
            unit=job.unit,
            split=job.split,
            now=job.created_at,
            progress=_job_progress(job.pk),
        )
    except ExportError as exc:
        ExportJob.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=str(exc), finished_at=clock.now())
        return ExportJob.objects.get(pk=job.pk)
    except Exception:
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, error=_("生成文件时出错，请稍后重试或联系系统管理员。"), finished_at=clock.now()
        )
        raise
    _job_progress(job.pk)(90, _("保存文件"))
    job.file.save(rendered.filename, ContentFile(rendered.content), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name,
        size=len(rendered.content),
        sha256=rendered.sha256,
        state=JobState.DONE,
        progress=100,
        stage=_("完成"),
        finished_at=clock.now(),
    )
    return ExportJob.objects.get(pk=job.pk)


# --- the archive ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveOutcome:
    """What archiving a month did: the record kept, whether it is new, and how it compares with the last version."""

    record: ArchivedReport
    created: bool
    same_content: bool | None = None  # for a re-generation: the figures and words equal the previous version's


def _store(*, plan: Plan, month: datetime.date, fmt: str, version: int, actor, reason: str, now) -> ArchivedReport:
    report = monthly.monthly_report(plan=plan, month=month, now=now)
    content = render_monthly(report, fmt)
    record = ArchivedReport(
        plan=plan,
        month=month,
        fmt=fmt,
        version=version,
        filename=export_filename(kind=ExportKind.MONTHLY, fmt=fmt, plan=plan, month=month, unit=None),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_digest=report.digest(),
        as_of=report.as_of,
        generated_by=actor,
        reason=reason,
    )
    record.file.save(record.filename, ContentFile(content), save=False)
    record.save()
    return record


def _finished_month(plan: Plan, month: datetime.date, *, now: datetime.datetime | None) -> datetime.date:
    """Return the month's first day; raise ExportError unless it is a month of the plan that has ended."""
    window = monthly.month_window(plan, month, now=now)
    if not window.complete:
        raise ExportError(_("只能存档已经结束的月份。"))
    return window.month


def _lock_archive(plan: Plan) -> None:
    """Hold the plan's row until the transaction ends, so one archiver at a time numbers its versions."""
    Plan.objects.select_for_update().filter(pk=plan.pk).first()


def archive_month(
    *, plan: Plan, month: datetime.date, fmt: str, now: datetime.datetime | None = None
) -> ArchiveOutcome:
    """Archive a finished month's report once (the monthly job); an existing archive is kept as it is."""
    month = _finished_month(plan, month, now=now)
    with transaction.atomic():
        _lock_archive(plan)
        existing = ArchivedReport.objects.filter(plan=plan, month=month, fmt=fmt).order_by("version").first()
        if existing is not None:
            return ArchiveOutcome(existing, created=False)
        record = _store(plan=plan, month=month, fmt=fmt, version=1, actor=None, reason="", now=now)
        audit_created(actor=None, instance=record, verb="archive.generate")
        return ArchiveOutcome(record, created=True)


def archive_regenerate(
    *, actor: User, plan: Plan, month: datetime.date, fmt: str, reason: str, now: datetime.datetime | None = None
) -> ArchiveOutcome:
    """Generate a new version of a month's archived report beside the earlier ones, with the reason; audited."""
    require_regenerate_archive(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ExportError(_("请填写重新生成的理由。"))
    month = _finished_month(plan, month, now=now)
    with transaction.atomic():
        _lock_archive(plan)
        previous = ArchivedReport.objects.filter(plan=plan, month=month, fmt=fmt).order_by("-version").first()
        version = (previous.version + 1) if previous else 1
        record = _store(plan=plan, month=month, fmt=fmt, version=version, actor=actor, reason=reason, now=now)
        same = previous.content_digest == record.content_digest if previous else None
        audit_record(
            actor=actor,
            instance=record,
            verb="archive.regenerate",
            changes={"version": [previous.version if previous else None, version]},
            note=reason,
        )
        return ArchiveOutcome(record, created=True, same_content=same)


def archive_due_months(*, now: datetime.datetime | None = None) -> list[ArchiveOutcome]:
    """Archive last month's report, in every archive format, for every published plan (the job on the 1st)."""
    moment = now or clock.now()
    last_month = (timezone.localdate(moment).replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    outcomes = []
    for plan in Plan.objects.filter(status=PlanStatus.PUBLISHED).order_by("pk"):
        if last_month not in monthly.plan_months(plan, now=moment):
            continue
        for fmt in settings.EXPORT_ARCHIVE_FORMATS:
            outcomes.append(archive_month(plan=plan, month=last_month, fmt=fmt, now=moment))
    return outcomes
