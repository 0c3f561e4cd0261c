"""The workflow's services: what each one changes, what it records and whom it tells, and what it refuses."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import re
import zipfile
from types import SimpleNamespace

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from audit.selectors import audit_events_for
from core import clock
from notifications.models import Notification
from plans.lights import Light, annotate_lights, visible_report_q
from plans.models import (
    Assignment,
    Attachment,
    Comment,
    CompletionRequest,
    Escalation,
    EscalationResponse,
    ExtensionRequest,
    Instruction,
    InstructionAcknowledgement,
    Plan,
    PlanStatus,
    ProgressReport,
    Reminder,
    ReportApproval,
    Task,
)
from plans.selectors.rollup import annotate_rollup
from plans.services.assignments import (
    assignment_acknowledge,
    assignment_decline,
    assignment_reassign,
    assignment_reopen,
)
from plans.services.errors import WorkflowError
from plans.services.plans import plan_publish, task_update
from plans.services.reports import report_no_change, report_review, report_submit
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
from tests.factories import AssignmentFactory, PlanFactory, SectionFactory, TaskFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
PLAN_TITLE = "湖里区教育局2020年工作要点"
HEADLINE = "全力推进补短扩容项目建设"
OTHER_HEADLINE = "加强校园安全管理"
NOT_OURS = "只有承办单位的人员可以办理这项任务。"

# Every table a workflow service writes to: a refused action must leave all of them as they were.
TRACKED = (
    AuditEvent,
    Notification,
    Plan,
    Task,
    Assignment,
    ProgressReport,
    ReportApproval,
    Attachment,
    CompletionRequest,
    ExtensionRequest,
    Reminder,
    Escalation,
    EscalationResponse,
    Instruction,
    InstructionAcknowledgement,
    Comment,
)


def on(day: datetime.date, hour: int = 10):
    """Freeze the clock at the hour of the day (Asia/Shanghai)."""
    return clock.frozen_at(datetime.datetime.combine(day, datetime.time(hour)))


def local(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """Return the aware moment of the hour of the day (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def iso(day: datetime.date, hour: int = 10) -> str:
    """Return the moment as the audit trail records a time set by the service."""
    return local(day, hour).isoformat()


def everything() -> dict[str, list[dict]]:
    """Return every row of every table the services write, to check that a refusal changed nothing."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TRACKED}


def refused(exception: type[Exception], message: str, action) -> None:
    """Check that the action raises with exactly this message and leaves every table as it was."""
    before = everything()
    with pytest.raises(exception, match=f"^{re.escape(message)}$"):
        action()
    assert everything() == before


def inbox(kind: str, **filters) -> list[tuple[str, str]]:
    """Return (recipient, title) of the messages of one kind, sorted."""
    return sorted(Notification.objects.filter(kind=kind, **filters).values_list("recipient__username", "title"))


def events(instance) -> list[tuple[str, str, dict, str]]:
    """Return (verb, actor, changes, note) of the object's audit events, oldest first."""
    return [
        (event.verb, event.actor.username if event.actor else None, event.changes, event.note)
        for event in reversed(audit_events_for(instance))
    ]


def fresh(instance):
    instance.refresh_from_db()
    return instance


@pytest.fixture
def dept_staff(bureau):
    return UserFactory(username="t_dept", role=Role.UNIT_STAFF, unit=bureau["department"])


@pytest.fixture
def draft(bureau, people, dept_staff):
    """A draft plan: 三.11 led by the school with the other school, 三.12 led by the department with the school."""
    with on(D(2020, 7, 2)):
        plan = PlanFactory(title=PLAN_TITLE, status=PlanStatus.DRAFT, published_at=None, report_due_day=20)
        section = SectionFactory(plan=plan, number="三", path="三", title="抓均衡、补短板")
        task = TaskFactory(
            plan=plan, section=section, number="11", path="三.11", headline=HEADLINE, deadline=D(2020, 9, 30)
        )
        other_task = TaskFactory(
            plan=plan, section=section, number="12", path="三.12", headline=OTHER_HEADLINE, deadline=D(2020, 12, 31)
        )
        return SimpleNamespace(
            plan=plan,
            task=task,
            other_task=other_task,
            lead=AssignmentFactory(task=task, unit=bureau["school"]),
            co=AssignmentFactory(task=task, unit=bureau["other_school"], role="co"),
            dept=AssignmentFactory(task=other_task, unit=bureau["department"]),
            school_co=AssignmentFactory(task=other_task, unit=bureau["school"], role="co"),
        )


@pytest.fixture
def work(draft, people):
    """The draft plan, published on 2020-07-03 at 09:00."""
    with on(D(2020, 7, 3), 9):
        plan_publish(actor=people["admin"], plan=draft.plan)
    for assignment in (draft.lead, draft.co, draft.dept, draft.school_co):
        assignment.refresh_from_db()
    draft.plan.refresh_from_db()
    return draft


@pytest.fixture
def media(settings, tmp_path):
    """Store uploads under a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def submit(people, assignment, day, *, actor="unit_staff", percent=30, period_key=None, text="按计划推进", **extra):
    with on(day):
        return report_submit(
            actor=people[actor],
            assignment=assignment,
            text=text,
            percent=percent,
            status=extra.pop("status", "in_progress"),
            period_key=period_key,
            **extra,
        )


# --- Publishing and editing ----------------------------------------------------------------------------------


class TestPlanPublish:
    def test_publishing_hands_out_every_assignment_and_tells_each_units_members_once(self, draft, people):
        with on(D(2020, 7, 3), 9):
            plan_publish(actor=people["admin"], plan=draft.plan)

        plan = fresh(draft.plan)
        assert (plan.status, plan.published_at) == ("published", local(D(2020, 7, 3), 9))
        assert set(Assignment.objects.values_list("assigned_by__username", flat=True)) == {"t_admin"}
        assert events(plan) == [
            (
                "plan.publish",
                "t_admin",
                {"status": ["draft", "published"], "published_at": [None, iso(D(2020, 7, 3), 9)]},
                "",
            )
        ]
        assert inbox("assigned") == [
            ("t_dept", f"新交办：{PLAN_TITLE}中有 1 项任务由您单位承办"),
            ("t_manager", f"新交办：{PLAN_TITLE}中有 2 项任务由您单位承办"),
            ("t_other", f"新交办：{PLAN_TITLE}中有 1 项任务由您单位承办"),
            ("t_staff", f"新交办：{PLAN_TITLE}中有 2 项任务由您单位承办"),
        ]
        assert Notification.objects.count() == 4

    def test_only_an_admin_may_publish(self, draft, people):
        refused(
            PermissionDenied,
            "只有系统管理员可以管理工作计划。",
            lambda: plan_publish(actor=people["supervisor"], plan=draft.plan),
        )

    def test_a_published_plan_cannot_be_published_again(self, work, people):
        refused(
            WorkflowError, "只有草稿状态的计划可以发布。", lambda: plan_publish(actor=people["admin"], plan=work.plan)
        )

    def test_a_plan_without_tasks_cannot_be_published(self, people):
        empty = PlanFactory(status=PlanStatus.DRAFT, published_at=None)

        refused(WorkflowError, "计划中没有任务，不能发布。", lambda: plan_publish(actor=people["admin"], plan=empty))


class TestTaskUpdate:
    def test_editing_a_published_task_records_before_and_after_and_tells_its_units(self, work, people):
        with on(D(2020, 7, 4)):
            assignment_decline(actor=people["other_staff"], assignment=work.co, reason="不属于本单位职责")
        with on(D(2020, 8, 1)):
            task_update(actor=people["admin"], task=work.task, headline="推进补短扩容项目", deadline=D(2020, 11, 30))

        task = fresh(work.task)
        assert (task.headline, task.deadline) == ("推进补短扩容项目", D(2020, 11, 30))
        assert events(task) == [
            (
                "task.update",
                "t_admin",
                {"headline": [HEADLINE, "推进补短扩容项目"], "deadline": ["2020-09-30", "2020-11-30"]},
                "",
            )
        ]
        # the other school declined the task, so it is not told
        assert inbox("task_changed") == [
            ("t_manager", "任务变更：三.11 推进补短扩容项目"),
            ("t_staff", "任务变更：三.11 推进补短扩容项目"),
        ]
        assert set(Notification.objects.filter(kind="task_changed").values_list("body", flat=True)) == {
            f"任务名称：{HEADLINE} → 推进补短扩容项目\n完成时限：2020年9月30日 → 2020年11月30日"
        }

    def test_editing_a_draft_task_is_recorded_but_tells_nobody(self, draft, people):
        task_update(actor=people["admin"], task=draft.task, deadline=None)

        assert fresh(draft.task).deadline is None
        assert events(draft.task) == [("task.update", "t_admin", {"deadline": ["2020-09-30", None]}, "")]
        assert Notification.objects.count() == 0

    def test_an_edit_that_changes_nothing_records_and_tells_nothing(self, work, people):
        before = everything()

        task_update(actor=people["admin"], task=work.task, headline=HEADLINE)

        after = everything()
        assert after["AuditEvent"] == before["AuditEvent"]
        assert after["Notification"] == before["Notification"]

    def test_only_an_admin_may_edit_a_task(self, work, people):
        refused(
            PermissionDenied,
            "只有系统管理员可以管理工作计划。",
            lambda: task_update(actor=people["supervisor"], task=work.task, headline="改名"),
        )

    def test_only_the_editable_fields_may_be_changed(self, work, people):
        refused(
            WorkflowError,
            "这些字段不能在这里修改：path、plan",
            lambda: task_update(actor=people["admin"], task=work.task, plan=work.plan, path="九.9"),
        )

    def test_a_task_needs_a_headline(self, work, people):
        refused(
            WorkflowError,
            "任务名称不能为空。",
            lambda: task_update(actor=people["admin"], task=work.task, headline="  "),
        )


# --- Receipt, declining, reassignment -----------------------------------------------------------------------


class TestAcknowledge:
    def test_a_unit_member_acknowledges_the_assignment(self, work, people):
        with on(D(2020, 7, 6)):
            assignment_acknowledge(actor=people["unit_staff"], assignment=work.lead)

        lead = fresh(work.lead)
        assert (lead.status, lead.acknowledged_at, lead.acknowledged_by) == (
            "in_progress",
            local(D(2020, 7, 6)),
            people["unit_staff"],
        )
        assert events(lead) == [
            (
                "assignment.acknowledge",
                "t_staff",
                {
                    "status": ["new", "in_progress"],
                    "acknowledged_at": [None, iso(D(2020, 7, 6))],
                    "acknowledged_by": [None, people["unit_staff"].pk],
                },
                "",
            )
        ]
        assert Notification.objects.exclude(kind="assigned").count() == 0

    @pytest.mark.parametrize("role", ["other_staff", "supervisor", "admin"])
    def test_only_the_units_own_people_may_acknowledge(self, work, people, role):
        refused(PermissionDenied, NOT_OURS, lambda: assignment_acknowledge(actor=people[role], assignment=work.lead))

    def test_an_acknowledged_assignment_cannot_be_acknowledged_again(self, work, people):
        assignment_acknowledge(actor=people["unit_staff"], assignment=work.lead)

        refused(
            WorkflowError,
            "这项任务已签收或已退回，无需再次签收。",
            lambda: assignment_acknowledge(actor=people["unit_manager"], assignment=work.lead),
        )

    def test_an_unpublished_assignment_cannot_be_acknowledged(self, draft, people):
        refused(
            WorkflowError,
            "计划尚未发布或已归档，不能办理。",
            lambda: assignment_acknowledge(actor=people["unit_staff"], assignment=draft.lead),
        )


class TestDecline:
    def test_a_unit_declines_on_the_last_allowed_day_and_the_admins_are_told(self, work, people):
        with on(D(2020, 7, 8), 23):  # published July 3rd + ASSIGNMENT_DECLINE_DAYS (5)
            assignment_decline(actor=people["unit_manager"], assignment=work.lead, reason="不属于本单位职责")

        lead = fresh(work.lead)
        assert (lead.status, lead.decline_reason, lead.declined_at) == (
            "declined",
            "不属于本单位职责",
            local(D(2020, 7, 8), 23),
        )
        assert events(lead) == [
            (
                "assignment.decline",
                "t_manager",
                {
                    "status": ["new", "declined"],
                    "decline_reason": ["", "不属于本单位职责"],
                    "declined_at": [None, iso(D(2020, 7, 8), 23)],
                },
                "",
            )
        ]
        assert inbox("declined") == [("t_admin", f"任务被退回：厦门市湖里区实验小学 退回了 三.11 {HEADLINE}")]
        assert Notification.objects.get(kind="declined").body == "退回理由：不属于本单位职责\n请改派给其他单位。"

    def test_declining_after_the_allowed_days_is_refused(self, work, people):
        with on(D(2020, 7, 9), 0):
            refused(
                WorkflowError,
                "退回期限已过（2020年7月8日前可退回）。如确需调整，请联系督查室。",
                lambda: assignment_decline(actor=people["unit_manager"], assignment=work.lead, reason="不属于本单位"),
            )

    def test_the_allowed_days_are_a_setting(self, settings, work, people):
        settings.ASSIGNMENT_DECLINE_DAYS = 1
        with on(D(2020, 7, 5)):
            refused(
                WorkflowError,
                "退回期限已过（2020年7月4日前可退回）。如确需调整，请联系督查室。",
                lambda: assignment_decline(actor=people["unit_manager"], assignment=work.lead, reason="不属于本单位"),
            )

    def test_declining_needs_a_reason(self, work, people):
        with on(D(2020, 7, 4)):
            refused(
                WorkflowError,
                "请写明退回理由，例如“不属于本单位职责”。",
                lambda: assignment_decline(actor=people["unit_manager"], assignment=work.lead, reason=" "),
            )

    def test_an_acknowledged_assignment_cannot_be_declined(self, work, people):
        with on(D(2020, 7, 4)):
            assignment_acknowledge(actor=people["unit_staff"], assignment=work.lead)
            refused(
                WorkflowError,
                "只有尚未签收的任务可以退回；已签收的任务如有问题，请在任务页留言或申请延期。",
                lambda: assignment_decline(actor=people["unit_manager"], assignment=work.lead, reason="不属于本单位"),
            )

    def test_another_unit_cannot_decline_for_the_school(self, work, people):
        with on(D(2020, 7, 4)):
            refused(
                PermissionDenied,
                NOT_OURS,
                lambda: assignment_decline(actor=people["other_staff"], assignment=work.lead, reason="不属于本单位"),
            )


class TestReassign:
    @pytest.fixture
    def declined(self, work, people):
        with on(D(2020, 7, 4)):
            assignment_decline(actor=people["unit_manager"], assignment=work.lead, reason="不属于本单位职责")
        return fresh(work.lead)

    def test_a_declined_lead_is_given_to_another_unit_and_stays_on_record(self, work, declined, people, bureau):
        with on(D(2020, 7, 10)):
            new = assignment_reassign(actor=people["admin"], assignment=declined, unit=bureau["department"])

        assert (new.task, new.unit, new.role, new.status, new.assigned_by, new.created_at) == (
            work.task,
            bureau["department"],
            "lead",
            "new",
            people["admin"],
            local(D(2020, 7, 10)),
        )
        old = fresh(declined)
        assert (old.status, old.replaced_by) == ("declined", new)
        assert list(Assignment.objects.filter(task=work.task, role="lead").order_by("pk")) == [old, new]
        [(verb, actor, _changes, note)] = events(new)
        assert (verb, actor, note) == ("assignment.reassign", "t_admin", "由厦门市湖里区实验小学退回后改派")
        assert events(old)[-1] == ("assignment.replaced", "t_admin", {"replaced_by": [None, new.pk]}, "")
        assert inbox("assigned", task=work.task) == [("t_dept", f"新交办：三.11 {HEADLINE}")]
        assert Notification.objects.get(kind="assigned", task=work.task).body == (
            "此任务由厦门市湖里区实验小学退回后改派给您单位（牵头），请签收。"
        )

    def test_only_an_admin_may_reassign(self, declined, people, bureau):
        refused(
            PermissionDenied,
            "只有系统管理员可以管理工作计划。",
            lambda: assignment_reassign(actor=people["supervisor"], assignment=declined, unit=bureau["department"]),
        )

    def test_an_assignment_that_was_not_declined_cannot_be_reassigned(self, work, people, bureau):
        refused(
            WorkflowError,
            "只有被退回且尚未改派的任务可以改派。",
            lambda: assignment_reassign(actor=people["admin"], assignment=work.co, unit=bureau["department"]),
        )

    def test_a_declined_assignment_is_reassigned_only_once(self, declined, people, bureau):
        assignment_reassign(actor=people["admin"], assignment=declined, unit=bureau["department"])

        refused(
            WorkflowError,
            "只有被退回且尚未改派的任务可以改派。",
            lambda: assignment_reassign(actor=people["admin"], assignment=declined, unit=bureau["office"]),
        )

    def test_a_unit_that_already_holds_the_task_cannot_take_it_again(self, declined, people, bureau):
        refused(
            WorkflowError,
            "厦门市湖里区金山小学已经承办这项任务，请选择其他单位。",
            lambda: assignment_reassign(actor=people["admin"], assignment=declined, unit=bureau["other_school"]),
        )

    def test_an_inactive_unit_cannot_take_it(self, declined, people, bureau):
        closed = UnitFactory(name="已撤并科")
        closed.is_active = False
        closed.save(update_fields=["is_active"])

        refused(
            WorkflowError,
            "已撤并科已停用，不能承办任务。",
            lambda: assignment_reassign(actor=people["admin"], assignment=declined, unit=closed),
        )


# --- Progress reports ---------------------------------------------------------------------------------------


class TestReportSubmit:
    def test_a_first_report_acknowledges_the_assignment_and_moves_its_percent(self, work, people):
        report = submit(people, work.lead, D(2020, 9, 15), percent=30, text="已完成选址")

        assert (
            report.cycle,
            report.period_key,
            report.period_start,
            report.period_end,
            report.text,
            report.percent,
            report.status,
            report.author,
            report.created_at,
            report.supersedes,
            report.needs_approval,
            report.is_no_change,
        ) == (
            "monthly",
            "2020-09",
            D(2020, 9, 1),
            D(2020, 9, 30),
            "已完成选址",
            30,
            "in_progress",
            people["unit_staff"],
            local(D(2020, 9, 15)),
            None,
            False,
            False,
        )
        lead = fresh(work.lead)
        assert (lead.status, lead.percent, lead.acknowledged_by, lead.acknowledged_at) == (
            "in_progress",
            30,
            people["unit_staff"],
            local(D(2020, 9, 15)),
        )
        [(verb, actor, _changes, note)] = events(report)
        assert (verb, actor, note) == ("report.submit", "t_staff", "2020年9月")
        assert events(lead) == [
            (
                "assignment.progress",
                "t_staff",
                {
                    "status": ["new", "in_progress"],
                    "percent": [0, 30],
                    "acknowledged_at": [None, iso(D(2020, 9, 15))],
                    "acknowledged_by": [None, people["unit_staff"].pk],
                },
                "",
            )
        ]
        assert Notification.objects.exclude(kind="assigned").count() == 0

    def test_the_percent_follows_the_newest_period_not_a_late_report_for_an_older_one(self, work, people):
        submit(people, work.lead, D(2020, 9, 15), percent=30, period_key="2020-09")
        submit(people, work.lead, D(2020, 9, 16), percent=20, period_key="2020-08")

        assert fresh(work.lead).percent == 30
        submit(people, work.lead, D(2020, 10, 5), percent=55, period_key="2020-10")
        assert fresh(work.lead).percent == 55

    def test_a_delayed_report_needs_a_reason_and_keeps_it(self, work, people):
        refused(
            WorkflowError,
            "进展滞后时，请写明滞后原因和下一步措施。",
            lambda: submit(people, work.lead, D(2020, 9, 15), status="delayed", delay_reason=" "),
        )

        report = submit(people, work.lead, D(2020, 9, 15), status="delayed", delay_reason="施工单位未进场")

        assert (report.status, report.delay_reason) == ("delayed", "施工单位未进场")

    def test_a_reason_is_dropped_when_the_report_is_not_delayed(self, work, people):
        report = submit(people, work.lead, D(2020, 9, 15), status="in_progress", delay_reason="无")

        assert report.delay_reason == ""

    @pytest.mark.parametrize(
        ("day", "period_key"),
        [
            (D(2020, 9, 15), "2020-06"),  # before the hand-out
            (D(2020, 9, 15), "2020-10"),  # not begun yet
            (D(2020, 9, 15), "2020-9"),  # not a key
            (D(2020, 9, 15), "2020-Q3"),  # another cycle's key
            (D(2021, 2, 15), "2020-08"),  # older than the newest six
        ],
    )
    def test_a_period_outside_the_allowed_range_is_refused(self, work, people, day, period_key):
        refused(
            WorkflowError,
            "只能填报从交办以来、至今为止的报送期次（最近六期）。请从列表中选择期次。",
            lambda: submit(people, work.lead, day, period_key=period_key),
        )

    def test_the_oldest_of_the_newest_six_periods_is_allowed(self, work, people):
        report = submit(people, work.lead, D(2021, 2, 15), period_key="2020-09")

        assert report.period_key == "2020-09"

    def test_a_second_report_for_a_period_supersedes_the_first_and_both_remain(self, work, people):
        first = submit(people, work.lead, D(2020, 9, 15), percent=30, text="初次填报")
        second = submit(
            people, work.lead, D(2020, 9, 16), percent=35, text="更正：已完成选址和立项", period_key="2020-09"
        )

        assert second.supersedes == first
        assert list(ProgressReport.objects.filter(assignment=work.lead).order_by("created_at")) == [first, second]
        assert ProgressReport.objects.get(pk=first.pk).text == "初次填报"
        assert fresh(work.lead).percent == 35
        [(verb, _actor, _changes, note)] = events(second)
        assert (verb, note) == ("report.correct", "2020年9月")

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"text": "  "}, "请填写本期进展情况。"),
            ({"percent": 101}, "完成进度请填 0 到 100 之间的整数。"),
            ({"percent": -1}, "完成进度请填 0 到 100 之间的整数。"),
            ({"status": "almost"}, "请选择进展状态。"),
        ],
    )
    def test_an_incomplete_report_is_refused(self, work, people, fields, message):
        refused(WorkflowError, message, lambda: submit(people, work.lead, D(2020, 9, 15), **fields))

    @pytest.mark.parametrize("role", ["other_staff", "supervisor", "leader"])
    def test_only_the_units_own_people_may_report(self, work, people, role):
        refused(PermissionDenied, NOT_OURS, lambda: submit(people, work.lead, D(2020, 9, 15), actor=role))

    def test_a_declined_assignment_takes_no_reports(self, work, people):
        with on(D(2020, 7, 4)):
            assignment_decline(actor=people["unit_manager"], assignment=work.lead, reason="不属于本单位职责")

        refused(
            WorkflowError,
            "这项任务已办结或已退回，不需要再填报。",
            lambda: submit(people, work.lead, D(2020, 9, 15)),
        )

    @pytest.mark.parametrize(
        ("cycle", "key", "start", "end", "label"),
        [
            ("ten_day", "2020-09-2", D(2020, 9, 11), D(2020, 9, 20), "2020年9月中旬"),
            ("quarterly", "2020-Q3", D(2020, 7, 1), D(2020, 9, 30), "2020年第3季度"),
        ],
    )
    def test_a_task_on_another_cycle_is_reported_by_its_own_periods(self, work, people, cycle, key, start, end, label):
        task_update(actor=people["admin"], task=work.task, reporting_cycle=cycle)

        report = submit(people, work.lead, D(2020, 9, 15))

        assert (report.cycle, report.period_key, report.period_start, report.period_end) == (cycle, key, start, end)
        assert events(report)[0][3] == label
        refused(
            WorkflowError,
            "只能填报从交办以来、至今为止的报送期次（最近六期）。请从列表中选择期次。",
            lambda: submit(people, work.lead, D(2020, 9, 15), period_key="2020-09"),
        )


class TestReportNoChange:
    def test_no_change_copies_the_last_report_into_a_new_dated_one(self, work, people):
        last = submit(people, work.lead, D(2020, 9, 15), percent=40, text="已完成选址", status="in_progress")

        with on(D(2020, 10, 21)):
            copy = report_no_change(actor=people["unit_manager"], assignment=work.lead)

        assert copy.pk != last.pk
        assert (
            copy.period_key,
            copy.text,
            copy.percent,
            copy.status,
            copy.is_no_change,
            copy.author,
            copy.created_at,
            copy.supersedes,
        ) == ("2020-10", "已完成选址", 40, "in_progress", True, people["unit_manager"], local(D(2020, 10, 21)), None)
        assert ProgressReport.objects.get(pk=last.pk).is_no_change is False
        assert fresh(work.lead).percent == 40

    def test_no_change_needs_a_previous_report(self, work, people):
        with on(D(2020, 9, 15)):
            refused(
                WorkflowError,
                "还没有上期报告，请先完整填写一次进展。",
                lambda: report_no_change(actor=people["unit_staff"], assignment=work.lead),
            )

    def test_no_change_is_refused_for_the_period_already_reported(self, work, people):
        submit(people, work.lead, D(2020, 9, 15), percent=40)

        with on(D(2020, 9, 16)):
            refused(
                WorkflowError,
                "2020年9月已经填报过。如需修改，请提交更正。",
                lambda: report_no_change(actor=people["unit_staff"], assignment=work.lead),
            )

    def test_no_change_is_refused_for_a_period_before_the_last_report(self, work, people):
        submit(people, work.lead, D(2020, 10, 5), percent=40, period_key="2020-10")

        with on(D(2020, 10, 6)):
            refused(
                WorkflowError,
                "最近一次报告属于更晚的期次，不能作为本期的“无变化”。请完整填写本期进展。",
                lambda: report_no_change(actor=people["unit_staff"], assignment=work.lead, period_key="2020-09"),
            )

    @pytest.mark.parametrize("role", ["supervisor", "other_staff"])
    def test_only_the_units_own_people_may_say_no_change(self, work, people, role):
        submit(people, work.lead, D(2020, 9, 15), percent=40)

        with on(D(2020, 10, 21)):
            refused(PermissionDenied, NOT_OURS, lambda: report_no_change(actor=people[role], assignment=work.lead))

    def test_a_supervisor_saying_no_change_is_refused_as_a_permission_matter_even_before_any_report(self, work, people):
        with on(D(2020, 9, 15)), pytest.raises(PermissionDenied):
            report_no_change(actor=people["supervisor"], assignment=work.lead)


class TestReportApproval:
    @pytest.fixture
    def approving(self, bureau):
        bureau["school"].reports_need_approval = True
        bureau["school"].save(update_fields=["reports_need_approval"])

    @pytest.fixture
    def pending(self, work, people, approving):
        with on(D(2020, 7, 6)):
            assignment_acknowledge(actor=people["unit_manager"], assignment=work.lead)
        return submit(people, work.lead, D(2020, 9, 15), percent=50, text="待审核的进展")

    def test_a_staff_report_waits_for_the_manager_and_the_bureau_does_not_see_it(self, work, people, pending):
        assert pending.needs_approval is True
        assert not ProgressReport.objects.filter(visible_report_q(), pk=pending.pk).exists()
        assert fresh(work.lead).percent == 0
        assert inbox("report_to_approve") == [("t_manager", f"待审核填报：三.11 {HEADLINE}（2020年9月）")]

    def test_a_staff_report_awaiting_approval_still_acknowledges_receipt(self, work, people, approving):
        submit(people, work.lead, D(2020, 9, 15), percent=50)

        lead = fresh(work.lead)
        assert (lead.status, lead.percent, lead.acknowledged_by) == ("in_progress", 0, people["unit_staff"])

    def test_the_managers_approval_shows_the_report_and_moves_the_percent(self, work, people, pending):
        with on(D(2020, 9, 16)):
            approval = report_review(actor=people["unit_manager"], report=pending, approve=True)

        assert (approval.report, approval.approved, approval.note, approval.reviewer) == (
            pending,
            True,
            "",
            people["unit_manager"],
        )
        assert ProgressReport.objects.filter(visible_report_q(), pk=pending.pk).exists()
        assert fresh(work.lead).percent == 50
        [(verb, actor, _changes, _note)] = events(approval)
        assert (verb, actor) == ("report.approve", "t_manager")
        assert inbox("report_reviewed") == [("t_staff", f"填报已审核通过：三.11 {HEADLINE}")]

    def test_a_return_needs_a_note(self, people, pending):
        refused(
            WorkflowError,
            "退回时请写明需要修改的地方。",
            lambda: report_review(actor=people["unit_manager"], report=pending, approve=False, note=" "),
        )

    def test_a_returned_report_stays_hidden_and_its_author_is_told_why(self, work, people, pending):
        approval = report_review(actor=people["unit_manager"], report=pending, approve=False, note="请补充投资数据")

        assert (approval.approved, approval.note) == (False, "请补充投资数据")
        assert not ProgressReport.objects.filter(visible_report_q(), pk=pending.pk).exists()
        assert fresh(work.lead).percent == 0
        assert inbox("report_reviewed") == [("t_staff", f"填报被退回：三.11 {HEADLINE}")]
        assert Notification.objects.get(kind="report_reviewed").body == "请补充投资数据"

    def test_a_corrected_report_is_reviewed_instead_of_the_one_it_replaces(self, work, people, pending):
        report_review(actor=people["unit_manager"], report=pending, approve=False, note="请补充投资数据")
        correction = submit(people, work.lead, D(2020, 9, 17), percent=55, period_key="2020-09", text="补充后的进展")

        refused(
            WorkflowError,
            "这份报告已经审核过了。",
            lambda: report_review(actor=people["unit_manager"], report=pending, approve=True),
        )
        report_review(actor=people["unit_manager"], report=correction, approve=True)

        assert correction.supersedes == pending
        assert fresh(work.lead).percent == 55

    def test_a_superseded_report_cannot_be_reviewed(self, work, people, pending):
        submit(people, work.lead, D(2020, 9, 17), percent=55, period_key="2020-09", text="补充后的进展")

        refused(
            WorkflowError,
            "这份报告已被更正，请审核更正后的报告。",
            lambda: report_review(actor=people["unit_manager"], report=pending, approve=True),
        )

    @pytest.mark.parametrize("role", ["unit_staff", "supervisor", "admin"])
    def test_only_the_units_manager_may_review(self, people, pending, role):
        refused(
            PermissionDenied,
            "只有本单位负责人可以审核填报。",
            lambda: report_review(actor=people[role], report=pending, approve=True),
        )

    def test_the_managers_own_report_needs_no_approval(self, work, people, approving):
        report = submit(people, work.lead, D(2020, 9, 15), actor="unit_manager", percent=45)

        assert report.needs_approval is False
        assert fresh(work.lead).percent == 45
        refused(
            WorkflowError,
            "这份报告不需要审核。",
            lambda: report_review(actor=people["unit_manager"], report=report, approve=True),
        )


# --- Evidence files -----------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(50)
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("补短扩容项目验收报告")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


class TestEvidence:
    def test_valid_image_pdf_and_word_files_are_stored_with_their_checksums(self, work, people, media):
        files = {"现场照片.png": PNG, "验收报告.pdf": PDF, "总结.docx": docx_bytes()}

        report = submit(
            people, work.lead, D(2020, 9, 15), files=[upload(name, content) for name, content in files.items()]
        )

        rows = list(report.attachments.order_by("pk"))
        assert [(a.original_name, a.content_type, a.size, a.sha256, a.uploaded_by) for a in rows] == [
            (name, content_type, len(content), hashlib.sha256(content).hexdigest(), people["unit_staff"])
            for (name, content), content_type in zip(
                files.items(),
                [
                    "image/png",
                    "application/pdf",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ],
                strict=True,
            )
        ]
        for attachment, (name, content) in zip(rows, files.items(), strict=True):
            assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\." + name.rsplit(".", 1)[1], attachment.file.name)
            with default_storage.open(attachment.file.name) as stored:
                assert stored.read() == content
            assert [verb for verb, *_ in events(attachment)] == ["attachment.upload"]
        assert len(stored_files(media)) == 3

    @pytest.mark.parametrize(
        ("files", "message"),
        [
            (
                [("setup.exe", b"MZ\x90\x00")],
                "“setup.exe”的类型不支持。请上传图片（jpg、png、gif、webp、heic）、PDF 或 Office 文档"
                "（doc、docx、xls、xlsx、ppt、pptx、wps、et）。",
            ),
            ([("总结.pdf", "这其实是一段文字".encode())], "“总结.pdf”的内容与扩展名.pdf不符，文件可能已损坏或被改名。"),
            ([("照片.png", PDF)], "“照片.png”的内容与扩展名.png不符，文件可能已损坏或被改名。"),
            (
                [("报告.docx", b"PK\x03\x04" + bytes(40))],
                "“报告.docx”的内容与扩展名.docx不符，文件可能已损坏或被改名。",
            ),
            ([("空白.pdf", b"")], "“空白.pdf”是空文件，请重新选择。"),
            # the first file is fine, but nothing is stored when another one is not
            (
                [("现场照片.png", PNG), ("总结.pdf", b"plain text")],
                "“总结.pdf”的内容与扩展名.pdf不符，文件可能已损坏或被改名。",
            ),
        ],
    )
    def test_a_wrong_file_is_refused_and_nothing_is_stored(self, work, people, media, files, message):
        refused(
            WorkflowError,
            message,
            lambda: submit(people, work.lead, D(2020, 9, 15), files=[upload(n, c) for n, c in files]),
        )
        assert stored_files(media) == []

    def test_a_word_file_that_is_a_zip_but_not_a_document_is_refused(self, work, people, media):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "not a document")

        refused(
            WorkflowError,
            "“报告.docx”的内容与扩展名.docx不符，文件可能已损坏或被改名。",
            lambda: submit(people, work.lead, D(2020, 9, 15), files=[upload("报告.docx", buffer.getvalue())]),
        )
        assert stored_files(media) == []

    def test_a_file_over_the_size_limit_is_refused_and_one_at_the_limit_is_accepted(
        self, settings, work, people, media
    ):
        settings.EVIDENCE_MAX_BYTES = 1024 * 1024
        too_big = PNG + bytes(1024 * 1024 - len(PNG) + 1)

        refused(
            WorkflowError,
            "“大图.png”有 1.0 MB，超过了 1 MB 的上限。请压缩后再上传。",
            lambda: submit(people, work.lead, D(2020, 9, 15), files=[upload("大图.png", too_big)]),
        )
        assert stored_files(media) == []

        report = submit(people, work.lead, D(2020, 9, 15), files=[upload("大图.png", too_big[:-1])])
        assert report.attachments.get().size == 1024 * 1024

    def test_too_many_files_are_refused(self, settings, work, people, media):
        settings.EVIDENCE_MAX_FILES = 2

        refused(
            WorkflowError,
            "一次最多上传 2 个文件，请分次提交或合并为一个PDF。",
            lambda: submit(people, work.lead, D(2020, 9, 15), files=[upload(f"{i}.png", PNG) for i in range(3)]),
        )
        assert stored_files(media) == []


# --- Completion and extension requests ----------------------------------------------------------------------


class TestCompletion:
    def test_request_return_request_again_approve_and_reopen(self, work, people, media):
        with on(D(2020, 7, 6)):
            assignment_acknowledge(actor=people["unit_staff"], assignment=work.lead)
        submit(people, work.lead, D(2020, 9, 15), percent=90)

        # the school asks to close the task, with evidence
        with on(D(2020, 9, 20)):
            first = completion_request_submit(
                actor=people["unit_staff"], assignment=work.lead, summary="主体工程已完工", files=[upload("a.pdf", PDF)]
            )
        assert (first.decision, first.requested_by, first.requested_at) == (
            "pending",
            people["unit_staff"],
            local(D(2020, 9, 20)),
        )
        assert [a.original_name for a in first.attachments.all()] == ["a.pdf"]
        assert fresh(work.lead).status == "completion_requested"
        assert [verb for verb, *_ in events(first)] == ["completion.request"]
        assert events(work.lead)[-1] == (
            "assignment.completion_requested",
            "t_staff",
            {"status": ["in_progress", "completion_requested"]},
            "",
        )
        assert inbox("completion") == [("t_supervisor", f"办结申请：厦门市湖里区实验小学 申请办结 三.11 {HEADLINE}")]

        # a return needs a reason
        refused(
            WorkflowError,
            "退回时请写明理由，告诉承办单位还缺什么。",
            lambda: completion_decide(actor=people["supervisor"], request=first, approve=False),
        )
        with on(D(2020, 9, 21)):
            completion_decide(actor=people["supervisor"], request=first, approve=False, reason="缺少验收报告")
        first = fresh(first)
        assert (first.decision, first.decided_by, first.decided_at, first.decision_reason) == (
            "returned",
            people["supervisor"],
            local(D(2020, 9, 21)),
            "缺少验收报告",
        )
        assert fresh(work.lead).status == "in_progress"
        assert events(first)[-1] == (
            "completion.return",
            "t_supervisor",
            {
                "decision": ["pending", "returned"],
                "decided_by": [None, people["supervisor"].pk],
                "decided_at": [None, iso(D(2020, 9, 21))],
                "decision_reason": ["", "缺少验收报告"],
            },
            "",
        )
        assert events(work.lead)[-1] == (
            "completion.return",
            "t_supervisor",
            {"status": ["completion_requested", "in_progress"]},
            "",
        )
        assert inbox("completion", recipient__unit=work.lead.unit) == [
            ("t_manager", f"办结申请被退回：三.11 {HEADLINE}"),
            ("t_staff", f"办结申请被退回：三.11 {HEADLINE}"),
        ]

        # asked again and approved
        with on(D(2020, 9, 25)):
            second = completion_request_submit(
                actor=people["unit_staff"], assignment=work.lead, summary="已补充验收报告"
            )
        with on(D(2020, 9, 26)):
            completion_decide(actor=people["supervisor"], request=second, approve=True)
        lead = fresh(work.lead)
        assert (lead.status, lead.percent, lead.completed_at) == ("completed", 100, local(D(2020, 9, 26)))
        assert fresh(second).decided_at == lead.completed_at
        assert events(lead)[-1] == (
            "completion.approve",
            "t_supervisor",
            {
                "status": ["completion_requested", "completed"],
                "completed_at": [None, iso(D(2020, 9, 26))],
                "percent": [90, 100],
            },
            "",
        )
        assert inbox("completion", title__startswith="同意办结") == [
            ("t_manager", f"同意办结：三.11 {HEADLINE}"),
            ("t_staff", f"同意办结：三.11 {HEADLINE}"),
        ]

        # only an admin reopens, and only with a reason
        refused(
            PermissionDenied,
            "只有系统管理员可以管理工作计划。",
            lambda: assignment_reopen(actor=people["supervisor"], assignment=lead, reason="复查发现问题"),
        )
        refused(
            WorkflowError,
            "请写明重新打开的理由。",
            lambda: assignment_reopen(actor=people["admin"], assignment=lead, reason=""),
        )
        with on(D(2020, 10, 8)):
            assignment_reopen(actor=people["admin"], assignment=lead, reason="复查发现问题")
        lead = fresh(lead)
        assert (lead.status, lead.completed_at) == ("in_progress", None)
        assert events(lead)[-1] == (
            "assignment.reopen",
            "t_admin",
            {"status": ["completed", "in_progress"], "completed_at": ["2020-09-26T02:00:00+00:00", None]},
            "复查发现问题",
        )
        assert inbox("completion", title__startswith="任务重新打开") == [
            ("t_manager", f"任务重新打开：三.11 {HEADLINE}"),
            ("t_staff", f"任务重新打开：三.11 {HEADLINE}"),
        ]
        assert list(CompletionRequest.objects.values_list("decision", flat=True).order_by("requested_at")) == [
            "returned",
            "approved",
        ]

    @pytest.fixture
    def requested(self, work, people):
        with on(D(2020, 9, 20)):
            return completion_request_submit(actor=people["unit_staff"], assignment=work.lead, summary="已完成")

    def test_a_unit_cannot_decide_its_own_request(self, people, requested):
        refused(
            PermissionDenied,
            "只有督查人员和系统管理员可以审核办结、延期申请。",
            lambda: completion_decide(actor=people["unit_manager"], request=requested, approve=True),
        )

    def test_a_request_is_decided_once(self, people, requested):
        completion_decide(actor=people["supervisor"], request=requested, approve=True)

        refused(
            WorkflowError,
            "这份办结申请已经审核过了。",
            lambda: completion_decide(actor=people["admin"], request=requested, approve=False, reason="重新审核"),
        )

    def test_one_request_at_a_time(self, work, people, requested):
        refused(
            WorkflowError,
            "这项任务当前不能提出申请（已申请办结、已办结或已退回）。",
            lambda: completion_request_submit(actor=people["unit_staff"], assignment=work.lead, summary="再申请"),
        )

    def test_a_request_needs_a_summary(self, work, people):
        refused(
            WorkflowError,
            "请写明办结情况：完成了什么、有哪些佐证。",
            lambda: completion_request_submit(actor=people["unit_staff"], assignment=work.lead, summary=" "),
        )

    def test_another_unit_cannot_ask_to_close_the_schools_task(self, work, people):
        refused(
            PermissionDenied,
            NOT_OURS,
            lambda: completion_request_submit(actor=people["other_staff"], assignment=work.lead, summary="已完成"),
        )

    def test_only_a_completed_assignment_can_be_reopened(self, work, people):
        refused(
            WorkflowError,
            "只有已办结的任务可以重新打开。",
            lambda: assignment_reopen(actor=people["admin"], assignment=work.lead, reason="复查"),
        )


class TestExtension:
    @pytest.fixture
    def requested(self, work, people):
        with on(D(2020, 9, 20)):
            return extension_request_submit(
                actor=people["unit_staff"], assignment=work.lead, requested_due=D(2020, 10, 31), reason="受汛期影响"
            )

    def test_a_request_keeps_the_deadline_it_wants_to_move_and_tells_the_supervisors(self, work, people, requested):
        assert (requested.current_due, requested.requested_due, requested.decision, requested.requested_by) == (
            D(2020, 9, 30),
            D(2020, 10, 31),
            "pending",
            people["unit_staff"],
        )
        assert [verb for verb, *_ in events(requested)] == ["extension.request"]
        assert inbox("extension") == [
            ("t_supervisor", "延期申请：厦门市湖里区实验小学 申请将 三.11 延至2020年10月31日"),
        ]

    def test_a_grant_moves_the_units_deadline_but_not_the_tasks_and_the_light_follows_it(self, work, people, requested):
        submit(people, work.lead, D(2020, 9, 15), percent=60)
        with on(D(2020, 9, 22)):
            extension_decide(actor=people["supervisor"], request=requested, grant=True)

        request = fresh(requested)
        assert (request.decision, request.granted_due, request.current_due, request.decided_by) == (
            "granted",
            D(2020, 10, 31),
            D(2020, 9, 30),
            people["supervisor"],
        )
        lead = fresh(work.lead)
        assert (lead.due_on, lead.effective_deadline, fresh(work.task).deadline) == (
            D(2020, 10, 31),
            D(2020, 10, 31),
            D(2020, 9, 30),
        )
        assert events(lead)[-1] == ("extension.grant", "t_supervisor", {"due_on": [None, "2020-10-31"]}, "")
        assert inbox("extension", recipient__unit=lead.unit) == [
            ("t_manager", f"同意延期至2020年10月31日：三.11 {HEADLINE}"),
            ("t_staff", f"同意延期至2020年10月31日：三.11 {HEADLINE}"),
        ]
        lights = dict(
            annotate_lights(Assignment.objects.filter(task=work.task), today=D(2020, 10, 5)).values_list(
                "unit", "light"
            )
        )
        # the school is measured against its granted date; the other school still against the task's
        assert lights == {lead.unit_id: Light.GREEN, work.co.unit_id: Light.RED}

    def test_a_grant_may_give_another_date_than_asked(self, work, people, requested):
        extension_decide(actor=people["supervisor"], request=requested, grant=True, granted_due=D(2020, 10, 15))

        assert (fresh(requested).granted_due, fresh(work.lead).due_on) == (D(2020, 10, 15), D(2020, 10, 15))

    def test_a_refusal_needs_a_reason_and_leaves_the_deadline(self, work, people, requested):
        refused(
            WorkflowError,
            "不同意延期时请写明理由。",
            lambda: extension_decide(actor=people["supervisor"], request=requested, grant=False),
        )

        extension_decide(actor=people["supervisor"], request=requested, grant=False, reason="时限不能再推迟")

        assert (fresh(requested).decision, fresh(requested).decision_reason) == ("refused", "时限不能再推迟")
        assert fresh(work.lead).due_on is None
        assert inbox("extension", recipient__unit=work.lead.unit) == [
            ("t_manager", f"不同意延期：三.11 {HEADLINE}"),
            ("t_staff", f"不同意延期：三.11 {HEADLINE}"),
        ]

    def test_one_pending_request_at_a_time(self, work, people, requested):
        with on(D(2020, 9, 21)):
            refused(
                WorkflowError,
                "已有一份延期申请在审核中，请等待审核结果。",
                lambda: extension_request_submit(
                    actor=people["unit_manager"], assignment=work.lead, requested_due=D(2020, 11, 30), reason="再申请"
                ),
            )

    def test_after_a_grant_the_next_request_starts_from_the_granted_date(self, work, people, requested):
        extension_decide(actor=people["supervisor"], request=requested, grant=True)

        with on(D(2020, 10, 20)):
            refused(
                WorkflowError,
                "延期后的日期须晚于现行时限（2020年10月31日）和今天。",
                lambda: extension_request_submit(
                    actor=people["unit_staff"], assignment=work.lead, requested_due=D(2020, 10, 25), reason="再延"
                ),
            )
            again = extension_request_submit(
                actor=people["unit_staff"], assignment=work.lead, requested_due=D(2020, 11, 30), reason="再延"
            )
        assert again.current_due == D(2020, 10, 31)

    def test_a_unit_cannot_decide_its_own_extension(self, people, requested):
        refused(
            PermissionDenied,
            "只有督查人员和系统管理员可以审核办结、延期申请。",
            lambda: extension_decide(actor=people["unit_manager"], request=requested, grant=True),
        )


# --- Supervision by hand ------------------------------------------------------------------------------------


class TestReminder:
    @pytest.fixture
    def department_done(self, work, people, dept_staff):
        request = completion_request_submit(actor=dept_staff, assignment=work.dept, summary="已完成")
        completion_decide(actor=people["supervisor"], request=request, approve=True)
        return fresh(work.dept)

    def test_a_reminder_goes_to_each_open_assignment_and_skips_completed_ones(self, work, people, department_done):
        with on(D(2020, 9, 15)):
            reminders = reminder_send(
                actor=people["supervisor"], assignments=[work.lead, work.co, department_done], message="请于本周内报送"
            )

        assert [(r.assignment, r.kind, r.message, r.created_by, r.created_at) for r in reminders] == [
            (work.lead, "manual", "请于本周内报送", people["supervisor"], local(D(2020, 9, 15))),
            (work.co, "manual", "请于本周内报送", people["supervisor"], local(D(2020, 9, 15))),
        ]
        keys = {r.period_key for r in reminders}
        assert len(keys) == 1  # one sending, one key; made unique so two sendings at one instant never collide
        assert next(iter(keys)).startswith("manual:20200915T100000:")
        assert Reminder.objects.count() == 2
        assert [verb for reminder in reminders for verb, *_ in events(reminder)] == ["reminder.send", "reminder.send"]
        assert inbox("reminder") == [
            ("t_manager", f"催办：三.11 {HEADLINE}"),
            ("t_other", f"催办：三.11 {HEADLINE}"),
            ("t_staff", f"催办：三.11 {HEADLINE}"),
        ]

    def test_a_leader_may_remind(self, work, people):
        reminders = reminder_send(actor=people["leader"], assignments=[work.lead])

        assert [r.assignment for r in reminders] == [work.lead]
        assert set(Notification.objects.filter(kind="reminder").values_list("body", flat=True)) == {
            "请抓紧办理并及时报送进展。"
        }

    def test_a_unit_cannot_remind(self, work, people):
        refused(
            PermissionDenied,
            "只有督查人员、局领导和系统管理员可以催办、督办。",
            lambda: reminder_send(actor=people["unit_manager"], assignments=[work.co]),
        )

    def test_nothing_to_remind_is_refused(self, people, department_done):
        refused(
            WorkflowError,
            "所选任务都已办结、已退回或尚未发布，没有需要催办的。",
            lambda: reminder_send(actor=people["supervisor"], assignments=[department_done]),
        )


class TestEscalation:
    @pytest.fixture
    def escalation(self, work, people):
        with on(D(2020, 9, 15)):
            return escalation_raise(actor=people["supervisor"], assignment=work.lead, reason="进度滞后")

    def test_an_escalation_asks_the_unit_for_a_written_answer_by_a_date(self, work, people, escalation):
        assert (
            escalation.assignment,
            escalation.level,
            escalation.reason,
            escalation.response_due,
            escalation.created_by,
            escalation.closed_at,
        ) == (work.lead, "manual", "进度滞后", D(2020, 9, 18), people["supervisor"], None)
        assert [verb for verb, *_ in events(escalation)] == ["escalation.raise"]
        assert inbox("escalation") == [
            ("t_manager", f"督办单：三.11 {HEADLINE}"),
            ("t_staff", f"督办单：三.11 {HEADLINE}"),
        ]
        assert set(Notification.objects.filter(kind="escalation").values_list("body", flat=True)) == {
            "进度滞后\n请于2020年9月18日前书面反馈。"
        }

    def test_respond_then_close(self, work, people, escalation):
        refused(
            WorkflowError,
            "承办单位尚未反馈，不能销号。",
            lambda: escalation_close(actor=people["supervisor"], escalation=escalation),
        )
        with on(D(2020, 9, 16)):
            response = escalation_respond(actor=people["unit_staff"], escalation=escalation, text="已增派人手")
        assert (response.escalation, response.text, response.author) == (escalation, "已增派人手", people["unit_staff"])
        assert [verb for verb, *_ in events(response)] == ["escalation.respond"]
        assert inbox("escalation_response") == [
            ("t_supervisor", f"督办反馈：厦门市湖里区实验小学 已反馈 三.11 {HEADLINE}")
        ]

        with on(D(2020, 9, 17)):
            escalation_close(actor=people["supervisor"], escalation=escalation)

        closed = fresh(escalation)
        assert (closed.closed_at, closed.closed_by) == (local(D(2020, 9, 17)), people["supervisor"])
        assert events(closed)[-1] == (
            "escalation.close",
            "t_supervisor",
            {"closed_at": [None, iso(D(2020, 9, 17))], "closed_by": [None, people["supervisor"].pk]},
            "",
        )
        refused(
            WorkflowError,
            "这份督办已经销号。",
            lambda: escalation_close(actor=people["supervisor"], escalation=escalation),
        )
        refused(
            WorkflowError,
            "这份督办已销号，无需再反馈。",
            lambda: escalation_respond(actor=people["unit_staff"], escalation=escalation, text="补充说明"),
        )

    @pytest.mark.parametrize("role", ["supervisor", "other_staff"])
    def test_only_the_escalated_unit_responds(self, people, escalation, role):
        refused(
            PermissionDenied,
            NOT_OURS,
            lambda: escalation_respond(actor=people[role], escalation=escalation, text="已整改"),
        )

    def test_a_response_needs_text(self, people, escalation):
        refused(
            WorkflowError,
            "请填写反馈内容：原因、已采取的措施和完成时间。",
            lambda: escalation_respond(actor=people["unit_staff"], escalation=escalation, text=" "),
        )

    def test_a_unit_cannot_close_its_own_escalation(self, people, escalation):
        escalation_respond(actor=people["unit_staff"], escalation=escalation, text="已整改")

        refused(
            PermissionDenied,
            "只有督查人员、局领导和系统管理员可以催办、督办。",
            lambda: escalation_close(actor=people["unit_manager"], escalation=escalation),
        )

    def test_a_unit_cannot_escalate(self, work, people):
        refused(
            PermissionDenied,
            "只有督查人员、局领导和系统管理员可以催办、督办。",
            lambda: escalation_raise(actor=people["unit_manager"], assignment=work.co, reason="进度滞后"),
        )

    def test_an_escalation_needs_a_reason_and_a_date_not_in_the_past(self, work, people):
        with on(D(2020, 9, 15)):
            refused(
                WorkflowError,
                "请写明督办事由。",
                lambda: escalation_raise(actor=people["supervisor"], assignment=work.lead, reason=""),
            )
            refused(
                WorkflowError,
                "反馈时限不能早于今天。",
                lambda: escalation_raise(
                    actor=people["supervisor"], assignment=work.lead, reason="进度滞后", response_due=D(2020, 9, 14)
                ),
            )


class TestInstruction:
    def test_a_leader_instructs_and_every_unit_of_the_task_is_told(self, work, people):
        with on(D(2020, 9, 15)):
            instruction = instruction_give(actor=people["leader"], task=work.task, text="务必按期完成")

        assert (instruction.task, instruction.text, instruction.author) == (work.task, "务必按期完成", people["leader"])
        assert [verb for verb, *_ in events(instruction)] == ["instruction.give"]
        assert inbox("instruction") == [
            ("t_manager", f"领导批示：三.11 {HEADLINE}"),
            ("t_other", f"领导批示：三.11 {HEADLINE}"),
            ("t_staff", f"领导批示：三.11 {HEADLINE}"),
        ]
        assert set(Notification.objects.filter(kind="instruction").values_list("body", flat=True)) == {
            f"{people['leader']}：务必按期完成\n请阅知并确认。"
        }

    def test_an_admin_may_instruct_but_a_supervisor_may_not(self, work, people):
        assert instruction_give(actor=people["admin"], task=work.task, text="请加快进度").author == people["admin"]
        refused(
            PermissionDenied,
            "只有局领导可以作出批示。",
            lambda: instruction_give(actor=people["supervisor"], task=work.task, text="请加快进度"),
        )

    def test_each_unit_acknowledges_once(self, work, people):
        instruction = instruction_give(actor=people["leader"], task=work.task, text="务必按期完成")

        with on(D(2020, 9, 16)):
            acknowledgement = instruction_acknowledge(actor=people["unit_staff"], instruction=instruction)
        assert (acknowledgement.unit, acknowledgement.acknowledged_by, acknowledgement.acknowledged_at) == (
            work.lead.unit,
            people["unit_staff"],
            local(D(2020, 9, 16)),
        )
        assert [verb for verb, *_ in events(acknowledgement)] == ["instruction.acknowledge"]

        refused(
            WorkflowError,
            "本单位已经确认过这条批示。",
            lambda: instruction_acknowledge(actor=people["unit_manager"], instruction=instruction),
        )
        instruction_acknowledge(actor=people["other_staff"], instruction=instruction)
        assert set(instruction.acknowledgements.values_list("unit__name", flat=True)) == {
            "厦门市湖里区实验小学",
            "厦门市湖里区金山小学",
        }

    def test_a_unit_that_does_not_hold_the_task_has_nothing_to_acknowledge(self, work, people, dept_staff):
        instruction = instruction_give(actor=people["leader"], task=work.task, text="务必按期完成")

        refused(
            PermissionDenied,
            "只有承办这项任务的单位需要确认批示。",
            lambda: instruction_acknowledge(actor=dept_staff, instruction=instruction),
        )

    def test_an_instruction_on_an_unpublished_task_tells_no_unit(self, draft, people):
        with contextlib.suppress(WorkflowError):  # refusing would do as well as staying silent
            instruction_give(actor=people["leader"], task=draft.task, text="务必按期完成")

        assert inbox("instruction") == []


class TestComment:
    def test_a_units_comment_goes_to_the_supervisors(self, work, people):
        with on(D(2020, 9, 15)):
            comment = comment_post(actor=people["unit_staff"], task=work.task, text="请问验收标准是什么？")

        assert (comment.task, comment.text, comment.author, comment.created_at) == (
            work.task,
            "请问验收标准是什么？",
            people["unit_staff"],
            local(D(2020, 9, 15)),
        )
        assert [verb for verb, *_ in events(comment)] == ["comment.post"]
        assert inbox("comment") == [("t_supervisor", f"新留言：三.11 {HEADLINE}")]

    def test_the_bureaus_comment_goes_to_the_tasks_units(self, work, people):
        comment_post(actor=people["supervisor"], task=work.task, text="按省里标准验收")

        assert inbox("comment") == [
            ("t_manager", f"新留言：三.11 {HEADLINE}"),
            ("t_other", f"新留言：三.11 {HEADLINE}"),
            ("t_staff", f"新留言：三.11 {HEADLINE}"),
        ]

    def test_a_unit_of_another_task_cannot_comment(self, work, dept_staff):
        before = everything()

        with pytest.raises(
            (PermissionDenied, WorkflowError), match=f"^{re.escape('只有承办这项任务的单位和局机关人员可以留言。')}$"
        ):
            comment_post(actor=dept_staff, task=work.task, text="路过")

        assert everything() == before

    def test_a_unit_of_another_task_is_refused_as_a_permission_matter(self, work, dept_staff):
        with pytest.raises(PermissionDenied):
            comment_post(actor=dept_staff, task=work.task, text="路过")

    def test_a_bureau_comment_on_an_unpublished_task_tells_no_unit(self, draft, people):
        with contextlib.suppress(WorkflowError):  # refusing would do as well as staying silent
            comment_post(actor=people["supervisor"], task=draft.task, text="请提前准备")

        assert inbox("comment") == []

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (" ", "留言不能为空。"),
            ("长" * 2001, "留言请控制在 2000 字以内，较长的材料请作为附件随进展报送。"),
        ],
    )
    def test_an_empty_or_too_long_comment_is_refused(self, work, people, text, message):
        refused(WorkflowError, message, lambda: comment_post(actor=people["unit_staff"], task=work.task, text=text))


# --- Sub-tasks ----------------------------------------------------------------------------------------------


class TestSubtaskSplit:
    def rollup(self, task) -> tuple[int, int, float | None]:
        row = annotate_rollup(Task.objects.filter(pk=task.pk)).get()
        return row.subtask_count, row.subtask_done, row.subtask_percent

    def test_the_lead_unit_splits_a_task_into_one_sub_task_per_unit(self, work, people, bureau, dept_staff):
        with on(D(2020, 7, 10)):
            subtasks = subtask_split(
                actor=dept_staff,
                task=work.other_task,
                headline="完成校园安全排查",
                units=[bureau["school"], bureau["other_school"]],
                text="每校一份排查报告",
            )

        assert [
            (t.path, t.number, t.parent, t.section, t.headline, t.text, t.owner_text, t.deadline) for t in subtasks
        ] == [
            (
                "三.12-1",
                "1",
                work.other_task,
                work.other_task.section,
                "完成校园安全排查",
                "每校一份排查报告",
                "厦门市湖里区实验小学",
                D(2020, 12, 31),
            ),
            (
                "三.12-2",
                "2",
                work.other_task,
                work.other_task.section,
                "完成校园安全排查",
                "每校一份排查报告",
                "厦门市湖里区金山小学",
                D(2020, 12, 31),
            ),
        ]
        assert [
            list(t.assignments.values_list("unit__name", "role", "status", "assigned_by__username")) for t in subtasks
        ] == [
            [("厦门市湖里区实验小学", "lead", "new", "t_dept")],
            [("厦门市湖里区金山小学", "lead", "new", "t_dept")],
        ]
        assert [events(t)[0][::3] for t in subtasks] == [("task.split", "由 三.12 分解")] * 2
        assert inbox("assigned", task__parent=work.other_task) == [
            ("t_manager", "新交办：三.12-1 完成校园安全排查"),
            ("t_other", "新交办：三.12-2 完成校园安全排查"),
            ("t_staff", "新交办：三.12-1 完成校园安全排查"),
        ]
        assert self.rollup(work.other_task) == (2, 0, 0.0)

    def test_the_parent_rolls_up_its_sub_tasks_count_done_and_mean_percent(self, work, people, bureau, dept_staff):
        with on(D(2020, 7, 10)):
            first, second = subtask_split(
                actor=dept_staff,
                task=work.other_task,
                headline="完成校园安全排查",
                units=[bureau["school"], bureau["other_school"]],
            )
        submit(people, first.assignments.get(), D(2020, 9, 15), percent=60)
        with on(D(2020, 9, 16)):
            request = completion_request_submit(
                actor=people["other_staff"], assignment=second.assignments.get(), summary="排查完毕"
            )
            completion_decide(actor=people["supervisor"], request=request, approve=True)

        assert self.rollup(work.other_task) == (2, 1, 80.0)

    def test_an_admin_may_split_and_numbering_continues(self, work, people, bureau, dept_staff):
        subtask_split(actor=dept_staff, task=work.other_task, headline="排查", units=[bureau["school"]])

        [third] = subtask_split(
            actor=people["admin"], task=work.other_task, headline="整改", units=[bureau["other_school"]]
        )

        assert third.path == "三.12-2"

    def test_a_unit_gets_one_sub_task_of_a_task(self, work, bureau, dept_staff):
        subtask_split(actor=dept_staff, task=work.other_task, headline="排查", units=[bureau["school"]])

        refused(
            WorkflowError,
            "这些单位已有本任务的子任务：厦门市湖里区实验小学",
            lambda: subtask_split(
                actor=dept_staff, task=work.other_task, headline="整改", units=[bureau["school"], bureau["office"]]
            ),
        )

    def test_a_sub_task_is_not_split_again_nor_given_a_later_deadline(self, work, people, bureau, dept_staff):
        [subtask] = subtask_split(actor=dept_staff, task=work.other_task, headline="排查", units=[bureau["school"]])

        refused(
            WorkflowError,
            "子任务不能再分解，请在原任务下分解。",
            lambda: subtask_split(actor=people["admin"], task=subtask, headline="再分", units=[bureau["office"]]),
        )
        refused(
            WorkflowError,
            "子任务的时限不能晚于原任务的时限。",
            lambda: subtask_split(
                actor=dept_staff,
                task=work.other_task,
                headline="整改",
                units=[bureau["other_school"]],
                deadline=D(2021, 1, 15),
            ),
        )

    @pytest.mark.parametrize("role", ["unit_staff", "unit_manager", "supervisor"])
    def test_a_school_that_is_not_the_lead_and_a_supervisor_cannot_split(self, work, people, bureau, role):
        before = everything()

        with pytest.raises(
            (PermissionDenied, WorkflowError), match=f"^{re.escape('只有牵头单位和系统管理员可以分解任务。')}$"
        ):
            subtask_split(actor=people[role], task=work.other_task, headline="排查", units=[bureau["other_school"]])

        assert everything() == before

    def test_a_school_that_is_not_the_lead_is_refused_as_a_permission_matter(self, work, people, bureau):
        with pytest.raises(PermissionDenied):
            subtask_split(
                actor=people["unit_staff"], task=work.other_task, headline="排查", units=[bureau["other_school"]]
            )
