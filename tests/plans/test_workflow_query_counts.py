"""The workflow's pages run a fixed number of queries, however much work the bureau has handed out.

Each test measures a page on a small bureau, grows every kind of record about tenfold (tasks,
assignments, reports with evidence, reminders, escalations with responses, instructions with
acknowledgements, comments, requests, sub-tasks, notifications), and measures it again: an N+1
anywhere in the selectors or the templates would show as a different count.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role, Unit
from core import clock
from notifications.models import Notification
from plans.models import Assignment, Task
from plans.services.assignments import assignment_acknowledge, assignment_decline, assignment_reopen
from plans.services.plans import plan_publish, task_update
from plans.services.reports import report_review, report_submit
from plans.services.requests import (
    completion_decide,
    completion_request_submit,
    extension_decide,
    extension_request_submit,
)
from plans.services.subtasks import subtask_split
from plans.services.supervision import (
    comment_post,
    escalation_close,
    escalation_raise,
    escalation_respond,
    instruction_acknowledge,
    instruction_give,
    reminder_send,
)
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2020, 9, 20, 10, 0)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
REPORT_MONTHS = (4, 5, 6, 7, 8, 9)  # the six periods a unit may still report for in September


@dataclass(frozen=True)
class Scale:
    """How much of everything one round of growth adds."""

    co_units: int  # co-units on the task whose page is measured (each with its own staff member)
    reports: int  # reports per assignment on that task, each with evidence
    reminders: int
    escalations: int  # each answered; every other one closed
    instructions: int  # each acknowledged by every unit holding the task
    comments: int
    subtasks: int
    workbench_tasks: int  # tasks handed to the school in a new plan (a mix of every state)
    declined: int = 1  # co-units that decline the task at once, waiting for the admin to reassign it


SMALL = Scale(
    co_units=1, reports=2, reminders=1, escalations=2, instructions=1, comments=2, subtasks=1, workbench_tasks=6
)
LARGE = Scale(
    co_units=10,
    reports=20,
    reminders=10,
    escalations=20,
    instructions=10,
    comments=20,
    subtasks=10,
    workbench_tasks=60,
)


def _evidence(name: str) -> list[ContentFile]:
    return [ContentFile(PNG, name=name)]


@dataclass
class Bureau:
    """Grows a bureau's work through the services, each step at its own moment."""

    people: dict
    units: dict
    round: int = 0
    minute: int = 0
    task_pages: list[Task] = field(default_factory=list)

    def at(self, day: datetime.datetime):
        """Freeze the clock at the day plus a minute later than any step before."""
        self.minute += 1
        return clock.frozen_at(day + datetime.timedelta(minutes=self.minute))

    def grow(self, scale: Scale) -> Task:
        """Add one round of work at the scale; return the task whose page this round measures."""
        self.round += 1
        task = self._task_with_history(scale)
        self._workbench(scale)
        self.task_pages.append(task)
        return task

    def _unit_with_staff(self, name: str) -> tuple[Unit, object]:
        unit = UnitFactory(name=name, kind="school")
        return unit, UserFactory(unit=unit, role=Role.UNIT_STAFF)

    def _task_with_history(self, scale: Scale) -> Task:
        """Build one task led by the school with co-units and a half-year of history on it."""
        admin, supervisor, leader = self.people["admin"], self.people["supervisor"], self.people["leader"]
        manager, staff = self.people["unit_manager"], self.people["unit_staff"]
        school = self.units["school"]
        co = [self._unit_with_staff(f"第{self.round}轮配合学校{n}") for n in range(scale.co_units)]
        with self.at(datetime.datetime(2020, 3, 2, 9, 0)):
            plan = PlanFactory(status="draft", published_at=None, title=f"第{self.round}轮工作要点")
            task = TaskFactory(plan=plan, headline=f"第{self.round}轮被测任务")
            lead = AssignmentFactory(task=task, unit=school)
            holders = [(lead, staff)]
            for unit, person in co:
                holders.append((AssignmentFactory(task=task, unit=unit, role="co"), person))
            refusing = [self._unit_with_staff(f"第{self.round}轮退回学校{n}") for n in range(scale.declined)]
            refused = [(AssignmentFactory(task=task, unit=unit, role="co"), person) for unit, person in refusing]
            plan_publish(actor=admin, plan=plan)
            plan.refresh_from_db()  # the tasks hold this object: let them see it published
        for assignment, person in refused:
            with self.at(datetime.datetime(2020, 3, 2, 9, 0)):
                assignment_decline(actor=person, assignment=assignment, reason="不属于本单位职责。")
        # reports month by month: the school's staff (approved by the manager) and manager, each co-unit's staff
        for index, (assignment, person) in enumerate(holders):
            for number in range(scale.reports):
                month = REPORT_MONTHS[number * len(REPORT_MONTHS) // scale.reports]
                author = (person, manager)[number % 2] if index == 0 else person
                with self.at(datetime.datetime(2020, month, 10, 9, 0)):
                    report = report_submit(
                        actor=author,
                        assignment=assignment,
                        text=f"{month}月进展{number}",
                        percent=min(10 * month, 90),
                        status="in_progress",
                        period_key=f"2020-{month:02d}",
                        files=_evidence(f"evidence-{number}.png"),
                    )
                    if report.needs_approval:
                        report_review(actor=manager, report=report, approve=True)
        assignments = [assignment for assignment, _ in holders]
        september = datetime.datetime(2020, 9, 1, 9, 0)
        for _ in range(scale.reminders):
            with self.at(september):
                reminder_send(actor=supervisor, assignments=assignments, message="请抓紧办理。")
        for number in range(scale.escalations):
            assignment, person = holders[number % len(holders)]
            with self.at(september):
                escalation = escalation_raise(actor=supervisor, assignment=assignment, reason=f"督办事由{number}")
            with self.at(september):
                escalation_respond(actor=person, escalation=escalation, text=f"督办反馈{number}")
            if number % 2:
                with self.at(september):
                    escalation_close(actor=supervisor, escalation=escalation)
        for number in range(scale.instructions):
            with self.at(september):
                instruction = instruction_give(actor=leader, task=task, text=f"领导批示{number}")
            for _, person in holders:
                with self.at(september):
                    instruction_acknowledge(actor=person, instruction=instruction)
        for number in range(scale.comments):
            with self.at(september):
                author = (supervisor, holders[number % len(holders)][1])[number % 2]
                comment_post(actor=author, task=task, text=f"留言{number}")
        for number, (assignment, person) in enumerate(holders[1:]):
            with self.at(september):
                returned = completion_request_submit(
                    actor=person, assignment=assignment, summary="申请办结。", files=_evidence("summary.png")
                )
            with self.at(september):
                completion_decide(actor=supervisor, request=returned, approve=False, reason="请补充佐证。")
            with self.at(september):
                approved = completion_request_submit(
                    actor=person, assignment=assignment, summary="已补充。", files=_evidence("more.png")
                )
            with self.at(september):
                completion_decide(actor=supervisor, request=approved, approve=True)
            with self.at(september):
                assignment_reopen(actor=admin, assignment=assignment, reason="数据需核实。")
            with self.at(september):
                extension = extension_request_submit(
                    actor=person,
                    assignment=assignment,
                    requested_due=datetime.date(2021, 1, 1) + datetime.timedelta(days=number),
                    reason="延期理由。",
                )
            with self.at(september):
                extension_decide(actor=supervisor, request=extension, grant=number % 2 == 0, reason="审核意见。")
        with self.at(september):
            extension_request_submit(
                actor=staff, assignment=lead, requested_due=datetime.date(2021, 3, 31), reason="场地未到位。"
            )
        with self.at(september):
            completion_request_submit(
                actor=staff, assignment=lead, summary="主体工作完成。", files=_evidence("lead.png")
            )
        split_to = [self._unit_with_staff(f"第{self.round}轮分解学校{n}")[0] for n in range(scale.subtasks)]
        with self.at(september):
            subtask_split(actor=admin, task=task, headline="分解到校", units=split_to)
        with self.at(september):
            task_update(actor=admin, task=task, deadline_text="2020年12月底前")
        return task

    def _workbench(self, scale: Scale) -> None:
        """Hand the school a new plan of tasks in every state its workbench and the bureau's queue show."""
        admin, supervisor, leader = self.people["admin"], self.people["supervisor"], self.people["leader"]
        manager, staff = self.people["unit_manager"], self.people["unit_staff"]
        school, department = self.units["school"], self.units["department"]
        handed_out = datetime.datetime(2020, 9, 15, 9, 0)
        with self.at(handed_out):
            plan = PlanFactory(status="draft", published_at=None, title=f"第{self.round}轮专项工作")
            tasks = []
            for number in range(scale.workbench_tasks):
                task = TaskFactory(plan=plan, headline=f"第{self.round}轮专项任务{number}")
                AssignmentFactory(task=task, unit=school)
                AssignmentFactory(task=task, unit=department, role="co")  # never received: the queue shows it
                tasks.append(task)
            split = TaskFactory(plan=plan, headline=f"第{self.round}轮科室牵头任务")
            AssignmentFactory(task=split, unit=department)
            plan_publish(actor=admin, plan=plan)
            plan.refresh_from_db()  # the tasks hold this object: let them see it published
        with self.at(handed_out):
            subtask_split(actor=admin, task=split, headline="学校分担部分", units=[school])
        for number, task in enumerate(tasks):
            assignment = Assignment.objects.get(task=task, unit=school)
            state = number % 6
            with self.at(handed_out):
                if state == 0:  # a staff report waiting for the manager, an open escalation, an unread instruction
                    report_submit(
                        actor=staff,
                        assignment=assignment,
                        text="待审核的进展。",
                        percent=20,
                        status="in_progress",
                        files=_evidence("pending.png"),
                    )
                    escalation_raise(actor=supervisor, assignment=assignment, reason="请说明进度。")
                    instruction_give(actor=leader, task=task, text="请高度重视。")
                elif state == 1:  # reported this period by the manager, with an extension waiting
                    report_submit(
                        actor=manager,
                        assignment=assignment,
                        text="本期进展。",
                        percent=50,
                        status="in_progress",
                        files=_evidence("done.png"),
                    )
                    extension_request_submit(
                        actor=staff, assignment=assignment, requested_due=datetime.date(2021, 2, 1), reason="延期。"
                    )
                elif state == 2:  # received, nothing reported yet
                    assignment_acknowledge(actor=staff, assignment=assignment)
                elif state == 3:  # asking to close
                    completion_request_submit(
                        actor=staff, assignment=assignment, summary="申请办结。", files=_evidence("close.png")
                    )
                elif state == 4:  # closed
                    request = completion_request_submit(actor=staff, assignment=assignment, summary="已完成。")
                    completion_decide(actor=supervisor, request=request, approve=True)
                else:  # not ours: declined, waiting to be reassigned
                    assignment_decline(actor=staff, assignment=assignment, reason="不属于本单位职责。")


@pytest.fixture
def bureau_work(people, bureau, settings, tmp_path) -> Bureau:
    settings.MEDIA_ROOT = tmp_path
    Unit.objects.filter(pk=bureau["school"].pk).update(reports_need_approval=True)  # no service sets it
    return Bureau(people=people, units=bureau)


def _measure(client, url: str, count: int, django_assert_num_queries):
    with clock.frozen_at(NOW), django_assert_num_queries(count):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _warm_up(client, url: str) -> None:
    """Load the session and the content types once, as any earlier request would have."""
    with clock.frozen_at(NOW):
        assert client.get(url).status_code == 200


# The query counts, whatever the size. Every page starts with the session, the user, the user's unit (header)
# and the unread count (header); the rest is the page's own.
WORKBENCH_QUERIES = {
    # + the assignments with lights and the current period, open escalations, unread instructions
    "unit_staff": 7,
    # + the staff reports waiting for the manager
    "unit_manager": 8,
}
TASK_PAGE_QUERIES = {
    # + the task (scoped), again with its roll-up, the units' assignments with lights, all current units,
    # sub-tasks, reports with approvals, their attachments, reminders, escalations, their responses, instructions,
    # their acknowledgements, completion requests, their attachments, extension requests, comments, timeline
    # events, and for an admin the units to reassign a declined assignment to
    "admin": 22,
    "supervisor": 21,
    # a unit sees its own assignment's records only (its task and plan come with it)
    "unit_staff": 21,
}
# + pending completion and extension requests, the count and the first page of assignments not yet received,
# declined assignments
QUEUE_QUERIES = 9
# + the paginator's count, the page of messages with their tasks, the unread count in the heading
INBOX_QUERIES = {"unit_staff": 7, "supervisor": 7}


@pytest.mark.parametrize("role", sorted(WORKBENCH_QUERIES))
def test_workbench_query_count_does_not_grow_with_the_schools_work(
    client, people, bureau_work, django_assert_num_queries, role
):
    client.force_login(people[role])
    url = reverse("core:home")
    bureau_work.grow(SMALL)
    _warm_up(client, url)

    small = _measure(client, url, WORKBENCH_QUERIES[role], django_assert_num_queries)
    bureau_work.grow(LARGE)
    large = _measure(client, url, WORKBENCH_QUERIES[role], django_assert_num_queries)

    # one card per assignment the school holds and has not declined: the task with a history, five of the six
    # new tasks and the sub-task split to it, then as much again from the larger round
    assert (small.count('id="assignment-'), large.count('id="assignment-')) == (7, 7 + 52)
    assert (small.count("督办单待反馈"), large.count("督办单待反馈")) == (1, 1 + 10)
    assert (small.count("领导批示待确认"), large.count("领导批示待确认")) == (1, 1 + 10)


@pytest.mark.parametrize("role", sorted(TASK_PAGE_QUERIES))
def test_task_page_query_count_does_not_grow_with_the_tasks_history(
    client, people, bureau_work, django_assert_num_queries, role
):
    client.force_login(people[role])
    small_task = bureau_work.grow(SMALL)
    small_url = reverse("plans:task_detail", args=[small_task.pk])
    _warm_up(client, small_url)

    small = _measure(client, small_url, TASK_PAGE_QUERIES[role], django_assert_num_queries)
    large_task = bureau_work.grow(LARGE)
    large = _measure(
        client, reverse("plans:task_detail", args=[large_task.pk]), TASK_PAGE_QUERIES[role], django_assert_num_queries
    )

    # each report shows its text and its evidence: the bureau sees every unit's, a unit only its own
    holders = (2, 11) if role != "unit_staff" else (1, 1)
    assert (small.count("月进展"), large.count("月进展")) == (holders[0] * 2, holders[1] * 20)
    assert (small.count("evidence-"), large.count("evidence-")) == (holders[0] * 2, holders[1] * 20)
    assert large.count("已阅知批示") == 10 * 11  # ten instructions, each acknowledged by the eleven units


def test_queue_query_count_does_not_grow_with_what_waits(client, people, bureau_work, django_assert_num_queries):
    client.force_login(people["supervisor"])
    url = reverse("plans:queue")
    bureau_work.grow(SMALL)
    _warm_up(client, url)

    small = _measure(client, url, QUEUE_QUERIES, django_assert_num_queries)
    waiting_small = Assignment.objects.filter(status="new").count()
    bureau_work.grow(LARGE)
    large = _measure(client, url, QUEUE_QUERIES, django_assert_num_queries)
    waiting_large = Assignment.objects.filter(status="new").count()

    for page, completions, extensions, declined, waiting in (
        (small, 2, 2, 1 + 1, waiting_small),
        (large, 2 + 11, 2 + 11, 2 + 1 + 10, waiting_large),
    ):
        assert f"待审核的办结申请（{completions}）" in page
        assert f"待审核的延期申请（{extensions}）" in page
        assert f"退回待改派（{declined}）" in page
        assert f"尚未签收（{waiting}）" in page
        assert page.count('name="assignment"') == waiting
    # not yet received: the sub-tasks split from the task with a history, the department's share of every
    # special task, the department-led task and the school's sub-task of it (a report counts as receipt)
    assert (waiting_small, waiting_large) == (1 + 6 + 2, 9 + 10 + 60 + 2)


@pytest.mark.parametrize("role", sorted(INBOX_QUERIES))
def test_inbox_query_count_does_not_grow_with_messages(client, people, bureau_work, django_assert_num_queries, role):
    client.force_login(people[role])
    url = reverse("notifications:inbox")
    bureau_work.grow(SMALL)
    _warm_up(client, url)

    small = _measure(client, url, INBOX_QUERIES[role], django_assert_num_queries)
    received_small = Notification.objects.filter(recipient=people[role]).count()
    bureau_work.grow(LARGE)
    large = _measure(client, url, INBOX_QUERIES[role], django_assert_num_queries)

    assert small.count('id="notification-') == received_small < 30
    assert large.count('id="notification-') == 30  # one full page of many more
    assert Notification.objects.filter(recipient=people[role]).count() > 60


def test_task_page_query_count_does_not_grow_with_declined_units(
    client, people, bureau_work, django_assert_num_queries
):
    """Each declined unit gets its own reassign form, all drawing on one list of units."""
    client.force_login(people["admin"])
    small_task = bureau_work.grow(SMALL)
    _warm_up(client, reverse("plans:task_detail", args=[small_task.pk]))
    large_task = bureau_work.grow(replace(SMALL, declined=10))

    _measure(client, reverse("plans:task_detail", args=[small_task.pk]), 22, django_assert_num_queries)
    page = _measure(client, reverse("plans:task_detail", args=[large_task.pk]), 22, django_assert_num_queries)

    assert page.count("退回了这项任务") == 10
