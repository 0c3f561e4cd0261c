"""Write plans and tasks: publishing (交办) and editing a published task."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.services import audit_updated, model_snapshot
from core import clock
from core.dates import chinese_date
from plans.models import Assignment, Plan, PlanStatus, ReportingCycle, Task
from plans.policies import require_manage_plans
from plans.services.errors import WorkflowError
from plans.services.notify import NotificationKind, notify_task_units, notify_units

TASK_EDITABLE_FIELDS = ("headline", "text", "deadline", "deadline_text", "reporting_cycle", "owner_text")
FIELD_LABELS = {
    "headline": gettext_lazy("任务名称"),
    "text": gettext_lazy("任务内容"),
    "deadline": gettext_lazy("完成时限"),
    "deadline_text": gettext_lazy("时限原文"),
    "reporting_cycle": gettext_lazy("报送周期"),
    "owner_text": gettext_lazy("责任单位原文"),
}


class PlanStateError(WorkflowError):
    """The plan is not in a state that allows this; nothing changed."""


@transaction.atomic
def plan_publish(*, actor: User | None, plan: Plan) -> Plan:
    """Publish a draft plan (交办): its assignments go to their units, and each unit is told in its inbox."""
    if actor is not None:
        require_manage_plans(actor)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise PlanStateError(_("只有草稿状态的计划可以发布。"))
    if not locked.tasks.exists():
        raise PlanStateError(_("计划中没有任务，不能发布。"))
    before = model_snapshot(locked, ["status", "published_at"])
    locked.status = PlanStatus.PUBLISHED
    locked.published_at = clock.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    assignments = Assignment.objects.filter(task__plan=locked)
    if actor is not None:
        assignments.filter(assigned_by__isnull=True).update(assigned_by=actor)
    audit_updated(actor=actor, instance=locked, before=before, verb="plan.publish")
    counts = assignments.values("unit_id").annotate(n=Count("pk")).order_by()
    for row in counts:
        notify_units(
            unit_ids=[row["unit_id"]],
            kind=NotificationKind.ASSIGNED,
            title=_("新交办：%(plan)s中有 %(count)s 项任务由您单位承办") % {"plan": locked.title, "count": row["n"]},
            body=_("请在“我的任务”中逐项签收；如不属于本单位职责，可在规定时间内说明理由退回。"),
            url=reverse("core:home"),
        )
    return locked


def _display(field: str, value) -> str:
    if value in (None, ""):
        return _("（空）")
    if field == "deadline" and isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    if isinstance(value, datetime.date):
        return chinese_date(value)
    if field == "reporting_cycle":
        return str(ReportingCycle(value).label)
    return str(value)


@transaction.atomic
def task_update(*, actor: User, task: Task, **changes) -> Task:
    """Edit a task's wording, deadline or reporting cycle; audit it and, once published, tell its units."""
    require_manage_plans(actor)
    unknown = set(changes) - set(TASK_EDITABLE_FIELDS)
    if unknown:
        raise WorkflowError(_("这些字段不能在这里修改：%(fields)s") % {"fields": _("、").join(sorted(unknown))})
    locked = Task.objects.select_for_update(of=("self",)).select_related("plan").get(pk=task.pk)
    if not (changes.get("headline", locked.headline) or "").strip():
        raise WorkflowError(_("任务名称不能为空。"))
    before = model_snapshot(locked, changes.keys())
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    event = audit_updated(actor=actor, instance=locked, before=before, verb="task.update")
    if event is not None and locked.plan.status == PlanStatus.PUBLISHED:
        lines = [
            _("%(field)s：%(old)s → %(new)s")
            % {"field": FIELD_LABELS[field], "old": _display(field, old), "new": _display(field, new)}
            for field, (old, new) in event.changes.items()
            if field != "text"
        ]
        if "text" in event.changes:
            lines.append(_("任务内容已修改"))
        notify_task_units(
            task=locked,
            kind=NotificationKind.TASK_CHANGED,
            title=_("任务变更：%(path)s %(headline)s") % {"path": locked.path, "headline": locked.headline},
            body="\n".join(lines),
        )
    return locked
