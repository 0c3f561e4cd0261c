"""The PDF renderer: A4 landscape pages, the title and every task, page numbers, the repeated header, stable bytes."""

from __future__ import annotations

import dataclasses
import io

import pdfplumber
import pytest

from exports.cells import LIGHT_FILLS
from exports.render_pdf import monthly_pdf, pdf_context
from exports.report import Heading, MonthlyReport
from tests.exports.samples import sample_report

A4_LANDSCAPE = (842, 595)
HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限", "本月进展", "完成情况", "备注"]


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def squeeze(text: str) -> str:
    """Return the text without spaces and line breaks (pdfplumber splits CJK runs and wrapped cells)."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def long_report() -> MonthlyReport:
    return sample_report(rows_per_part=15)


@pytest.fixture(scope="module")
def long_pdf(long_report) -> bytes:
    return monthly_pdf(long_report)


@pytest.fixture(scope="module")
def texts(long_pdf) -> list[str]:
    return page_texts(long_pdf)


class TestPages:
    def test_every_page_is_a4_landscape(self, long_pdf):
        with pdfplumber.open(io.BytesIO(long_pdf)) as pdf:
            sizes = {(round(float(page.width)), round(float(page.height))) for page in pdf.pages}
            pages = len(pdf.pages)

        assert pages > 1
        for width, height in sizes:
            assert abs(width - A4_LANDSCAPE[0]) <= 1 and abs(height - A4_LANDSCAPE[1]) <= 1

    def test_pages_are_numbered_with_dashes(self, texts):
        for number, text in enumerate(texts, start=1):
            assert f"— {number} —" in text

    def test_the_header_row_repeats_on_the_next_page(self, texts):
        for header in HEADER:
            assert header in texts[1]

    def test_odd_page_numbers_sit_right_and_even_ones_left(self, long_pdf):
        with pdfplumber.open(io.BytesIO(long_pdf)) as pdf:
            positions = []
            for page in pdf.pages[:2]:
                number = [word for word in page.extract_words() if word["top"] > page.height - 60]
                positions.append(min(word["x0"] for word in number) / float(page.width))

        assert positions[0] > 0.75 and positions[1] < 0.25


class TestContent:
    def test_the_title_and_cut_off_come_first(self, texts, long_report):
        first = squeeze(texts[0])

        assert "《湖里区教育局2020年工作要点》2020年9月推进情况表" in first
        assert "数据截至2020年9月30日" in first
        assert first.index("一、总体情况") < first.index("序号")

    def test_every_task_is_in_the_table(self, texts, long_report):
        text = squeeze("".join(texts))

        for row in long_report.rows:
            assert f"第{row.serial}项任务" in text

    def test_headings_missing_reports_and_light_labels_are_shown(self, texts):
        text = squeeze("".join(texts))

        assert "一、全面加强党的建设" in text and "（一）深化课程改革" in text
        assert "本月未报送" in text
        for label in ("■红灯60%", "▲黄灯60%", "●绿灯60%", "○灰灯60%", "已办结100%"):
            assert label in text

    def test_completion_cells_are_filled_by_light(self, long_pdf):
        with pdfplumber.open(io.BytesIO(long_pdf)) as pdf:
            colours = {
                "".join(f"{round(channel * 255):02X}" for channel in rect["non_stroking_color"])
                for rect in pdf.pages[0].rects + pdf.pages[1].rects
                if rect["fill"] and len(rect["non_stroking_color"] or ()) == 3
            }

        assert set(LIGHT_FILLS.values()) <= colours

    def test_context_has_one_entry_per_task_and_heading(self, long_report):
        entries = pdf_context(long_report)["entries"]

        assert len(entries) == len(long_report.entries)
        headings = [entry.heading for entry in entries if entry.heading is not None]
        assert headings == [entry for entry in long_report.entries if isinstance(entry, Heading)]

    def test_fonts_name_the_gb_faces_then_noto(self):
        context = pdf_context(sample_report(rows_per_part=1))

        assert context["title_fonts"] == '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", serif'
        assert context["body_fonts"] == '"仿宋_GB2312", "FangSong", "Noto Serif CJK SC", "Noto Sans CJK SC", serif'


class TestFile:
    def test_metadata_has_the_title_author_and_cut_off(self, long_pdf, long_report):
        with pdfplumber.open(io.BytesIO(long_pdf)) as pdf:
            metadata = pdf.metadata

        assert metadata["Title"] == long_report.title
        assert metadata["Author"] == "督查督办系统"
        assert metadata["CreationDate"].startswith("D:20201001000000+08")

    def test_the_same_report_gives_the_same_bytes(self, long_pdf, long_report):
        assert monthly_pdf(long_report) == long_pdf

    def test_report_text_is_escaped(self):
        report = sample_report(rows_per_part=1)
        report = dataclasses.replace(report, plan_title="<b>计划</b> & 要点")

        assert "《<b>计划</b>&要点》" in squeeze(page_texts(monthly_pdf(report))[0])
