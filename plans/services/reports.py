"""Write progress reports (填报): submit, "no change", corrections and the unit manager's approval."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.services import audit_created, audit_updated, model_snapshot
from core import clock
from plans import periods
from plans.evidence import CheckedFile, check_evidence
from plans.lights import visible_report_q
from plans.models import (
    Assignment,
    AssignmentStatus,
    Attachment,
    CompletionRequest,
    PlanStatus,
    ProgressReport,
    ProgressStatus,
    ReportApproval,
)
from plans.policies import require_act_for, require_approve_reports
from plans.services.assignments import lock_assignment, mark_received
from plans.services.errors import WorkflowError
from plans.services.notify import NotificationKind, notify_units, notify_users, task_url

MAX_PERIOD_CHOICES = 6


def assignment_period(assignment: Assignment, day) -> periods.Period:
    """Return the assignment's reporting period that contains the day."""
    return periods.period_containing(
        assignment.task.effective_reporting_cycle, day, due_day=assignment.task.plan.report_due_day
    )


def reportable_periods(assignment: Assignment) -> list[periods.Period]:
    """Return the periods a unit may report for now, newest first: from the hand-out to today, at most six."""
    first = timezone.localdate(assignment.handed_out_at)
    cycle = assignment.task.effective_reporting_cycle
    found = periods.periods_between(cycle, first, clock.today(), due_day=assignment.task.plan.report_due_day)
    return list(reversed(found))[:MAX_PERIOD_CHOICES]


def default_report_period(assignment: Assignment, reported_keys: set[str]) -> periods.Period:
    """Return the period the report form should offer first: a missed closed period, else the current one."""
    choices = reportable_periods(assignment)
    today = clock.today()
    closed = periods.last_closed_period(
        assignment.task.effective_reporting_cycle, today, due_day=assignment.task.plan.report_due_day
    )
    handed_out = timezone.localdate(assignment.handed_out_at)
    if closed.start >= handed_out and closed.key not in reported_keys and any(p.key == closed.key for p in choices):
        return closed
    return choices[0]


def _checked_files(files: Sequence[UploadedFile]) -> list[CheckedFile]:
    try:
        return check_evidence(list(files))
    except ValidationError as exc:
        raise WorkflowError(" ".join(exc.messages)) from exc


def attach_evidence(
    *,
    actor: User,
    files: list[CheckedFile],
    report: ProgressReport | None = None,
    request: CompletionRequest | None = None,
) -> list[Attachment]:
    """Store checked files as evidence of a report or a completion request."""
    stored = []
    for item in files:
        item.upload.name = f"{uuid.uuid4().hex}{item.extension}"
        attachment = Attachment.objects.create(
            report=report,
            completion_request=request,
            file=item.upload,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by=actor,
        )
        audit_created(actor=actor, instance=attachment, verb="attachment.upload")
        stored.append(attachment)
    return stored


def current_report(assignment: Assignment, period_key: str) -> ProgressReport | None:
    """Return the report of the period that no later report supersedes, if there is one."""
    return (
        ProgressReport.objects.filter(assignment=assignment, period_key=period_key, superseded_by__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )


def latest_report(
    assignment: Assignment, *, visible_only: bool = False, exclude_returned: bool = False
) -> ProgressReport | None:
    """Return the newest report of the newest period (the one a new report starts from)."""
    queryset = ProgressReport.objects.filter(assignment=assignment, superseded_by__isnull=True)
    if visible_only:
        queryset = queryset.filter(visible_report_q())
    if exclude_returned:
        queryset = queryset.exclude(approval__approved=False)
    return queryset.order_by("-period_start", "-created_at", "-id").first()


def _refresh_progress(*, actor: User, assignment: Assignment) -> None:
    """Set the assignment's percent from its newest visible report; a first report also acknowledges it."""
    latest = latest_report(assignment, visible_only=True)
    before = model_snapshot(assignment, ["status", "percent", "acknowledged_at", "acknowledged_by"])
    if latest is not None:
        assignment.percent = latest.percent
    mark_received(actor=actor, assignment=assignment)
    assignment.save(update_fields=["status", "percent", "acknowledged_at", "acknowledged_by", "updated_at"])
    audit_updated(actor=actor, instance=assignment, before=before, verb="assignment.progress")


def _acknowledge_by_reporting(*, actor: User, assignment: Assignment) -> None:
    """Record that a unit which reports on a new assignment has received it (签收), percent untouched."""
    before = model_snapshot(assignment, ["status", "acknowledged_at", "acknowledged_by"])
    if not mark_received(actor=actor, assignment=assignment):
        return
    assignment.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    audit_updated(actor=actor, instance=assignment, before=before, verb="assignment.acknowledge")


def _resolve_period(assignment: Assignment, period_key: str | None) -> periods.Period:
    choices = reportable_periods(assignment)
    if not period_key:
        return choices[0]
    for period in choices:
        if period.key == period_key:
            return period
    raise WorkflowError(_("只能填报从交办以来、至今为止的报送期次（最近六期）。请从列表中选择期次。"))


@transaction.atomic
def report_submit(
    *,
    actor: User,
    assignment: Assignment,
    text: str,
    percent: int,
    status: str,
    delay_reason: str = "",
    period_key: str | None = None,
    files: Sequence[UploadedFile] = (),
    is_no_change: bool = False,
) -> ProgressReport:
    """File a progress report for a period; a second report for the same period supersedes the first.

    A staff member's report waits for the unit manager's approval when the unit requires it;
    until then the bureau does not see it and the assignment's percent does not move.
    """
    locked = lock_assignment(assignment)
    require_act_for(actor, locked)
    if locked.task.plan.status != PlanStatus.PUBLISHED:
        raise WorkflowError(_("计划尚未发布或已归档，不能填报。"))
    if locked.status in (AssignmentStatus.COMPLETED, AssignmentStatus.DECLINED):
        raise WorkflowError(_("这项任务已办结或已退回，不需要再填报。"))
    text = (text or "").strip()
    delay_reason = (delay_reason or "").strip()
    if not text:
        raise WorkflowError(_("请填写本期进展情况。"))
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise WorkflowError(_("完成进度请填 0 到 100 之间的整数。"))
    if status not in ProgressStatus.values:
        raise WorkflowError(_("请选择进展状态。"))
    if status == ProgressStatus.DELAYED and not delay_reason:
        raise WorkflowError(_("进展滞后时，请写明滞后原因和下一步措施。"))
    period = _resolve_period(locked, period_key)
    checked = _checked_files(files)
    previous = current_report(locked, period.key)
    needs_approval = actor.role == Role.UNIT_STAFF and locked.unit.reports_need_approval
    report = ProgressReport.objects.create(
        assignment=locked,
        cycle=period.cycle,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        due_on=period.due,
        text=text,
        percent=percent,
        status=status,
        delay_reason=delay_reason if status == ProgressStatus.DELAYED else "",
        is_no_change=is_no_change,
        needs_approval=needs_approval,
        supersedes=previous,
        author=actor,
        created_at=clock.now(),
    )
    attach_evidence(actor=actor, files=checked, report=report)
    audit_created(
        actor=actor, instance=report, verb="report.correct" if previous else "report.submit", note=period.label
    )
    if needs_approval:
        _acknowledge_by_reporting(actor=actor, assignment=locked)
        notify_units(
            unit_ids=[locked.unit_id],
            kind=NotificationKind.REPORT_TO_APPROVE,
            title=_("待审核填报：%(path)s %(headline)s（%(period)s）")
            % {"path": locked.task.path, "headline": locked.task.headline, "period": period.label},
            body=_("%(author)s提交了进展，审核通过后报送局里。") % {"author": actor},
            url=task_url(locked.task_id),
            task_id=locked.task_id,
            managers_only=True,
        )
    else:
        _refresh_progress(actor=actor, assignment=locked)
    return report


@transaction.atomic
def report_no_change(*, actor: User, assignment: Assignment, period_key: str | None = None) -> ProgressReport:
    """File "no change since last period" (较上期无变化): a new dated report that repeats the last one."""
    require_act_for(actor, assignment)
    last = latest_report(assignment, exclude_returned=True)
    if last is None:
        raise WorkflowError(_("还没有上期报告，请先完整填写一次进展。"))
    period = _resolve_period(assignment, period_key)
    if last.period_key == period.key:
        raise WorkflowError(_("%(period)s已经填报过。如需修改，请提交更正。") % {"period": period.label})
    if last.period_start > period.start:
        raise WorkflowError(_("最近一次报告属于更晚的期次，不能作为本期的“无变化”。请完整填写本期进展。"))
    return report_submit(
        actor=actor,
        assignment=assignment,
        text=last.text,
        percent=last.percent,
        status=last.status,
        delay_reason=last.delay_reason,
        period_key=period.key,
        is_no_change=True,
    )


@transaction.atomic
def report_review(*, actor: User, report: ProgressReport, approve: bool, note: str = "") -> ReportApproval:
    """Approve a staff report so the bureau sees it, or return it with a note so the staff member corrects it."""
    locked = lock_assignment(report.assignment)
    require_approve_reports(actor, locked)
    note = (note or "").strip()
    if not report.needs_approval:
        raise WorkflowError(_("这份报告不需要审核。"))
    if ReportApproval.objects.filter(report=report).exists():
        raise WorkflowError(_("这份报告已经审核过了。"))
    if ProgressReport.objects.filter(supersedes=report).exists():
        raise WorkflowError(_("这份报告已被更正，请审核更正后的报告。"))
    if not approve and not note:
        raise WorkflowError(_("退回时请写明需要修改的地方。"))
    approval = ReportApproval.objects.create(
        report=report, approved=approve, note=note, reviewer=actor, created_at=clock.now()
    )
    audit_created(actor=actor, instance=approval, verb="report.approve" if approve else "report.return")
    if approve:
        _refresh_progress(actor=actor, assignment=locked)
    notify_users(
        recipients=[report.author],
        kind=NotificationKind.REPORT_REVIEWED,
        title=(_("填报已审核通过：%(path)s %(headline)s") if approve else _("填报被退回：%(path)s %(headline)s"))
        % {"path": locked.task.path, "headline": locked.task.headline},
        body=note,
        url=task_url(locked.task_id),
        task_id=locked.task_id,
    )
    return approval
