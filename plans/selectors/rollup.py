"""Sub-task roll-up (层层分解): how far the pieces of a split task have got, computed in SQL."""

from __future__ import annotations

from django.db.models import Avg, Count, FloatField, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from plans.models import Assignment, AssignmentRole, AssignmentStatus


def annotate_rollup(tasks: QuerySet) -> QuerySet:
    """Annotate tasks with subtask_count, subtask_done and subtask_percent (mean percent of the sub-tasks' leads)."""
    leads = (
        Assignment.objects.filter(task__parent_id=OuterRef("pk"), role=AssignmentRole.LEAD)
        .exclude(status=AssignmentStatus.DECLINED)
        .order_by()
        .values("task__parent_id")
    )
    return tasks.annotate(
        subtask_count=Coalesce(
            Subquery(leads.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
        ),
        subtask_done=Coalesce(
            Subquery(
                leads.annotate(n=Count("pk", filter=Q(status=AssignmentStatus.COMPLETED))).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        subtask_percent=Subquery(leads.annotate(p=Avg("percent")).values("p"), output_field=FloatField()),
    )
