"""A report is history: never changed or deleted, only superseded, and every version stays on the task page."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core import clock
from core.append_only import AppendOnlyError
from plans.models import Attachment, PlanStatus, ProgressReport, ReportApproval
from plans.services.plans import plan_publish
from plans.services.reports import current_report, report_review, report_submit
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db

D = datetime.date
FIRST_TEXT = "九月初报：已完成选址"
SECOND_TEXT = "九月更正：已完成选址和立项审批"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def on(day: datetime.date, hour: int = 10):
    return clock.frozen_at(datetime.datetime.combine(day, datetime.time(hour)))


def rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


@pytest.fixture
def assignment(people, bureau):
    """The school's assignment on a plan published on 2020-07-03."""
    with on(D(2020, 7, 2)):
        plan = PlanFactory(status=PlanStatus.DRAFT, published_at=None)
        assignment = AssignmentFactory(
            task=TaskFactory(plan=plan, path="三.11", headline="全力推进补短扩容项目建设"), unit=bureau["school"]
        )
    with on(D(2020, 7, 3)):
        plan_publish(actor=people["admin"], plan=plan)
    return assignment


@pytest.fixture
def corrected(people, assignment, settings, tmp_path):
    """A September report with evidence, then a correction of it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with on(D(2020, 9, 15)):
        first = report_submit(
            actor=people["unit_staff"],
            assignment=assignment,
            text=FIRST_TEXT,
            percent=30,
            status="in_progress",
            files=[SimpleUploadedFile("选址批复.pdf", PDF)],
        )
    with on(D(2020, 9, 16)):
        second = report_submit(
            actor=people["unit_manager"],
            assignment=assignment,
            text=SECOND_TEXT,
            percent=35,
            status="in_progress",
            period_key="2020-09",
        )
    return first, second


class TestNoRewriting:
    @pytest.mark.parametrize(
        "rewrite",
        [
            pytest.param(lambda report: (setattr(report, "text", "改写历史"), report.save()), id="save"),
            pytest.param(lambda report: report.delete(), id="delete"),
            pytest.param(lambda report: ProgressReport.objects.filter(pk=report.pk).update(percent=99), id="update"),
            pytest.param(lambda report: ProgressReport.objects.filter(pk=report.pk).delete(), id="queryset-delete"),
            pytest.param(lambda report: ProgressReport.objects.all().delete(), id="delete-all"),
            pytest.param(lambda report: report.assignment.reports.update(text="改写历史"), id="related-update"),
            pytest.param(
                lambda report: ProgressReport.objects.bulk_update(
                    [ProgressReport(pk=report.pk, text="改写历史")], ["text"]
                ),
                id="bulk-update",
            ),
            pytest.param(
                lambda report: ProgressReport.objects.update_or_create(pk=report.pk, defaults={"percent": 99}),
                id="update-or-create",
            ),
        ],
    )
    def test_the_orm_refuses_to_change_or_delete_a_report(self, corrected, rewrite):
        first, _second = corrected
        before = rows(ProgressReport)

        with pytest.raises(AppendOnlyError):
            rewrite(ProgressReport.objects.get(pk=first.pk))

        assert rows(ProgressReport) == before

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE plans_progressreport SET text = 'rewritten' WHERE id = %s",
            "UPDATE plans_progressreport SET percent = 99, status = 'done' WHERE id = %s",
            "UPDATE plans_progressreport SET supersedes_id = NULL WHERE id <> %s",
        ],
    )
    def test_the_database_refuses_a_raw_update(self, corrected, statement):
        first, second = corrected
        before = rows(ProgressReport)

        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [first.pk])

        assert rows(ProgressReport) == before
        assert ProgressReport.objects.get(pk=second.pk).supersedes_id == first.pk

    def test_the_evidence_and_the_managers_decision_cannot_be_rewritten_either(self, people, corrected, bureau):
        first, _second = corrected
        bureau["school"].reports_need_approval = True
        bureau["school"].save(update_fields=["reports_need_approval"])
        with on(D(2020, 10, 5)):
            waiting = report_submit(
                actor=people["unit_staff"],
                assignment=first.assignment,
                text="十月进展",
                percent=40,
                status="in_progress",
            )
            report_review(actor=people["unit_manager"], report=waiting, approve=False, note="请补充数据")
        before = (rows(Attachment), rows(ReportApproval))

        with pytest.raises(AppendOnlyError):
            Attachment.objects.filter(report=first).update(original_name="改名.pdf")
        with pytest.raises(AppendOnlyError):
            ReportApproval.objects.get(report=waiting).delete()
        for statement in (
            "UPDATE plans_attachment SET sha256 = 'forged'",
            "UPDATE plans_reportapproval SET note = 'rewritten'",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)

        assert (rows(Attachment), rows(ReportApproval)) == before


class TestSuperseding:
    def test_a_correction_is_a_new_report_that_supersedes_the_first_and_both_remain(self, corrected):
        first, second = corrected

        assert second.supersedes == first
        assert ProgressReport.objects.get(pk=first.pk).superseded_by == second
        assert list(first.assignment.reports.order_by("created_at").values_list("text", "percent", "period_key")) == [
            (FIRST_TEXT, 30, "2020-09"),
            (SECOND_TEXT, 35, "2020-09"),
        ]
        assert current_report(first.assignment, "2020-09") == second
        assert [a.original_name for a in ProgressReport.objects.get(pk=first.pk).attachments.all()] == ["选址批复.pdf"]

    def test_a_further_correction_supersedes_the_latest_one_so_the_versions_form_a_chain(self, people, corrected):
        first, second = corrected

        with on(D(2020, 9, 17)):
            third = report_submit(
                actor=people["unit_staff"],
                assignment=first.assignment,
                text="九月再更正",
                percent=36,
                status="in_progress",
                period_key="2020-09",
            )

        assert (third.supersedes, ProgressReport.objects.get(pk=second.pk).supersedes) == (second, first)
        assert first.assignment.reports.count() == 3
        assert current_report(first.assignment, "2020-09") == third

    @pytest.mark.parametrize("role", ["supervisor", "unit_staff"])
    def test_the_task_page_shows_the_superseded_and_the_superseding_report(self, client, people, corrected, role):
        first, _second = corrected
        client.force_login(people[role])

        with on(D(2020, 9, 20)):
            response = client.get(reverse("plans:task_detail", args=[first.assignment.task_id]))

        page = response.content.decode()
        assert response.status_code == 200
        assert FIRST_TEXT in page
        assert SECOND_TEXT in page
        assert "2020年9月：推进中，完成 30%" in page
        assert "2020年9月：推进中，完成 35%" in page
        assert '<span class="tag">已被更正</span>' in page
        assert '<span class="tag">更正</span>' in page
