"""Database constraints hold the invariants of the plan model, whatever code writes the rows."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.models import Unit, User
from core.append_only import AppendOnlyError
from plans.models import (
    Assignment,
    Attachment,
    CompletionRequest,
    EscalationResponse,
    ProgressReport,
    Reminder,
    Task,
)
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ProgressReportFactory,
    SchoolFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def raises_integrity():
    """Expect an IntegrityError inside its own savepoint so the test transaction survives."""

    class _Context:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.raises = pytest.raises(IntegrityError)
            return self.raises.__enter__()

        def __exit__(self, *exc):
            suppressed = self.raises.__exit__(*exc)
            self.atomic.__exit__(IntegrityError, IntegrityError(), None)
            return suppressed

    return _Context()


def test_task_numbering_is_unique_within_a_plan_but_not_across_plans():
    plan = PlanFactory()
    TaskFactory(plan=plan, path="三.11")
    with raises_integrity():
        Task.objects.create(plan=plan, path="三.11", headline="重复编号")
    TaskFactory(plan=PlanFactory(), path="三.11")
    assert Task.objects.filter(path="三.11").count() == 2


def test_plan_document_numbers_are_unique_when_given():
    PlanFactory(doc_number="厦湖教〔2020〕132号")
    with raises_integrity():
        PlanFactory(doc_number="厦湖教〔2020〕132号")
    PlanFactory(doc_number="")
    PlanFactory(doc_number="")


@pytest.mark.parametrize("percent", [101, 150])
def test_assignment_percent_stays_within_0_and_100(percent):
    assignment = AssignmentFactory()
    with raises_integrity():
        Assignment.objects.filter(pk=assignment.pk).update(percent=percent)


@pytest.mark.parametrize("percent", [101, 200])
def test_report_percent_stays_within_0_and_100(percent):
    with raises_integrity():
        ProgressReportFactory(percent=percent)


def test_a_task_has_one_lead_unit_and_each_unit_once():
    task = TaskFactory()
    AssignmentFactory(task=task, role="lead")
    with raises_integrity():
        AssignmentFactory(task=task, role="lead")
    co_unit = UnitFactory()
    AssignmentFactory(task=task, unit=co_unit, role="co")
    with raises_integrity():
        AssignmentFactory(task=task, unit=co_unit, role="co")
    AssignmentFactory(task=task, role="co")
    assert task.assignments.count() == 3


def test_one_reminder_per_assignment_kind_and_period():
    assignment = AssignmentFactory()
    Reminder.objects.create(assignment=assignment, kind="before_deadline", period_key="D-7")
    with raises_integrity():
        Reminder.objects.create(assignment=assignment, kind="before_deadline", period_key="D-7")
    Reminder.objects.create(assignment=assignment, kind="before_deadline", period_key="D-3")
    Reminder.objects.create(assignment=assignment, kind="report_due", period_key="D-7")
    assert assignment.reminders.count() == 3


def test_delayed_report_needs_a_reason_and_declined_assignment_needs_one_too():
    with raises_integrity():
        ProgressReportFactory(status="delayed", delay_reason="")
    ProgressReportFactory(status="delayed", delay_reason="受疫情影响，施工延后")
    assignment = AssignmentFactory()
    with raises_integrity():
        Assignment.objects.filter(pk=assignment.pk).update(status="declined", decline_reason="")


def test_report_period_must_not_end_before_it_starts():
    with raises_integrity():
        ProgressReportFactory(period_start=datetime.date(2020, 9, 30), period_end=datetime.date(2020, 9, 1))


def test_only_one_pending_completion_request_per_assignment_and_a_return_needs_a_reason():
    assignment = AssignmentFactory()
    author = UserFactory()
    CompletionRequest.objects.create(assignment=assignment, summary="已完成", requested_by=author)
    with raises_integrity():
        CompletionRequest.objects.create(assignment=assignment, summary="再次申请", requested_by=author)
    with raises_integrity():
        CompletionRequest.objects.filter(assignment=assignment).update(
            decision="returned", decided_at=datetime.datetime.now(datetime.UTC)
        )


def test_unit_staff_must_belong_to_a_unit_while_bureau_roles_need_not():
    UserFactory(role="leader", unit=None)
    with pytest.raises(ValidationError, match="必须属于一个单位"):
        UserFactory(role="unit_staff", unit=None)
    with raises_integrity():
        User.objects.create(username="direct", full_name="直接写库", role="unit_staff", unit=None)


def test_stage_is_only_for_schools():
    SchoolFactory(stage="primary")
    with pytest.raises(ValidationError, match="只有学校需要填写学段"):
        UnitFactory(kind="department", stage="primary")
    with raises_integrity():
        Unit.objects.create(name="直接写库科", kind="department", stage="primary")


class TestAppendOnlyReports:
    def test_a_saved_report_cannot_be_changed_or_deleted_through_the_orm(self):
        report = ProgressReportFactory(text="第一次填报")
        report.text = "改写历史"
        with pytest.raises(AppendOnlyError):
            report.save()
        with pytest.raises(AppendOnlyError):
            report.delete()
        with pytest.raises(AppendOnlyError):
            ProgressReport.objects.filter(pk=report.pk).update(text="改写历史")
        with pytest.raises(AppendOnlyError):
            ProgressReport.objects.filter(pk=report.pk).delete()
        with pytest.raises(AppendOnlyError):
            ProgressReport.objects.bulk_update([report], ["text"])
        assert ProgressReport.objects.get(pk=report.pk).text == "第一次填报"

    def test_the_database_itself_rejects_an_update(self):
        report = ProgressReportFactory(text="第一次填报")
        table = ProgressReport._meta.db_table
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET text = %s WHERE id = %s", ["改写历史", report.pk])
        assert ProgressReport.objects.get(pk=report.pk).text == "第一次填报"

    def test_a_correction_is_a_new_report_and_both_stay(self):
        first = ProgressReportFactory(percent=40)
        correction = ProgressReportFactory(
            assignment=first.assignment, percent=45, supersedes=first, author=first.author
        )

        assert list(first.assignment.reports.order_by("created_at", "id")) == [first, correction]
        assert first.superseded_by == correction
        with raises_integrity():
            ProgressReportFactory(assignment=first.assignment, supersedes=first, author=first.author)

    def test_a_report_with_history_protects_its_assignment_from_deletion(self):
        report = ProgressReportFactory()
        from django.db.models import ProtectedError

        with pytest.raises(ProtectedError):
            report.assignment.task.plan.delete()
        assert ProgressReport.objects.filter(pk=report.pk).exists()

    def test_other_append_only_records_refuse_updates(self):
        user = UserFactory()
        from plans.models import Escalation

        escalation = Escalation.objects.create(
            assignment=AssignmentFactory(), level="manual", period_key="m1", reason="进度滞后"
        )
        response = EscalationResponse.objects.create(escalation=escalation, text="已整改", author=user)
        response.text = "改写"
        with pytest.raises(AppendOnlyError):
            response.save()
        with pytest.raises(AppendOnlyError):
            Attachment.objects.all().delete()


def test_attachment_belongs_to_exactly_one_record():
    report = ProgressReportFactory()
    user = report.author
    fields = {
        "file": "evidence/x.pdf",
        "original_name": "x.pdf",
        "content_type": "application/pdf",
        "size": 10,
        "sha256": "0" * 64,
        "uploaded_by": user,
    }
    Attachment.objects.create(report=report, **fields)
    with raises_integrity():
        Attachment.objects.create(**fields)
