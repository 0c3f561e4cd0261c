"""A small plan with a history from July to December 2020, played through the services at their own moments."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from accounts.models import Role
from core import clock
from plans.models import CompletionRequest, Escalation, ExtensionRequest, PlanStatus
from plans.services.assignments import assignment_acknowledge, assignment_reopen
from plans.services.plans import plan_publish, task_update
from plans.services.reports import report_submit
from plans.services.requests import (
    completion_decide,
    completion_request_submit,
    extension_decide,
    extension_request_submit,
)
from plans.services.supervision import escalation_raise, escalation_respond, reminder_send
from tests.factories import AssignmentFactory, PlanFactory, SectionFactory, TaskFactory, UserFactory

D = datetime.date


def on(day: datetime.date, hour: int = 10):
    """Freeze the clock at the hour of the day (Asia/Shanghai)."""
    return clock.frozen_at(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def media(settings, tmp_path):
    """Store generated files under a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def dept_staff(bureau):
    return UserFactory(username="t_dept", role=Role.UNIT_STAFF, unit=bureau["department"])


@pytest.fixture
def history(bureau, people, dept_staff):
    """A plan of three tasks in two parts and what happened to it, July–December 2020.

    1 (part 一) led by the school with the department; 2 (part 一) led by the department with the
    school; 3 (part 二, section (一)) led by the other school. September: reports from the school
    and the department on task 1, the department on task 2; the school's co-report on task 2 and
    the other school's report on task 3 are missing; task 3 is reminded and escalated. After
    September: the school corrects its September report, gets an extension, task 2 is renamed,
    completed in November and reopened in December, the escalation is answered.
    """
    staff, other = people["unit_staff"], people["other_staff"]
    supervisor, admin = people["supervisor"], people["admin"]
    with on(D(2020, 7, 2)):
        plan = PlanFactory(
            title="湖里区教育局2020年工作要点",
            doc_number="厦湖教〔2020〕132号",
            status=PlanStatus.DRAFT,
            published_at=None,
            report_due_day=25,
        )
        part_one = SectionFactory(plan=plan, number="一", path="一", title="推进党的全面领导", position=1)
        part_two = SectionFactory(plan=plan, number="二", path="二", title="提升立德树人水平", position=2)
        section = SectionFactory(
            plan=plan, parent=part_two, number="一", path="二.一", title="加强思想政治教育", position=3
        )
        task1 = TaskFactory(
            plan=plan, section=part_one, number="1", path="一.1", headline="深入学习贯彻十九大精神", position=1
        )
        task2 = TaskFactory(
            plan=plan, section=part_one, number="2", path="一.2", headline="加强基层党组织建设", position=2
        )
        task3 = TaskFactory(
            plan=plan, section=section, number="3", path="二.一.3", headline="推进思政课一体化建设", position=3
        )
        lead1 = AssignmentFactory(task=task1, unit=bureau["school"])
        co1 = AssignmentFactory(task=task1, unit=bureau["department"], role="co")
        lead2 = AssignmentFactory(task=task2, unit=bureau["department"])
        co2 = AssignmentFactory(task=task2, unit=bureau["school"], role="co")
        lead3 = AssignmentFactory(task=task3, unit=bureau["other_school"])
    with on(D(2020, 7, 3), 9):
        plan_publish(actor=admin, plan=plan)
    with on(D(2020, 7, 6)):
        assignment_acknowledge(actor=staff, assignment=lead1)
        assignment_acknowledge(actor=dept_staff, assignment=lead2)

    def report(actor, assignment, day, percent, text, period="2020-09"):
        with on(day):
            return report_submit(
                actor=actor, assignment=assignment, text=text, percent=percent, status="in_progress", period_key=period
            )

    report(staff, lead1, D(2020, 8, 20), 20, "8月制定学习方案。", "2020-08")
    report(dept_staff, lead2, D(2020, 8, 21), 25, "8月摸排基层党组织。", "2020-08")
    report(staff, lead1, D(2020, 9, 20), 40, "9月完成专题调研。")
    report(dept_staff, co1, D(2020, 9, 22), 30, "配合开展专题调研。")
    report(dept_staff, lead2, D(2020, 9, 24), 50, "9月完成换届选举。")
    with on(D(2020, 9, 28)):
        reminder_send(actor=supervisor, assignments=[lead3], message="请尽快签收并报送进展。")
    with on(D(2020, 9, 29)):
        escalation = escalation_raise(actor=supervisor, assignment=lead3, reason="逾期未签收、未报送。")
    # --- after September -------------------------------------------------------------------------------
    with on(D(2020, 10, 10)):
        escalation_respond(actor=other, escalation=Escalation.objects.get(pk=escalation.pk), text="已签收并部署。")
        assignment_acknowledge(actor=other, assignment=lead3)
    report(staff, lead1, D(2020, 10, 12), 45, "9月完成专题调研（更正：含两所学校）。")
    with on(D(2020, 10, 14)):
        extension_request_submit(actor=staff, assignment=lead1, requested_due=D(2021, 1, 31), reason="调研范围扩大。")
    with on(D(2020, 10, 15)):
        extension_decide(actor=supervisor, request=ExtensionRequest.objects.get(assignment=lead1), grant=True)
    with on(D(2020, 10, 20)):
        task_update(actor=admin, task=task2, headline="全面加强基层党组织建设", deadline=D(2020, 11, 30))
    report(dept_staff, lead2, D(2020, 10, 23), 80, "10月完成组织生活会。", "2020-10")
    report(staff, lead1, D(2020, 10, 24), 60, "10月形成调研报告。", "2020-10")
    with on(D(2020, 11, 18)):
        completion_request_submit(actor=dept_staff, assignment=lead2, summary="全部完成。")
    with on(D(2020, 11, 20)):
        completion_decide(actor=supervisor, request=CompletionRequest.objects.get(assignment=lead2), approve=True)
    with on(D(2020, 12, 5)):
        assignment_reopen(actor=admin, assignment=lead2, reason="上级要求补充材料。")
    for row in (plan, task1, task2, task3, lead1, co1, lead2, co2, lead3):
        row.refresh_from_db()
    return SimpleNamespace(
        plan=plan,
        tasks=(task1, task2, task3),
        lead1=lead1,
        co1=co1,
        lead2=lead2,
        co2=co2,
        lead3=lead3,
        escalation=escalation,
        dept_staff=dept_staff,
    )
