"""The export pages: the export form with the user's jobs, inline downloads, background jobs, and the monthly archive.

The world, played through the services on the days a real plan would have them:

  2 Jul 2020   the plan 《湖里区教育局2020年工作要点》(厦湖教〔2020〕132号) is drafted in two parts:
               一 1 led by the school with the department, 一 2 led by the department with the school;
               二 3 led by the department, 二 4 led by the other school
  3 Jul 2020   it is published
  1 Sep 2020   a second plan, only the other school's, is published; a third stays a draft
  20–24 Sep    September reports: the school on 1, the department on 2, the school's co-report on 2

The pages are opened on 12 Oct 2020, so July–October can be exported and July–September are finished.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass
from unittest import mock
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, Unit, User
from core import clock
from exports import services, tasks
from exports.models import ArchivedReport, ExportJob, JobState
from plans.models import Plan, PlanStatus
from plans.services.assignments import assignment_acknowledge
from plans.services.plans import plan_publish
from plans.services.reports import report_submit
from tests.factories import AssignmentFactory, PlanFactory, SectionFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = datetime.datetime(2020, 10, 12, 10, 0)
SEPTEMBER = D(2020, 9, 1)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_TITLE = "湖里区教育局2020年工作要点"
OTHER_TITLE = "湖里区2020年校园安全专项行动方案"
DRAFT_TITLE = "湖里区教育局2021年工作要点（草稿）"
MONTHLY_NAME = "厦湖教〔2020〕132号_2020年9月推进情况表.xlsx"


@dataclass
class ExportWorld:
    plan: Plan
    other_plan: Plan
    draft: Plan
    school: Unit
    department: Unit
    other_school: Unit
    dept_staff: User


def _on(day: datetime.date, hour: int = 10):
    return clock.frozen_at(datetime.datetime.combine(day, datetime.time(hour)))


def build_world(bureau: dict[str, Unit], people: dict[str, User]) -> ExportWorld:
    """Build the plans of the module docstring through the services; return them with their units."""
    school, department, other_school = bureau["school"], bureau["department"], bureau["other_school"]
    admin, staff = people["admin"], people["unit_staff"]
    dept_staff = UserFactory(username="t_dept", role=Role.UNIT_STAFF, unit=department)
    with _on(D(2020, 7, 2)):
        plan = PlanFactory(
            title=PLAN_TITLE,
            doc_number="厦湖教〔2020〕132号",
            status=PlanStatus.DRAFT,
            published_at=None,
            report_due_day=25,
        )
        part_one = SectionFactory(plan=plan, number="一", path="一", title="推进党的全面领导", position=1)
        part_two = SectionFactory(plan=plan, number="二", path="二", title="提升立德树人水平", position=2)
        task1 = TaskFactory(plan=plan, section=part_one, number="1", path="一.1", headline="深入学习贯彻十九大精神")
        task2 = TaskFactory(plan=plan, section=part_one, number="2", path="一.2", headline="加强基层党组织建设")
        task3 = TaskFactory(plan=plan, section=part_two, number="3", path="二.3", headline="推进思政课一体化建设")
        task4 = TaskFactory(plan=plan, section=part_two, number="4", path="二.4", headline="开展校园安全隐患排查")
        lead1 = AssignmentFactory(task=task1, unit=school)
        AssignmentFactory(task=task1, unit=department, role="co")
        lead2 = AssignmentFactory(task=task2, unit=department)
        co2 = AssignmentFactory(task=task2, unit=school, role="co")
        AssignmentFactory(task=task3, unit=department)
        AssignmentFactory(task=task4, unit=other_school)
        other_plan = PlanFactory(
            title=OTHER_TITLE, doc_number="厦湖教〔2020〕188号", status=PlanStatus.DRAFT, published_at=None
        )
        AssignmentFactory(task=TaskFactory(plan=other_plan, headline="排查校舍安全隐患"), unit=other_school)
        draft = PlanFactory(
            title=DRAFT_TITLE, doc_number="", status=PlanStatus.DRAFT, published_at=None, plan_year=2021
        )
        AssignmentFactory(task=TaskFactory(plan=draft, headline="谋划2021年重点工作"), unit=school)
    with _on(D(2020, 7, 3), 9):
        plan_publish(actor=admin, plan=plan)
    with _on(D(2020, 7, 6)):
        assignment_acknowledge(actor=staff, assignment=lead1)
        assignment_acknowledge(actor=dept_staff, assignment=lead2)
    with _on(D(2020, 9, 1), 9):
        plan_publish(actor=admin, plan=other_plan)
    for actor, assignment, day, percent, text in (
        (staff, lead1, D(2020, 9, 20), 40, "9月完成专题调研。"),
        (dept_staff, lead2, D(2020, 9, 22), 50, "9月完成换届选举。"),
        (staff, co2, D(2020, 9, 24), 30, "配合完成党员信息核对。"),
    ):
        with _on(day):
            report_submit(
                actor=actor,
                assignment=assignment,
                text=text,
                percent=percent,
                status="in_progress",
                period_key="2020-09",
            )
    for row in (plan, other_plan, draft):
        row.refresh_from_db()
    return ExportWorld(plan, other_plan, draft, school, department, other_school, dept_staff)


@pytest.fixture
def media_root(settings, tmp_path):
    """Store job files and archived reports under a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(bureau, people, media_root) -> ExportWorld:
    return build_world(bureau, people)


@pytest.fixture(autouse=True)
def frozen_now():
    """Open every page on 12 Oct 2020."""
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def as_user(client, people):
    """Return a function that signs the client in as one of the people."""

    def sign_in(role: str):
        client.force_login(people[role])
        return client

    return sign_in


def monthly_post(world: ExportWorld, **overrides) -> dict[str, str]:
    """Return the form data of September's monthly report in Excel for the whole plan."""
    data = {"plan": str(world.plan.pk), "kind": "monthly", "fmt": "xlsx", "month": "2020-09", "unit": "", "split": ""}
    data.update(overrides)
    return data


def attachment_name(response) -> str:
    """Return the file name a response saves under, as the browser reads Content-Disposition."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment")
    return header


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def archive(world: ExportWorld, month: datetime.date = SEPTEMBER, fmt: str = "xlsx") -> ArchivedReport:
    """Archive a finished month's report as the job on the 1st would."""
    return services.archive_month(plan=world.plan, month=month, fmt=fmt).record


# --- the export page ------------------------------------------------------------------------------


class TestExportPage:
    @pytest.mark.parametrize("role", ["admin", "supervisor", "leader", "unit_manager", "unit_staff", "other_staff"])
    def test_export_page_opens_for_every_role(self, world, as_user, role):
        response = as_user(role).get(reverse("exports:index"))
        assert response.status_code == 200
        assert "报表导出" in response.content.decode()
        assert response.context["form"].fields["kind"].choices

    def test_anonymous_visitor_is_sent_to_sign_in(self, world, client):
        response = client.get(reverse("exports:index"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_school_sees_only_the_plans_it_holds_tasks_in(self, world, as_user):
        response = as_user("unit_staff").get(reverse("exports:index"))
        plans = list(response.context["form"].fields["plan"].queryset)
        assert plans == [world.plan]
        page = response.content.decode()
        assert PLAN_TITLE in page
        assert OTHER_TITLE not in page and DRAFT_TITLE not in page

    def test_bureau_sees_every_published_plan_but_no_draft(self, world, as_user):
        response = as_user("supervisor").get(reverse("exports:index"))
        assert set(response.context["form"].fields["plan"].queryset) == {world.plan, world.other_plan}
        assert DRAFT_TITLE not in response.content.decode()

    def test_newest_published_plan_is_chosen_by_default(self, world, as_user):
        form = as_user("supervisor").get(reverse("exports:index")).context["form"]
        assert form.plan == world.other_plan
        assert form["plan"].value() == world.other_plan.pk

    def test_plan_in_the_address_is_preselected_with_its_months_newest_first_and_last_month_chosen(
        self, world, as_user
    ):
        response = as_user("supervisor").get(reverse("exports:index"), {"plan": world.plan.pk})
        form = response.context["form"]
        assert form["plan"].value() == world.plan.pk
        assert [value for value, _label in form.fields["month"].choices] == [
            "",
            "2020-10",
            "2020-09",
            "2020-08",
            "2020-07",
        ]
        assert dict(form.fields["month"].choices)["2020-09"] == "2020年9月"
        assert form["month"].value() == "2020-09"  # last month, whose report is due; the current one runs on
        assert "2020年7月" in response.content.decode()

    def test_plan_the_user_cannot_see_in_the_address_falls_back_to_a_visible_one(self, world, as_user):
        form = as_user("unit_staff").get(reverse("exports:index"), {"plan": world.other_plan.pk}).context["form"]
        assert form.plan == world.plan

    def test_bureau_chooses_every_unit_or_one_unit_of_the_plan_in_unit_order(self, world, as_user, bureau):
        form = as_user("supervisor").get(reverse("exports:index"), {"plan": world.plan.pk}).context["form"]
        units = list(form.fields["unit"].queryset)
        assert units == sorted([world.department, world.school, world.other_school], key=lambda u: u.sort_order)
        assert bureau["office"] not in units
        assert form.fields["unit"].empty_label == "全部单位"

    def test_unit_person_has_no_unit_choice_and_sees_their_own_unit(self, world, as_user):
        response = as_user("unit_manager").get(reverse("exports:index"))
        assert "unit" not in response.context["form"].fields
        page = response.content.decode()
        assert world.school.name in page
        assert 'name="unit"' not in page
        assert "只能导出本单位承办（牵头或配合）的任务。" in page

    def test_no_exports_yet_shows_what_will_appear(self, world, as_user):
        page = as_user("supervisor").get(reverse("exports:index")).content.decode()
        assert "我的导出" in page
        assert "还没有在后台生成的导出。" in page

    def test_user_without_plans_is_told_none_can_be_exported_yet(self, bureau, people, as_user):
        page = as_user("unit_staff").get(reverse("exports:index")).content.decode()
        assert "还没有可以导出的工作计划。" in page

    def test_my_exports_lists_the_users_jobs_with_state_time_and_links(self, world, as_user, people, settings):
        settings.EXPORT_INLINE_MAX_ROWS = 0
        queued = services.export_job_create(
            actor=people["supervisor"], kind="monthly", fmt="xlsx", plan=world.plan, month=SEPTEMBER
        )
        done = services.export_job_create(actor=people["supervisor"], kind="ledger", fmt="xlsx", plan=world.plan)
        services.export_job_run(done.pk)
        failed = services.export_job_create(actor=people["supervisor"], kind="tasks", fmt="csv", plan=world.plan)
        ExportJob.objects.filter(pk=failed.pk).update(state=JobState.FAILED, error="生成文件时出错，请稍后重试。")
        services.export_job_create(actor=people["leader"], kind="tasks", fmt="json", plan=world.plan)
        response = as_user("supervisor").get(reverse("exports:index"))
        assert [job.pk for job in response.context["jobs"]] == [failed.pk, done.pk, queued.pk]
        page = response.content.decode()
        assert MONTHLY_NAME in page
        assert "排队中 0%" in page
        assert reverse("exports:job_download", args=[done.pk]) in page
        assert reverse("exports:job_download", args=[queued.pk]) not in page
        assert "生成文件时出错，请稍后重试。" in page
        assert "2020年10月12日 10:00" in page

    def test_export_page_uses_the_same_queries_for_2_or_20_jobs(self, world, as_user, people):
        client = as_user("supervisor")

        def count_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("exports:index")).status_code == 200
            return len(queries)

        for _ in range(2):
            services.export_job_create(actor=people["supervisor"], kind="tasks", fmt="csv", plan=world.plan)
        few = count_queries()
        for _ in range(18):
            services.export_job_create(
                actor=people["supervisor"], kind="ledger", fmt="xlsx", plan=world.plan, unit=world.school
            )
        assert count_queries() == few

    def test_nonsense_in_the_address_still_opens_the_page(self, world, as_user):
        response = as_user("supervisor").get(
            reverse("exports:index"),
            {"plan": "x1", "kind": "weekly", "fmt": "doc", "month": "2020-13", "unit": "abc", "split": "sheet"},
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert (form.plan, form["plan"].value(), form["month"].value()) == (
            world.other_plan,
            world.other_plan.pk,
            "2020-09",
        )

    def test_changing_the_plan_reloads_the_form_keeping_the_chosen_report(self, world, as_user):
        response = as_user("supervisor").get(
            reverse("exports:index"), {"plan": world.plan.pk, "kind": "ledger", "fmt": "xlsx"}, HTTP_HX_REQUEST="true"
        )
        form = response.context["form"]
        assert (form["kind"].value(), form["fmt"].value()) == ("ledger", "xlsx")
        assert 'hx-get="/exports/"' in response.content.decode()


# --- exporting through the page -------------------------------------------------------------------


class TestInlineDownload:
    def test_supervisor_downloads_the_monthly_workbook_under_its_chinese_name(self, world, as_user):
        response = as_user("supervisor").post(reverse("exports:index"), monthly_post(world))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_TYPE
        assert quote(MONTHLY_NAME) in attachment_name(response)
        workbook = openpyxl.load_workbook(io.BytesIO(content_of(response)))
        cells = [
            str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value
        ]
        assert any("深入学习贯彻十九大精神" in text for text in cells)
        assert any("9月完成专题调研。" in text for text in cells)
        assert not ExportJob.objects.exists()

    @pytest.mark.parametrize(
        ("fmt", "content_type", "magic"),
        [
            ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
            ("pdf", "application/pdf", b"%PDF"),
        ],
    )
    def test_monthly_report_downloads_as_word_and_pdf(self, world, as_user, fmt, content_type, magic):
        response = as_user("supervisor").post(reverse("exports:index"), monthly_post(world, fmt=fmt))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert quote(f"厦湖教〔2020〕132号_2020年9月推进情况表.{fmt}") in attachment_name(response)
        assert content_of(response).startswith(magic)

    def test_bureau_exports_one_units_tasks_with_the_unit_in_the_name(self, world, as_user):
        response = as_user("leader").post(reverse("exports:index"), monthly_post(world, unit=str(world.department.pk)))
        assert response.status_code == 200
        assert quote("厦湖教〔2020〕132号_2020年9月推进情况表_基教科.xlsx") in attachment_name(response)

    def test_monthly_workbook_split_by_part_has_a_sheet_per_part(self, world, as_user):
        response = as_user("supervisor").post(reverse("exports:index"), monthly_post(world, split="part"))
        assert response.status_code == 200
        assert len(openpyxl.load_workbook(io.BytesIO(content_of(response))).worksheets) >= 2

    def test_ledger_without_a_month_runs_to_the_latest_month(self, world, as_user):
        response = as_user("supervisor").post(
            reverse("exports:index"), {"plan": world.plan.pk, "kind": "ledger", "fmt": "xlsx", "month": ""}
        )
        assert response.status_code == 200
        assert quote("厦湖教〔2020〕132号_工作台账.xlsx") in attachment_name(response)

    def test_school_export_is_forced_to_its_own_unit(self, world, as_user):
        response = as_user("unit_staff").post(reverse("exports:index"), monthly_post(world))
        assert response.status_code == 200
        assert quote(f"厦湖教〔2020〕132号_2020年9月推进情况表_{world.school.name}.xlsx") in attachment_name(response)
        workbook = openpyxl.load_workbook(io.BytesIO(content_of(response)))
        cells = " ".join(
            str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value
        )
        assert "深入学习贯彻十九大精神" in cells and "加强基层党组织建设" in cells
        assert "推进思政课一体化建设" not in cells and "开展校园安全隐患排查" not in cells

    @pytest.mark.parametrize("unit_key", ["department", "other_school"])
    def test_school_posting_another_units_id_gets_an_error_not_the_data(self, world, as_user, unit_key):
        unit = getattr(world, unit_key)
        response = as_user("unit_staff").post(reverse("exports:index"), monthly_post(world, unit=str(unit.pk)))
        assert response.status_code in (400, 403)
        assert "Content-Disposition" not in response
        assert "只能导出本单位承办的任务。" in response.content.decode()

    def test_school_csv_of_tasks_holds_only_its_own_units_rows(self, world, as_user):
        response = as_user("unit_manager").post(
            reverse("exports:index"), {"plan": world.plan.pk, "kind": "tasks", "fmt": "csv", "month": "2020-09"}
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(content_of(response).decode("utf-8-sig"))))
        unit_column = next(i for i, header in enumerate(rows[0]) if header.startswith("unit"))
        assert sorted((row[1], row[unit_column]) for row in rows[1:]) == [
            ("一.1", world.school.name),
            ("一.2", world.school.name),
        ]

    def test_school_json_of_reports_holds_only_its_own_units_reports(self, world, as_user):
        response = as_user("unit_staff").post(
            reverse("exports:index"), {"plan": world.plan.pk, "kind": "reports", "fmt": "json"}
        )
        assert response.status_code == 200
        document = json.loads(content_of(response))
        assert {row["unit"] for row in document["rows"]} == {world.school.name}
        assert sorted(row["text"] for row in document["rows"]) == ["9月完成专题调研。", "配合完成党员信息核对。"]


# --- bad input never fails the server -------------------------------------------------------------


BAD_INPUT = {
    "month 2020-13": ({"month": "2020-13"}, "不在这份计划可导出的月份内"),
    "month before publication": ({"month": "2020-06"}, "不在这份计划可导出的月份内"),
    "month not yet begun": ({"month": "2020-11"}, "不在这份计划可导出的月份内"),
    "month missing": ({"month": ""}, "请选择月份。"),
    "unknown kind": ({"kind": "weekly"}, "不支持这种报表"),
    "unknown format": ({"fmt": "doc"}, "不支持这种格式"),
    "monthly report as csv": ({"fmt": "csv"}, "月度推进情况表只能导出为"),
    "ledger as word": ({"kind": "ledger", "fmt": "docx"}, "工作台账只能导出为"),
    "split for docx": ({"fmt": "docx", "split": "part"}, "只有 Excel 格式的月度推进情况表可以分表。"),
    "unknown split": ({"split": "sheet"}, "不支持这种分表方式。"),
    "plan 999999": ({"plan": "999999"}, "找不到该工作计划"),
    "plan not a number": ({"plan": "abc"}, "找不到该工作计划"),
    "plan missing": ({"plan": ""}, "请选择工作计划。"),
    "unit of no task in the plan": ({"unit": "office"}, "该单位在这份计划中没有任务"),
    "unit not a number": ({"unit": "x"}, "该单位在这份计划中没有任务"),
}


class TestBadInput:
    @pytest.mark.parametrize("case", list(BAD_INPUT))
    def test_bad_input_is_a_form_error_never_a_server_error(self, world, as_user, bureau, case):
        changes, message = BAD_INPUT[case]
        if changes.get("unit") == "office":
            changes = {"unit": str(bureau["office"].pk)}
        response = as_user("supervisor").post(reverse("exports:index"), monthly_post(world, **changes))
        assert response.status_code == 400
        assert "Content-Disposition" not in response
        assert message in response.content.decode()
        assert not ExportJob.objects.exists()

    def test_draft_plan_cannot_be_exported(self, world, as_user):
        response = as_user("admin").post(reverse("exports:index"), monthly_post(world, plan=str(world.draft.pk)))
        assert response.status_code == 400
        assert "找不到该工作计划" in response.content.decode()

    def test_school_cannot_export_a_plan_it_holds_no_task_in(self, world, as_user):
        response = as_user("unit_staff").post(
            reverse("exports:index"), monthly_post(world, plan=str(world.other_plan.pk))
        )
        assert response.status_code == 400
        assert "Content-Disposition" not in response

    def test_form_keeps_the_choices_after_an_error(self, world, as_user):
        response = as_user("supervisor").post(reverse("exports:index"), monthly_post(world, fmt="docx", split="unit"))
        form = response.context["form"]
        assert (form["fmt"].value(), form["month"].value()) == ("docx", "2020-09")


# --- the background job ---------------------------------------------------------------------------


@pytest.fixture
def jobs_run_at_commit(settings, monkeypatch):
    """Make every export a job, and run a queued job when its transaction commits instead of through Celery."""
    settings.EXPORT_INLINE_MAX_ROWS = 0
    monkeypatch.setattr(tasks.run_export, "delay", lambda job_id: services.export_job_run(job_id))


class TestJobPath:
    def test_large_export_is_queued_and_the_user_sent_to_its_page(
        self, world, as_user, jobs_run_at_commit, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = as_user("supervisor").post(reverse("exports:index"), monthly_post(world))
        job = ExportJob.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("exports:job", args=[job.pk])
        assert (job.state, job.filename, len(callbacks)) == (JobState.QUEUED, MONTHLY_NAME, 1)

    def test_job_page_polls_until_the_job_is_done_then_offers_the_file(
        self, world, as_user, jobs_run_at_commit, django_capture_on_commit_callbacks
    ):
        client = as_user("supervisor")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            client.post(reverse("exports:index"), monthly_post(world))
        job = ExportJob.objects.get()
        page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
        assert 'hx-trigger="every 1s"' in page
        assert reverse("exports:job_progress", args=[job.pk]) in page
        polling = client.get(reverse("exports:job_progress", args=[job.pk])).content.decode()
        assert 'hx-trigger="every 1s"' in polling and "排队中" in polling
        assert reverse("exports:job_download", args=[job.pk]) not in polling
        for callback in callbacks:
            callback()
        finished = client.get(reverse("exports:job_progress", args=[job.pk]))
        text = finished.content.decode()
        assert finished.status_code == 200
        assert "100%" in text and "已完成" in text
        assert "hx-trigger" not in text
        assert reverse("exports:job_download", args=[job.pk]) in text

    def test_finished_job_downloads_its_stored_file(
        self, world, as_user, jobs_run_at_commit, django_capture_on_commit_callbacks
    ):
        client = as_user("supervisor")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("exports:index"), monthly_post(world))
        job = ExportJob.objects.get()
        assert job.state == JobState.DONE
        response = client.get(reverse("exports:job_download", args=[job.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_TYPE
        assert quote(MONTHLY_NAME) in attachment_name(response)
        content = content_of(response)
        assert len(content) == job.size
        assert openpyxl.load_workbook(io.BytesIO(content)).worksheets

    def test_failed_job_shows_why_and_has_no_file(self, world, as_user, people):
        job = services.export_job_create(
            actor=people["supervisor"], kind="monthly", fmt="xlsx", plan=world.plan, month=SEPTEMBER
        )
        ExportJob.objects.filter(pk=job.pk).update(state=JobState.FAILED, error="生成文件时出错，请稍后重试。")
        client = as_user("supervisor")
        text = client.get(reverse("exports:job_progress", args=[job.pk])).content.decode()
        assert "生成失败：生成文件时出错，请稍后重试。" in text and "hx-trigger" not in text
        assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404

    def test_job_not_done_cannot_be_downloaded(self, world, as_user, people):
        job = services.export_job_create(actor=people["supervisor"], kind="ledger", fmt="xlsx", plan=world.plan)
        assert as_user("supervisor").get(reverse("exports:job_download", args=[job.pk])).status_code == 404

    @pytest.mark.parametrize("role", ["admin", "leader", "unit_staff"])
    @pytest.mark.parametrize("page", ["exports:job", "exports:job_progress", "exports:job_download"])
    def test_anyone_elses_job_is_not_found(self, world, as_user, people, role, page):
        job = services.export_job_create(actor=people["supervisor"], kind="ledger", fmt="xlsx", plan=world.plan)
        services.export_job_run(job.pk)
        assert as_user(role).get(reverse(page, args=[job.pk])).status_code == 404

    def test_unknown_job_is_not_found(self, world, as_user):
        assert as_user("supervisor").get(reverse("exports:job", args=[999999])).status_code == 404


# --- the archive ----------------------------------------------------------------------------------


class TestArchivePage:
    def test_supervisor_sees_each_month_and_format_with_the_latest_version(self, world, as_user):
        record = archive(world)
        response = as_user("supervisor").get(reverse("exports:archive"), {"plan": world.plan.pk})
        assert response.status_code == 200
        assert response.context["plan"] == world.plan
        rows = response.context["rows"]
        assert [row.key for row in rows] == ["2020-09", "2020-08", "2020-07"]
        september = {cell.fmt: cell for cell in rows[0].cells}
        assert list(september) == ["xlsx", "docx", "pdf"]
        assert september["xlsx"].latest == record and september["docx"].latest is None
        page = response.content.decode()
        assert "2020年9月" in page and "第1版" in page and "系统" in page
        assert f'<code title="{record.sha256}">{record.sha256[:12]}</code>' in page
        assert reverse("exports:archive_download", args=[record.pk]) in page
        assert reverse("exports:archive_regenerate") in page
        assert "尚未存档" in page

    def test_leader_sees_the_archive_without_the_regenerate_form(self, world, as_user):
        archive(world)
        response = as_user("leader").get(reverse("exports:archive"), {"plan": world.plan.pk})
        assert response.status_code == 200
        assert reverse("exports:archive_regenerate") not in response.content.decode()

    @pytest.mark.parametrize("role", ["unit_manager", "unit_staff"])
    def test_units_may_not_open_the_archive(self, world, as_user, role):
        assert as_user(role).get(reverse("exports:archive")).status_code == 403

    def test_newest_plan_is_shown_when_none_is_chosen(self, world, as_user):
        response = as_user("supervisor").get(reverse("exports:archive"), {"plan": "abc"})
        assert response.status_code == 200
        assert response.context["plan"] == world.other_plan
        assert [row.key for row in response.context["rows"]] == ["2020-09"]

    def test_archive_page_uses_the_same_queries_for_few_or_many_archived_reports(self, world, as_user, people):
        archive(world)
        client = as_user("supervisor")

        def count_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("exports:archive"), {"plan": world.plan.pk}).status_code == 200
            return len(queries)

        few = count_queries()
        archive(world, D(2020, 8, 1))
        archive(world, D(2020, 7, 1))
        for reason in ("数据更正后重新生成", "领导要求重新生成", "核对后再次生成"):
            services.archive_regenerate(
                actor=people["supervisor"], plan=world.plan, month=SEPTEMBER, fmt="xlsx", reason=reason
            )
        assert ArchivedReport.objects.count() == 6
        assert count_queries() == few


class TestArchiveRegenerate:
    def regenerate(self, client, world, **overrides):
        data = {"plan": world.plan.pk, "month": "2020-09", "fmt": "xlsx", "reason": "基教科更正了9月数据，重新生成。"}
        data.update(overrides)
        return client.post(reverse("exports:archive_regenerate"), data)

    def test_regenerating_adds_version_2_and_keeps_version_1(self, world, as_user, people):
        first = archive(world)
        response = self.regenerate(as_user("supervisor"), world)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('exports:archive')}?plan={world.plan.pk}#month-2020-09"
        second = ArchivedReport.objects.get(plan=world.plan, month=SEPTEMBER, fmt="xlsx", version=2)
        assert (second.generated_by, second.reason) == (people["supervisor"], "基教科更正了9月数据，重新生成。")
        kept = ArchivedReport.objects.get(pk=first.pk)
        assert (kept.version, kept.sha256, kept.file.name, kept.generated_at) == (
            1,
            first.sha256,
            first.file.name,
            first.generated_at,
        )
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["已生成第2版，内容与上一版一致。"]

    def test_regenerated_month_lists_the_earlier_version_with_its_reason(self, world, as_user):
        archive(world)
        client = as_user("admin")
        self.regenerate(client, world)
        page = client.get(reverse("exports:archive"), {"plan": world.plan.pk}).content.decode()
        assert "第2版" in page and "历次版本（1）" in page and "每月自动存档" in page
        assert "基教科更正了9月数据，重新生成。" in page

    def test_message_says_when_the_content_differs_from_the_previous_version(self, world, as_user, people):
        first = archive(world)
        changed = services.ArchiveOutcome(first, created=True, same_content=False)
        with mock.patch.object(services, "archive_regenerate", return_value=changed):
            response = self.regenerate(as_user("supervisor"), world)
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert messages == ["已生成第1版，内容与上一版不一致（数据已变化）。"]

    def test_regenerating_without_a_reason_is_refused_and_adds_nothing(self, world, as_user):
        archive(world)
        response = self.regenerate(as_user("supervisor"), world, reason="  ")
        assert response.status_code == 302
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["请填写重新生成的理由。"]
        assert ArchivedReport.objects.count() == 1

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"month": "2020-13"}, "月份应写作 YYYY-MM，如 2020-09。"),
            ({"month": "2020-10"}, "只能存档已经结束的月份。"),
            ({"month": "2020-06"}, "没有推进情况"),
            ({"fmt": "csv"}, "存档只有 Excel、Word 和 PDF 三种格式。"),
            ({"plan": "999999"}, "找不到该工作计划。"),
        ],
    )
    def test_regenerating_an_impossible_month_is_an_error_message(self, world, as_user, changes, message):
        archive(world)
        response = self.regenerate(as_user("supervisor"), world, **changes)
        assert response.status_code == 302
        assert any(message in str(m) for m in get_messages(response.wsgi_request))
        assert ArchivedReport.objects.count() == 1

    @pytest.mark.parametrize("role", ["leader", "unit_manager", "unit_staff"])
    def test_only_supervisors_and_admins_regenerate(self, world, as_user, role):
        archive(world)
        assert self.regenerate(as_user(role), world).status_code == 403
        assert ArchivedReport.objects.count() == 1


class TestArchiveDownload:
    @pytest.mark.parametrize("role", ["admin", "supervisor", "leader"])
    def test_bureau_downloads_an_archived_report(self, world, as_user, role):
        record = archive(world)
        response = as_user(role).get(reverse("exports:archive_download", args=[record.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_TYPE
        assert quote(MONTHLY_NAME) in attachment_name(response)
        assert len(content_of(response)) == record.size

    @pytest.mark.parametrize("role", ["unit_manager", "unit_staff"])
    def test_units_may_not_download_archived_reports(self, world, as_user, role):
        record = archive(world)
        assert as_user(role).get(reverse("exports:archive_download", args=[record.pk])).status_code == 403

    def test_unknown_archived_report_is_not_found(self, world, as_user):
        assert as_user("supervisor").get(reverse("exports:archive_download", args=[999999])).status_code == 404


# --- links and the admin --------------------------------------------------------------------------


class TestLinksAndAdmin:
    @pytest.mark.parametrize("role", ["admin", "leader", "unit_staff"])
    def test_the_nav_links_the_export_page_for_everyone_signed_in(self, world, as_user, role):
        page = as_user(role).get(reverse("core:home")).content.decode()
        assert f'<a href="{reverse("exports:index")}">报表导出</a>' in page

    def test_the_plan_page_links_its_monthly_report_export(self, world, as_user):
        page = as_user("supervisor").get(reverse("plans:plan_detail", args=[world.plan.pk])).content.decode()
        assert f"{reverse('exports:index')}?plan={world.plan.pk}" in page and "导出月报" in page

    def test_the_admin_lists_jobs_and_archived_reports_read_only(self, world, client, people):
        User.objects.filter(pk=people["admin"].pk).update(is_staff=True, is_superuser=True)
        client.force_login(User.objects.get(pk=people["admin"].pk))
        record = archive(world)
        job = services.export_job_create(actor=people["supervisor"], kind="ledger", fmt="xlsx", plan=world.plan)
        jobs = client.get(reverse("admin:exports_exportjob_changelist"))
        archived = client.get(reverse("admin:exports_archivedreport_changelist"))
        assert jobs.status_code == 200 and jobs.context["cl"].result_count == 1
        assert archived.status_code == 200 and record.sha256 in archived.content.decode()
        assert client.get(reverse("admin:exports_exportjob_change", args=[job.pk])).status_code == 200
        assert client.get(reverse("admin:exports_archivedreport_change", args=[record.pk])).status_code == 200
        assert client.get(reverse("admin:exports_exportjob_add")).status_code == 403
        assert client.get(reverse("admin:exports_archivedreport_add")).status_code == 403
        assert client.post(reverse("admin:exports_archivedreport_delete", args=[record.pk])).status_code == 403
        assert ArchivedReport.objects.filter(pk=record.pk).exists()
