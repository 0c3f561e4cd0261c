"""The supervisors' queue (待办): requests to decide, assignments not yet received, declined ones to reassign."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from plans.lights import annotate_lights
from plans.models import (
    Assignment,
    AssignmentStatus,
    CompletionDecision,
    CompletionRequest,
    ExtensionDecision,
    ExtensionRequest,
    PlanStatus,
)


@dataclass
class SupervisionQueue:
    """What waits for the bureau's decision or attention."""

    completion_requests: list
    extension_requests: list
    unacknowledged: list
    declined: list
    unacknowledged_total: int = 0

    @property
    def count(self) -> int:
        """Return how many items wait in the queue."""
        return (
            len(self.completion_requests)
            + len(self.extension_requests)
            + self.unacknowledged_total
            + len(self.declined)
        )


def supervision_queue(*, today: datetime.date, unacknowledged_limit: int = 200) -> SupervisionQueue:
    """Return the bureau's queue in a fixed number of queries."""
    live = {"assignment__task__plan__status": PlanStatus.PUBLISHED}
    completion = list(
        CompletionRequest.objects.filter(decision=CompletionDecision.PENDING, **live)
        .select_related("assignment__task", "assignment__unit", "requested_by")
        .order_by("requested_at")
    )
    extension = list(
        ExtensionRequest.objects.filter(decision=ExtensionDecision.PENDING, **live)
        .select_related("assignment__task", "assignment__unit", "requested_by")
        .order_by("requested_at")
    )
    new = Assignment.objects.filter(status=AssignmentStatus.NEW, task__plan__status=PlanStatus.PUBLISHED)
    unacknowledged_total = new.count()
    unacknowledged = []
    if unacknowledged_limit and unacknowledged_total:
        unacknowledged = list(
            annotate_lights(new.select_related("task", "task__plan", "unit"), today=today).order_by(
                "task__plan__published_at", "created_at", "unit__sort_order"
            )[:unacknowledged_limit]
        )
    for assignment in unacknowledged:
        assignment.waiting_days = (today - timezone.localdate(assignment.handed_out_at)).days
        assignment.decline_window_open = assignment.waiting_days <= settings.ASSIGNMENT_DECLINE_DAYS
    declined = list(
        Assignment.objects.filter(status=AssignmentStatus.DECLINED, replaced_by__isnull=True)
        .select_related("task", "task__plan", "unit")
        .order_by("declined_at")
    )
    return SupervisionQueue(completion, extension, unacknowledged, declined, unacknowledged_total)
