"""What the cells and sentences of the monthly report say, shared by the Excel, Word and PDF renderers.

The renderers only lay these out, so every format words the deadline, the progress, the light and
the summary the same way.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from core.dates import chinese_date
from exports.report import LIGHT_KEYS, MonthlyReport, ReportRow
from plans.lights import LIGHT_ICONS, Light

LIGHT_FILLS = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE", "grey": "EDEDED", "done": "DDEBF7"}
MISSING_COLOR = "C00000"  # 本月未报送 and a co-unit's 未报送
SUMMARY_LIGHT_ORDER = ("done", "green", "yellow", "red", "grey")


def title_lines(report: MonthlyReport) -> list[str]:
    """Return the title split for a centred heading: the plan, the month's table, then the unit."""
    lines = [
        f"《{report.plan_title}》",
        _("%(year)s年%(month)s月推进情况表") % {"year": report.month.year, "month": report.month.month},
    ]
    if report.unit:
        lines.append(f"（{report.unit}）")
    return lines


def scope_lines(report: MonthlyReport) -> list[str]:
    """Return the lines under the title: document number and issuer, then scope and cut-off."""
    source = "　".join(part for part in (report.doc_number, report.issuer) if part)
    scope = _("统计范围：%(scope)s") % {"scope": report.unit or _("全部任务")}
    cut_off = _("数据截至 %(day)s") % {"day": chinese_date(report.as_of_day)}
    return [line for line in (source, f"{scope}　{cut_off}") if line]


def deadline_lines(text: str, deadline: datetime.date | None) -> list[str]:
    """Return the deadline as the plan words it, then the effective date (once, when they say the same)."""
    lines = [text] if text else []
    if deadline is not None and chinese_date(deadline) != text:
        lines.append(chinese_date(deadline))
    return lines


def progress_lines(row: ReportRow) -> list[tuple[str, bool]]:
    """Return the month's progress lines, each with whether it marks a missing report."""
    if row.progress:
        lines = [(line, False) for line in row.progress.splitlines() if line.strip()]
    elif row.progress_missing:
        lines = [(_("本月未报送"), True)]
    else:
        lines = [("—", False)]
    for note in row.co_notes:
        if note.missing:
            lines.append((f"【{note.unit}】{_('未报送')}", True))
        else:
            first, *rest = note.text.splitlines() or [""]
            lines.append((f"【{note.unit}】{first}", False))
            lines.extend((line, False) for line in rest)
    return lines


def completion_lines(light: str, label: str, percent: int, reason: str = "") -> list[str]:
    """Return the completion cell: icon, light, percent (■ 红灯 60%), then the light's reason."""
    lines = [f"{LIGHT_ICONS.get(light, '')} {label} {percent}%".strip()]
    if reason:
        lines.append(reason)
    return lines


def format_percent(value: float | None) -> str:
    """Return a percentage with one decimal, or a dash when there is none."""
    return "—" if value is None else f"{value:.1f}%"


def summary_sentences(report: MonthlyReport) -> str:
    """Return the overall figures as the paragraph under 一、总体情况."""
    summary = report.summary
    counts = "、".join(
        _("%(label)s%(count)s项") % {"label": Light(key).label, "count": summary.lights.get(key, 0)}
        for key in SUMMARY_LIGHT_ORDER
    )
    return "".join(
        [
            _("%(subject)s共有任务%(tasks)s项，其中%(counts)s；完成率%(rate)s，平均进度%(mean)s。")
            % {
                "subject": report.unit or _("本计划"),
                "tasks": summary.tasks,
                "counts": counts,
                "rate": format_percent(summary.completion_rate),
                "mean": format_percent(summary.mean_percent),
            },
            _("本月应报送进展%(due)s份，已报送%(filed)s份。")
            % {"due": summary.reports_due, "filed": summary.reports_filed},
            _("本月催办%(reminders)s次、督办%(escalations)s次。")
            % {"reminders": summary.reminders, "escalations": summary.escalations},
        ]
    )


def summary_headings() -> tuple[str, str, str]:
    """Return the three headings of the summary, in order."""
    return _("一、总体情况"), _("二、未按时报送单位"), _("三、推进情况表")


def missing_unit_lines(report: MonthlyReport) -> list[str]:
    """Return one line per unit that owed reports and filed none, or a line saying all were filed."""
    units = report.summary.missing_units
    if not units:
        return [_("本月各单位均已按时报送进展。")]
    return [
        _("%(index)s．%(unit)s，未报送%(count)s份。") % {"index": index, "unit": unit.unit, "count": unit.count}
        for index, unit in enumerate(units, start=1)
    ]


def table_note(report: MonthlyReport) -> str:
    """Return the sentence pointing at the table, with the light legend."""
    legend = "、".join(f"{LIGHT_ICONS[key]}{Light(key).label}" for key in LIGHT_KEYS)
    return _("各项任务推进情况详见附表（共%(tasks)s项，按计划顺序排列）。完成情况标示：%(legend)s。") % {
        "tasks": report.summary.tasks,
        "legend": legend,
    }
