"""Write plans: publishing (交办)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from audit.services import audit_updated, model_snapshot
from core import clock
from plans.models import Plan, PlanStatus
from plans.policies import require_manage_plans


class PlanStateError(Exception):
    """The plan is not in a state that allows this; nothing changed."""


@transaction.atomic
def plan_publish(*, actor: User | None, plan: Plan) -> Plan:
    """Publish a draft plan so that its units see their assignments."""
    if actor is not None:
        require_manage_plans(actor)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise PlanStateError("只有草稿状态的计划可以发布。")
    if not locked.tasks.exists():
        raise PlanStateError("计划中没有任务，不能发布。")
    before = model_snapshot(locked, ["status", "published_at"])
    locked.status = PlanStatus.PUBLISHED
    locked.published_at = clock.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit_updated(actor=actor, instance=locked, before=before, verb="plan.publish")
    return locked
