"""Benchmark: the monthly report (月度推进情况表) of a 5,000-task plan with a year of history, in every format.

Run (PostgreSQL; the database's name must contain "bench", because the script empties it first):
    createdb -h 127.0.0.1 -U postgres tracker_export_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_export_bench .venv/bin/python bench/export_5000.py \\
        [--reuse] [--skip-pdf] [--tracemalloc] [--profile build,pdf] [--months 2020-03,2020-12]

The dataset (written with bulk_create and COPY, bypassing the services for speed, but shaped like the services'
own writes so the history rewind has real work): one plan published 2020-01-03 (monthly reports due on the 25th),
5 parts of 4 sections each, 5,000 tasks (deadlines at month ends from February to December 2020), 200 units
(160 schools, 40 bureau departments) each with a staff member who files the reports. Every task has one lead
assignment and about half a co-unit (≈7,500 assignments), acknowledged in January (a third explicitly, the rest
by their first report). For each assignment and each month January–December a report (filed the 20th–27th,
60–120 characters, percent rising), ~5% of months missing and ~3% corrected a few days later (a second row that
supersedes the first); each change of percent has its audit event ("assignment.progress", {"percent": [old,
new]}), so rewinding to the end of March undoes about 62,000 of the ~87,000 events. ~10% of the assignments
are completed during the year (an approved completion request and its "completion.approve" event). Missing
reports drew a report reminder on the 26th and sometimes a blue escalation on the 28th (answered or not);
overdue leads sometimes an overdue reminder: a few thousand reminders and escalations in all.

Before timing, the script builds the first month's report once and checks it: 5,000 rows, and for a sample of
tasks the lead's rewound percent equals that of its newest report filed before the cut-off (100 once completed).

Measured for each month (default 2020-03, whose cut-off rewinds nine months of changes, and 2020-12), with
now = 2021-01-10: building the report (`exports.monthly.monthly_report`: wall time, SQL queries, Python's peak
memory with --tracemalloc), rendering it as xlsx, docx and PDF (sizes, pages of the PDF), the ledger (build and
xlsx) and the CSV of reports (`exports.datasets.report_rows` + `as_csv`); every step also shows the process's
RSS before it and at its peak. Beside each xlsx time the floor: openpyxl's write-only workbook writing the same rows as plain values,
no styles. --skip-pdf leaves the PDF out (WeasyPrint lays out every page: minutes); --profile prints cProfile's
top 15 functions (cumulative, then own time) of the named steps (build, xlsx, docx, pdf, ledger, ledger-xlsx,
csv); --reuse keeps the dataset; --months picks other months; --tasks builds a smaller plan for a quick look.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import io
import json
import logging
import os
import pstats
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")  # DEBUG would keep every query in memory
os.environ["CELERY_BROKER_URL"] = "memory://"  # a safety net: nothing is published anyway

import django

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from accounts.models import Role, Unit, UnitKind, User  # noqa: E402
from audit.models import AuditAction, AuditEvent  # noqa: E402
from bench.support import copy_rows, require_bench_database, reset_peak_rss, rss_mib  # noqa: E402
from exports import datasets, monthly, render_docx, render_xlsx  # noqa: E402
from exports.report import LIGHT_KEYS, Ledger, LedgerRow, MonthlyReport, ReportRow  # noqa: E402
from plans.models import (  # noqa: E402
    Assignment,
    CompletionRequest,
    Escalation,
    EscalationResponse,
    Plan,
    PlanStatus,
    ProgressReport,
    Reminder,
    Section,
    Task,
)

YEAR = 2020
PUBLISHED = timezone.make_aware(datetime.datetime(YEAR, 1, 3, 9, 0))
NOW = timezone.make_aware(datetime.datetime(YEAR + 1, 1, 10, 10, 0))
MONTHS = ("2020-03", "2020-12")
TASKS = 5000
UNITS = 200
SCHOOLS = 160
PARTS = 5
SECTIONS_PER_PART = 4
CO_SHARE = 0.5
MISSING_SHARE = 0.05
CORRECTION_SHARE = 0.03
COMPLETED_SHARE = 0.10
EXPLICIT_ACK_SHARE = 0.33
ESCALATION_SHARE = 0.4  # of the missing reports
ANSWERED_SHARE = 0.6  # of the escalations
OVERDUE_REMINDER_SHARE = 0.3  # of the lead assignments still open after their deadline
SAMPLE_CHECKS = 60
MARKER = "（导出基准）"
CN = "一二三四五六七八九十"
STEPS = ("build", "xlsx", "docx", "pdf", "ledger", "ledger-xlsx", "csv")

VERBS = ("扎实推进", "深化", "全面加强", "健全完善", "持续开展", "统筹实施", "稳步提升", "加快推进")
OBJECTS = (
    "义务教育优质均衡发展",
    "校园安全隐患排查整治",
    "中小学教师队伍建设",
    "课后延时服务",
    "集团化办学改革",
    "学前教育普惠发展",
    "智慧校园建设",
    "劳动教育实践基地",
    "中小学心理健康教育",
    "教育督导评估",
    "校外培训机构治理",
    "学校体育美育工作",
    "招生入学制度改革",
    "学校食堂食品安全",
    "教育信息化应用",
)
SUFFIXES = ("工作", "专项行动", "试点", "三年行动", "长效机制", "示范创建", "提质工程")
SENTENCES = (
    "本月召开专题推进会一次，研究部署下一阶段重点工作。",
    "已完成辖区学校现状摸底调查，形成问题清单和整改台账。",
    "对照年度目标细化任务分工，明确责任人和时间节点。",
    "组织骨干教师开展专题培训两期，参训人数一百二十人。",
    "完成实施方案初稿并征求相关科室和学校意见。",
    "督促各校落实整改措施，已整改问题十二项。",
    "经费预算已报送计财科审核，采购程序正在推进。",
    "结合疫情防控要求调整工作安排，确保进度不受影响。",
    "开展实地督查三次，覆盖学校十五所。",
    "总结提炼典型经验做法，编印工作简报一期。",
    "因场地改造工期调整，部分工作略有滞后，已制定追赶计划。",
    "与街道、社区建立联动机制，形成工作合力。",
)
DEPARTMENTS = ("办公室", "组织人事科", "基础教育科", "学前教育科", "计划财务科", "德育体卫艺科", "督导室", "安全科")


def month_end(month: int) -> datetime.date:
    """Return the last day of a month of the plan year."""
    if month == 12:
        return datetime.date(YEAR, 12, 31)
    return datetime.date(YEAR, month + 1, 1) - datetime.timedelta(days=1)


def shanghai(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """Return an aware moment of a day in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@dataclass
class Timeline:
    """One assignment's history: its values now, and the rows that led there."""

    id: int
    task_id: int
    unit_id: int
    role: str
    deadline_month: int
    repr: str
    status: str = "new"
    percent: int = 0
    acknowledged_at: datetime.datetime | None = None
    acknowledged_by: int | None = None
    completed_at: datetime.datetime | None = None
    updated_at: datetime.datetime = PUBLISHED
    missed: list[int] = field(default_factory=list)  # months without a report


class Builder:
    """Write the units, people, plan, tasks, assignments, reports, audit trail and supervision records."""

    def __init__(self, *, tasks: int = TASKS, seed: int = 2020) -> None:
        self.task_count = tasks
        self.rng = random.Random(seed)
        self.assignment_type = ContentType.objects.get_for_model(Assignment, for_concrete_model=False).pk
        self.next_id: dict[type, int] = {}
        self.audit_rows: list[tuple] = []
        self.reports: list[tuple] = []
        self.completions: list[tuple] = []

    def new_id(self, model: type) -> int:
        self.next_id[model] = self.next_id.get(model, 0) + 1
        return self.next_id[model]

    def build(self) -> None:
        started = time.perf_counter()
        self.units_and_people()
        self.plan_and_tasks()
        timelines = self.timelines()
        for timeline in timelines:
            self.history(timeline)
        counts = {
            "assignments": copy_rows(Assignment, ASSIGNMENT_COLUMNS, (assignment_row(t) for t in timelines)),
            "reports": copy_rows(ProgressReport, REPORT_COLUMNS, self.reports),
            "completions": copy_rows(CompletionRequest, COMPLETION_COLUMNS, self.completions),
        }
        counts.update(self.supervision(timelines))
        counts["audit events"] = copy_rows(AuditEvent, AUDIT_COLUMNS, self.audit_rows)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [Assignment, ProgressReport, CompletionRequest, Reminder, Escalation, AuditEvent]
            ):
                cursor.execute(statement)
            cursor.execute("ANALYZE")
        written = ", ".join(f"{count:,} {what}" for what, count in counts.items())
        print(f"built {written} in {time.perf_counter() - started:.0f} s")

    def units_and_people(self) -> None:
        root = Unit.objects.create(name=f"某区教育局{MARKER}", kind=UnitKind.BUREAU, sort_order=0)
        units = []
        for n in range(UNITS):
            if n < SCHOOLS:
                kind, stage = UnitKind.SCHOOL, ("primary" if n % 3 else "middle")
                name = f"湖里区第{n + 1}{'小学' if stage == 'primary' else '中学'}"
            else:
                kind, stage = UnitKind.DEPARTMENT, ""
                k = n - SCHOOLS
                name = DEPARTMENTS[k] if k < len(DEPARTMENTS) else f"机关第{k + 1}科室"
            units.append(Unit(name=name, kind=kind, stage=stage, parent=root, sort_order=n + 1))
        self.units = Unit.objects.bulk_create(units)
        people = [
            User(username=f"s{unit.pk}", full_name=f"经办人{unit.pk}", role=Role.UNIT_STAFF, unit=unit)
            for unit in self.units
        ]
        people.append(User(username="sup", full_name="督查员", role=Role.SUPERVISOR, email="sup@bench.invalid"))
        for person in people:
            person.set_unusable_password()
        User.objects.bulk_create(people, batch_size=2000)
        self.staff = dict(User.objects.filter(role=Role.UNIT_STAFF).values_list("unit_id", "pk"))
        self.supervisor = User.objects.get(username="sup").pk

    def plan_and_tasks(self) -> None:
        self.plan = Plan.objects.create(
            title=f"某区教育局2020年工作要点{MARKER}",
            doc_number="基准〔2020〕1号",
            issuer="某区教育局",
            plan_year=YEAR,
            status=PlanStatus.PUBLISHED,
            report_due_day=25,
            published_at=PUBLISHED,
            created_at=PUBLISHED,
        )
        parts = Section.objects.bulk_create(
            [
                Section(plan=self.plan, number=CN[p], path=CN[p], title=f"第{p + 1}部分重点工作", position=p * 10)
                for p in range(PARTS)
            ]
        )
        sections = Section.objects.bulk_create(
            [
                Section(
                    plan=self.plan,
                    parent=part,
                    number=CN[s],
                    path=f"{part.path}.({CN[s]})",
                    title=f"{OBJECTS[(p * SECTIONS_PER_PART + s) % len(OBJECTS)]}方面",
                    position=p * 10 + s + 1,
                )
                for p, part in enumerate(parts)
                for s in range(SECTIONS_PER_PART)
            ]
        )
        per_section = -(-self.task_count // len(sections))
        rng = self.rng
        tasks = []
        for n in range(self.task_count):
            month = 2 + (n * 7) % 11  # February to December
            headline = f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}{rng.choice(SUFFIXES)}"
            tasks.append(
                Task(
                    plan=self.plan,
                    section=sections[n // per_section],
                    number=str(n + 1),
                    path=str(n + 1),
                    headline=headline,
                    deadline=month_end(month),
                    deadline_text=f"{YEAR}年{month}月底前",
                    position=n,
                    created_at=PUBLISHED,
                )
            )
        self.tasks = Task.objects.bulk_create(tasks, batch_size=2000)

    def timelines(self) -> list[Timeline]:
        names = {unit.pk: unit.name for unit in self.units}
        found = []
        for n, task in enumerate(self.tasks):
            lead = self.units[n % UNITS].pk
            owners = [(lead, "lead")]
            if self.rng.random() < CO_SHARE:
                owners.append((self.units[(n * 7 + 3 + n // UNITS) % UNITS].pk, "co"))
            for unit_id, role in owners:
                if role == "co" and unit_id == lead:
                    continue
                label = "牵头" if role == "lead" else "配合"
                found.append(
                    Timeline(
                        id=self.new_id(Assignment),
                        task_id=task.pk,
                        unit_id=unit_id,
                        role=role,
                        deadline_month=task.deadline.month,
                        repr=f"{task.path} {names[unit_id]}（{label}）"[:200],
                    )
                )
        return found

    def report_text(self) -> str:
        text = ""
        while len(text) < 60:
            text += self.rng.choice(SENTENCES)
        return text[:120]

    def audit(
        self, timeline: Timeline, at: datetime.datetime, verb: str, changes: dict[str, list[Any]], actor: int | None
    ) -> None:
        self.audit_rows.append(
            (
                self.new_id(AuditEvent),
                at,
                actor,
                AuditAction.UPDATE,
                verb,
                self.assignment_type,
                str(timeline.id),
                timeline.repr,
                json.dumps(changes, ensure_ascii=False),
                "",
            )
        )

    def report(
        self, timeline: Timeline, month: int, moment: datetime.datetime, percent: int, supersedes: int | None
    ) -> int:
        report_id = self.new_id(ProgressReport)
        start = datetime.date(YEAR, month, 1)
        self.reports.append(
            (
                report_id,
                timeline.id,
                "monthly",
                f"{YEAR}-{month:02d}",
                start,
                month_end(month),
                start.replace(day=25),
                self.report_text(),
                percent,
                "in_progress",
                "",
                False,
                False,
                supersedes,
                self.staff[timeline.unit_id],
                moment,
            )
        )
        return report_id

    def history(self, timeline: Timeline) -> None:
        """Write one assignment's year: acknowledgement, monthly reports with their audit events, completion."""
        rng = self.rng
        author = self.staff[timeline.unit_id]
        explicit_ack = rng.random() < EXPLICIT_ACK_SHARE
        if explicit_ack:
            at = shanghai(datetime.date(YEAR, 1, rng.randint(3, 15)), rng.randint(9, 17), rng.randint(0, 59))
            self.audit(
                timeline,
                at,
                "assignment.acknowledge",
                {
                    "status": ["new", "in_progress"],
                    "acknowledged_at": [None, at.isoformat()],
                    "acknowledged_by": [None, author],
                },
                author,
            )
            timeline.status, timeline.acknowledged_at, timeline.updated_at = "in_progress", at, at
            timeline.acknowledged_by = author
        completes = rng.random() < COMPLETED_SHARE
        completion_month = min(12, max(2, timeline.deadline_month + rng.randint(-1, 1))) if completes else 13
        for month in range(1, 13):
            if month > completion_month:
                break
            if rng.random() < MISSING_SHARE and (explicit_ack or month > 1):
                timeline.missed.append(month)
                continue
            moment = shanghai(datetime.date(YEAR, month, rng.randint(20, 27)), rng.randint(8, 18), rng.randint(0, 59))
            percent = min(95, timeline.percent + rng.randint(3, 12))
            report_id = self.report(timeline, month, moment, percent, None)
            self.progress(timeline, moment + datetime.timedelta(milliseconds=40), percent, author)
            if month != completion_month and rng.random() < CORRECTION_SHARE:
                later = moment + datetime.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
                corrected = max(1, min(95, percent + rng.choice((-3, -2, 2, 3, 5))))
                self.report(timeline, month, later, corrected, report_id)
                self.progress(timeline, later + datetime.timedelta(milliseconds=40), corrected, author)
        if completes:
            self.complete(timeline, completion_month, author)

    def progress(self, timeline: Timeline, at: datetime.datetime, percent: int, author: int) -> None:
        """Record a report's effect on the assignment as `_refresh_progress` does (the first one also acknowledges)."""
        changes: dict[str, list[Any]] = {}
        if timeline.status == "new":
            changes["status"] = ["new", "in_progress"]
            changes["acknowledged_at"] = [None, at.isoformat()]
            changes["acknowledged_by"] = [None, author]
            timeline.status, timeline.acknowledged_at, timeline.acknowledged_by = "in_progress", at, author
        if percent != timeline.percent:
            changes["percent"] = [timeline.percent, percent]
            timeline.percent = percent
        if changes:
            self.audit(timeline, at, "assignment.progress", changes, author)
            timeline.updated_at = at

    def complete(self, timeline: Timeline, month: int, author: int) -> None:
        """Approve a completion request on the month's last day, as `decide_completion` records it."""
        decided = shanghai(month_end(month), 16, self.rng.randint(0, 59))
        requested = decided - datetime.timedelta(days=2)
        self.completions.append(
            (
                self.new_id(CompletionRequest),
                timeline.id,
                "已按计划完成全部工作任务，相关佐证材料已上传。",
                author,
                requested,
                "approved",
                self.supervisor,
                decided,
                "",
            )
        )
        changes = {
            "status": [timeline.status, "completed"],
            "completed_at": [None, decided.isoformat()],
            "percent": [timeline.percent, 100],
        }
        self.audit(timeline, decided, "completion.approve", changes, self.supervisor)
        timeline.status, timeline.completed_at, timeline.percent, timeline.updated_at = (
            "completed",
            decided,
            100,
            decided,
        )

    def supervision(self, timelines: list[Timeline]) -> dict[str, int]:
        """Write reminders for missing reports and overdue leads, and escalations (some answered) for missing ones."""
        rng = self.rng
        reminders, escalations, responses = [], [], []
        for timeline in timelines:
            for month in timeline.missed:
                key = f"{YEAR}-{month:02d}"
                reminders.append(
                    (
                        self.new_id(Reminder),
                        timeline.id,
                        "report_due",
                        key,
                        "本期进展尚未填报，请尽快填报。",
                        shanghai(datetime.date(YEAR, month, 26), 9),
                    )
                )
                if rng.random() < ESCALATION_SHARE:
                    escalation_id = self.new_id(Escalation)
                    created = shanghai(datetime.date(YEAR, month, 28), 10)
                    answered = rng.random() < ANSWERED_SHARE
                    answer = created + datetime.timedelta(days=rng.randint(1, 4))
                    closed = answer + datetime.timedelta(days=1) if answered and rng.random() < 0.5 else None
                    escalations.append(
                        (
                            escalation_id,
                            timeline.id,
                            "blue",
                            key,
                            f"{key}进展逾期未报。",
                            created.date() + datetime.timedelta(days=5),
                            created,
                            closed,
                        )
                    )
                    if answered:
                        responses.append(
                            (escalation_id, "已补报本期进展，今后按时填报。", self.staff[timeline.unit_id], answer)
                        )
            open_after = timeline.completed_at is None or timeline.completed_at.month > timeline.deadline_month
            overdue = timeline.role == "lead" and open_after and timeline.deadline_month < 12
            if overdue and rng.random() < OVERDUE_REMINDER_SHARE:
                day = month_end(timeline.deadline_month) + datetime.timedelta(days=3)
                reminders.append(
                    (self.new_id(Reminder), timeline.id, "overdue", "D+3", "任务已逾期，请抓紧办理。", shanghai(day, 9))
                )
        return {
            "reminders": copy_rows(
                Reminder, ("id", "assignment_id", "kind", "period_key", "message", "created_at"), reminders
            ),
            "escalations": copy_rows(
                Escalation,
                ("id", "assignment_id", "level", "period_key", "reason", "response_due", "created_at", "closed_at"),
                escalations,
            ),
            "responses": copy_rows(EscalationResponse, ("escalation_id", "text", "author_id", "created_at"), responses),
        }


ASSIGNMENT_COLUMNS = (
    "id",
    "task_id",
    "unit_id",
    "role",
    "status",
    "percent",
    "acknowledged_at",
    "acknowledged_by_id",
    "decline_reason",
    "completed_at",
    "created_at",
    "updated_at",
)
REPORT_COLUMNS = (
    "id",
    "assignment_id",
    "cycle",
    "period_key",
    "period_start",
    "period_end",
    "due_on",
    "text",
    "percent",
    "status",
    "delay_reason",
    "is_no_change",
    "needs_approval",
    "supersedes_id",
    "author_id",
    "created_at",
)
COMPLETION_COLUMNS = (
    "id",
    "assignment_id",
    "summary",
    "requested_by_id",
    "requested_at",
    "decision",
    "decided_by_id",
    "decided_at",
    "decision_reason",
)
AUDIT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "action",
    "verb",
    "content_type_id",
    "object_id",
    "object_repr",
    "changes",
    "note",
)


def assignment_row(timeline: Timeline) -> tuple:
    return (
        timeline.id,
        timeline.task_id,
        timeline.unit_id,
        timeline.role,
        timeline.status,
        timeline.percent,
        timeline.acknowledged_at,
        timeline.acknowledged_by,
        "",
        timeline.completed_at,
        PUBLISHED,
        timeline.updated_at,
    )


# --- checks -------------------------------------------------------------------------------------------------


def the_plan() -> Plan:
    return Plan.objects.get(title__endswith=MARKER)


def check_dataset(plan: Plan, month: datetime.date, *, tasks: int) -> None:
    """Build the month's report once (untimed) and check it against the reports themselves; exit on a mismatch."""
    started = time.perf_counter()
    report = monthly.monthly_report(plan=plan, month=month, now=NOW)
    rows = report.rows
    problems = []
    if len(rows) != tasks:
        problems.append(f"{len(rows):,} rows instead of {tasks:,}")
    rng = random.Random(7)
    for row in rng.sample(rows, min(SAMPLE_CHECKS, len(rows))):
        lead = Assignment.objects.get(task_id=row.task_id, role="lead")
        if lead.completed_at is not None and lead.completed_at < report.as_of:
            expected = 100
        else:
            newest = (
                ProgressReport.objects.filter(assignment=lead, created_at__lt=report.as_of)
                .order_by("-created_at", "-id")
                .first()
            )
            expected = newest.percent if newest else 0
        if row.percent != expected:
            problems.append(f"task {row.number}: {row.percent}% in the report, {expected}% in the reports")
    summary = report.summary
    print(
        f"check {month:%Y-%m} ({time.perf_counter() - started:.1f} s, untimed): {len(rows):,} rows, "
        f"lights {summary.lights}, "
        f"reports filed {summary.reports_filed:,}/{summary.reports_due:,}, {len(summary.missing_units)} units missing, "
        f"{summary.reminders:,} reminders, {summary.escalations:,} escalations, mean {summary.mean_percent}%; "
        f"{SAMPLE_CHECKS} sampled percents {'agree' if not problems else 'DISAGREE'}"
    )
    if problems:
        sys.exit("dataset check failed: " + "; ".join(problems[:10]))


# --- the floor: openpyxl write-only, plain values -----------------------------------------------------------


def plain_report_values(row: ReportRow) -> tuple:
    """Return the 8 columns of a report row as plain strings and ints (the renderer's columns, no rich text)."""
    return (
        row.serial,
        row.task_label,
        "、".join(row.lead_units),
        "、".join(row.co_units),
        row.deadline_text,
        row.progress,
        f"{row.light_label} {row.percent}%",
        row.remarks,
    )


def plain_ledger_values(row: LedgerRow) -> tuple:
    return (
        row.serial,
        f"{row.number}. {row.headline}",
        "、".join(row.lead_units),
        "、".join(row.co_units),
        row.deadline_text,
        *row.months,
        f"{row.light_label} {row.percent}%",
    )


def floor_workbook(rows: Iterable[tuple]) -> bytes:
    """Return a write-only workbook of the rows, no styles: the least any xlsx of these rows can cost."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("rows")
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_pages(data: bytes) -> int | None:
    """Return the PDF's page count, or None without a PDF reader."""
    try:
        import pypdfium2

        return len(pypdfium2.PdfDocument(data))
    except ImportError:
        pass
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except ImportError:
        return None


# --- measuring ----------------------------------------------------------------------------------------------


@dataclass
class Figure:
    step: str
    month: str
    seconds: float
    queries: int
    size: int | None = None
    floor_seconds: float | None = None
    floor_size: int | None = None
    python_peak_mib: float | None = None
    rss_before_mib: float | None = None
    rss_peak_mib: float | None = None
    note: str = ""


@dataclass
class Measured:
    result: Any
    seconds: float
    queries: int
    python_peak_mib: float | None
    rss_before_mib: float
    rss_peak_mib: float


def measure(func: Callable[[], Any], *, trace: bool, profile: bool) -> Measured:
    """Run func once and return its result with the wall time, SQL queries and peak memory."""
    gc.collect()
    reset_peak_rss()
    rss_before = rss_mib("VmRSS")
    profiler = cProfile.Profile() if profile else None
    if trace:
        tracemalloc.start()
    try:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            result = func()
            if profiler is not None:
                profiler.disable()
            seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    finally:
        if trace:
            tracemalloc.stop()
    rss_peak = rss_mib("VmHWM")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(15)
        stats.sort_stats("tottime").print_stats(15)
    return Measured(result, seconds, len(queries), peak, rss_before, rss_peak)


def timed(func: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = func()
    return result, time.perf_counter() - started


class Bench:
    """Run every step for each month and keep the figures."""

    def __init__(self, plan: Plan, *, trace: bool, profile: set[str], skip_pdf: bool) -> None:
        self.plan = plan
        self.trace = trace
        self.profile = profile
        self.skip_pdf = skip_pdf
        self.figures: list[Figure] = []

    def run(self, step: str, month: str, func: Callable[[], Any], **extra: Any) -> Any:
        print(f"  {step:12} {month} …", end="", flush=True)
        done = measure(func, trace=self.trace, profile=step in self.profile)
        size = len(done.result) if isinstance(done.result, bytes) else None
        figure = Figure(
            step,
            month,
            done.seconds,
            done.queries,
            size=size,
            python_peak_mib=done.python_peak_mib,
            rss_before_mib=done.rss_before_mib,
            rss_peak_mib=done.rss_peak_mib,
            **extra,
        )
        self.figures.append(figure)
        print(f" {done.seconds:.2f} s" + (f", {size / 1024:,.0f} KiB" if size is not None else ""))
        return done.result

    def floor(self, rows: list[tuple]) -> None:
        data, seconds = timed(lambda: floor_workbook(rows))
        self.figures[-1].floor_seconds = seconds
        self.figures[-1].floor_size = len(data)

    def month(self, key: str) -> None:
        month = monthly.month_from_text(key)
        report: MonthlyReport = self.run(
            "build", key, lambda: monthly.monthly_report(plan=self.plan, month=month, now=NOW)
        )
        lights = "/".join(str(report.summary.lights[key]) for key in LIGHT_KEYS)
        self.figures[-1].note = f"{len(report.rows):,} rows, lights {'/'.join(LIGHT_KEYS)} {lights}"
        self.run("xlsx", key, lambda: render_xlsx.monthly_workbook(report))
        self.floor([plain_report_values(row) for row in report.rows])
        self.run("docx", key, lambda: render_docx.monthly_document(report))
        if not self.skip_pdf:
            from exports import render_pdf

            print("  (the PDF lays out every page with WeasyPrint: minutes)")
            data = self.run("pdf", key, lambda: render_pdf.monthly_pdf(report))
            pages = pdf_pages(data)
            self.figures[-1].note = f"{pages:,} pages" if pages is not None else "pages not counted"
        book: Ledger = self.run("ledger", key, lambda: monthly.ledger(plan=self.plan, month=month, now=NOW))
        self.figures[-1].note = f"{len(book.rows):,} rows × {len(book.months)} months"
        self.run("ledger-xlsx", key, lambda: render_xlsx.ledger_workbook(book))
        self.floor([plain_ledger_values(row) for row in book.rows])
        rows = []

        def csv() -> bytes:
            rows[:] = datasets.report_rows(plan=self.plan, now=report.as_of)
            return datasets.as_csv(rows)

        self.run("csv", key, csv)
        self.figures[-1].note = f"{len(rows):,} reports"

    def table(self) -> None:
        trace = any(figure.python_peak_mib is not None for figure in self.figures)
        header = (
            f"{'step':12} {'month':8} {'seconds':>8} {'queries':>8} {'size KiB':>9} {'floor s':>8} {'floor KiB':>9}"
            f" {'RSS MiB before→peak':>19}"
        )
        header += f" {'py peak MiB':>11}" if trace else ""
        print("\n" + header + "  note")
        print("-" * (len(header) + 24))
        for f in self.figures:
            size = f"{f.size / 1024:9,.0f}" if f.size is not None else f"{'-':>9}"
            floor = f"{f.floor_seconds:8.2f}" if f.floor_seconds is not None else f"{'-':>8}"
            floor_size = f"{f.floor_size / 1024:9,.0f}" if f.floor_size is not None else f"{'-':>9}"
            line = f"{f.step:12} {f.month:8} {f.seconds:8.2f} {f.queries:8,} {size} {floor} {floor_size}"
            rss = f"{f.rss_before_mib:,.0f}→{f.rss_peak_mib:,.0f}" if f.rss_peak_mib is not None else "-"
            line += f" {rss:>19}"
            if trace:
                line += f" {f.python_peak_mib:11.1f}" if f.python_peak_mib is not None else f" {'-':>11}"
            print(line + (f"  {f.note}" if f.note else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep the dataset if it is there")
    parser.add_argument("--skip-pdf", action="store_true", help="leave the PDF out (WeasyPrint takes minutes)")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure Python's peak memory (slower)")
    parser.add_argument("--profile", default="", help=f"comma-separated steps to profile: {', '.join(STEPS)}")
    parser.add_argument("--months", default=",".join(MONTHS), help="comma-separated months YYYY-MM")
    parser.add_argument("--tasks", type=int, default=TASKS, help="fewer tasks for a quick look")
    args = parser.parse_args()
    profile = {step for step in args.profile.split(",") if step}
    if profile - set(STEPS):
        parser.error(f"unknown steps {sorted(profile - set(STEPS))}; choose from {', '.join(STEPS)}")
    name = require_bench_database()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)

    call_command("migrate", verbosity=0)
    if not (args.reuse and Plan.objects.filter(title__endswith=MARKER).exists()):
        call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()  # flush gave the content types new ids
        Builder(tasks=args.tasks).build()
    plan = the_plan()
    cutoff = monthly.month_window(plan, datetime.date(YEAR, 4, 1), now=NOW).start
    events_after = AuditEvent.objects.filter(at__gte=cutoff).count()
    print(
        f"database {name} on PostgreSQL {connection.pg_version // 10000}; {Unit.objects.count():,} units, "
        f"{Task.objects.filter(plan=plan).count():,} tasks, {Assignment.objects.count():,} assignments, "
        f"{ProgressReport.objects.count():,} reports, {AuditEvent.objects.count():,} audit events "
        f"({events_after:,} from April on), {Reminder.objects.count():,} reminders, "
        f"{Escalation.objects.count():,} escalations; now = {timezone.localtime(NOW):%Y-%m-%d %H:%M}"
    )
    check_dataset(plan, monthly.month_from_text(args.months.split(",")[0]), tasks=args.tasks)
    bench = Bench(plan, trace=args.tracemalloc, profile=profile, skip_pdf=args.skip_pdf)
    for key in args.months.split(","):
        bench.month(key)
    bench.table()


if __name__ == "__main__":
    main()
