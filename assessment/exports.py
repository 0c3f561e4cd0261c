"""The ranking as an Excel workbook: a title row with the period, a row with the weights used, a frozen header."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assessment.models import ScoreWeights
from assessment.periods import AssessmentPeriod
from assessment.selectors import RankedUnit

PERCENT = "0.0%"
TWO_DECIMALS = "0.00"
ONE_DECIMAL = "0.0"
HEADER_ROW = 3


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    value: Callable[[RankedUnit], object]
    number_format: str = ""


def _deduction(key: str) -> Callable[[RankedUnit], object]:
    return lambda row: row.score.component(key).deduction


def columns() -> list[Column]:
    """Return the workbook's columns, in order (a declarative schema, read by `ranking_workbook`)."""
    return [
        Column(_("名次"), 6, lambda row: row.rank),
        Column(_("单位"), 34, lambda row: row.unit.name),
        Column(_("单位类型"), 10, lambda row: row.unit.get_kind_display()),
        Column(_("得分"), 8, lambda row: row.score.total, TWO_DECIMALS),
        Column(_("应报期数"), 9, lambda row: row.measures.reports_required),
        Column(_("按时报送"), 9, lambda row: row.measures.reports_on_time),
        Column(_("逾期报送"), 9, lambda row: row.measures.reports_late),
        Column(_("缺报"), 7, lambda row: row.measures.reports_missing),
        Column(_("报送及时率"), 10, lambda row: row.reports_rate, PERCENT),
        Column(_("按时办结"), 9, lambda row: row.measures.completed_on_time),
        Column(_("逾期办结"), 9, lambda row: row.measures.completed_late),
        Column(_("逾期未办结"), 10, lambda row: row.measures.open_overdue),
        Column(_("按时办结率"), 10, lambda row: row.completion_rate, PERCENT),
        Column(_("逾期天数"), 9, lambda row: row.measures.overdue_days),
        Column(_("被督办次数"), 10, lambda row: row.measures.escalations),
        Column(_("平均反馈天数"), 12, lambda row: row.measures.response_days_mean, ONE_DECIMAL),
        Column(_("报送扣分"), 9, _deduction("reports"), TWO_DECIMALS),
        Column(_("办结扣分"), 9, _deduction("completion"), TWO_DECIMALS),
        Column(_("逾期扣分"), 9, _deduction("overdue"), TWO_DECIMALS),
        Column(_("督办扣分"), 9, _deduction("escalations"), TWO_DECIMALS),
        Column(_("反馈扣分"), 9, _deduction("response"), TWO_DECIMALS),
    ]


def weights_line(weights: ScoreWeights) -> str:
    """Return the weights as one sentence, for the workbook's second row and the pages."""
    return _(
        "权重：报送及时 %(reports)s、按时办结 %(completion)s、逾期天数 %(overdue)s、被督办 %(escalations)s、"
        "督办反馈 %(response)s；逾期报送按 %(credit)s 期计；上限：逾期 %(overdue_cap)s 天、督办 %(escalation_cap)s 次、"
        "反馈 %(response_cap)s 天"
    ) % {
        "reports": f"{weights.reports_weight.normalize():f}",
        "completion": f"{weights.completion_weight.normalize():f}",
        "overdue": f"{weights.overdue_weight.normalize():f}",
        "escalations": f"{weights.escalation_weight.normalize():f}",
        "response": f"{weights.response_weight.normalize():f}",
        "credit": f"{weights.late_report_credit.normalize():f}",
        "overdue_cap": weights.overdue_days_cap,
        "escalation_cap": weights.escalation_cap,
        "response_cap": weights.response_days_cap,
    }


def ranking_workbook(
    *,
    rows: list[RankedUnit],
    period: AssessmentPeriod,
    weights: ScoreWeights,
    kind_label: str,
    as_of: datetime.datetime,
) -> bytes:
    """Return the ranking as .xlsx bytes: title, weights, a frozen header row, one row per unit."""
    schema = columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("考核排名")
    title = _("单位考核排名（%(period)s）") % {"period": period.label}
    if kind_label:
        title = f"{title} · {kind_label}"
    sheet.cell(row=1, column=1, value=title).font = Font(size=14, bold=True)
    sheet.cell(
        row=2,
        column=1,
        value=f"{weights_line(weights)}。"
        + _("计算截至 %(moment)s") % {"moment": timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M")},
    ).alignment = Alignment(wrap_text=False)
    header_fill = PatternFill("solid", fgColor="EEF1F5")
    for index, column in enumerate(schema, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for offset, row in enumerate(rows, start=1):
        for index, column in enumerate(schema, start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=index, value=column.value(row))
            if column.number_format:
                cell.number_format = column.number_format
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    if rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(schema))}{HEADER_ROW + len(rows)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
