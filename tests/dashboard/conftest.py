"""A small 2020 plan with a hand-written history, whose dashboard figures are worked out by hand.

Published on 3 July 2020 (monthly reports due on the 25th); the dashboard is read on 28 September,
so the closed periods that need a report are August and September (July began before publication).

| assignment | task (section, deadline)      | unit         | history                                                   |
|------------|-------------------------------|--------------|-----------------------------------------------------------|
| a1         | T1 (一.(一), 31 Aug)           | school       | Aug report 20 Aug 60% (on time); no Sep report            |
| a2         | T2 (一, 31 Dec)                 | school       | Aug report 27 Aug 40% (late); Sep 20 Sep 70%, corrected    |
|            |                               |              | 26 Sep to 75% (the correction is not a second filing)     |
| a3         | T2 co                         | department   | Jul report 20 Jul 10% (on time); nothing since            |
| a4         | T3 (二, 31 Dec)                 | other school | Aug report 10 Aug 100%; completed 5 Sep                   |
| a5         | T3 co                         | office       | declined 4 Jul: counted nowhere                           |
| a6         | T4 (no section), handed 10 Sep| other school | not yet acknowledged                                      |

Lights on 28 Sep: a1 red (deadline passed), a2 green, a3 yellow (Sep missing), a4 done, a6 grey.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from accounts.models import Role
from core import clock
from plans.models import Assignment, Plan, Section
from plans.services.assignments import assignment_decline
from plans.services.plans import plan_publish
from plans.services.reports import report_submit
from plans.services.requests import completion_decide, completion_request_submit
from tests.factories import AssignmentFactory, PlanFactory, SectionFactory, TaskFactory, UserFactory

TODAY = datetime.date(2020, 9, 28)


@dataclass
class SmallPlan:
    plan: Plan
    part_one: Section
    part_two: Section
    a1: Assignment
    a2: Assignment
    a3: Assignment
    a4: Assignment
    a5: Assignment
    a6: Assignment


def _report(actor, assignment, day: datetime.datetime, percent: int, period_key: str, text: str = "按计划推进。"):
    with clock.frozen_at(day):
        return report_submit(
            actor=actor,
            assignment=assignment,
            text=text,
            percent=percent,
            status="in_progress",
            period_key=period_key,
        )


@pytest.fixture
def small_plan(people, bureau) -> SmallPlan:
    """Build the plan of the module docstring through the services, each step at its own moment."""
    school_staff, other_staff = people["unit_staff"], people["other_staff"]
    dept_staff = UserFactory(username="t_dept", role=Role.UNIT_STAFF, unit=bureau["department"])
    office_staff = UserFactory(username="t_office_staff", role=Role.UNIT_STAFF, unit=bureau["office"])
    with clock.frozen_at(datetime.datetime(2020, 7, 3, 8, 0)):
        plan = PlanFactory(status="draft", published_at=None, title="湖里区教育局2020年工作要点（驾驶舱）")
        part_one = SectionFactory(plan=plan, number="一", path="一", title="党建引领", position=1)
        child = SectionFactory(plan=plan, parent=part_one, number="(一)", path="一.(一)", title="组织建设", position=2)
        part_two = SectionFactory(plan=plan, number="二", path="二", title="教育质量", position=3)
        t1 = TaskFactory(plan=plan, section=child, deadline=datetime.date(2020, 8, 31))
        t2 = TaskFactory(plan=plan, section=part_one)
        t3 = TaskFactory(plan=plan, section=part_two)
        a1 = AssignmentFactory(task=t1, unit=bureau["school"])
        a2 = AssignmentFactory(task=t2, unit=bureau["school"])
        a3 = AssignmentFactory(task=t2, unit=bureau["department"], role="co")
        a4 = AssignmentFactory(task=t3, unit=bureau["other_school"])
        a5 = AssignmentFactory(task=t3, unit=bureau["office"], role="co")
    with clock.frozen_at(datetime.datetime(2020, 7, 3, 9, 0)):
        plan_publish(actor=people["admin"], plan=plan)
    with clock.frozen_at(datetime.datetime(2020, 7, 4, 9, 0)):
        assignment_decline(actor=office_staff, assignment=a5, reason="不属于本单位职责。")

    _report(dept_staff, a3, datetime.datetime(2020, 7, 20, 10, 0), 10, "2020-07")
    _report(other_staff, a4, datetime.datetime(2020, 8, 10, 10, 0), 100, "2020-08")
    _report(school_staff, a1, datetime.datetime(2020, 8, 20, 10, 0), 60, "2020-08")
    _report(school_staff, a2, datetime.datetime(2020, 8, 27, 10, 0), 40, "2020-08")
    with clock.frozen_at(datetime.datetime(2020, 9, 4, 10, 0)):
        request = completion_request_submit(actor=other_staff, assignment=a4, summary="已全部完成，附总结。")
    with clock.frozen_at(datetime.datetime(2020, 9, 5, 10, 0)):
        completion_decide(actor=people["supervisor"], request=request, approve=True)
    with clock.frozen_at(datetime.datetime(2020, 9, 10, 9, 0)):
        t4 = TaskFactory(plan=plan, section=None, headline="新增任务")
        a6 = AssignmentFactory(task=t4, unit=bureau["other_school"])
    _report(school_staff, a2, datetime.datetime(2020, 9, 20, 10, 0), 70, "2020-09")
    _report(school_staff, a2, datetime.datetime(2020, 9, 26, 10, 0), 75, "2020-09", text="更正：完成75%。")
    for assignment in (a1, a2, a3, a4, a5, a6):
        assignment.refresh_from_db()
    plan.refresh_from_db()
    return SmallPlan(plan, part_one, part_two, a1, a2, a3, a4, a5, a6)
