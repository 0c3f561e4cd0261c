"""Write completion (办结) and extension (延期) requests and the supervisors' decisions on them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_created, audit_updated, model_snapshot
from core import clock
from core.dates import chinese_date
from plans.models import (
    Assignment,
    AssignmentStatus,
    CompletionDecision,
    CompletionRequest,
    ExtensionDecision,
    ExtensionRequest,
    PlanStatus,
)
from plans.policies import require_act_for, require_decide_requests
from plans.services.assignments import lock_assignment
from plans.services.errors import WorkflowError
from plans.services.notify import NotificationKind, notify_supervisors, notify_units, task_url
from plans.services.reports import _checked_files, attach_evidence


def _date_text(day: datetime.date | None) -> str:
    return chinese_date(day) if day else _("无固定时限")


def _require_holding(assignment: Assignment) -> None:
    if assignment.task.plan.status != PlanStatus.PUBLISHED:
        raise WorkflowError(_("计划尚未发布或已归档。"))
    if assignment.status not in (AssignmentStatus.NEW, AssignmentStatus.IN_PROGRESS):
        raise WorkflowError(_("这项任务当前不能提出申请（已申请办结、已办结或已退回）。"))


@transaction.atomic
def completion_request_submit(
    *, actor: User, assignment: Assignment, summary: str, files: Sequence[UploadedFile] = ()
) -> CompletionRequest:
    """Ask to close an assignment (申请办结) with a summary and evidence; a supervisor decides."""
    locked = lock_assignment(assignment)
    require_act_for(actor, locked)
    _require_holding(locked)
    summary = (summary or "").strip()
    if not summary:
        raise WorkflowError(_("请写明办结情况：完成了什么、有哪些佐证。"))
    checked = _checked_files(files)
    request = CompletionRequest.objects.create(assignment=locked, summary=summary, requested_by=actor)
    attach_evidence(actor=actor, files=checked, request=request)
    before = model_snapshot(locked, ["status"])
    locked.status = AssignmentStatus.COMPLETION_REQUESTED
    locked.save(update_fields=["status", "updated_at"])
    audit_created(actor=actor, instance=request, verb="completion.request")
    audit_updated(actor=actor, instance=locked, before=before, verb="assignment.completion_requested")
    notify_supervisors(
        task=locked.task,
        kind=NotificationKind.COMPLETION,
        title=_("办结申请：%(unit)s 申请办结 %(path)s %(headline)s")
        % {"unit": locked.unit.name, "path": locked.task.path, "headline": locked.task.headline},
        body=summary,
    )
    return request


@transaction.atomic
def completion_decide(*, actor: User, request: CompletionRequest, approve: bool, reason: str = "") -> CompletionRequest:
    """Approve a completion request (the assignment is closed) or return it with a reason (back to in progress)."""
    require_decide_requests(actor)
    locked_request = CompletionRequest.objects.select_for_update().get(pk=request.pk)
    locked = lock_assignment(locked_request.assignment)
    reason = (reason or "").strip()
    if locked_request.decision != CompletionDecision.PENDING:
        raise WorkflowError(_("这份办结申请已经审核过了。"))
    if not approve and not reason:
        raise WorkflowError(_("退回时请写明理由，告诉承办单位还缺什么。"))
    request_before = model_snapshot(locked_request, ["decision", "decided_by", "decided_at", "decision_reason"])
    locked_request.decision = CompletionDecision.APPROVED if approve else CompletionDecision.RETURNED
    locked_request.decided_by = actor
    locked_request.decided_at = clock.now()
    locked_request.decision_reason = reason
    locked_request.save()
    before = model_snapshot(locked, ["status", "completed_at", "percent"])
    if approve:
        locked.status = AssignmentStatus.COMPLETED
        locked.completed_at = locked_request.decided_at
        locked.percent = 100
    else:
        locked.status = AssignmentStatus.IN_PROGRESS
    locked.save(update_fields=["status", "completed_at", "percent", "updated_at"])
    verb = "completion.approve" if approve else "completion.return"
    audit_updated(actor=actor, instance=locked_request, before=request_before, verb=verb)
    audit_updated(actor=actor, instance=locked, before=before, verb=verb)
    notify_units(
        unit_ids=[locked.unit_id],
        kind=NotificationKind.COMPLETION,
        title=(_("同意办结：%(path)s %(headline)s") if approve else _("办结申请被退回：%(path)s %(headline)s"))
        % {"path": locked.task.path, "headline": locked.task.headline},
        body=reason,
        url=task_url(locked.task_id),
        task_id=locked.task_id,
    )
    return locked_request


@transaction.atomic
def extension_request_submit(
    *, actor: User, assignment: Assignment, requested_due: datetime.date, reason: str
) -> ExtensionRequest:
    """Ask to move the assignment's deadline (申请延期) with a reason."""
    locked = lock_assignment(assignment)
    require_act_for(actor, locked)
    _require_holding(locked)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请写明延期理由。"))
    current = locked.effective_deadline
    if requested_due is None:
        raise WorkflowError(_("请选择希望延至的日期。"))
    if requested_due < clock.today() or (current is not None and requested_due <= current):
        raise WorkflowError(_("延期后的日期须晚于现行时限（%(date)s）和今天。") % {"date": _date_text(current)})
    if ExtensionRequest.objects.filter(assignment=locked, decision=ExtensionDecision.PENDING).exists():
        raise WorkflowError(_("已有一份延期申请在审核中，请等待审核结果。"))
    request = ExtensionRequest.objects.create(
        assignment=locked,
        current_due=current,
        requested_due=requested_due,
        reason=reason,
        requested_by=actor,
        requested_at=clock.now(),
    )
    audit_created(actor=actor, instance=request, verb="extension.request")
    notify_supervisors(
        task=locked.task,
        kind=NotificationKind.EXTENSION,
        title=_("延期申请：%(unit)s 申请将 %(path)s 延至%(date)s")
        % {"unit": locked.unit.name, "path": locked.task.path, "date": _date_text(requested_due)},
        body=reason,
    )
    return request


@transaction.atomic
def extension_decide(
    *,
    actor: User,
    request: ExtensionRequest,
    grant: bool,
    granted_due: datetime.date | None = None,
    reason: str = "",
) -> ExtensionRequest:
    """Grant a new deadline (the requested one unless another is given) or refuse with a reason.

    The task's own deadline and the request's record of the old one stay; lateness is then
    measured against the granted date.
    """
    require_decide_requests(actor)
    locked_request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    locked = lock_assignment(locked_request.assignment)
    reason = (reason or "").strip()
    if locked_request.decision != ExtensionDecision.PENDING:
        raise WorkflowError(_("这份延期申请已经审核过了。"))
    if not grant and not reason:
        raise WorkflowError(_("不同意延期时请写明理由。"))
    if grant:
        granted_due = granted_due or locked_request.requested_due
        current = locked.effective_deadline
        if current is not None and granted_due <= current:
            raise WorkflowError(_("批准的日期须晚于现行时限（%(date)s）。") % {"date": _date_text(current)})
    request_before = model_snapshot(
        locked_request, ["decision", "granted_due", "decided_by", "decided_at", "decision_reason"]
    )
    locked_request.decision = ExtensionDecision.GRANTED if grant else ExtensionDecision.REFUSED
    locked_request.granted_due = granted_due if grant else None
    locked_request.decided_by = actor
    locked_request.decided_at = clock.now()
    locked_request.decision_reason = reason
    locked_request.save()
    audit_updated(
        actor=actor,
        instance=locked_request,
        before=request_before,
        verb="extension.grant" if grant else "extension.refuse",
    )
    if grant:
        before = model_snapshot(locked, ["due_on"])
        locked.due_on = granted_due
        locked.save(update_fields=["due_on", "updated_at"])
        audit_updated(actor=actor, instance=locked, before=before, verb="extension.grant")
    notify_units(
        unit_ids=[locked.unit_id],
        kind=NotificationKind.EXTENSION,
        title=(
            _("同意延期至%(date)s：%(path)s %(headline)s")
            % {"date": _date_text(granted_due), "path": locked.task.path, "headline": locked.task.headline}
            if grant
            else _("不同意延期：%(path)s %(headline)s") % {"path": locked.task.path, "headline": locked.task.headline}
        ),
        body=reason,
        url=task_url(locked.task_id),
        task_id=locked.task_id,
    )
    return locked_request
