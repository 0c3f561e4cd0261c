"""Exports at once or as jobs, the monthly archive, the data files and the export_monthly command."""

from __future__ import annotations

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from core.append_only import AppendOnlyError
from exports import datasets
from exports.maintenance import remove_expired_jobs
from exports.models import ArchivedReport, ExportJob, JobState
from exports.monthly import ExportError
from exports.services import (
    Rendered,
    archive_due_months,
    archive_month,
    archive_regenerate,
    export_job_run,
    export_render,
    export_request,
)
from tests.exports.conftest import D, on

pytestmark = pytest.mark.django_db
SEPTEMBER = D(2020, 9, 1)


@pytest.fixture
def xlsx_only(settings):
    settings.EXPORT_ARCHIVE_FORMATS = ["xlsx"]


def table_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["推进情况"]
    return [row for row in sheet.iter_rows(min_row=5, values_only=True) if isinstance(row[0], int)]


class TestExportRequest:
    def test_a_small_export_is_returned_at_once(self, history, people, media):
        with on(D(2020, 12, 10)):
            result = export_request(
                actor=people["supervisor"], kind="monthly", fmt="xlsx", plan=history.plan, month=SEPTEMBER
            )
        assert isinstance(result, Rendered)
        assert result.filename == "厦湖教〔2020〕132号_2020年9月推进情况表.xlsx"
        assert [row[0] for row in table_rows(result.content)] == [1, 2, 3]
        assert not ExportJob.objects.exists()

    def test_a_large_export_becomes_a_job_that_a_worker_finishes(
        self, history, people, media, settings, django_capture_on_commit_callbacks, monkeypatch
    ):
        settings.EXPORT_INLINE_MAX_ROWS = 0
        started = []
        monkeypatch.setattr("exports.tasks.run_export.delay", started.append)
        with on(D(2020, 12, 10)), django_capture_on_commit_callbacks(execute=True):
            job = export_request(
                actor=people["supervisor"], kind="monthly", fmt="xlsx", plan=history.plan, month=SEPTEMBER
            )
        assert isinstance(job, ExportJob) and started == [job.pk]
        assert (job.state, job.filename) == (JobState.QUEUED, "厦湖教〔2020〕132号_2020年9月推进情况表.xlsx")
        with on(D(2020, 12, 10), 11):
            done = export_job_run(job.pk)
        assert (done.state, done.progress, done.size) == (JobState.DONE, 100, len(done.file.read()))
        done.file.seek(0)
        assert len(table_rows(done.file.read())) == 3
        assert export_job_run(job.pk) is None  # a second delivery of the task does nothing
        assert AuditEvent.objects.filter(verb="export.request", object_id=str(job.pk)).exists()

    def test_a_job_whose_export_cannot_be_made_fails_with_the_reason(self, history, people, media):
        job = ExportJob.objects.create(
            requested_by=people["supervisor"], kind="monthly", fmt="xlsx", plan=history.plan, month=D(2020, 5, 1)
        )
        with on(D(2020, 12, 10)):
            failed = export_job_run(job.pk)
        assert failed.state == JobState.FAILED
        assert "2020年5月没有推进情况" in failed.error

    def test_a_school_may_export_only_its_own_units_tasks(self, history, people, bureau, media):
        with on(D(2020, 12, 10)):
            with pytest.raises(PermissionDenied):
                export_request(
                    actor=people["unit_staff"], kind="monthly", fmt="xlsx", plan=history.plan, month=SEPTEMBER
                )
            with pytest.raises(PermissionDenied):
                export_request(
                    actor=people["unit_staff"],
                    kind="tasks",
                    fmt="csv",
                    plan=history.plan,
                    unit=bureau["other_school"],
                )
            own = export_request(
                actor=people["unit_staff"],
                kind="monthly",
                fmt="xlsx",
                plan=history.plan,
                month=SEPTEMBER,
                unit=bureau["school"],
            )
        assert [row[0] for row in table_rows(own.content)] == [1, 2]

    @pytest.mark.parametrize(
        ("kind", "fmt", "month", "split", "message"),
        [
            ("ledger", "docx", None, "", "工作台账只能导出为Excel（.xlsx）。"),
            ("monthly", "csv", SEPTEMBER, "", "月度推进情况表只能导出为"),
            ("monthly", "pdf", SEPTEMBER, "part", "只有 Excel 格式的月度推进情况表可以分表。"),
            ("monthly", "xlsx", None, "", "请选择月份。"),
            ("nonsense", "xlsx", SEPTEMBER, "", "不支持的报表类型。"),
            ("monthly", "xlsx", D(2021, 1, 1), "", "2021年1月还没有开始"),
        ],
    )
    def test_a_request_that_cannot_be_made_is_refused_and_stores_nothing(
        self, history, people, media, kind, fmt, month, split, message
    ):
        with on(D(2020, 12, 10)), pytest.raises(ExportError, match=message):
            export_request(actor=people["supervisor"], kind=kind, fmt=fmt, plan=history.plan, month=month, split=split)
        assert not ExportJob.objects.exists()

    def test_old_jobs_and_their_files_are_removed_but_recent_ones_kept(self, history, people, media, settings):
        settings.EXPORT_INLINE_MAX_ROWS = 0
        jobs = []
        for day in (D(2020, 10, 1), D(2020, 12, 1)):
            with on(day):
                job = ExportJob.objects.create(
                    requested_by=people["supervisor"], kind="tasks", fmt="csv", plan=history.plan
                )
                jobs.append(export_job_run(job.pk))
        old_file = jobs[0].file.name
        with on(D(2020, 12, 10)):
            assert remove_expired_jobs() == 1
        assert list(ExportJob.objects.values_list("pk", flat=True)) == [jobs[1].pk]
        assert not jobs[0].file.storage.exists(old_file)


class TestArchive:
    def test_the_job_on_the_first_archives_last_month_once(self, history, media, xlsx_only):
        with on(D(2020, 10, 1), 1):
            first = archive_due_months()
            again = archive_due_months()
        assert [(o.created, o.record.month, o.record.fmt, o.record.version) for o in first] == [
            (True, SEPTEMBER, "xlsx", 1)
        ]
        assert [o.created for o in again] == [False]
        assert ArchivedReport.objects.count() == 1
        record = first[0].record
        assert record.generated_by is None
        assert timezone.localtime(record.as_of) == timezone.make_aware(datetime.datetime(2020, 10, 1))
        assert len(record.sha256) == 64 and record.size == len(record.file.read())

    def test_regenerating_september_in_december_adds_a_version_with_identical_bytes(
        self, history, people, media, xlsx_only
    ):
        with on(D(2020, 10, 1), 1):
            original = archive_month(plan=history.plan, month=SEPTEMBER, fmt="xlsx").record
        with on(D(2020, 12, 10)):
            outcome = archive_regenerate(
                actor=people["supervisor"], plan=history.plan, month=SEPTEMBER, fmt="xlsx", reason="核对9月数据"
            )
        again = outcome.record
        assert (again.version, again.reason, again.generated_by) == (2, "核对9月数据", people["supervisor"])
        assert outcome.same_content is True
        assert again.content_digest == original.content_digest
        assert again.sha256 == original.sha256  # the same history gives the same bytes
        assert ArchivedReport.objects.get(pk=original.pk).version == 1  # the first version is kept as it was
        assert AuditEvent.objects.filter(verb="archive.regenerate", note="核对9月数据").exists()

    def test_the_archive_cannot_be_overwritten(self, history, media, xlsx_only):
        with on(D(2020, 10, 1), 1):
            record = archive_month(plan=history.plan, month=SEPTEMBER, fmt="xlsx").record
        record.reason = "changed"
        with pytest.raises(AppendOnlyError):
            record.save()

    def test_regenerating_needs_a_reason_a_finished_month_and_a_supervisor(self, history, people, media):
        with on(D(2020, 12, 10)):
            with pytest.raises(ExportError, match="请填写重新生成的理由。"):
                archive_regenerate(
                    actor=people["supervisor"], plan=history.plan, month=SEPTEMBER, fmt="xlsx", reason=" "
                )
            with pytest.raises(ExportError, match="只能存档已经结束的月份。"):
                archive_regenerate(
                    actor=people["supervisor"], plan=history.plan, month=D(2020, 12, 1), fmt="xlsx", reason="试"
                )
            for role in ("leader", "unit_manager"):
                with pytest.raises(PermissionDenied):
                    archive_regenerate(actor=people[role], plan=history.plan, month=SEPTEMBER, fmt="xlsx", reason="试")
        assert not ArchivedReport.objects.exists()


class TestDataFiles:
    def test_tasks_csv_has_one_row_per_assignment_in_chinese_for_excel(self, history):
        with on(D(2020, 12, 10)):
            content = export_render(kind="tasks", fmt="csv", plan=history.plan).content
        assert content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["plan（计划文号）", "task_path（任务编号）", "task（工作任务）"]
        assert len(rows) == 1 + 5
        assert {row[4] for row in rows[1:]} >= {"厦门市湖里区实验小学", "基础教育科"}

    def test_reports_json_lists_visible_reports_with_corrections_as_their_own_rows(self, history):
        with on(D(2020, 12, 10)):
            document = json.loads(export_render(kind="reports", fmt="json", plan=history.plan).content)
        assert document["plan"]["doc_number"] == "厦湖教〔2020〕132号"
        assert document["count"] == len(document["rows"]) == 8
        correction = next(row for row in document["rows"] if row["corrects"])
        assert correction["text"] == "9月完成专题调研（更正：含两所学校）。"
        assert correction["on_time"] is False  # filed on 12 October for September

    def test_a_units_data_file_holds_only_its_own_rows(self, history, bureau):
        rows = datasets.report_rows(plan=history.plan, unit=bureau["department"])
        assert {row["unit"] for row in rows} == {"基础教育科"}


class TestExportMonthlyCommand:
    def test_the_command_writes_the_report_for_a_plan_given_by_its_document_number(self, history, tmp_path):
        out = tmp_path / "sep.xlsx"
        stdout = io.StringIO()
        with on(D(2020, 12, 10)):
            call_command(
                "export_monthly", plan="厦湖教〔2020〕132号", month="2020-09", fmt="xlsx", out=str(out), stdout=stdout
            )
        assert [row[0] for row in table_rows(out.read_bytes())] == [1, 2, 3]
        assert "3 项任务" in stdout.getvalue()

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"plan": "厦湖教〔2099〕1号", "month": "2020-09"}, "找不到工作计划"),
            ({"plan": "厦湖教〔2020〕132号", "month": "2020-13"}, "月份应写作 YYYY-MM"),
            ({"plan": "厦湖教〔2020〕132号", "month": "2020-05"}, "2020年5月没有推进情况"),
            ({"plan": "厦湖教〔2020〕132号", "month": "2020-09", "unit": "不存在的学校"}, "找不到单位"),
        ],
    )
    def test_the_command_explains_what_is_wrong(self, history, tmp_path, options, message):
        with on(D(2020, 12, 10)), pytest.raises(CommandError, match=message):
            call_command("export_monthly", fmt="xlsx", out=str(tmp_path / "x.xlsx"), **options)
        assert not (tmp_path / "x.xlsx").exists()


class TestSeptemberInDecemberFiles:
    """The files themselves hold September's figures when made in December."""

    def test_the_workbook_holds_septembers_numbers_and_words(self, history, bureau):
        with on(D(2020, 12, 10)):
            content = export_render(kind="monthly", fmt="xlsx", plan=history.plan, month=SEPTEMBER).content
        book = openpyxl.load_workbook(io.BytesIO(content))
        summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row[0]}
        assert summary["任务总数"] == 3
        assert (summary["■ 红灯"], summary["● 绿灯"], summary["✓ 已办结"]) == (1, 2, 0)
        assert (summary["应报报告"], summary["已报报告"]) == (5, 3)
        assert summary[bureau["other_school"].name] == 1
        assert summary["数据截至 2020年9月30日"] is None
        rows = {row[0]: row for row in table_rows(content)}
        assert rows[1][1] == "1. 深入学习贯彻十九大精神"
        assert rows[1][4] == "年内\n2020年12月31日"  # the plan's words, then the date: not October's extension
        assert rows[1][5] == "9月完成专题调研。\n【基础教育科】配合开展专题调研。"  # not the October correction
        assert rows[1][6].startswith("● 绿灯 40%")
        assert rows[2][1] == "2. 加强基层党组织建设"  # before October's new wording
        assert rows[3][6].startswith("■ 红灯 0%")

    def test_the_word_table_holds_septembers_numbers_and_words(self, history):
        import docx

        with on(D(2020, 12, 10)):
            content = export_render(kind="monthly", fmt="docx", plan=history.plan, month=SEPTEMBER).content
        document = docx.Document(io.BytesIO(content))
        table = document.tables[-1]
        rows = {row.cells[0].text: [cell.text for cell in row.cells] for row in table.rows}
        assert [cell.text for cell in table.rows[0].cells] == [
            "序号",
            "工作任务",
            "牵头单位",
            "配合单位",
            "完成时限",
            "本月进展",
            "完成情况",
            "备注",
        ]
        assert set(rows) >= {"1", "2", "3"}
        assert rows["1"][5].startswith("9月完成专题调研。")
        assert "40%" in rows["1"][6]
        assert rows["2"][1] == "2. 加强基层党组织建设"
        assert "本月未报送" in rows["3"][5]
        text = "\n".join(paragraph.text for paragraph in document.paragraphs)
        assert "本计划共有任务3项" in text and "数据截至 2020年9月30日" in text
