"""Write supervision by hand: reminders (催办), escalations (督办) and responses, instructions (批示), comments."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_created, audit_updated, model_snapshot
from core import clock
from plans.models import (
    Assignment,
    AssignmentStatus,
    Comment,
    Escalation,
    EscalationLevel,
    EscalationResponse,
    Instruction,
    InstructionAcknowledgement,
    Plan,
    PlanStatus,
    Reminder,
    ReminderKind,
    Task,
)
from plans.policies import (
    can_see_all_units,
    require_act_for,
    require_instruct,
    require_supervise,
)
from plans.services.errors import WorkflowError
from plans.services.notify import (
    NotificationKind,
    notify_supervisors,
    notify_task_units,
    notify_users,
    task_url,
)
from reminders.fanout import Notice, enqueue_deliveries, fan_out

OPEN_STATUSES = (AssignmentStatus.NEW, AssignmentStatus.IN_PROGRESS, AssignmentStatus.COMPLETION_REQUESTED)


def _plan_published(task: Task) -> bool:
    """Return whether the task's plan is published now (read fresh: the caller's task may be stale)."""
    return Plan.objects.filter(pk=task.plan_id, status=PlanStatus.PUBLISHED).exists()


def _manual_key() -> str:
    """Return a period key for a reminder or escalation made by hand: each one is its own period."""
    return f"manual:{clock.now():%Y%m%dT%H%M%S}:{uuid.uuid4().hex[:12]}"


@transaction.atomic
def reminder_send(*, actor: User, assignments: Iterable[Assignment], message: str = "") -> list[Reminder]:
    """Remind (催办) one or more assignments' units by hand; completed and declined ones are skipped."""
    require_supervise(actor)
    message = (message or "").strip()
    ids = {assignment.pk for assignment in assignments}
    targets = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, status__in=OPEN_STATUSES, task__plan__status=PlanStatus.PUBLISHED)
        .select_related("task", "unit")
        .order_by("pk")
    )
    if not targets:
        raise WorkflowError(_("所选任务都已办结、已退回或尚未发布，没有需要催办的。"))
    key = _manual_key()
    reminders = []
    notices: list[Notice] = []
    for assignment in targets:
        reminder = Reminder.objects.create(
            assignment=assignment,
            kind=ReminderKind.MANUAL,
            period_key=key,
            message=message,
            created_by=actor,
            created_at=clock.now(),
        )
        audit_created(actor=actor, instance=reminder, verb="reminder.send")
        notices.append(
            Notice(
                unit_id=assignment.unit_id,
                task_id=assignment.task_id,
                notification_kind=NotificationKind.REMINDER,
                subject=_("催办：%(path)s %(headline)s")
                % {"path": assignment.task.path, "headline": assignment.task.headline},
                text=message or _("请抓紧办理并及时报送进展。"),
                url=task_url(assignment.task_id),
                reminder_id=reminder.pk,
            )
        )
        reminders.append(reminder)
    _messages, delivery_ids = fan_out(notices)
    enqueue_deliveries(delivery_ids)
    return reminders


@transaction.atomic
def escalation_raise(
    *, actor: User, assignment: Assignment, reason: str, response_due: datetime.date | None = None
) -> Escalation:
    """Escalate (督办) an assignment: a formal notice that requires a written response by a date."""
    require_supervise(actor)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请写明督办事由。"))
    locked = (
        Assignment.objects.select_for_update(of=("self",)).select_related("task__plan", "unit").get(pk=assignment.pk)
    )
    if locked.status not in OPEN_STATUSES or locked.task.plan.status != PlanStatus.PUBLISHED:
        raise WorkflowError(_("这项任务已办结、已退回或尚未发布，不能督办。"))
    today = clock.today()
    response_due = response_due or today + datetime.timedelta(days=settings.ESCALATION_RESPONSE_DAYS)
    if response_due < today:
        raise WorkflowError(_("反馈时限不能早于今天。"))
    escalation = Escalation.objects.create(
        assignment=locked,
        level=EscalationLevel.MANUAL,
        period_key=_manual_key(),
        reason=reason,
        response_due=response_due,
        created_by=actor,
        created_at=clock.now(),
    )
    audit_created(actor=actor, instance=escalation, verb="escalation.raise")
    _messages, delivery_ids = fan_out(
        [
            Notice(
                unit_id=locked.unit_id,
                task_id=locked.task_id,
                notification_kind=NotificationKind.ESCALATION,
                subject=_("督办单：%(path)s %(headline)s")
                % {"path": locked.task.path, "headline": locked.task.headline},
                text=_("%(reason)s\n请于%(year)s年%(month)s月%(day)s日前书面反馈。")
                % {"reason": reason, "year": response_due.year, "month": response_due.month, "day": response_due.day},
                url=task_url(locked.task_id),
                escalation_id=escalation.pk,
            )
        ]
    )
    enqueue_deliveries(delivery_ids)
    return escalation


@transaction.atomic
def escalation_raise_many(
    *,
    actor: User,
    assignments: Iterable[Assignment],
    reason: str,
    response_due: datetime.date | None = None,
) -> list[Escalation]:
    """Escalate a selection at once (from the review list); those already closed or declined are skipped.

    All or nothing: one transaction, so a refusal (an empty reason, a past date) escalates none.
    """
    require_supervise(actor)
    chosen = list(
        Assignment.objects.filter(
            pk__in={assignment.pk for assignment in assignments},
            status__in=OPEN_STATUSES,
            task__plan__status=PlanStatus.PUBLISHED,
        ).order_by("pk")
    )
    if not chosen:
        raise WorkflowError(_("所选任务都已办结、已退回或尚未发布，没有需要督办的。"))
    return [
        escalation_raise(actor=actor, assignment=assignment, reason=reason, response_due=response_due)
        for assignment in chosen
    ]


@transaction.atomic
def escalation_respond(*, actor: User, escalation: Escalation, text: str) -> EscalationResponse:
    """Answer an escalation in writing on behalf of the escalated unit."""
    locked = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("assignment__task", "assignment__unit", "created_by")
        .get(pk=escalation.pk)
    )
    require_act_for(actor, locked.assignment)
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("请填写反馈内容：原因、已采取的措施和完成时间。"))
    if locked.closed_at is not None:
        raise WorkflowError(_("这份督办已销号，无需再反馈。"))
    response = EscalationResponse.objects.create(escalation=locked, text=text, author=actor, created_at=clock.now())
    audit_created(actor=actor, instance=response, verb="escalation.respond")
    task = locked.assignment.task
    title = _("督办反馈：%(unit)s 已反馈 %(path)s %(headline)s") % {
        "unit": locked.assignment.unit.name,
        "path": task.path,
        "headline": task.headline,
    }
    if locked.created_by is not None:
        notify_users(
            recipients=[locked.created_by],
            kind=NotificationKind.ESCALATION_RESPONSE,
            title=title,
            body=text,
            url=task_url(task.pk),
            task_id=task.pk,
        )
    else:
        notify_supervisors(task=task, kind=NotificationKind.ESCALATION_RESPONSE, title=title, body=text)
    return response


@transaction.atomic
def escalation_close(*, actor: User, escalation: Escalation) -> Escalation:
    """Close an answered escalation (销号)."""
    require_supervise(actor)
    locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if locked.closed_at is not None:
        raise WorkflowError(_("这份督办已经销号。"))
    if not locked.responses.exists():
        raise WorkflowError(_("承办单位尚未反馈，不能销号。"))
    before = model_snapshot(locked, ["closed_at", "closed_by"])
    locked.closed_at = clock.now()
    locked.closed_by = actor
    locked.save(update_fields=["closed_at", "closed_by"])
    audit_updated(actor=actor, instance=locked, before=before, verb="escalation.close")
    return locked


@transaction.atomic
def instruction_give(*, actor: User, task: Task, text: str) -> Instruction:
    """Leave a leader's instruction (批示) on a task; every unit holding the task must acknowledge it."""
    require_instruct(actor)
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("请填写批示内容。"))
    if not _plan_published(task):
        raise WorkflowError(_("计划尚未发布或已归档，不能作出批示。"))
    instruction = Instruction.objects.create(task=task, text=text, author=actor, created_at=clock.now())
    audit_created(actor=actor, instance=instruction, verb="instruction.give")
    notify_task_units(
        task=task,
        kind=NotificationKind.INSTRUCTION,
        title=_("领导批示：%(path)s %(headline)s") % {"path": task.path, "headline": task.headline},
        body=_("%(author)s：%(text)s\n请阅知并确认。") % {"author": actor, "text": text},
    )
    return instruction


@transaction.atomic
def instruction_acknowledge(*, actor: User, instruction: Instruction) -> InstructionAcknowledgement:
    """Acknowledge a leader's instruction on behalf of the actor's unit (once per unit)."""
    holds = Assignment.objects.filter(task_id=instruction.task_id, unit_id=actor.unit_id).first()
    if holds is None:
        raise PermissionDenied(_("只有承办这项任务的单位需要确认批示。"))
    require_act_for(actor, holds)
    if InstructionAcknowledgement.objects.filter(instruction=instruction, unit_id=actor.unit_id).exists():
        raise WorkflowError(_("本单位已经确认过这条批示。"))
    acknowledgement = InstructionAcknowledgement.objects.create(
        instruction=instruction, unit_id=actor.unit_id, acknowledged_by=actor, acknowledged_at=clock.now()
    )
    audit_created(actor=actor, instance=acknowledgement, verb="instruction.acknowledge")
    return acknowledgement


@transaction.atomic
def comment_post(*, actor: User, task: Task, text: str) -> Comment:
    """Post a comment on a task; the bureau's comments go to the task's units, the units' to the supervisors."""
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("留言不能为空。"))
    if len(text) > 2000:
        raise WorkflowError(_("留言请控制在 2000 字以内，较长的材料请作为附件随进展报送。"))
    if not can_see_all_units(actor) and not Assignment.objects.filter(task=task, unit_id=actor.unit_id).exists():
        raise PermissionDenied(_("只有承办这项任务的单位和局机关人员可以留言。"))
    comment = Comment.objects.create(task=task, text=text, author=actor, created_at=clock.now())
    audit_created(actor=actor, instance=comment, verb="comment.post")
    title = _("新留言：%(path)s %(headline)s") % {"path": task.path, "headline": task.headline}
    body = _("%(author)s：%(text)s") % {"author": actor, "text": text[:200]}
    if not _plan_published(task):
        return comment  # a draft's units cannot open the task yet; they see the comment once it is published
    if can_see_all_units(actor):
        notify_task_units(task=task, kind=NotificationKind.COMMENT, title=title, body=body)
    else:
        notify_supervisors(task=task, kind=NotificationKind.COMMENT, title=title, body=body)
    return comment
