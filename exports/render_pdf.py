"""The monthly report as a PDF: the Django template `exports/monthly_pdf.html` laid out by WeasyPrint.

A4 landscape, the summary above the table, the table's header repeated on every page, page numbers
"— N —" in the bottom margin (right on odd pages, left on even ones, as in the Word file). The cell
texts are the Word renderer's, so both formats read the same. The same report gives the same bytes:
the creation date is the report's cut-off and the file identifier derives from the report's digest.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string
from weasyprint import HTML

from exports.cells import (
    LIGHT_FILLS,
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
from exports.render_docx import AUTHOR, export_fonts, table_columns
from exports.report import Heading, MonthlyReport, ReportRow

TEMPLATE = "exports/monthly_pdf.html"
TITLE_FONTS = ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC")
BODY_FONTS = ("仿宋_GB2312", "FangSong", "Noto Serif CJK SC", "Noto Sans CJK SC")
HEADING_FONTS = ("黑体", "SimHei", "Noto Sans CJK SC")


@dataclass(frozen=True)
class Line:
    """One line of a cell; `missing` marks a report that was due and not filed."""

    text: str
    missing: bool = False


@dataclass(frozen=True)
class TableEntry:
    """One row of the table as the template shows it: a heading, or a task's cells."""

    heading: Heading | None = None
    row: ReportRow | None = None
    task: tuple[Line, ...] = ()
    lead: tuple[Line, ...] = ()
    co: tuple[Line, ...] = ()
    deadline: tuple[Line, ...] = ()
    progress: tuple[Line, ...] = ()
    completion: tuple[Line, ...] = ()
    remarks: tuple[Line, ...] = ()


def monthly_pdf(report: MonthlyReport) -> bytes:
    """Return the monthly report as PDF bytes; the same report always gives the same bytes."""
    html = render_to_string(TEMPLATE, pdf_context(report))  # bodies of 50 rows: WeasyPrint re-reads a body per page
    collecting = gc.isenabled()
    gc.disable()  # a fifth of the layout time went to collecting WeasyPrint's many short-lived objects
    try:
        return HTML(string=html).write_pdf(pdf_identifier=report.digest()[:32].encode("ascii"), uncompressed_pdf=False)
    finally:
        if collecting:
            gc.enable()


def pdf_context(report: MonthlyReport) -> dict[str, object]:
    """Return the template's context: titles, summary lines, columns and the table's entries."""
    fonts = export_fonts()
    columns = table_columns()
    share = sum(column.width_mm for column in columns)
    return {
        "report": report,
        "author": AUTHOR,
        "created": _w3c(report.as_of),
        "title_lines": title_lines(report),
        "scope_lines": scope_lines(report),
        "summary": summary_sentences(report),
        "missing_units": missing_unit_lines(report),
        "table_note": table_note(report),
        "headings": summary_headings(),
        "columns": [(column, round(100 * column.width_mm / share, 2)) for column in columns],
        "entries": [_entry(entry) for entry in report.entries],
        "light_fills": LIGHT_FILLS,
        "title_fonts": _font_stack(fonts.title, TITLE_FONTS, "serif"),
        "body_fonts": _font_stack(fonts.body, BODY_FONTS, "serif"),
        "heading_fonts": _font_stack("", HEADING_FONTS, "sans-serif"),
    }


def _entry(entry: Heading | ReportRow) -> TableEntry:
    if isinstance(entry, Heading):
        return TableEntry(heading=entry)
    return TableEntry(
        row=entry,
        task=_plain([entry.task_label]),
        lead=_plain(["、".join(entry.lead_units)]),
        co=_plain(["、".join(entry.co_units)]),
        deadline=_plain(deadline_lines(entry.deadline_text, entry.deadline)),
        progress=tuple(Line(text, missing) for text, missing in progress_lines(entry)),
        completion=_plain(completion_lines(entry.light, entry.light_label, entry.percent, entry.light_reason)),
        remarks=_plain(line for line in entry.remarks.splitlines() if line.strip()),
    )


def _plain(lines: Iterable[str]) -> tuple[Line, ...]:
    return tuple(Line(text) for text in lines)


def _font_stack(preferred: str, faces: tuple[str, ...], generic: str) -> str:
    """Return a CSS font-family value: the configured face first, then the fixed list, then a generic family."""
    names = dict.fromkeys(name for name in (preferred, *faces) if name)
    return ", ".join([*(f'"{name}"' for name in names), generic])


def _w3c(moment: datetime.datetime) -> str:
    """Return a moment as WeasyPrint reads dcterms dates (W3C, with its offset)."""
    return moment.isoformat(timespec="seconds")
