"""Write assignments (承办): receipt (签收), declining (退回), reassignment (改派) and reopening."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, Unit, User
from audit.services import audit_created, audit_updated, model_snapshot
from core import clock
from plans.models import Assignment, AssignmentStatus, PlanStatus
from plans.policies import require_act_for, require_manage_plans
from plans.services.errors import WorkflowError
from plans.services.notify import NotificationKind, notify_roles, notify_units, task_url


def lock_assignment(assignment: Assignment) -> Assignment:
    """Return the assignment re-read under a row lock, with its task, plan and unit."""
    return Assignment.objects.select_for_update(of=("self",)).select_related("task__plan", "unit").get(pk=assignment.pk)


def mark_received(*, actor: User, assignment: Assignment) -> bool:
    """Set a new assignment to received (签收) by the actor, unsaved; return whether anything changed."""
    if assignment.status != AssignmentStatus.NEW:
        return False
    assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.acknowledged_at = clock.now()
    assignment.acknowledged_by = actor
    return True


def decline_deadline(assignment: Assignment) -> datetime.date:
    """Return the last day on which the unit may still decline the assignment."""
    received = timezone.localdate(assignment.handed_out_at)
    return received + datetime.timedelta(days=settings.ASSIGNMENT_DECLINE_DAYS)


def _require_live(assignment: Assignment) -> None:
    if assignment.task.plan.status != PlanStatus.PUBLISHED:
        raise WorkflowError(_("计划尚未发布或已归档，不能办理。"))


@transaction.atomic
def assignment_acknowledge(*, actor: User, assignment: Assignment) -> Assignment:
    """Acknowledge a new assignment (签收) on behalf of the actor's unit."""
    locked = lock_assignment(assignment)
    require_act_for(actor, locked)
    _require_live(locked)
    if locked.status != AssignmentStatus.NEW:
        raise WorkflowError(_("这项任务已签收或已退回，无需再次签收。"))
    before = model_snapshot(locked, ["status", "acknowledged_at", "acknowledged_by"])
    mark_received(actor=actor, assignment=locked)
    locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    audit_updated(actor=actor, instance=locked, before=before, verb="assignment.acknowledge")
    return locked


@transaction.atomic
def assignment_decline(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """Decline a new assignment with a reason (e.g. not our remit); it goes back to the admins to reassign."""
    locked = lock_assignment(assignment)
    require_act_for(actor, locked)
    _require_live(locked)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请写明退回理由，例如“不属于本单位职责”。"))
    if locked.status != AssignmentStatus.NEW:
        raise WorkflowError(_("只有尚未签收的任务可以退回；已签收的任务如有问题，请在任务页留言或申请延期。"))
    last_day = decline_deadline(locked)
    if clock.today() > last_day:
        raise WorkflowError(
            _("退回期限已过（%(year)s年%(month)s月%(day)s日前可退回）。如确需调整，请联系督查室。")
            % {"year": last_day.year, "month": last_day.month, "day": last_day.day}
        )
    before = model_snapshot(locked, ["status", "decline_reason", "declined_at"])
    locked.status = AssignmentStatus.DECLINED
    locked.decline_reason = reason
    locked.declined_at = clock.now()
    locked.save(update_fields=["status", "decline_reason", "declined_at", "updated_at"])
    audit_updated(actor=actor, instance=locked, before=before, verb="assignment.decline")
    notify_roles(
        roles=[Role.ADMIN],
        kind=NotificationKind.DECLINED,
        title=_("任务被退回：%(unit)s 退回了 %(path)s %(headline)s")
        % {"unit": locked.unit.name, "path": locked.task.path, "headline": locked.task.headline},
        body=_("退回理由：%(reason)s\n请改派给其他单位。") % {"reason": reason},
        url=task_url(locked.task_id),
        task_id=locked.task_id,
    )
    return locked


@transaction.atomic
def assignment_reassign(*, actor: User, assignment: Assignment, unit: Unit) -> Assignment:
    """Give a declined assignment to another unit (改派); the declined one stays on record, linked to the new one."""
    require_manage_plans(actor)
    locked = lock_assignment(assignment)
    if locked.status != AssignmentStatus.DECLINED or locked.replaced_by_id:
        raise WorkflowError(_("只有被退回且尚未改派的任务可以改派。"))
    if not unit.is_active:
        raise WorkflowError(_("%(unit)s已停用，不能承办任务。") % {"unit": unit.name})
    try:
        with transaction.atomic():
            new = Assignment.objects.create(
                task=locked.task, unit=unit, role=locked.role, due_on=locked.due_on, assigned_by=actor
            )
    except IntegrityError as exc:
        raise WorkflowError(_("%(unit)s已经承办这项任务，请选择其他单位。") % {"unit": unit.name}) from exc
    audit_created(
        actor=actor,
        instance=new,
        verb="assignment.reassign",
        note=_("由%(unit)s退回后改派") % {"unit": locked.unit.name},
    )
    before = model_snapshot(locked, ["replaced_by"])
    locked.replaced_by = new
    locked.save(update_fields=["replaced_by", "updated_at"])
    audit_updated(actor=actor, instance=locked, before=before, verb="assignment.replaced")
    if locked.task.plan.status == PlanStatus.PUBLISHED:
        notify_units(
            unit_ids=[unit.pk],
            kind=NotificationKind.ASSIGNED,
            title=_("新交办：%(path)s %(headline)s") % {"path": locked.task.path, "headline": locked.task.headline},
            body=_("此任务由%(unit)s退回后改派给您单位（%(role)s），请签收。")
            % {"unit": locked.unit.name, "role": new.get_role_display()},
            url=task_url(locked.task_id),
            task_id=locked.task_id,
        )
    return new


@transaction.atomic
def assignment_reopen(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """Reopen a completed assignment (admins only); the approval stays on record."""
    require_manage_plans(actor)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请写明重新打开的理由。"))
    locked = lock_assignment(assignment)
    if locked.status != AssignmentStatus.COMPLETED:
        raise WorkflowError(_("只有已办结的任务可以重新打开。"))
    before = model_snapshot(locked, ["status", "completed_at"])
    locked.status = AssignmentStatus.IN_PROGRESS
    locked.completed_at = None
    locked.save(update_fields=["status", "completed_at", "updated_at"])
    audit_updated(actor=actor, instance=locked, before=before, verb="assignment.reopen", note=reason)
    notify_units(
        unit_ids=[locked.unit_id],
        kind=NotificationKind.COMPLETION,
        title=_("任务重新打开：%(path)s %(headline)s") % {"path": locked.task.path, "headline": locked.task.headline},
        body=_("理由：%(reason)s") % {"reason": reason},
        url=task_url(locked.task_id),
        task_id=locked.task_id,
    )
    return locked
