"""Pages of the exports: the export form with the user's jobs, a job's progress and file, and the monthly archive."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from exports import selectors, services
from exports.forms import ARCHIVE_FORMATS, ArchiveRegenerateForm, ExportForm, month_key, month_label
from exports.models import ArchivedReport, ExportFormat, ExportJob, JobState
from exports.monthly import ExportError, plan_months
from exports.policies import can_read_archive, can_regenerate_archive, require_read_archive, require_regenerate_archive
from plans.models import Plan

GET_FIELDS = ("plan", "kind", "fmt", "month", "unit", "split")  # what a link (or the plan picker) may preselect


def _file_response(stored: FieldFile, *, filename: str, fmt: str) -> FileResponse:
    """Return a stored export as an attachment under its Chinese name; a file gone from storage is not found."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("文件已不存在，请重新导出。")) from exc
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=services.CONTENT_TYPES[ExportFormat(fmt)]
    )


def _render_index(request: HttpRequest, form: ExportForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "exports/index.html",
        {
            "form": form,
            "jobs": selectors.jobs_for(request.user),
            "formats_of": {str(kind): [str(fmt) for fmt in fmts] for kind, fmts in services.FORMATS_OF.items()},
            "month_labels": {"monthly": _("月份"), "ledger": _("截至月份")},
            "can_read_archive": can_read_archive(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Show the export form and the user's exports; a valid post answers with the file or queues a job."""
    if request.method == "GET":
        initial = {name: request.GET[name] for name in GET_FIELDS if request.GET.get(name)}
        return _render_index(request, ExportForm(request.user, initial=initial))
    form = ExportForm(request.user, request.POST)
    if not form.is_valid():
        return _render_index(request, form, status=400)
    try:
        result = services.export_request(actor=request.user, **form.service_values())
    except ExportError as exc:
        form.add_error(None, str(exc))
        return _render_index(request, form, status=400)
    if isinstance(result, ExportJob):
        messages.info(request, _("报表较大，已在后台生成，完成后可在本页或“我的导出”中下载。"))
        return redirect("exports:job", pk=result.pk)
    return FileResponse(
        io.BytesIO(result.content), as_attachment=True, filename=result.filename, content_type=result.content_type
    )


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one of the user's export jobs with its progress, then its download link."""
    export_job = selectors.job_for(request.user, pk)
    return render(request, "exports/job.html", {"job": export_job, "month_text": _job_month(export_job)})


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the progress bar's polling; the partial of a finished job no longer polls."""
    return render(request, "exports/_job_progress.html", {"job": selectors.job_for(request.user, pk)})


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a finished job's file; a job not done (or anyone else's) is not found."""
    export_job = selectors.job_for(request.user, pk)
    if export_job.state != JobState.DONE or not export_job.file:
        raise Http404(_("文件还没有生成好。"))
    return _file_response(export_job.file, filename=export_job.filename, fmt=export_job.fmt)


def _job_month(export_job: ExportJob) -> str:
    return month_label(export_job.month) if export_job.month else ""


# --- the archive ----------------------------------------------------------------------------------


@dataclass
class ArchiveCell:
    """One format of one month: its newest version and the earlier ones."""

    fmt: str
    label: str
    latest: ArchivedReport | None = None
    earlier: list[ArchivedReport] = field(default_factory=list)


@dataclass
class ArchiveRow:
    """One month of the archive with a cell per format."""

    month: datetime.date
    key: str
    label: str
    cells: list[ArchiveCell]

    @property
    def earlier(self) -> list[ArchivedReport]:
        """Return the month's earlier versions of every format, newest first."""
        return sorted(
            (record for cell in self.cells for record in cell.earlier),
            key=lambda record: (record.generated_at, record.version),
            reverse=True,
        )


def _archive_rows(request: HttpRequest, plan: Plan) -> list[ArchiveRow]:
    """Return the plan's finished months (and any archived month), newest first, with each format's versions."""
    archived = {item.month: item for item in selectors.archive_for(request.user, plan)}
    this_month = timezone.localdate(clock.now()).replace(day=1)
    months = sorted({m for m in plan_months(plan) if m < this_month} | set(archived), reverse=True)
    rows = []
    for month in months:
        versions = archived[month].versions if month in archived else {}
        cells = [
            ArchiveCell(
                fmt=fmt,
                label=str(ExportFormat(fmt).label),
                latest=versions.get(fmt, [None])[0],
                earlier=list(versions.get(fmt, [])[1:]),
            )
            for fmt in ARCHIVE_FORMATS
        ]
        rows.append(ArchiveRow(month=month, key=month_key(month), label=month_label(month), cells=cells))
    return rows


def _archive_url(plan: Plan | None, month: datetime.date | None = None) -> str:
    url = reverse("exports:archive")
    if plan is not None:
        url += f"?plan={plan.pk}"
    if month is not None:
        url += f"#month-{month_key(month)}"
    return url


@login_required
@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    """List a plan's archived monthly reports by month and format, with every earlier version (bureau roles)."""
    require_read_archive(request.user)
    plans = list(selectors.archived_plans())
    wanted = request.GET.get("plan", "")
    plan = next((p for p in plans if str(p.pk) == wanted), plans[0] if plans else None)
    return render(
        request,
        "exports/archive.html",
        {
            "plans": plans,
            "plan": plan,
            "rows": _archive_rows(request, plan) if plan else [],
            "can_regenerate": can_regenerate_archive(request.user),
        },
    )


@login_required
@require_POST
def archive_regenerate(request: HttpRequest) -> HttpResponse:
    """Generate a new version of a month's archived report beside the earlier ones (supervisors and admins)."""
    require_regenerate_archive(request.user)
    form = ArchiveRegenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect(_archive_url(form.cleaned_data.get("plan")))
    data = form.cleaned_data
    try:
        outcome = services.archive_regenerate(
            actor=request.user, plan=data["plan"], month=data["month"], fmt=data["fmt"], reason=data["reason"]
        )
    except ExportError as exc:
        messages.error(request, str(exc))
        return redirect(_archive_url(data["plan"], data["month"]))
    messages.success(request, _regenerated_message(outcome))
    return redirect(_archive_url(data["plan"], data["month"]))


def _regenerated_message(outcome: services.ArchiveOutcome) -> str:
    text = _("已生成第%(version)s版") % {"version": outcome.record.version}
    if outcome.same_content is True:
        return text + _("，内容与上一版一致。")
    if outcome.same_content is False:
        return text + _("，内容与上一版不一致（数据已变化）。")
    return text + _("。")


@login_required
@require_GET
def archive_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an archived report's file (bureau roles)."""
    record = selectors.archived_report_for(request.user, pk)
    return _file_response(record.file, filename=record.filename, fmt=record.fmt)
