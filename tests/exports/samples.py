"""Hand-built reports for the renderers' tests: every kind of entry, Chinese text, long cells."""

from __future__ import annotations

import datetime
import zoneinfo

from exports.report import Heading, Ledger, LedgerRow, MissingUnit, MonthlyReport, ReportRow, Summary, UnitNote

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "grey": "灰灯", "done": "已办结"}


def sample_row(serial: int, *, light: str = "green", part: str = "一、全面加强党的建设", **overrides) -> ReportRow:
    """Return one task row; keyword arguments replace its fields."""
    values = dict(
        serial=serial,
        task_id=100 + serial,
        number=str(serial),
        headline=f"第{serial}项任务：深化教育领域综合改革，推进学校治理体系和治理能力现代化",
        part=part,
        lead_units=("基础教育科",),
        co_units=("办公室", "厦门市湖里区实验小学"),
        deadline=datetime.date(2020, 12, 31),
        deadline_text="2020年12月底前",
        progress="本月召开专题会议2次，完成调研报告初稿。" * 3,
        progress_missing=False,
        co_notes=(UnitNote(unit="办公室", text="配合完成材料汇总。", percent=40),),
        light=light,
        light_label=LIGHT_LABELS[light],
        light_reason="" if light == "done" else "正常推进",
        percent=100 if light == "done" else 60,
        status_label="已办结" if light == "done" else "办理中",
        remarks="催办1次；蓝色督办1次（已反馈）" if light == "red" else "",
        reminders=1 if light == "red" else 0,
        escalations=1 if light == "red" else 0,
    )
    values.update(overrides)
    return ReportRow(**values)


def sample_report(*, rows_per_part: int = 3, unit: str = "") -> MonthlyReport:
    """Return a two-part report with a section heading, every light and a missing report."""
    lights = ["red", "yellow", "green", "grey", "done"]
    entries: list = []
    serial = 0
    for part_index, part in enumerate(["一、全面加强党的建设", "二、推动教育优质均衡发展"]):
        entries.append(Heading(level=1, label=part))
        if part_index == 1:
            entries.append(Heading(level=2, label="（一）深化课程改革"))
        for _ in range(rows_per_part):
            serial += 1
            light = lights[(serial - 1) % len(lights)]
            entries.append(
                sample_row(
                    serial,
                    light=light,
                    part=part,
                    progress="" if light == "yellow" else sample_row(serial).progress,
                    progress_missing=light == "yellow",
                )
            )
    rows = [entry for entry in entries if isinstance(entry, ReportRow)]
    counts = dict.fromkeys(lights, 0)
    for row in rows:
        counts[row.light] += 1
    summary = Summary(
        tasks=len(rows),
        lights=counts,
        completed=counts["done"],
        mean_percent=round(sum(row.percent for row in rows) / len(rows), 1),
        reports_due=len(rows) * 2,
        reports_filed=len(rows) * 2 - 1,
        missing_units=(MissingUnit(unit="基础教育科", count=1),),
        reminders=2,
        escalations=1,
    )
    return MonthlyReport(
        plan_id=1,
        plan_title="湖里区教育局2020年工作要点",
        doc_number="厦湖教〔2020〕132号",
        issuer="厦门市湖里区教育局",
        month=datetime.date(2020, 9, 1),
        as_of=datetime.datetime(2020, 10, 1, tzinfo=SHANGHAI),
        as_of_day=datetime.date(2020, 9, 30),
        unit=unit,
        entries=tuple(entries),
        summary=summary,
    )


def sample_ledger(*, rows: int = 4) -> Ledger:
    """Return a ledger of a few tasks over July–December 2020."""
    months = tuple(datetime.date(2020, month, 1) for month in range(7, 13))
    entries: list = [Heading(level=1, label="一、全面加强党的建设")]
    for serial in range(1, rows + 1):
        entries.append(
            LedgerRow(
                serial=serial,
                task_id=100 + serial,
                number=str(serial),
                headline=f"第{serial}项任务：推进学校治理体系和治理能力现代化",
                part="一、全面加强党的建设",
                lead_units=("基础教育科",),
                co_units=("办公室",),
                deadline=datetime.date(2020, 12, 31),
                deadline_text="2020年12月底前",
                months=tuple(
                    f"{month.month}月进展：完成阶段任务（{10 * index}%）" for index, month in enumerate(months)
                ),
                percent=60,
                light="green",
                light_label="绿灯",
                status_label="办理中",
            )
        )
    return Ledger(
        plan_id=1,
        plan_title="湖里区教育局2020年工作要点",
        doc_number="厦湖教〔2020〕132号",
        months=months,
        as_of=datetime.datetime(2021, 1, 1, tzinfo=SHANGHAI),
        as_of_day=datetime.date(2020, 12, 31),
        unit="",
        entries=tuple(entries),
    )
