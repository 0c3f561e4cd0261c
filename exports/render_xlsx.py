"""The monthly progress report (月度推进情况表) and the ledger (台账) as Excel workbooks.

Layout only: every figure and word comes from `exports.report`. Styles are registered once per
workbook as named styles, so a cell costs one lookup, and thousands of rows stay fast. The bytes
are reproducible: document properties and zip stamps carry the report's cut-off, not the clock.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from core.dates import chinese_date
from exports.cells import LIGHT_FILLS, MISSING_COLOR, completion_lines, deadline_lines, progress_lines
from exports.files import normalized_zip
from exports.report import LIGHT_KEYS, Heading, Ledger, LedgerRow, MonthlyReport, ReportRow, Summary
from plans.lights import LIGHT_ICONS, Light

SPLITS = ("", "part", "unit")
LIGHT = "light"  # a column styled by each row's light
TITLE_ROW, AS_OF_ROW, HEADER_ROW = 1, 2, 3
SHEET_NAME_LIMIT = 31
CREATOR = "督查督办系统"

HEADER_FILL = "D9E1F2"
HEADING_FILLS = {1: "E7E6E6", 2: "F2F2F2"}
FONT_NAME = "宋体"
MARGIN_INCHES = 0.59  # 1.5 cm
LINE_HEIGHT = 14.5  # points per line of 10 pt CJK text (Noto CJK's line gap is the tallest in use)
ROW_PADDING = 3.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit
HEADING_HEIGHT = 20.0
PERCENT_FORMAT = "0.0%"
TIMES_FORMAT = '0" 次"'

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_NAMES = ("history",)  # Excel keeps "History" for itself

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BODY_FONT = Font(name=FONT_NAME, size=10)
_BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
_TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_WRAP_TOP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_LEFT_MIDDLE = Alignment(vertical="center")
_MISSING_FONT = InlineFont(color=MISSING_COLOR)


@dataclass(frozen=True)
class Column:
    """A table column: its header, width in characters and the named style of its body cells."""

    title: str
    width: float
    style: str = "body"  # LIGHT: filled by each row's light


def _named_styles() -> list[NamedStyle]:
    """Return fresh named styles for one workbook (a NamedStyle binds to the workbook it joins)."""
    styles = [
        NamedStyle("title", font=_TITLE_FONT, alignment=_CENTER),
        NamedStyle("subtitle", font=_BODY_FONT, alignment=Alignment(horizontal="center", vertical="center")),
        NamedStyle("strong", font=_BOLD_FONT, alignment=_LEFT_MIDDLE),
        NamedStyle("header", font=_BOLD_FONT, alignment=_CENTER, border=_BORDER, fill=_fill(HEADER_FILL)),
        NamedStyle("body", font=_BODY_FONT, alignment=_WRAP_TOP, border=_BORDER),
        NamedStyle("body_center", font=_BODY_FONT, alignment=_WRAP_TOP_CENTER, border=_BORDER),
        NamedStyle("number", font=_BODY_FONT, alignment=_LEFT_MIDDLE, border=_BORDER),
        NamedStyle("percent", font=_BODY_FONT, alignment=_LEFT_MIDDLE, border=_BORDER, number_format=PERCENT_FORMAT),
        NamedStyle("times", font=_BODY_FONT, alignment=_LEFT_MIDDLE, border=_BORDER, number_format=TIMES_FORMAT),
        NamedStyle("label", font=_BODY_FONT, alignment=_LEFT_MIDDLE, border=_BORDER),
    ]
    for level, color in HEADING_FILLS.items():
        alignment = Alignment(vertical="center", indent=level - 1)
        styles.append(
            NamedStyle(f"heading{level}", font=_BOLD_FONT, alignment=alignment, border=_BORDER, fill=_fill(color))
        )
    for key, color in LIGHT_FILLS.items():
        styles.append(
            NamedStyle(f"light_{key}", font=_BODY_FONT, alignment=_WRAP_TOP, border=_BORDER, fill=_fill(color))
        )
        styles.append(
            NamedStyle(f"label_{key}", font=_BODY_FONT, alignment=_LEFT_MIDDLE, border=_BORDER, fill=_fill(color))
        )
    return styles


def _fill(color: str) -> PatternFill:
    return PatternFill("solid", fgColor=color)


def _new_workbook(title: str, as_of: datetime.datetime) -> Workbook:
    """Return an empty workbook with the styles registered and the properties set to the cut-off."""
    workbook = Workbook()
    for style in _named_styles():
        workbook.add_named_style(style)
    moment = _naive_utc(as_of)
    workbook.properties.title = title
    workbook.properties.creator = CREATOR
    workbook.properties.lastModifiedBy = CREATOR
    workbook.properties.created = moment
    workbook.properties.modified = moment
    return workbook


def _naive_utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _workbook_bytes(workbook: Workbook, moment: datetime.datetime) -> bytes:
    """Return the workbook's bytes, keeping its own modified time (openpyxl's `save` stamps the clock)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return normalized_zip(buffer.getvalue(), moment)


def sheet_names(labels: Iterable[str], *, taken: Iterable[str] = ()) -> list[str]:
    """Return a valid, unique Excel sheet name for each label: no []:*?/\\, at most 31 characters.

    A name already used (also among `taken`, ignoring case) gets a suffix: 基础教育科（2）.
    """
    used = {name.casefold() for name in taken} | set(_RESERVED_SHEET_NAMES)
    names: list[str] = []
    for label in labels:
        base = _INVALID_SHEET_CHARS.sub("", label).strip().strip("'").strip() or _("工作表")
        base = base[:SHEET_NAME_LIMIT]
        name, counter = base, 1
        while name.casefold() in used:
            counter += 1
            suffix = f"（{counter}）"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        used.add(name.casefold())
        names.append(name)
    return names


def deadline_text(text: str, deadline: datetime.date | None) -> str:
    """Return the time limit cell: the plan's words, then the date on a new line."""
    return "\n".join(deadline_lines(text, deadline))


def light_text(light: str, label: str, percent: int, reason: str = "") -> str:
    """Return the completion cell: ■ 红灯 60%, then the reason on a new line."""
    return "\n".join(completion_lines(light, label, percent, reason))


def progress_cell(row: ReportRow) -> str | CellRichText:
    """Return 本月进展: the lead's report (or 本月未报送 in red, or —), then each co-unit's note."""
    lines = progress_lines(row)
    if not any(missing for _text, missing in lines):
        return "\n".join(text for text, _missing in lines)
    blocks: list[str | TextBlock] = []
    for index, (text, missing) in enumerate(lines):
        if index:
            blocks.append("\n")
        blocks.append(TextBlock(_MISSING_FONT, text) if missing else text)
    return CellRichText(*blocks)


def text_width(text: str) -> int:
    """Return the text's width in column units: a CJK character counts two, ASCII one.

    Counted from the UTF-8 length (CJK is three bytes, ASCII one), which is fast for long reports.
    """
    return (len(text.encode("utf-8")) + len(text)) // 2


def row_height(values: Sequence[object], widths: Sequence[float]) -> float:
    """Return a body row's height in points, so wrapped text shows whole (neither Excel nor LibreOffice
    fits rows to wrapped text on opening a file)."""
    lines = 1
    for value, width in zip(values, widths, strict=True):
        if value is None or isinstance(value, int | float):
            continue
        capacity = max(width, 1)
        count = sum(-(-text_width(part) // capacity) or 1 for part in str(value).split("\n"))
        lines = max(lines, count)
    return min(lines * LINE_HEIGHT + ROW_PADDING, MAX_ROW_HEIGHT)


def _monthly_columns() -> list[Column]:
    return [
        Column(_("序号"), 6, "body_center"),
        Column(_("工作任务"), 34),
        Column(_("牵头单位"), 13),
        Column(_("配合单位"), 16),
        Column(_("完成时限"), 14),
        Column(_("本月进展"), 60),
        Column(_("完成情况"), 15, LIGHT),
        Column(_("备注"), 26),
    ]


def _monthly_values(row: ReportRow) -> tuple:
    return (
        row.serial,
        row.task_label,
        "、".join(row.lead_units),
        "、".join(row.co_units),
        deadline_text(row.deadline_text, row.deadline),
        progress_cell(row),
        light_text(row.light, row.light_label, row.percent, row.light_reason),
        row.remarks,
    )


def _ledger_columns(months: Sequence[datetime.date]) -> list[Column]:
    month_columns = [
        Column(_("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}, 24) for month in months
    ]
    return [
        Column(_("序号"), 6, "body_center"),
        Column(_("工作任务"), 30),
        Column(_("牵头单位"), 12),
        Column(_("配合单位"), 12),
        Column(_("完成时限"), 13),
        *month_columns,
        Column(_("完成情况"), 13, LIGHT),
        Column(_("办理状态"), 10),
    ]


def _ledger_values(row: LedgerRow) -> tuple:
    return (
        row.serial,
        f"{row.number}. {row.headline}" if row.number else row.headline,
        "、".join(row.lead_units),
        "、".join(row.co_units),
        deadline_text(row.deadline_text, row.deadline),
        *(text or "—" for text in row.months),
        light_text(row.light, row.light_label, row.percent),
        row.status_label,
    )


def _as_of_line(day: datetime.date) -> str:
    return _("数据截至 %(day)s") % {"day": chinese_date(day)}


def _write_table(
    sheet: Worksheet,
    *,
    title: str,
    subtitle: str,
    columns: list[Column],
    entries: Iterable[Heading | ReportRow | LedgerRow],
    values: Callable[[ReportRow | LedgerRow], tuple],
    frozen_column: int = 1,
) -> None:
    """Write a title, a subtitle, a header row and one row per entry (headings as merged bold rows).

    Then freeze the panes below the header (and left of `frozen_column`) and set up printing.
    """
    width = len(columns)
    _merged_line(sheet, TITLE_ROW, width, title, "title")
    sheet.row_dimensions[TITLE_ROW].height = 30
    _merged_line(sheet, AS_OF_ROW, width, subtitle, "subtitle")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        cell = sheet.cell(row=HEADER_ROW, column=index, value=column.title)
        cell.style = "header"
    sheet.row_dimensions[HEADER_ROW].height = HEADING_HEIGHT
    widths = [column.width for column in columns]
    styles = [column.style for column in columns]
    light_styles = {key: f"light_{key}" for key in LIGHT_FILLS}
    cell_at = sheet.cell
    heights = sheet.row_dimensions
    row_number = HEADER_ROW
    for entry in entries:
        row_number += 1
        if isinstance(entry, Heading):
            level = min(max(entry.level, 1), max(HEADING_FILLS))
            _merged_line(sheet, row_number, width, entry.label, f"heading{level}")
            heights[row_number].height = HEADING_HEIGHT
            continue
        row_values = values(entry)
        light_style = light_styles.get(entry.light, "light_grey")
        for index, (value, style) in enumerate(zip(row_values, styles, strict=True), start=1):
            cell_at(row=row_number, column=index, value=value).style = light_style if style == LIGHT else style
        heights[row_number].height = row_height(row_values, widths)
    sheet.freeze_panes = f"{get_column_letter(frozen_column)}{HEADER_ROW + 1}"
    _print_setup(sheet, landscape=True)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _merged_line(sheet: Worksheet, row: int, width: int, value: str, style: str) -> None:
    """Write one value across the table's columns (title lines and heading rows)."""
    sheet.cell(row=row, column=1, value=value).style = style
    if width > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _print_setup(sheet: Worksheet, *, landscape: bool) -> None:
    """A4, one page wide, 1.5 cm margins, centred, with 第 N 页，共 M 页 in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE if landscape else sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        left=MARGIN_INCHES, right=MARGIN_INCHES, top=MARGIN_INCHES, bottom=MARGIN_INCHES, header=0.3, footer=0.3
    )
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = _("第 &P 页，共 &N 页")


def _summary_lines(summary: Summary) -> list[tuple[str, object, str]]:
    """Return the summary table's rows: label, value and the named styles (label style, value style)."""
    lines: list[tuple[str, object, str]] = [(_("任务总数"), summary.tasks, "number")]
    for key in LIGHT_KEYS:
        label = f"{LIGHT_ICONS[key]} {Light(key).label}"
        lines.append((label, summary.lights.get(key, 0), f"label_{key}"))
    rate = summary.completion_rate
    lines.append((_("完成率"), None if rate is None else rate / 100, "percent"))
    mean = summary.mean_percent
    lines.append((_("平均进度"), None if mean is None else mean / 100, "percent"))
    lines.append((_("应报报告"), summary.reports_due, "number"))
    lines.append((_("已报报告"), summary.reports_filed, "number"))
    lines.append((_("本月催办"), summary.reminders, "times"))
    lines.append((_("本月督办"), summary.escalations, "times"))
    return lines


def _write_summary(sheet: Worksheet, report: MonthlyReport) -> None:
    """Write the 汇总 sheet: title, 文号, 数据截至, the figures, then the units that did not report."""
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 16
    _merged_line(sheet, 1, 2, report.title, "title")
    sheet.row_dimensions[1].height = 48
    number = _("文号：%(number)s") % {"number": report.doc_number or "—"}
    if report.issuer:
        number = f"{report.issuer}　{number}"
    _merged_line(sheet, 2, 2, number, "subtitle")
    _merged_line(sheet, 3, 2, _as_of_line(report.as_of_day), "subtitle")
    row = 5
    _header(sheet, row, (_("项目"), _("数值")))
    for label, value, style in _summary_lines(report.summary):
        row += 1
        label_style = style if style.startswith("label_") else "label"
        sheet.cell(row=row, column=1, value=label).style = label_style
        cell = sheet.cell(row=row, column=2, value="—" if value is None else value)
        cell.style = "number" if style.startswith("label_") else style
    row += 2
    sheet.cell(row=row, column=1, value=_("未按时报送单位")).style = "strong"
    row += 1
    _header(sheet, row, (_("单位"), _("未报次数")))
    missing = report.summary.missing_units
    if not missing:
        row += 1
        sheet.cell(row=row, column=1, value=_("无")).style = "label"
        sheet.cell(row=row, column=2).style = "label"
    for unit in missing:
        row += 1
        sheet.cell(row=row, column=1, value=unit.unit).style = "label"
        sheet.cell(row=row, column=2, value=unit.count).style = "number"
    _print_setup(sheet, landscape=False)


def _header(sheet: Worksheet, row: int, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        sheet.cell(row=row, column=column, value=title).style = "header"


def _table_groups(report: MonthlyReport, split: str) -> list[tuple[str, Sequence[Heading | ReportRow]]]:
    """Return (sheet label, entries) for each table sheet of the split."""
    if split == "":
        return [(_("推进情况"), report.entries)]
    if split == "part":
        return [(label or _("其他任务"), entries) for label, entries in report.by_part()]
    if split == "unit":
        return [(unit or _("未定牵头单位"), rows) for unit, rows in report.by_unit()]
    raise ValueError(f"Unknown split {split!r}; expected one of {SPLITS}")


def monthly_workbook(report: MonthlyReport, *, split: str = "") -> bytes:
    """Return the monthly report as .xlsx bytes: a 汇总 sheet, then the table on one sheet or split.

    `split` is "" (one sheet 推进情况), "part" (a sheet per part) or "unit" (a sheet per lead unit);
    anything else raises ValueError. The same report always gives the same bytes.
    """
    groups = _table_groups(report, split)
    workbook = _new_workbook(report.title, report.as_of)
    summary = workbook.active
    summary.title = _("汇总")
    _write_summary(summary, report)
    columns = _monthly_columns()
    subtitle = _as_of_line(report.as_of_day)
    names = sheet_names((label for label, _entries in groups), taken=(summary.title,))
    for name, (label, entries) in zip(names, groups, strict=True):
        sheet = workbook.create_sheet(name)
        title = report.title if split == "" else f"{report.title}　{label}"
        _write_table(
            sheet,
            title=title,
            subtitle=subtitle,
            columns=columns,
            entries=entries,
            values=_monthly_values,
        )
    return _workbook_bytes(workbook, report.as_of)


def ledger_workbook(ledger: Ledger) -> bytes:
    """Return the ledger (工作台账) as .xlsx bytes: one sheet 台账 with a column per month."""
    workbook = _new_workbook(ledger.title, ledger.as_of)
    sheet = workbook.active
    sheet.title = _("台账")
    columns = _ledger_columns(ledger.months)
    first_month = 6  # 序号, 工作任务, 牵头单位, 配合单位, 完成时限 stay in view
    subtitle = _as_of_line(ledger.as_of_day)
    if ledger.doc_number:
        subtitle = f"{ledger.doc_number}　{subtitle}"
    _write_table(
        sheet,
        title=ledger.title,
        subtitle=subtitle,
        columns=columns,
        entries=ledger.entries,
        values=_ledger_values,
        frozen_column=first_month,
    )
    return _workbook_bytes(workbook, ledger.as_of)
