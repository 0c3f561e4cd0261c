"""The monthly progress report (月度推进情况表) as plain values, shared by every format.

`exports.monthly.monthly_report` builds a `MonthlyReport` from the history as of the end of a
month; the renderers (`exports.render_xlsx`, `render_docx`, `render_pdf`) only lay it out, so
every format holds the same numbers. Values here are already words where people read words
(unit names, light labels, Chinese dates are left to the renderers via `core.dates`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field

LIGHT_KEYS = ("red", "yellow", "green", "grey", "done")


@dataclass(frozen=True)
class UnitNote:
    """One unit's report(s) for the month: a co-unit's note beside the lead's progress."""

    unit: str
    text: str  # the month's report text; several periods (旬报) joined with their labels
    percent: int | None = None
    missing: bool = False  # a report was due in the month and none was filed by the cut-off


@dataclass(frozen=True)
class ReportRow:
    """One task of the plan as it stood at the cut-off."""

    serial: int  # 序号: 1, 2, 3… in report order
    task_id: int
    number: str  # the task's own number in the plan (11), or its path when it has none
    headline: str
    part: str  # the top-level section's label (一、…), "" for tasks outside any section
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    deadline: datetime.date | None  # the lead's effective deadline (granted extension or the task's)
    deadline_text: str  # the plan's own words (2020年12月底前), "" when there are none
    progress: str  # 本月进展: the lead unit's report text for the month, "" when none
    progress_missing: bool  # the lead owed a report in the month and filed none by the cut-off
    co_notes: tuple[UnitNote, ...]
    light: str  # one of LIGHT_KEYS, as of the cut-off
    light_label: str  # 红灯, 黄灯…
    light_reason: str  # 逾期5天, 本期未报… ("" for done)
    percent: int
    status_label: str  # the lead assignment's status then (办理中, 已办结…)
    remarks: str  # 备注: the month's reminders, escalations, extensions and completion
    reminders: int  # reminders (催办) on the task's assignments in the month
    escalations: int  # escalations (督办) on the task's assignments in the month

    @property
    def task_label(self) -> str:
        """Return the task as the table shows it: number and headline."""
        return f"{self.number}. {self.headline}" if self.number else self.headline


@dataclass(frozen=True)
class Heading:
    """A part (level 1) or section (level 2 and deeper) heading, placed before its tasks."""

    level: int
    label: str  # 一、教育质量提升 / （一）…


@dataclass(frozen=True)
class MissingUnit:
    """A unit that owed reports in the month and had not filed them by the cut-off."""

    unit: str
    count: int


@dataclass(frozen=True)
class Summary:
    """The figures at the top of the report."""

    tasks: int
    lights: dict[str, int]  # light key → number of tasks, every key of LIGHT_KEYS present
    completed: int
    mean_percent: float | None  # mean of the rows' percent, one decimal
    reports_due: int  # reports owed in the month (all units, lead and co)
    reports_filed: int  # of those, filed by the cut-off
    missing_units: tuple[MissingUnit, ...]
    reminders: int
    escalations: int

    @property
    def completion_rate(self) -> float | None:
        """Return the share of tasks completed, in percent with one decimal."""
        return round(100 * self.completed / self.tasks, 1) if self.tasks else None


@dataclass(frozen=True)
class MonthlyReport:
    """A plan's monthly report, for the whole plan or one unit's tasks."""

    plan_id: int
    plan_title: str
    doc_number: str
    issuer: str
    month: datetime.date  # the month's first day
    as_of: datetime.datetime  # the cut-off: the start of the next month, or the moment of export
    as_of_day: datetime.date  # the last day the figures include
    unit: str  # "" for the whole plan, else the unit whose tasks these are
    entries: tuple[Heading | ReportRow, ...]  # in plan order, headings before their tasks
    summary: Summary

    @property
    def rows(self) -> list[ReportRow]:
        """Return the task rows without the headings."""
        return [entry for entry in self.entries if isinstance(entry, ReportRow)]

    @property
    def title(self) -> str:
        """Return the report's title: 《plan》2020年9月推进情况表, with the unit when it is one unit's."""
        scope = f"（{self.unit}）" if self.unit else ""
        return f"《{self.plan_title}》{self.month.year}年{self.month.month}月推进情况表{scope}"

    def by_part(self) -> list[tuple[str, list[Heading | ReportRow]]]:
        """Return the entries split by part (top-level section), each with its part label."""
        groups: list[tuple[str, list[Heading | ReportRow]]] = []
        for entry in self.entries:
            if (isinstance(entry, Heading) and entry.level == 1) or not groups:
                label = entry.label if isinstance(entry, Heading) and entry.level == 1 else ""
                groups.append((label, []))
            groups[-1][1].append(entry)
        return [(label, entries) for label, entries in groups if any(isinstance(e, ReportRow) for e in entries)]

    def by_unit(self) -> list[tuple[str, list[ReportRow]]]:
        """Return the rows grouped by lead unit, units in first-appearance order."""
        groups: dict[str, list[ReportRow]] = {}
        for row in self.rows:
            for unit in row.lead_units or ("",):
                groups.setdefault(unit, []).append(row)
        return list(groups.items())

    def digest(self) -> str:
        """Return a SHA-256 of the report's content: equal digests mean the same figures and words."""
        payload = asdict(self)
        payload["entries"] = [
            {"heading": asdict(entry)} if isinstance(entry, Heading) else {"row": asdict(entry)}
            for entry in self.entries
        ]
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LedgerRow:
    """One task in the ledger (台账): its owners and every month's lead report."""

    serial: int
    task_id: int
    number: str
    headline: str
    part: str
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    deadline: datetime.date | None
    deadline_text: str
    months: tuple[str, ...]  # one text per ledger month, the lead's report then ("" none)
    percent: int
    light: str
    light_label: str
    status_label: str


@dataclass(frozen=True)
class Ledger:
    """A plan's ledger (工作台账): all tasks with each month's report in columns."""

    plan_id: int
    plan_title: str
    doc_number: str
    months: tuple[datetime.date, ...]  # first days of the months shown, in order
    as_of: datetime.datetime
    as_of_day: datetime.date
    unit: str
    entries: tuple[Heading | LedgerRow, ...] = field(default=())

    @property
    def rows(self) -> list[LedgerRow]:
        """Return the task rows without the headings."""
        return [entry for entry in self.entries if isinstance(entry, LedgerRow)]

    @property
    def title(self) -> str:
        """Return the ledger's title."""
        scope = f"（{self.unit}）" if self.unit else ""
        return f"《{self.plan_title}》工作台账{scope}"
