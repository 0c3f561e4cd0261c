"""The Excel renderers: sheets per split, the table's layout and print setup, lights, summary, ledger, stable bytes."""

from __future__ import annotations

import dataclasses
import datetime
import io
import re

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from exports.cells import LIGHT_FILLS, MISSING_COLOR
from exports.render_xlsx import (
    deadline_text,
    ledger_workbook,
    monthly_workbook,
    row_height,
    sheet_names,
    text_width,
)
from exports.report import Heading, MonthlyReport, ReportRow, UnitNote
from tests.exports.samples import sample_ledger, sample_report, sample_row

HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限", "本月进展", "完成情况", "备注"]
HEADER_ROW = 3
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def open_workbook(data: bytes, *, rich_text: bool = False) -> Workbook:
    return load_workbook(io.BytesIO(data), rich_text=rich_text)


def row_of(sheet, serial: int) -> int:
    """Return the sheet row holding the task with this 序号."""
    for number in range(HEADER_ROW + 1, sheet.max_row + 1):
        if sheet.cell(row=number, column=1).value == serial:
            return number
    raise AssertionError(f"no row with serial {serial}")


def summary_values(sheet) -> dict[str, object]:
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=6, max_col=2, values_only=True) if row[0]}


def report_with_parts(labels: list[str]) -> MonthlyReport:
    """Return the sample report with one task under each of these part headings."""
    entries: list[Heading | ReportRow] = []
    for serial, label in enumerate(labels, start=1):
        entries += [Heading(level=1, label=label), sample_row(serial, part=label)]
    return dataclasses.replace(sample_report(), entries=tuple(entries))


class TestSheetsPerSplit:
    def test_no_split_gives_summary_and_one_table_sheet(self):
        workbook = open_workbook(monthly_workbook(sample_report()))
        assert workbook.sheetnames == ["汇总", "推进情况"]

    def test_part_split_gives_a_sheet_per_part(self):
        workbook = open_workbook(monthly_workbook(sample_report(), split="part"))
        assert workbook.sheetnames == ["汇总", "一、全面加强党的建设", "二、推动教育优质均衡发展"]

    def test_unit_split_gives_a_sheet_per_lead_unit(self):
        report = sample_report()
        rows = list(report.entries)
        rows[-1] = dataclasses.replace(rows[-1], lead_units=("办公室", "基础教育科"))
        rows[1] = dataclasses.replace(rows[1], lead_units=("德育科",))
        workbook = open_workbook(monthly_workbook(dataclasses.replace(report, entries=tuple(rows)), split="unit"))
        assert workbook.sheetnames == ["汇总", "德育科", "基础教育科", "办公室"]
        assert workbook["办公室"].max_row == HEADER_ROW + 1
        assert workbook["基础教育科"].max_row == HEADER_ROW + 5  # rows 2–6: row 6 is led jointly

    def test_unknown_split_raises_value_error(self):
        with pytest.raises(ValueError):
            monthly_workbook(sample_report(), split="month")


class TestSheetNames:
    def test_long_and_duplicate_part_labels_give_valid_unique_names(self):
        long_label = "三、加快推进教育现代化建设，办好人民满意的教育：/落实[立德树人]根本任务*?"
        report = report_with_parts([long_label, long_label, "汇总", "四、其他"])
        names = open_workbook(monthly_workbook(report, split="part")).sheetnames
        assert len(names) == len(set(names)) == 5
        for name in names:
            assert len(name) <= 31
            assert not INVALID_SHEET_CHARS.search(name)
        assert names[1].startswith("三、加快推进教育现代化建设")
        assert names[2].endswith("（2）")
        assert names[3] != "汇总"

    def test_names_ignore_case_and_taken_names(self):
        assert sheet_names(["Plan", "plan", "汇总"], taken=["汇总"]) == ["Plan", "plan（2）", "汇总（2）"]

    def test_empty_label_gets_a_name(self):
        assert sheet_names(["", "[]"]) == ["工作表", "工作表（2）"]


class TestMonthlyTable:
    @pytest.fixture
    def sheet(self):
        return open_workbook(monthly_workbook(sample_report()))["推进情况"]

    def test_header_row_values(self, sheet):
        assert [cell.value for cell in sheet[HEADER_ROW]] == HEADER

    def test_title_and_as_of_rows(self, sheet):
        assert sheet["A1"].value == "《湖里区教育局2020年工作要点》2020年9月推进情况表"
        assert sheet["A2"].value == "数据截至 2020年9月30日"
        assert "A1:H1" in {str(cells) for cells in sheet.merged_cells.ranges}

    def test_panes_freeze_below_the_header(self, sheet):
        assert sheet.freeze_panes == "A4"

    def test_print_setup_is_a4_landscape_one_page_wide_with_repeated_header(self, sheet):
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9
        assert int(sheet.page_setup.fitToWidth) == 1
        assert int(sheet.page_setup.fitToHeight) == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$3:$3"
        assert sheet.print_options.horizontalCentered
        assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
        assert sheet.page_margins.left == pytest.approx(0.59)

    def test_row_count_equals_rows_plus_headings(self, sheet):
        report = sample_report()
        assert sheet.max_row == HEADER_ROW + len(report.rows) + 3  # two parts and one section heading
        assert sheet.max_row == HEADER_ROW + len(report.entries)

    def test_headings_are_merged_bold_rows(self, sheet):
        assert sheet["A4"].value == "一、全面加强党的建设"
        assert sheet["A4"].font.bold
        assert "A4:H4" in {str(cells) for cells in sheet.merged_cells.ranges}

    def test_completion_cell_is_filled_by_light(self, sheet):
        for row in sample_report().rows:
            cell = sheet.cell(row=row_of(sheet, row.serial), column=7)
            assert cell.fill.fgColor.rgb.endswith(LIGHT_FILLS[row.light])
            assert cell.value.startswith(f"{row.light_label} ", 2)

    def test_completion_cell_shows_icon_label_percent_and_reason(self, sheet):
        assert sheet.cell(row=row_of(sheet, 1), column=7).value == "■ 红灯 60%\n正常推进"
        assert sheet.cell(row=row_of(sheet, 5), column=7).value == "✓ 已办结 100%"

    def test_missing_report_shows_in_red(self):
        sheet = open_workbook(monthly_workbook(sample_report()), rich_text=True)["推进情况"]
        value = sheet.cell(row=row_of(sheet, 2), column=6).value
        assert str(value) == "本月未报送\n【办公室】配合完成材料汇总。"
        assert value[0].text == "本月未报送"
        assert value[0].font.color.rgb.endswith(MISSING_COLOR)

    def test_progress_lists_co_unit_notes_and_missing_ones(self):
        notes = (UnitNote(unit="办公室", text="已提供数据。"), UnitNote(unit="德育科", text="", missing=True))
        report = dataclasses.replace(sample_report(), entries=(sample_row(1, progress="", co_notes=notes),))
        sheet = open_workbook(monthly_workbook(report))["推进情况"]
        assert sheet["F4"].value == "—\n【办公室】已提供数据。\n【德育科】未报送"

    def test_body_cells_wrap_at_the_top_with_borders(self, sheet):
        cell = sheet.cell(row=row_of(sheet, 1), column=6)
        assert cell.alignment.wrap_text
        assert cell.alignment.vertical == "top"
        assert cell.border.left.style == "thin"

    def test_rows_are_tall_enough_for_their_text(self, sheet):
        first = row_of(sheet, 1)
        assert sheet.row_dimensions[first].height >= 3 * 14
        assert sheet.column_dimensions["F"].width == 60

    def test_task_and_owner_columns(self, sheet):
        values = [cell.value for cell in sheet[row_of(sheet, 1)]]
        assert values[:5] == [
            1,
            "1. 第1项任务：深化教育领域综合改革，推进学校治理体系和治理能力现代化",
            "基础教育科",
            "办公室、厦门市湖里区实验小学",
            "2020年12月底前\n2020年12月31日",
        ]
        assert values[7] == "催办1次；蓝色督办1次（已反馈）"


class TestSummarySheet:
    @pytest.fixture
    def sheet(self):
        return open_workbook(monthly_workbook(sample_report()))["汇总"]

    def test_title_number_and_as_of_lines(self, sheet):
        assert sheet["A1"].value == sample_report().title
        assert "厦湖教〔2020〕132号" in sheet["A2"].value
        assert sheet["A3"].value == "数据截至 2020年9月30日"

    def test_figures_equal_the_report_summary(self, sheet):
        summary = sample_report().summary
        values = summary_values(sheet)
        assert values["任务总数"] == summary.tasks
        assert values["■ 红灯"] == summary.lights["red"]
        assert values["▲ 黄灯"] == summary.lights["yellow"]
        assert values["● 绿灯"] == summary.lights["green"]
        assert values["○ 灰灯"] == summary.lights["grey"]
        assert values["✓ 已办结"] == summary.lights["done"]
        assert values["完成率"] == pytest.approx(summary.completion_rate / 100)
        assert values["平均进度"] == pytest.approx(summary.mean_percent / 100)
        assert values["应报报告"] == summary.reports_due
        assert values["已报报告"] == summary.reports_filed
        assert values["本月催办"] == summary.reminders
        assert values["本月督办"] == summary.escalations
        assert values["基础教育科"] == 1

    def test_rates_use_a_percent_format_and_counts_say_times(self, sheet):
        formats = {row[0].value: row[1].number_format for row in sheet.iter_rows(min_row=6, max_col=2) if row[0].value}
        assert formats["完成率"] == "0.0%"
        assert formats["本月催办"] == '0" 次"'

    def test_light_labels_are_filled(self, sheet):
        labels = {row[0].value: row[0] for row in sheet.iter_rows(min_row=6, max_col=1) if row[0].value}
        assert labels["■ 红灯"].fill.fgColor.rgb.endswith(LIGHT_FILLS["red"])
        assert labels["✓ 已办结"].fill.fgColor.rgb.endswith(LIGHT_FILLS["done"])

    def test_no_missing_units_says_none(self):
        report = sample_report()
        report = dataclasses.replace(report, summary=dataclasses.replace(report.summary, missing_units=()))
        sheet = open_workbook(monthly_workbook(report))["汇总"]
        column = [row[0] for row in sheet.iter_rows(min_col=1, max_col=1, values_only=True)]
        assert column[column.index("未按时报送单位") + 2] == "无"

    def test_empty_report_shows_dashes_for_rates(self):
        report = sample_report()
        summary = dataclasses.replace(report.summary, tasks=0, completed=0, mean_percent=None)
        sheet = open_workbook(monthly_workbook(dataclasses.replace(report, entries=(), summary=summary)))["汇总"]
        assert summary_values(sheet)["完成率"] == "—"


class TestWorkbookProperties:
    def test_properties_carry_title_creator_and_cut_off(self):
        workbook = open_workbook(monthly_workbook(sample_report()))
        assert workbook.properties.title == sample_report().title
        assert workbook.properties.creator == "督查督办系统"
        assert workbook.properties.created == datetime.datetime(2020, 9, 30, 16, 0)
        assert workbook.properties.modified == datetime.datetime(2020, 9, 30, 16, 0)

    def test_same_report_gives_identical_bytes(self):
        assert monthly_workbook(sample_report(), split="part") == monthly_workbook(sample_report(), split="part")

    def test_same_ledger_gives_identical_bytes(self):
        assert ledger_workbook(sample_ledger()) == ledger_workbook(sample_ledger())


class TestLedger:
    @pytest.fixture
    def sheet(self):
        workbook = open_workbook(ledger_workbook(sample_ledger()))
        assert workbook.sheetnames == ["台账"]
        return workbook["台账"]

    def test_header_has_a_column_per_month(self, sheet):
        months = [f"2020年{month}月" for month in range(7, 13)]
        header = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限", *months, "完成情况", "办理状态"]
        assert [cell.value for cell in sheet[HEADER_ROW]] == header

    def test_title_and_rows(self, sheet):
        assert sheet["A1"].value == "《湖里区教育局2020年工作要点》工作台账"
        assert sheet["A4"].value == "一、全面加强党的建设"
        assert sheet.max_row == HEADER_ROW + 1 + 4
        assert [cell.value for cell in sheet[5]][5:] == [
            "7月进展：完成阶段任务（0%）",
            "8月进展：完成阶段任务（10%）",
            "9月进展：完成阶段任务（20%）",
            "10月进展：完成阶段任务（30%）",
            "11月进展：完成阶段任务（40%）",
            "12月进展：完成阶段任务（50%）",
            "● 绿灯 60%",
            "办理中",
        ]
        assert sheet["L5"].fill.fgColor.rgb.endswith(LIGHT_FILLS["green"])

    def test_panes_freeze_at_the_first_month_below_the_header(self, sheet):
        assert sheet.freeze_panes == "F4"

    def test_print_setup(self, sheet):
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9
        assert int(sheet.page_setup.fitToWidth) == 1
        assert sheet.print_title_rows == "$3:$3"


class TestCellText:
    def test_deadline_shows_the_plan_words_then_the_date(self):
        assert deadline_text("2020年12月底前", datetime.date(2021, 1, 31)) == "2020年12月底前\n2021年1月31日"

    def test_deadline_without_words_or_date(self):
        assert deadline_text("", datetime.date(2020, 7, 2)) == "2020年7月2日"
        assert deadline_text("持续推进", None) == "持续推进"
        assert deadline_text("2020年7月2日", datetime.date(2020, 7, 2)) == "2020年7月2日"

    def test_text_width_counts_cjk_double(self):
        assert text_width("ab") == 2
        assert text_width("推进，1") == 7

    def test_row_height_grows_with_wrapped_lines(self):
        one = row_height(["短", 1], [10, 6])
        assert row_height(["推进" * 20, 1], [10, 6]) > one
        assert row_height(["a\nb\nc", None], [10, 6]) > one
        assert row_height(["推进" * 5000], [10]) == 409
