"""Split a task into sub-tasks for chosen units (层层分解)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from audit.services import audit_created
from plans.models import Assignment, AssignmentRole, AssignmentStatus, PlanStatus, Task
from plans.policies import require_split
from plans.services.errors import WorkflowError
from plans.services.notify import NotificationKind, notify_units, task_url

MAX_UNITS_PER_SPLIT = 500


def lead_unit_id(task: Task) -> int | None:
    """Return the unit currently leading the task (not a declined one)."""
    return (
        Assignment.objects.filter(task=task, role=AssignmentRole.LEAD)
        .exclude(status=AssignmentStatus.DECLINED)
        .values_list("unit_id", flat=True)
        .first()
    )


@transaction.atomic
def subtask_split(
    *,
    actor: User,
    task: Task,
    headline: str,
    units: Sequence[Unit],
    text: str = "",
    deadline: datetime.date | None = None,
) -> list[Task]:
    """Create one sub-task per chosen unit under the task, each led by that unit, and tell the units.

    Sub-tasks are numbered after the parent (三.11-1, 三.11-2, …) and inherit its section, reporting
    cycle and, unless another is given, its deadline. The parent's progress rolls up from them.
    """
    parent = Task.objects.select_for_update(of=("self",)).select_related("plan").get(pk=task.pk)
    require_split(actor, parent, lead_unit_id(parent))
    if parent.parent_id is not None:
        raise WorkflowError(_("子任务不能再分解，请在原任务下分解。"))
    if parent.plan.status == PlanStatus.ARCHIVED:
        raise WorkflowError(_("计划已归档，不能分解任务。"))
    headline = (headline or "").strip()
    if not headline:
        raise WorkflowError(_("请填写子任务名称。"))
    chosen = list({unit.pk: unit for unit in units}.values())
    if not chosen:
        raise WorkflowError(_("请至少选择一个承办单位。"))
    if len(chosen) > MAX_UNITS_PER_SPLIT:
        raise WorkflowError(_("一次最多分解给 %(count)s 个单位。") % {"count": MAX_UNITS_PER_SPLIT})
    inactive = [unit.name for unit in chosen if not unit.is_active]
    if inactive:
        raise WorkflowError(_("这些单位已停用：%(units)s") % {"units": _("、").join(inactive)})
    already = set(Assignment.objects.filter(task__parent=parent, unit__in=chosen).values_list("unit__name", flat=True))
    if already:
        raise WorkflowError(_("这些单位已有本任务的子任务：%(units)s") % {"units": _("、").join(sorted(already))})
    deadline = deadline or parent.deadline
    if parent.deadline and deadline and deadline > parent.deadline:
        raise WorkflowError(_("子任务的时限不能晚于原任务的时限。"))
    start = parent.subtasks.count()
    subtasks = Task.objects.bulk_create(
        [
            Task(
                plan=parent.plan,
                section=parent.section,
                parent=parent,
                number=str(start + index),
                path=f"{parent.path}-{start + index}",
                headline=headline,
                text=text.strip(),
                owner_text=unit.name,
                deadline=deadline,
                deadline_text="" if deadline != parent.deadline else parent.deadline_text,
                reporting_cycle=parent.reporting_cycle,
                position=parent.position,
            )
            for index, unit in enumerate(chosen, start=1)
        ]
    )
    if not all(subtask.pk for subtask in subtasks):  # backends that do not return ids from bulk inserts
        subtasks = list(Task.objects.filter(parent=parent, number__in=[s.number for s in subtasks]).order_by("pk"))
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(task=subtask, unit=unit, role=AssignmentRole.LEAD, assigned_by=actor)
            for subtask, unit in zip(subtasks, chosen, strict=True)
        ]
    )
    for subtask in subtasks:
        audit_created(
            actor=actor, instance=subtask, verb="task.split", note=_("由 %(path)s 分解") % {"path": parent.path}
        )
    for assignment in assignments:
        audit_created(actor=actor, instance=assignment, verb="assignment.create")
    if parent.plan.status == PlanStatus.PUBLISHED:
        for subtask, unit in zip(subtasks, chosen, strict=True):
            notify_units(
                unit_ids=[unit.pk],
                kind=NotificationKind.ASSIGNED,
                title=_("新交办：%(path)s %(headline)s") % {"path": subtask.path, "headline": subtask.headline},
                body=_("这是“%(path)s %(headline)s”分解给您单位的子任务，请签收。")
                % {"path": parent.path, "headline": parent.headline},
                url=task_url(subtask.pk),
                task_id=subtask.pk,
            )
    return subtasks
