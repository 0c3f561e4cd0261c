"""The unit workbench (我的任务): what is due this cycle, then what is overdue, then the rest."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Exists, OuterRef, Q, Subquery, Value, When
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from plans import periods
from plans.lights import HOLDING, Light, annotate_lights, light_reason
from plans.models import (
    Assignment,
    AssignmentStatus,
    Escalation,
    EscalationResponse,
    Instruction,
    InstructionAcknowledgement,
    ProgressReport,
    ReportApproval,
)
from plans.selectors.scoping import assignments_visible_to

CYCLES = (periods.MONTHLY, periods.TEN_DAY, periods.QUARTERLY)


@dataclass
class Workbench:
    """A unit's assignments sorted into the workbench's groups, and what waits for the unit besides reports."""

    due_this_cycle: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    rest: list = field(default_factory=list)
    done: list = field(default_factory=list)
    open_escalations: list = field(default_factory=list)
    unread_instructions: list = field(default_factory=list)
    reports_to_approve: list = field(default_factory=list)

    @property
    def action_count(self) -> int:
        """Return how many things need the unit now (shown in the page title)."""
        return (
            len(self.due_this_cycle)
            + len(self.overdue)
            + len(self.open_escalations)
            + len(self.unread_instructions)
            + len(self.reports_to_approve)
        )


def annotate_current_period(queryset, *, today: datetime.date):
    """Annotate assignments with the key of the period containing today and whether the unit has reported for it."""
    keys = {cycle: periods.period_containing(cycle, today).key for cycle in CYCLES}
    queryset = queryset.annotate(
        current_period_key=Case(
            *[When(light_cycle=cycle, then=Value(key)) for cycle, key in keys.items()],
            output_field=CharField(),
        )
    )
    own_reports = ProgressReport.objects.filter(assignment_id=OuterRef("pk"))
    latest = own_reports.order_by("-period_start", "-created_at", "-id")
    return queryset.annotate(
        reported_this_period=Exists(own_reports.filter(period_key=OuterRef("current_period_key"))),
        last_report_at=Subquery(latest.values("created_at")[:1]),
        last_report_period=Subquery(latest.values("period_key")[:1]),
    )


def workbench_for(user: User, *, today: datetime.date) -> Workbench:
    """Return the user's unit's workbench, in a fixed number of queries whatever the number of tasks."""
    workbench = Workbench()
    if user.unit_id is None:
        return workbench
    assignments = annotate_current_period(
        annotate_lights(
            assignments_visible_to(user)
            .exclude(status=AssignmentStatus.DECLINED)
            .select_related("task", "task__plan", "task__parent"),
            today=today,
        ),
        today=today,
    ).order_by("effective_due", "task__plan_id", "task__position", "task__path")
    for assignment in assignments:
        assignment.light_text = light_reason(assignment, today=today)
        assignment.days_left = (assignment.effective_due - today).days if assignment.effective_due is not None else None
        if assignment.status == AssignmentStatus.COMPLETED:
            workbench.done.append(assignment)
        elif assignment.status in HOLDING and not assignment.reported_this_period:
            workbench.due_this_cycle.append(assignment)
        elif assignment.light == Light.RED:
            workbench.overdue.append(assignment)
        else:
            workbench.rest.append(assignment)
    # Overdue first within "due this cycle" too: the most urgent line is the top line.
    workbench.due_this_cycle.sort(key=lambda a: (a.light != Light.RED, a.light != Light.YELLOW))
    answered = EscalationResponse.objects.filter(escalation_id=OuterRef("pk"))
    workbench.open_escalations = list(
        Escalation.objects.filter(assignment__unit_id=user.unit_id, closed_at__isnull=True)
        .filter(assignment__in=assignments_visible_to(user))
        .exclude(Exists(answered))
        .select_related("assignment__task", "created_by")
        .order_by("response_due", "created_at")
    )
    acknowledged = InstructionAcknowledgement.objects.filter(instruction_id=OuterRef("pk"), unit_id=user.unit_id)
    workbench.unread_instructions = list(
        Instruction.objects.filter(task__assignments__in=assignments_visible_to(user))
        .exclude(Exists(acknowledged))
        .select_related("task", "author")
        .distinct()
        .order_by("-created_at")
    )
    if user.role == Role.UNIT_MANAGER:
        reviewed = ReportApproval.objects.filter(report_id=OuterRef("pk"))
        superseded = ProgressReport.objects.filter(supersedes_id=OuterRef("pk"))
        workbench.reports_to_approve = list(
            ProgressReport.objects.filter(Q(needs_approval=True), assignment__unit_id=user.unit_id)
            .exclude(Exists(reviewed))
            .exclude(Exists(superseded))
            .select_related("assignment__task", "author")
            .order_by("created_at")
        )
    return workbench


def assignment_for_report(user: User, pk: int) -> Assignment:
    """Return one of the user's unit's assignments with its task and plan (404 for anyone else's)."""
    return get_object_or_404(assignments_visible_to(user).select_related("task__plan", "unit"), pk=pk)
