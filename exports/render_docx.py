"""The monthly report as a Word document laid out after GB/T 9704-2012 (党政机关公文格式).

Section 1 is A4 portrait with the standard 版心 (156 × 225 mm, 22 lines × 28 characters): the title in
小标宋 二号, the summary in 仿宋 三号 with headings in 黑体. Section 2 is A4 landscape and holds the
table, its header row repeated on every page. Page numbers read "— 1 —", right on odd pages and left
on even pages. The table is written as raw WordprocessingML so thousands of rows stay fast.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.styles.style import ParagraphStyle
from lxml import etree

from exports.cells import (
    LIGHT_FILLS,
    MISSING_COLOR,
    completion_lines,
    deadline_lines,
    missing_unit_lines,
    progress_lines,
    scope_lines,
    summary_headings,
    summary_sentences,
    table_note,
    title_lines,
)
from exports.files import normalized_zip
from exports.report import Heading, MonthlyReport, ReportRow

AUTHOR = "督查督办系统"
HEADING_FONT = "黑体"
HEADING_FONT_FALLBACK = "SimHei"
PAGE_NUMBER_FONT = "宋体"
PAGE_NUMBER_FONT_FALLBACK = "SimSun"

# GB/T 9704-2012: A4, 版心 156 × 225 mm, 22 lines of 28 characters in 三号 (16 pt).
BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
PAGE_NUMBER_SIZE = Pt(14)
LINE_PITCH = Pt(28.95)
# 28 characters of 16 pt overflow the 156 mm line by 6 pt, so body text is condensed by 0.25 pt a character
# (a line grid plus condensed spacing renders the same in Word, WPS and LibreOffice; a character grid does not).
CONDENSE_TWENTIETHS = -5
PORTRAIT_MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
PORTRAIT_FOOTER = Mm(23)  # the page number sits about 7 mm below the 版心
LANDSCAPE_MARGINS = {"top": Mm(22), "bottom": Mm(22), "left": Mm(22), "right": Mm(22)}
LANDSCAPE_FOOTER = Mm(10)
TABLE_SIZE = Pt(10.5)  # 五号
TABLE_CAPTION_SIZE = Pt(18)  # 小二

HEADER_FILL = "F2F2F2"
HEADING_FILL = "FAFAFA"
INVALID_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Column:
    """One column of the table: its header and its share of the landscape text width (mm)."""

    title: str
    width_mm: float
    centred: bool = False


@dataclass(frozen=True)
class Fonts:
    """The document's font names, each with the face Word/WPS should use where it is missing."""

    title: str
    title_fallback: str
    body: str
    body_fallback: str


def export_fonts() -> Fonts:
    """Return the fonts from the settings (EXPORT_TITLE_FONT, EXPORT_BODY_FONT and their fallbacks)."""
    return Fonts(
        title=getattr(settings, "EXPORT_TITLE_FONT", "方正小标宋简体"),
        title_fallback=getattr(settings, "EXPORT_TITLE_FONT_FALLBACK", "宋体"),
        body=getattr(settings, "EXPORT_BODY_FONT", "仿宋_GB2312"),
        body_fallback=getattr(settings, "EXPORT_BODY_FONT_FALLBACK", "仿宋"),
    )


def table_columns() -> list[Column]:
    """Return the table's columns in order; the widths add up to the landscape text width."""
    return [
        Column(_("序号"), 10, centred=True),
        Column(_("工作任务"), 47),
        Column(_("牵头单位"), 22),
        Column(_("配合单位"), 26),
        Column(_("完成时限"), 36),
        Column(_("本月进展"), 62),
        Column(_("完成情况"), 26),
        Column(_("备注"), 24),
    ]


# The document -----------------------------------------------------------------------------------


def monthly_document(report: MonthlyReport) -> bytes:
    """Return the monthly report as .docx bytes; the same report always gives the same bytes."""
    fonts = export_fonts()
    document = Document()
    styles = _define_styles(document, fonts)
    _register_fonts(document, fonts)
    _layout_portrait(document.sections[0])
    _write_summary(document, report, styles)
    landscape = document.add_section(WD_SECTION.NEW_PAGE)
    _layout_landscape(landscape)
    _write_table(document, report, styles)
    document.settings.odd_and_even_pages_header_footer = True
    for section in document.sections:
        _write_page_numbers(section, styles["page"])
    _set_properties(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalized_zip(buffer.getvalue(), report.as_of)


def _write_summary(document: WordDocument, report: MonthlyReport, styles: dict[str, ParagraphStyle]) -> None:
    title = document.add_paragraph(style=styles["title"])
    lines = title_lines(report)
    for index, line in enumerate(lines):
        run = title.add_run(line)
        if index < len(lines) - 1:
            run.add_break()
    document.add_paragraph(style=styles["centred"])
    for line in scope_lines(report):
        document.add_paragraph(line, style=styles["centred"])
    overall, missing, table_heading = summary_headings()
    document.add_paragraph(overall, style=styles["heading"])
    document.add_paragraph(summary_sentences(report), style=styles["body"])
    document.add_paragraph(missing, style=styles["heading"])
    for line in missing_unit_lines(report):
        document.add_paragraph(line, style=styles["body"])
    document.add_paragraph(table_heading, style=styles["heading"])
    document.add_paragraph(table_note(report), style=styles["body"])


def _write_table(document: WordDocument, report: MonthlyReport, styles: dict[str, ParagraphStyle]) -> None:
    document.add_paragraph(_("附表"), style=styles["attachment"])
    document.add_paragraph("".join(title_lines(report)), style=styles["caption"])
    columns = table_columns()
    widths = _column_twips(columns, document.sections[-1])
    ids = {key: style.style_id for key, style in styles.items()}
    table = _table_element(widths)
    _header_row(table, columns, widths, ids)
    for entry in report.entries:
        if isinstance(entry, Heading):
            _heading_row(table, entry, sum(widths), len(columns), ids)
        else:
            _task_row(table, entry, columns, widths, ids)
    document.element.body._insert_tbl(table)
    document.add_paragraph(style=styles["end"])


# Styles and fonts -------------------------------------------------------------------------------


def _set_fonts(rpr: etree._Element, name: str) -> None:
    """Name `name` for Latin and East Asian text (python-docx's font.name sets only ascii/hAnsi)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_indent_chars(style: ParagraphStyle, chars: int, size: Length) -> None:
    """Indent the first line by `chars` characters: w:firstLineChars for Word/WPS, the same in points for others."""
    style.paragraph_format.first_line_indent = Pt(size.pt * chars)
    indent = style.element.get_or_add_pPr().get_or_add_ind()
    indent.set(qn("w:firstLineChars"), str(chars * 100))


def _paragraph_style(
    document: WordDocument,
    name: str,
    font: str,
    size: Length,
    *,
    alignment: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent_chars: int = 0,
    exact_line: Length | None = None,
    bold: bool = False,
    condensed: bool = False,
) -> ParagraphStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.font.size = size
    if bold:
        style.font.bold = True
    if condensed:
        spacing = OxmlElement("w:spacing", {qn("w:val"): str(CONDENSE_TWENTIETHS)})
        style.element.get_or_add_rPr().insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz")
    _set_fonts(style.element.get_or_add_rPr(), font)
    layout = style.paragraph_format
    layout.alignment = alignment
    layout.space_before = layout.space_after = Pt(0)
    if exact_line is None:
        layout.line_spacing = 1.0
    else:
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = exact_line
    _set_indent_chars(style, indent_chars, size)
    return style


def _define_styles(document: WordDocument, fonts: Fonts) -> dict[str, ParagraphStyle]:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_fonts(default_rpr, fonts.body)
    default_rpr.find(qn("w:sz")).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    default_rpr.find(qn("w:szCs")).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    default_rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}").attrib.update(
        {qn("w:after"): "0", qn("w:line"): "240", qn("w:lineRule"): "auto"}
    )
    body = dict(exact_line=LINE_PITCH, condensed=True)
    return {
        "body": _paragraph_style(document, "Report Body", fonts.body, BODY_SIZE, indent_chars=2, **body),
        "heading": _paragraph_style(document, "Report Heading", HEADING_FONT, BODY_SIZE, indent_chars=2, **body),
        "title": _paragraph_style(
            document, "Report Title", fonts.title, TITLE_SIZE, alignment=WD_ALIGN_PARAGRAPH.CENTER, exact_line=Pt(36)
        ),
        "centred": _paragraph_style(
            document, "Report Centred", fonts.body, BODY_SIZE, alignment=WD_ALIGN_PARAGRAPH.CENTER, **body
        ),
        "attachment": _paragraph_style(
            document, "Report Attachment", HEADING_FONT, BODY_SIZE, alignment=WD_ALIGN_PARAGRAPH.LEFT
        ),
        "caption": _paragraph_style(
            document, "Report Caption", fonts.title, TABLE_CAPTION_SIZE, alignment=WD_ALIGN_PARAGRAPH.CENTER
        ),
        "cell": _paragraph_style(document, "Report Cell", fonts.body, TABLE_SIZE, alignment=WD_ALIGN_PARAGRAPH.LEFT),
        "cell_header": _paragraph_style(
            document, "Report Cell Header", HEADING_FONT, TABLE_SIZE, alignment=WD_ALIGN_PARAGRAPH.CENTER, bold=True
        ),
        "cell_heading": _paragraph_style(
            document, "Report Cell Heading", HEADING_FONT, TABLE_SIZE, alignment=WD_ALIGN_PARAGRAPH.LEFT
        ),
        "page": _paragraph_style(document, "Report Page Number", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE),
        "end": _paragraph_style(document, "Report End", fonts.body, Pt(1), exact_line=Pt(1)),
    }


def _register_fonts(document: WordDocument, fonts: Fonts) -> None:
    """Add the fonts to the font table, each with w:altName naming the face to use where it is missing."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    table = etree.fromstring(part.blob)
    faces = [
        (fonts.title, (fonts.title_fallback, "roman")),
        (fonts.body, (fonts.body_fallback, "roman")),
        (HEADING_FONT, (HEADING_FONT_FALLBACK, "swiss")),
        (PAGE_NUMBER_FONT, (PAGE_NUMBER_FONT_FALLBACK, "roman")),
    ]
    for name, (fallback, family) in dict(faces).items():
        font = etree.SubElement(table, qn("w:font"), {qn("w:name"): name})
        if fallback and fallback != name:
            etree.SubElement(font, qn("w:altName"), {qn("w:val"): fallback})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        etree.SubElement(font, qn("w:family"), {qn("w:val"): family})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "variable"})
    # python-docx keeps parts it does not model as bytes; the font table is one of them.
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


# Page layout ------------------------------------------------------------------------------------


def _twips(length: Length) -> int:
    return round(length / 635)


def _set_margins(section: Section, margins: dict[str, Length]) -> None:
    section.top_margin, section.bottom_margin = margins["top"], margins["bottom"]
    section.left_margin, section.right_margin = margins["left"], margins["right"]


def _set_grid(section: Section, **attributes: str) -> None:
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.attrib.clear()
    grid.attrib.update({qn(f"w:{key}"): value for key, value in attributes.items()})


def _layout_portrait(section: Section) -> None:
    """A4 portrait with the 版心 of GB/T 9704 and a grid of 22 lines (the body styles fit 28 characters a line)."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    _set_margins(section, PORTRAIT_MARGINS)
    section.footer_distance = PORTRAIT_FOOTER
    _set_grid(section, type="lines", linePitch=str(_twips(LINE_PITCH)))


def _layout_landscape(section: Section) -> None:
    """A4 landscape for the table, without the line grid (table lines keep their own height)."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    _set_margins(section, LANDSCAPE_MARGINS)
    section.footer_distance = LANDSCAPE_FOOTER
    _set_grid(section, linePitch="312")


def _write_page_numbers(section: Section, style: ParagraphStyle) -> None:
    """Write "— N —" in the odd footer (right) and the even footer (left), one character from the edge."""
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = style
        paragraph.alignment = alignment
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = PAGE_NUMBER_SIZE
        else:
            paragraph.paragraph_format.left_indent = PAGE_NUMBER_SIZE
        paragraph.add_run("— ")
        _append_page_field(paragraph._p)
        paragraph.add_run(" —")


def _append_page_field(paragraph: etree._Element) -> None:
    """Append a PAGE field as the complex-field runs Word writes (showing 1 until the reader lays out pages)."""
    _el(_el(paragraph, "w:r"), "w:fldChar", fldCharType="begin")
    _text(_el(_el(paragraph, "w:r"), "w:instrText"), " PAGE ")
    _el(_el(paragraph, "w:r"), "w:fldChar", fldCharType="separate")
    _text(_el(_el(paragraph, "w:r"), "w:t"), "1")
    _el(_el(paragraph, "w:r"), "w:fldChar", fldCharType="end")


def _set_properties(document: WordDocument, report: MonthlyReport) -> None:
    moment = _utc_naive(report.as_of)
    properties = document.core_properties
    properties.title = report.title
    properties.author = properties.last_modified_by = AUTHOR
    properties.comments = ""
    properties.created = properties.modified = moment
    properties.revision = 1


def _utc_naive(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)


# The table as WordprocessingML ------------------------------------------------------------------


def _el(parent: etree._Element, tag: str, **attributes: object) -> etree._Element:
    element = etree.SubElement(parent, qn(tag))
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def _text(element: etree._Element, text: str) -> None:
    element.text = INVALID_XML_CHARS.sub("", text)
    if text != text.strip():
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _column_twips(columns: list[Column], section: Section) -> list[int]:
    """Return the column widths in twips, scaled so they fill the section's text width exactly."""
    total = _twips(section.page_width - section.left_margin - section.right_margin)
    share = sum(column.width_mm for column in columns)
    widths = [int(total * column.width_mm / share) for column in columns]
    widths[-1] += total - sum(widths)
    return widths


def _table_element(widths: list[int]) -> etree._Element:
    table = OxmlElement("w:tbl")
    properties = _el(table, "w:tblPr")
    _el(properties, "w:tblW", w=sum(widths), type="dxa")
    _el(properties, "w:jc", val="center")
    borders = _el(properties, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _el(borders, f"w:{edge}", val="single", sz=4, space=0, color="000000")
    _el(properties, "w:tblLayout", type="fixed")
    margins = _el(properties, "w:tblCellMar")
    for edge in ("left", "right"):
        _el(margins, f"w:{edge}", w=68, type="dxa")
    _el(properties, "w:tblLook", val="0020", firstRow=1, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
    grid = _el(table, "w:tblGrid")
    for width in widths:
        _el(grid, "w:gridCol", w=width)
    return table


def _row(table: etree._Element, *, header: bool = False) -> etree._Element:
    row = _el(table, "w:tr")
    properties = _el(row, "w:trPr")
    _el(properties, "w:cantSplit")
    if header:
        _el(properties, "w:tblHeader")
    return row


def _cell(
    row: etree._Element,
    width: int,
    lines: Iterable[tuple[str, bool]],
    style_id: str,
    *,
    span: int = 1,
    fill: str = "",
    centred: bool = False,
) -> None:
    cell = _el(row, "w:tc")
    properties = _el(cell, "w:tcPr")
    _el(properties, "w:tcW", w=width, type="dxa")
    if span > 1:
        _el(properties, "w:gridSpan", val=span)
    if fill:
        _el(properties, "w:shd", val="clear", color="auto", fill=fill)
    _el(properties, "w:vAlign", val="center")
    for text, missing in list(lines) or [("", False)]:
        paragraph = _el(cell, "w:p")
        paragraph_properties = _el(paragraph, "w:pPr")
        _el(paragraph_properties, "w:pStyle", val=style_id)
        if centred:
            _el(paragraph_properties, "w:jc", val="center")
        run = _el(paragraph, "w:r")
        if missing:
            _el(_el(run, "w:rPr"), "w:color", val=MISSING_COLOR)
        _text(_el(run, "w:t"), text)


def _plain(lines: Iterable[str]) -> list[tuple[str, bool]]:
    return [(line, False) for line in lines]


def _header_row(table: etree._Element, columns: list[Column], widths: list[int], ids: dict[str, str]) -> None:
    row = _row(table, header=True)
    for column, width in zip(columns, widths, strict=True):
        _cell(row, width, _plain([column.title]), ids["cell_header"], fill=HEADER_FILL)


def _heading_row(table: etree._Element, heading: Heading, width: int, span: int, ids: dict[str, str]) -> None:
    row = _row(table)
    _cell(row, width, _plain([heading.label]), ids["cell_heading"], span=span, fill=HEADING_FILL)


def _task_row(
    table: etree._Element, entry: ReportRow, columns: list[Column], widths: list[int], ids: dict[str, str]
) -> None:
    cells = [
        _plain([str(entry.serial)]),
        _plain([entry.task_label]),
        _plain(["、".join(entry.lead_units)]),
        _plain(["、".join(entry.co_units)]),
        _plain(deadline_lines(entry.deadline_text, entry.deadline)),
        progress_lines(entry),
        _plain(completion_lines(entry.light, entry.light_label, entry.percent, entry.light_reason)),
        _plain(line for line in entry.remarks.splitlines() if line.strip()),
    ]
    row = _row(table)
    completion = len(cells) - 2
    for index, (column, width, lines) in enumerate(zip(columns, widths, cells, strict=True)):
        fill = LIGHT_FILLS.get(entry.light, "") if index == completion else ""
        _cell(row, width, lines, ids["cell"], fill=fill, centred=column.centred)
