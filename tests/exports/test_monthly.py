"""The monthly report is read from history as of the month's end: exporting September in December gives September."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from exports.monthly import ExportError, ledger, month_window, monthly_report, plan_months
from exports.report import Heading, ReportRow
from plans.lights import annotate_lights
from plans.models import Assignment
from tests.exports.conftest import D, on
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db
SEPTEMBER = D(2020, 9, 1)


def rows_by_number(report) -> dict[str, ReportRow]:
    return {row.number: row for row in report.rows}


def september_then(history):
    with on(D(2020, 10, 1), 0):
        return monthly_report(plan=history.plan, month=SEPTEMBER)


class TestSeptemberInDecember:
    def test_september_exported_in_december_equals_september_exported_on_the_first_of_october(self, history):
        then = september_then(history)
        with on(D(2020, 12, 10)):
            now = monthly_report(plan=history.plan, month=SEPTEMBER)
        assert now == then
        assert now.digest() == then.digest()

    def test_september_shows_septembers_report_text_not_the_later_correction(self, history):
        with on(D(2020, 12, 10)):
            report = monthly_report(plan=history.plan, month=SEPTEMBER)
        task1 = rows_by_number(report)["1"]
        assert task1.progress == "9月完成专题调研。"
        assert task1.percent == 40
        assert task1.co_notes[0].unit == "基础教育科"
        assert task1.co_notes[0].text == "配合开展专题调研。"

    def test_september_shows_the_deadline_and_wording_before_later_changes(self, history):
        with on(D(2020, 12, 10)):
            rows = rows_by_number(monthly_report(plan=history.plan, month=SEPTEMBER))
        assert rows["1"].deadline == D(2020, 12, 31)  # the extension to 2021-01-31 came in October
        assert rows["2"].headline == "加强基层党组织建设"  # renamed in October
        assert rows["2"].deadline == D(2020, 12, 31)
        assert rows["2"].status_label == "办理中"
        assert rows["2"].percent == 50

    def test_september_shows_the_escalation_unanswered_then(self, history):
        with on(D(2020, 12, 10)):
            task3 = rows_by_number(monthly_report(plan=history.plan, month=SEPTEMBER))["3"]
        assert (task3.light, task3.light_reason, task3.status_label) == ("red", "督办待反馈", "待签收")
        assert task3.progress == "" and task3.progress_missing
        assert task3.remarks == "人工催办1次；人工督办（未反馈）"
        assert (task3.reminders, task3.escalations) == (1, 1)

    def test_september_summary_counts_lights_reports_and_missing_units(self, history, bureau):
        with on(D(2020, 12, 10)):
            summary = monthly_report(plan=history.plan, month=SEPTEMBER).summary
        assert summary.tasks == 3
        assert summary.lights == {"red": 1, "yellow": 0, "green": 2, "grey": 0, "done": 0}
        assert summary.completed == 0 and summary.completion_rate == 0.0
        assert summary.mean_percent == round((40 + 50 + 0) / 3, 1)
        # owed in September: school and department on task 1, department and school on task 2, other school on 3
        assert (summary.reports_due, summary.reports_filed) == (5, 3)
        assert {(m.unit, m.count) for m in summary.missing_units} == {
            (bureau["school"].name, 1),
            (bureau["other_school"].name, 1),
        }
        assert (summary.reminders, summary.escalations) == (1, 1)

    def test_october_has_the_correction_the_extension_and_the_new_wording(self, history):
        with on(D(2020, 12, 10)):
            rows = rows_by_number(monthly_report(plan=history.plan, month=D(2020, 10, 1)))
        assert rows["1"].progress == "10月形成调研报告。"
        assert rows["1"].deadline == D(2021, 1, 31)
        assert "2020年10月15日同意延期至2021年1月31日" in rows["1"].remarks
        assert rows["2"].headline == "全面加强基层党组织建设"
        assert rows["3"].light != "red"  # answered on 10 October

    def test_november_shows_the_completion_that_december_reopened(self, history):
        with on(D(2020, 12, 10)):
            november = rows_by_number(monthly_report(plan=history.plan, month=D(2020, 11, 1)))["2"]
            december = rows_by_number(monthly_report(plan=history.plan, month=D(2020, 12, 1)))["2"]
        assert (november.light, november.percent, november.status_label) == ("done", 100, "已办结")
        assert "2020年11月20日同意办结" in november.remarks
        assert (december.status_label, december.light) == ("办理中", "red")  # reopened; its deadline passed


class TestStructure:
    def test_entries_follow_the_plan_with_part_and_section_headings(self, history):
        with on(D(2020, 12, 10)):
            report = monthly_report(plan=history.plan, month=SEPTEMBER)
        shape = [(e.level, e.label) if isinstance(e, Heading) else e.serial for e in report.entries]
        assert shape == [
            (1, "一、推进党的全面领导"),
            1,
            2,
            (1, "二、提升立德树人水平"),
            (2, "（一）加强思想政治教育"),
            3,
        ]
        assert [row.part for row in report.rows] == ["一、推进党的全面领导"] * 2 + ["二、提升立德树人水平"]
        assert report.title == "《湖里区教育局2020年工作要点》2020年9月推进情况表"
        assert report.as_of_day == D(2020, 9, 30)

    def test_a_units_report_holds_only_its_tasks_and_its_own_figures(self, history, bureau):
        with on(D(2020, 12, 10)):
            report = monthly_report(plan=history.plan, month=SEPTEMBER, unit=bureau["school"])
        rows = rows_by_number(report)
        assert set(rows) == {"1", "2"}
        assert rows["2"].progress_missing and rows["2"].progress == ""  # the school's own co-report is missing
        assert all(row.co_notes == () for row in report.rows)  # other units' reports are not the school's
        assert report.unit == bureau["school"].name
        assert [(m.unit, m.count) for m in report.summary.missing_units] == [(bureau["school"].name, 1)]

    def test_the_current_month_agrees_with_the_lights_every_page_shows(self, history):
        with on(D(2020, 12, 10)) as moment:
            report = monthly_report(plan=history.plan, month=D(2020, 12, 1))
            leads = annotate_lights(
                Assignment.objects.filter(task__plan=history.plan, role="lead"), today=moment.date()
            )
            expected = {a.task.number: a.light for a in leads.select_related("task")}
        assert {row.number: row.light for row in report.rows} == expected
        assert report.as_of_day == D(2020, 12, 10)

    def test_the_number_of_queries_does_not_grow_with_the_plan(self, history, django_assert_max_num_queries):
        with on(D(2020, 12, 10)), django_assert_max_num_queries(16):
            monthly_report(plan=history.plan, month=SEPTEMBER)


class TestMonths:
    def test_months_run_from_publication_to_the_current_month(self, history):
        moment = timezone.make_aware(datetime.datetime(2020, 12, 10, 10))
        assert plan_months(history.plan, now=moment) == [D(2020, m, 1) for m in range(7, 13)]

    @pytest.mark.parametrize(
        ("month", "message"),
        [
            (D(2020, 6, 1), "计划于2020年7月3日发布，2020年6月没有推进情况。"),
            (D(2021, 1, 1), "2021年1月还没有开始，不能导出。"),
        ],
    )
    def test_a_month_outside_the_plan_is_refused_with_a_reason(self, history, month, message):
        with on(D(2020, 12, 10)), pytest.raises(ExportError, match=message):
            month_window(history.plan, month)

    def test_a_draft_plan_has_no_monthly_report(self, db):
        plan = PlanFactory(status="draft", published_at=None)
        with pytest.raises(ExportError, match="计划尚未发布"):
            month_window(plan, SEPTEMBER)

    def test_a_month_past_the_plans_last_deadline_is_refused(self, history):
        with on(D(2022, 3, 10)), pytest.raises(ExportError, match="只到2021年1月"):
            month_window(history.plan, D(2021, 6, 1))


class TestLedger:
    def test_the_ledger_has_every_months_lead_report_as_it_stands_now(self, history):
        with on(D(2020, 12, 10)):
            book = ledger(plan=history.plan)
        assert book.months == tuple(D(2020, m, 1) for m in range(7, 13))
        task1 = next(row for row in book.rows if row.number == "1")
        assert task1.months[1:4] == ("8月制定学习方案。", "9月完成专题调研（更正：含两所学校）。", "10月形成调研报告。")
        assert task1.months[0] == "" and task1.months[4:] == ("", "")

    def test_the_ledger_as_of_a_past_month_stops_there(self, history):
        with on(D(2020, 12, 10)):
            book = ledger(plan=history.plan, month=SEPTEMBER)
        assert book.months[-1] == SEPTEMBER
        task1 = next(row for row in book.rows if row.number == "1")
        assert task1.months[-1] == "9月完成专题调研。"
        assert book.as_of_day == datetime.date(2020, 9, 30)


class TestTasksWithoutALead:
    def test_a_declined_task_awaits_reassignment_and_an_unassigned_one_says_so(self, history, people, bureau):
        from plans.services.assignments import assignment_decline
        from tests.factories import AssignmentFactory, TaskFactory

        plan, section = history.plan, history.tasks[2].section
        with on(D(2020, 9, 1)):
            declined_task = TaskFactory(plan=plan, section=section, number="4", path="二.一.4", position=4)
            lonely_task = TaskFactory(plan=plan, section=section, number="5", path="二.一.5", position=5)
            lead = AssignmentFactory(task=declined_task, unit=bureau["other_school"])
        with on(D(2020, 9, 2)):
            assignment_decline(actor=people["other_staff"], assignment=lead, reason="不属于本校职责。")
        with on(D(2020, 12, 10)):
            rows = rows_by_number(monthly_report(plan=plan, month=SEPTEMBER))
        assert (rows["4"].light, rows["4"].light_reason, rows["4"].status_label) == ("grey", "待改派", "待改派")
        assert rows["4"].lead_units == ()
        assert (rows["5"].light, rows["5"].light_reason, rows["5"].status_label) == ("grey", "未交办", "未交办")
        assert lonely_task.pk == rows["5"].task_id
