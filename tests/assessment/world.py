"""Build assessment worlds through the plan services, each step at its own frozen moment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from core import clock
from plans.models import Assignment, CompletionRequest, Escalation, Plan, Task
from plans.services.plans import plan_publish
from plans.services.reports import report_submit
from plans.services.requests import completion_decide, completion_request_submit
from plans.services.supervision import escalation_raise, escalation_respond
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory


@dataclass
class World:
    """A bureau's plan and what units did with it, written through the services as people would."""

    people: dict
    plans: list[Plan] = field(default_factory=list)

    def plan(self, *, published: datetime.datetime, tasks: list[dict], title: str = "", report_due_day: int = 25):
        """Publish a plan at a moment; each task dict names unit, deadline and optionally cycle, headline, role.

        Return the assignments in the order of `tasks`.
        """
        with clock.frozen_at(published):
            plan = PlanFactory(
                status="draft",
                published_at=None,
                plan_year=published.year,
                report_due_day=report_due_day,
                title=title or f"工作要点{len(self.plans) + 1}",
            )
            assignments = []
            for spec in tasks:
                task = TaskFactory(
                    plan=plan,
                    headline=spec.get("headline", "测试任务"),
                    deadline=spec.get("deadline"),
                    reporting_cycle=spec.get("cycle", ""),
                )
                assignments.append(AssignmentFactory(task=task, unit=spec["unit"], role=spec.get("role", "lead")))
            plan_publish(actor=self.people["admin"], plan=plan)
        self.plans.append(plan)
        return [Assignment.objects.select_related("task__plan", "unit").get(pk=a.pk) for a in assignments]

    def report(self, assignment: Assignment, period_key: str, at: datetime.datetime, *, author=None):
        """File a report for a period at a moment."""
        with clock.frozen_at(at):
            return report_submit(
                actor=author or self.people["unit_staff"],
                assignment=assignment,
                text=f"{period_key}进展",
                percent=50,
                status="in_progress",
                period_key=period_key,
            )

    def complete(
        self, assignment: Assignment, requested: datetime.datetime, approved: datetime.datetime, *, author=None
    ):
        """Ask to close the assignment at one moment and have a supervisor approve at another."""
        with clock.frozen_at(requested):
            request = completion_request_submit(
                actor=author or self.people["unit_staff"], assignment=assignment, summary="已全部完成。"
            )
        with clock.frozen_at(approved):
            completion_decide(actor=self.people["supervisor"], request=request, approve=True)
        return CompletionRequest.objects.get(pk=request.pk)

    def escalate(
        self,
        assignment: Assignment,
        raised: datetime.datetime,
        answered: datetime.datetime | None = None,
        *,
        author=None,
    ) -> Escalation:
        """Escalate the assignment at a moment and, when given, have the unit answer at another."""
        with clock.frozen_at(raised):
            escalation = escalation_raise(
                actor=self.people["supervisor"], assignment=assignment, reason="进度滞后，请说明。"
            )
        if answered is not None:
            with clock.frozen_at(answered):
                escalation_respond(
                    actor=author or self.people["unit_staff"], escalation=escalation, text="已整改，本月底完成。"
                )
        return escalation


def task_of(assignment: Assignment) -> Task:
    """Return the assignment's task."""
    return assignment.task


def grow(world: World, *, explained_unit, explained_author, units: int, tasks: int, label: str) -> None:
    """Add a round of work: `units` new schools and the explained unit each hold `tasks` monthly tasks.

    Each school reports March on time, April late and never May; one task per unit is escalated and
    answered, one is completed late. Everything goes through the services.
    """
    from accounts.models import Role
    from tests.factories import SchoolFactory, UserFactory

    holders = [(explained_unit, explained_author)]
    for number in range(units):
        school = SchoolFactory(name=f"{label}测试学校{number}")
        holders.append((school, UserFactory(unit=school, role=Role.UNIT_STAFF)))
    specs = []
    for unit, _ in holders:
        for number in range(tasks):
            deadline = datetime.date(2020, 4, 30) if number == 0 else datetime.date(2020, 12, 31)
            specs.append({"unit": unit, "deadline": deadline, "headline": f"{label}任务{number}"})
    assignments = world.plan(published=datetime.datetime(2020, 3, 1, 9, 0), tasks=specs, title=f"{label}工作要点")
    by_unit: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_unit.setdefault(assignment.unit_id, []).append(assignment)
    for unit, author in holders:
        held = by_unit[unit.pk]
        for assignment in held:
            world.report(assignment, "2020-03", datetime.datetime(2020, 3, 20, 9, 0), author=author)
            world.report(assignment, "2020-04", datetime.datetime(2020, 4, 27, 9, 0), author=author)
        world.escalate(
            held[0], datetime.datetime(2020, 4, 10, 9, 0), datetime.datetime(2020, 4, 12, 9, 0), author=author
        )
        world.complete(held[0], datetime.datetime(2020, 5, 2, 9, 0), datetime.datetime(2020, 5, 6, 9, 0), author=author)
