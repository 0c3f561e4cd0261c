"""The Word renderer: GB/T 9704 page layout and fonts, the landscape table, footers, stable bytes."""

from __future__ import annotations

import dataclasses
import datetime
import io

import pytest
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from docx.table import Table
from lxml import etree

from exports.cells import LIGHT_FILLS, MISSING_COLOR, deadline_lines, progress_lines
from exports.render_docx import monthly_document
from exports.report import Heading, MonthlyReport, UnitNote
from tests.exports.samples import sample_report, sample_row

HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限", "本月进展", "完成情况", "备注"]
COMPLETION = HEADER.index("完成情况")
PROGRESS = HEADER.index("本月进展")


def open_document(data: bytes) -> WordDocument:
    return Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def report() -> MonthlyReport:
    return sample_report()


@pytest.fixture(scope="module")
def document(report) -> WordDocument:
    return open_document(monthly_document(report))


@pytest.fixture(scope="module")
def table(document) -> Table:
    return document.tables[0]


def style_fonts(style) -> dict[str, str]:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return {name: fonts.get(qn(f"w:{name}")) for name in ("ascii", "eastAsia")}


def style_by_id(document: WordDocument, style_id: str):
    return next(style for style in document.styles if style.style_id == style_id)


def paragraph_with(document: WordDocument, text: str):
    return next(paragraph for paragraph in document.paragraphs if text in paragraph.text)


def cell_fill(cell) -> str | None:
    shading = cell._tc.tcPr.find(qn("w:shd"))
    return None if shading is None else shading.get(qn("w:fill"))


class TestPageLayout:
    def test_first_section_is_a4_portrait_with_the_gbt9704_margins(self, document):
        section = document.sections[0]

        assert section.orientation == WD_ORIENT.PORTRAIT
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        for margin, expected in zip(margins, (37, 35, 28, 26), strict=True):
            assert margin.mm == pytest.approx(expected, abs=0.5)

    def test_first_section_text_block_is_156_by_225_mm(self, document):
        section = document.sections[0]

        width = Length(section.page_width - section.left_margin - section.right_margin)
        height = Length(section.page_height - section.top_margin - section.bottom_margin)
        assert (width.mm, height.mm) == (pytest.approx(156, abs=0.5), pytest.approx(225, abs=0.5))

    def test_second_section_is_a4_landscape_on_a_new_page(self, document):
        assert len(document.sections) == 2
        section = document.sections[1]

        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
        for margin in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin):
            assert 15 <= margin.mm <= 25

    def test_body_lines_sit_on_a_22_line_grid(self, document):
        grid = document.sections[0]._sectPr.find(qn("w:docGrid"))

        assert int(grid.get(qn("w:linePitch"))) * 22 <= round(225 / 25.4 * 1440)


class TestFonts:
    def test_title_is_two_lines_in_the_title_font_at_22pt_centred(self, document):
        title = paragraph_with(document, "推进情况表")

        assert title.text == "《湖里区教育局2020年工作要点》\n2020年9月推进情况表"
        assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert title.style.font.size == Pt(22)
        assert style_fonts(title.style) == {"ascii": "方正小标宋简体", "eastAsia": "方正小标宋简体"}

    def test_one_units_report_names_the_unit_on_a_third_title_line(self):
        document = open_document(monthly_document(sample_report(unit="基础教育科")))

        assert paragraph_with(document, "推进情况表").text.splitlines()[-1] == "（基础教育科）"
        assert paragraph_with(document, "统计范围").text.startswith("统计范围：基础教育科")

    def test_body_is_fangsong_16pt_with_fixed_line_spacing_and_a_two_character_indent(self, document):
        body = paragraph_with(document, "本计划共有任务")
        layout = body.style.paragraph_format

        assert style_fonts(body.style)["eastAsia"] == "仿宋_GB2312"
        assert body.style.font.size == Pt(16)
        assert layout.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert 28 <= layout.line_spacing.pt <= 29
        assert layout.first_line_indent == Pt(32)
        assert body.style.element.pPr.ind.get(qn("w:firstLineChars")) == "200"

    def test_headings_in_the_body_are_heiti_16pt(self, document):
        heading = paragraph_with(document, "一、总体情况")

        assert style_fonts(heading.style)["eastAsia"] == "黑体"
        assert heading.style.font.size == Pt(16)

    def test_fonts_come_from_the_settings(self, settings):
        settings.EXPORT_TITLE_FONT = "华文中宋"
        settings.EXPORT_BODY_FONT = "仿宋"
        document = open_document(monthly_document(sample_report()))

        assert style_fonts(paragraph_with(document, "推进情况表").style)["eastAsia"] == "华文中宋"
        assert style_fonts(paragraph_with(document, "本计划共有任务").style)["eastAsia"] == "仿宋"

    def test_font_table_names_a_fallback_for_each_gb_font(self, document):
        fonts = etree.fromstring(document.part.part_related_by(RT.FONT_TABLE).blob)
        fallbacks = {
            font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
            for font in fonts.iter(qn("w:font"))
            if font.find(qn("w:altName")) is not None
        }

        assert fallbacks["方正小标宋简体"] == "宋体"
        assert fallbacks["仿宋_GB2312"] == "仿宋"
        assert fallbacks["黑体"] == "SimHei"

    def test_default_run_font_is_east_asian_not_a_theme_font(self, document):
        defaults = document.styles.element.find(qn("w:docDefaults"))
        fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")

        assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        assert fonts.get(qn("w:eastAsiaTheme")) is None


class TestSummary:
    def test_summary_states_the_figures(self, document, report):
        text = paragraph_with(document, "本计划共有任务").text

        assert text.startswith("本计划共有任务6项，其中已办结1项、绿灯1项、黄灯1项、红灯2项、灰灯1项；")
        assert "完成率16.7%，平均进度" in text
        assert "本月应报送进展12份，已报送11份。" in text
        assert text.endswith("本月催办2次、督办1次。")

    def test_summary_has_the_cut_off_and_the_document_number(self, document):
        texts = [paragraph.text for paragraph in document.paragraphs]

        assert "厦湖教〔2020〕132号　厦门市湖里区教育局" in texts
        assert any("数据截至 2020年9月30日" in text for text in texts)

    def test_units_with_missing_reports_are_listed(self, document):
        assert paragraph_with(document, "基础教育科，未报送").text == "1．基础教育科，未报送1份。"

    def test_no_missing_units_reads_all_filed(self):
        report = sample_report()
        report = dataclasses.replace(report, summary=dataclasses.replace(report.summary, missing_units=()))

        assert paragraph_with(open_document(monthly_document(report)), "均已按时报送").text


class TestTable:
    def test_the_table_is_the_only_one_and_lies_in_the_landscape_section(self, document):
        body = document.element.body
        first_section_end = next(
            index for index, element in enumerate(body) if element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
        )

        assert len(document.tables) == 1
        assert body.index(document.tables[0]._tbl) > first_section_end

    def test_header_cells(self, table):
        assert [cell.text for cell in table.rows[0].cells] == HEADER

    def test_header_row_repeats_on_every_page_and_is_bold(self, table, document):
        header = table.rows[0]._tr

        assert header.trPr.find(qn("w:tblHeader")) is not None
        style = style_by_id(document, header.tc_lst[0].p_lst[0].style)
        assert style.font.bold

    def test_one_row_per_task_and_per_heading(self, table, report):
        assert len(table.rows) - 1 == len(report.entries) == len(report.rows) + 3

    def test_headings_span_the_full_width_in_heiti(self, table, document, report):
        rows = table.rows[1:]
        for entry, row in zip(report.entries, rows, strict=True):
            if isinstance(entry, Heading):
                cells = row._tr.tc_lst
                assert len(cells) == 1 and cells[0].grid_span == len(HEADER)
                assert cells[0].xpath("string(.)") == entry.label
                assert style_fonts(style_by_id(document, cells[0].p_lst[0].style))["eastAsia"] == "黑体"

    def test_task_rows_show_the_rows_cells(self, table, report):
        row = report.rows[0]
        cells = [cell.text for cell in table.rows[2].cells]

        assert cells[:5] == [
            "1",
            row.task_label,
            "基础教育科",
            "办公室、厦门市湖里区实验小学",
            "2020年12月底前\n2020年12月31日",
        ]
        assert cells[PROGRESS].splitlines()[-1] == "【办公室】配合完成材料汇总。"
        assert cells[COMPLETION] == "■ 红灯 60%\n正常推进"
        assert cells[-1] == row.remarks

    def test_completion_cells_are_shaded_by_light(self, table, report):
        rows = [
            row for entry, row in zip(report.entries, table.rows[1:], strict=True) if not isinstance(entry, Heading)
        ]
        fills = {entry.light: cell_fill(row.cells[COMPLETION]) for entry, row in zip(report.rows, rows, strict=True)}

        assert fills == LIGHT_FILLS
        assert cell_fill(rows[0].cells[PROGRESS]) is None

    def test_missing_report_reads_not_filed_in_red(self, table):
        cell = next(row.cells[PROGRESS] for row in table.rows[1:] if "本月未报送" in row.cells[PROGRESS].text)
        run = cell.paragraphs[0].runs[0]

        assert run.text == "本月未报送"
        assert str(run.font.color.rgb) == MISSING_COLOR

    def test_table_font_is_fangsong_wuhao_to_xiaosi(self, table, document):
        style = table.rows[2].cells[1].paragraphs[0].style

        assert style_fonts(style)["eastAsia"] == "仿宋_GB2312"
        assert Pt(10.5) <= style.font.size <= Pt(12)

    def test_column_widths_fill_the_landscape_text_width(self, table, document):
        section = document.sections[1]
        text_width = round((section.page_width - section.left_margin - section.right_margin) / 635)
        widths = [int(column.get(qn("w:w"))) for column in table._tbl.tblGrid.iter(qn("w:gridCol"))]

        assert len(widths) == len(HEADER)
        assert abs(sum(widths) - text_width) <= 1


class TestCells:
    def test_progress_lists_co_unit_notes_and_marks_missing_ones(self):
        row = sample_row(
            1,
            progress="",
            progress_missing=False,
            co_notes=(UnitNote(unit="办公室", text="已配合。\n第二行"), UnitNote(unit="教研室", text="", missing=True)),
        )

        assert progress_lines(row) == [
            ("—", False),
            ("【办公室】已配合。", False),
            ("第二行", False),
            ("【教研室】未报送", True),
        ]

    def test_deadline_shows_the_plans_words_then_the_date(self):
        assert deadline_lines("2020年12月底前", datetime.date(2020, 12, 31)) == ["2020年12月底前", "2020年12月31日"]
        assert deadline_lines("", datetime.date(2020, 12, 31)) == ["2020年12月31日"]
        assert deadline_lines("", None) == []

    def test_control_characters_in_report_text_do_not_break_the_file(self):
        report = sample_report(rows_per_part=1)
        entries = tuple(
            dataclasses.replace(entry, progress="换页\x08之后\x01") if not isinstance(entry, Heading) else entry
            for entry in report.entries
        )
        document = open_document(monthly_document(dataclasses.replace(report, entries=entries)))

        assert "换页之后" in document.tables[0].rows[2].cells[PROGRESS].text


class TestFooters:
    def test_odd_and_even_footers_are_enabled(self, document):
        assert document.settings.odd_and_even_pages_header_footer

    @pytest.mark.parametrize("index", [0, 1])
    def test_every_section_numbers_odd_pages_right_and_even_pages_left(self, document, index):
        section = document.sections[index]
        odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]

        assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
        for paragraph in (odd, even):
            instructions = "".join(paragraph._p.xpath(".//w:instrText/text()"))
            assert instructions.strip() == "PAGE"
            assert paragraph.text == "— 1 —"
            assert paragraph.style.font.size == Pt(14)
            assert style_fonts(paragraph.style)["eastAsia"] == "宋体"


class TestFileProperties:
    def test_core_properties_carry_the_title_author_and_cut_off(self, document, report):
        properties = document.core_properties
        cut_off = report.as_of.astimezone(datetime.UTC).replace(tzinfo=None)

        assert properties.title == report.title
        assert properties.author == "督查督办系统"
        assert properties.created.replace(tzinfo=None) == cut_off
        assert properties.modified.replace(tzinfo=None) == cut_off

    def test_the_same_report_gives_the_same_bytes(self, report):
        assert monthly_document(report) == monthly_document(report)

    def test_a_different_report_gives_different_bytes(self, report):
        assert monthly_document(report) != monthly_document(sample_report(unit="基础教育科"))
