"""Build the monthly report (月度推进情况表) and the ledger (台账) of a plan as they stood at a cut-off.

The cut-off of a month is the midnight that starts the next month (Asia/Shanghai), or the moment
of export while the month is still running. Everything is read as of the cut-off:

- tasks and assignments: today's rows rewound through the audit trail (`exports.history`), so a
  status, percent, granted deadline or wording changed later shows as it was;
- reports: those filed before the cut-off and visible to the bureau then (no approval needed, or
  approved before the cut-off), a correction replacing what it corrects once it was filed;
- reminders, escalations, responses, extensions and completions: those dated before the cut-off.

The light of each assignment is `plans.lights.light_for` on those facts, with the cut-off's day as
today: the same rule every page uses, so the current month's report agrees with the pages.

A report is *owed* in the month for each reporting period whose due date falls in the month (up
to the cut-off), when the period started on or after the day the unit received the task and the
unit still held the task then (not declined, not waiting for or granted completion before the
due date). It is *missing* when no visible report for the period was filed by the cut-off.

The number of queries is fixed (about a dozen) whatever the size of the plan.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit
from core import clock
from core.dates import chinese_date
from exports.history import rewind
from exports.report import (
    LIGHT_KEYS,
    Heading,
    Ledger,
    LedgerRow,
    MissingUnit,
    MonthlyReport,
    ReportRow,
    Summary,
    UnitNote,
)
from plans import periods
from plans.lights import HOLDING, Light, LightFacts, light_for, light_reason
from plans.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    CompletionDecision,
    CompletionRequest,
    Escalation,
    EscalationLevel,
    EscalationResponse,
    ExtensionDecision,
    ExtensionRequest,
    Plan,
    PlanStatus,
    ProgressReport,
    Reminder,
    ReminderKind,
    Section,
    Task,
)
from plans.services.errors import WorkflowError

ASSIGNMENT_FIELDS = ("status", "percent", "due_on", "completed_at", "acknowledged_at", "declined_at")
TASK_FIELDS = ("headline", "deadline", "deadline_text", "reporting_cycle")


class ExportError(WorkflowError):
    """The export cannot be made (a month outside the plan, a draft plan…); the message says why."""


# --- the month and its cut-off --------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The stretch of time a monthly report covers."""

    month: datetime.date  # first day
    start: datetime.datetime  # the month's first midnight
    cutoff: datetime.datetime  # exclusive end: next month's first midnight, or now
    as_of_day: datetime.date  # the last day included
    complete: bool  # the month is over


def _month_last_day(month: datetime.date) -> datetime.date:
    return periods.period_containing(periods.MONTHLY, month).end


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def plan_months(plan: Plan, *, now: datetime.datetime | None = None) -> list[datetime.date]:
    """Return the first days of the months a report can be made for, oldest first.

    From the month of publication to the current month, and no later than the plan year's December
    or the month of its latest deadline (granted extensions included), whichever is later.
    """
    if plan.published_at is None:
        return []
    today = timezone.localdate(now or clock.now())
    first = timezone.localdate(plan.published_at).replace(day=1)
    latest = Task.objects.filter(plan=plan).aggregate(task=Max("deadline"), granted=Max("assignments__due_on"))
    last = max([datetime.date(plan.plan_year, 12, 1)] + [day.replace(day=1) for day in latest.values() if day])
    today = min(today, last)
    months = []
    month = first
    while month <= today:
        months.append(month)
        month = _month_last_day(month) + datetime.timedelta(days=1)
    return months


def month_window(plan: Plan, month: datetime.date, *, now: datetime.datetime | None = None) -> Window:
    """Return the window of a month of the plan; raise ExportError for a draft plan or a month outside it."""
    moment = now or clock.now()
    month = month.replace(day=1)
    label = _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}
    if plan.status == PlanStatus.DRAFT or plan.published_at is None:
        raise ExportError(_("计划尚未发布，没有月度推进情况。"))
    if month > timezone.localdate(moment):
        raise ExportError(_("%(month)s还没有开始，不能导出。") % {"month": label})
    if month < timezone.localdate(plan.published_at).replace(day=1):
        raise ExportError(
            _("计划于%(date)s发布，%(month)s没有推进情况。")
            % {"date": chinese_date(timezone.localdate(plan.published_at)), "month": label}
        )
    months = plan_months(plan, now=moment)
    if months and month > months[-1]:
        raise ExportError(
            _("计划的推进情况只到%(year)s年%(month)s月。") % {"year": months[-1].year, "month": months[-1].month}
        )
    last = _month_last_day(month)
    end = clock.start_of_day_after(last)
    if moment < end:
        return Window(month, _midnight(month), moment, timezone.localdate(moment), complete=False)
    return Window(month, _midnight(month), end, last, complete=True)


def month_from_text(text: str) -> datetime.date:
    """Return the first day of a month written YYYY-MM; raise ExportError otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError) as exc:
        raise ExportError(_("月份应写作 YYYY-MM，如 2020-09。")) from exc


# --- the plan as it stood -------------------------------------------------------------------------


def section_label(number: str, title: str, level: int) -> str:
    """Return a heading as the plan writes it: 一、… for parts, （一）… for sections, 1. … deeper."""
    if not number:
        return title
    if level == 1:
        return f"{number}、{title}"
    if level == 2:
        return f"（{number}）{title}"
    return f"{number}. {title}"


@dataclass
class _Held:
    """One assignment as it stood at the cut-off, with the facts the report needs."""

    row: dict[str, Any]
    unit_name: str
    cycle: str
    reports: list[dict[str, Any]] = field(default_factory=list)  # current visible reports, looked-back periods on
    has_report: bool = False
    escalated_unanswered: bool = False

    @property
    def id(self) -> int:
        return self.row["id"]

    @property
    def status(self) -> str:
        return self.row["status"]

    @property
    def role(self) -> str:
        return self.row["role"]


@dataclass
class _Snapshot:
    plan: Plan
    cutoff: datetime.datetime
    today: datetime.date
    sections: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    held: dict[int, list[_Held]]  # task id → assignments (declined ones excluded), lead first
    declined: set[int]  # tasks with an assignment declined by the cut-off


def _handed_out(row: dict[str, Any], plan: Plan) -> datetime.datetime:
    return max(row["created_at"], plan.published_at) if plan.published_at else row["created_at"]


def _snapshot(
    plan: Plan, *, cutoff: datetime.datetime, unit: Unit | None, first_day: datetime.date, last_day: datetime.date
) -> _Snapshot:
    """Read the plan's tasks, assignments and the reports of periods overlapping [first_day, last_day] at the cut-off."""
    today = timezone.localdate(cutoff - datetime.timedelta(microseconds=1))
    sections = list(Section.objects.filter(plan=plan).order_by("position").values("id", "parent_id", "number", "title"))
    task_query = Task.objects.filter(plan=plan, created_at__lt=cutoff)
    if unit is None:
        task_query = task_query.filter(parent__isnull=True)
    else:
        task_query = task_query.filter(
            Exists(Assignment.objects.filter(task_id=OuterRef("pk"), unit=unit, created_at__lt=cutoff))
        )
    task_rows = {
        row["id"]: row
        for row in task_query.order_by("position", "path").values(
            "id", "section_id", "number", "path", "headline", "deadline", "deadline_text", "reporting_cycle", "position"
        )
    }
    rewind(task_rows, model=Task, keys=task_query, fields=TASK_FIELDS, cutoff=cutoff)

    assignment_query = Assignment.objects.filter(task__in=task_query, created_at__lt=cutoff)
    assignment_rows = {
        row["id"]: row
        for row in assignment_query.values(
            "id", "task_id", "unit_id", "unit__name", "unit__sort_order", "role", "created_at", *ASSIGNMENT_FIELDS
        )
    }
    rewind(assignment_rows, model=Assignment, keys=assignment_query, fields=ASSIGNMENT_FIELDS, cutoff=cutoff)

    # Reports from the earliest period a light may look back to (the last closed one) up to last_day.
    cycles = {plan.reporting_cycle} | {row["reporting_cycle"] for row in task_rows.values() if row["reporting_cycle"]}
    looked_back = min(periods.last_closed_period(cycle, today, due_day=plan.report_due_day).start for cycle in cycles)
    visible = Q(needs_approval=False) | Q(approval__approved=True, approval__created_at__lt=cutoff)
    reports = ProgressReport.objects.filter(visible, assignment__in=assignment_query, created_at__lt=cutoff)
    with_report = set(reports.order_by().values_list("assignment_id", flat=True).distinct())
    window_reports = list(
        reports.filter(period_end__gte=min(first_day, looked_back), period_start__lte=last_day)
        .order_by("period_start", "created_at", "id")
        .values("id", "assignment_id", "cycle", "period_key", "period_start", "period_end", "text", "supersedes_id")
    )
    replaced = {row["supersedes_id"] for row in window_reports if row["supersedes_id"]}
    reports_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for report in window_reports:
        if report["id"] not in replaced:
            reports_of[report["assignment_id"]].append(report)

    answered = EscalationResponse.objects.filter(escalation_id=OuterRef("pk"), created_at__lt=cutoff)
    unanswered = set(
        Escalation.objects.filter(assignment__in=assignment_query, created_at__lt=cutoff)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
        .exclude(Exists(answered))
        .values_list("assignment_id", flat=True)
    )

    held: dict[int, list[_Held]] = defaultdict(list)
    declined: set[int] = set()
    for row in sorted(
        assignment_rows.values(), key=lambda r: (r["role"] != AssignmentRole.LEAD, r["unit__sort_order"], r["id"])
    ):
        if row["status"] == AssignmentStatus.DECLINED:
            declined.add(row["task_id"])
            continue
        task = task_rows[row["task_id"]]
        held[row["task_id"]].append(
            _Held(
                row=row,
                unit_name=row["unit__name"],
                cycle=task["reporting_cycle"] or plan.reporting_cycle,
                reports=reports_of.get(row["id"], []),
                has_report=row["id"] in with_report,
                escalated_unanswered=row["id"] in unanswered,
            )
        )
    return _Snapshot(plan, cutoff, today, sections, list(task_rows.values()), dict(held), declined)


def _last_closed_period(held: _Held, snap: _Snapshot) -> periods.Period:
    return periods.last_closed_period(held.cycle, snap.today, due_day=snap.plan.report_due_day)


def _unheld(task: dict[str, Any], snap: _Snapshot) -> str:
    """Return why a task has no lead at the cut-off: its lead declined it, or it was never handed out."""
    return _("待改派") if task["id"] in snap.declined else _("未交办")


def _light(held: _Held | None, task: dict[str, Any], snap: _Snapshot) -> tuple[str, str]:
    """Return (light, reason) of an assignment at the cut-off, by the pages' own rule."""
    if held is None:
        return Light.GREY.value, _unheld(task, snap)
    deadline = held.row["due_on"] or task["deadline"]
    period = _last_closed_period(held, snap)
    handed_out = _handed_out(held.row, snap.plan)
    facts = LightFacts(
        status=held.status,
        deadline=deadline,
        escalated_unanswered=held.escalated_unanswered,
        report_required=handed_out < clock.start_of_day_after(period.start),
        reported_last_period=_filed_for(held, period.key),
        has_report=held.has_report,
    )
    light = str(light_for(facts, today=snap.today))
    shown = SimpleNamespace(
        light=light, effective_due=deadline, status=held.status, escalated_unanswered=held.escalated_unanswered
    )
    return light, light_reason(shown, today=snap.today)


def _filed_for(held: _Held, period_key: str) -> bool:
    return any(report["period_key"] == period_key for report in held.reports)


def _owed_periods(held: _Held, snap: _Snapshot, first_day: datetime.date) -> list[periods.Period]:
    """Return the periods whose report the unit owed between first_day and the cut-off's day."""
    handed_out = _handed_out(held.row, snap.plan)
    owed = []
    for period in periods.periods_between(held.cycle, first_day, snap.today, due_day=snap.plan.report_due_day):
        if not first_day <= period.due <= snap.today:
            continue
        if handed_out >= clock.start_of_day_after(period.start):
            continue  # received after the period began
        if held.status not in HOLDING:
            completed_at = held.row["completed_at"]
            if held.status != AssignmentStatus.COMPLETED or completed_at is None:
                continue  # waiting for completion approval: no more reports asked
            if completed_at < clock.start_of_day_after(period.due):
                continue  # completed before the report fell due
        owed.append(period)
    return owed


def _reports_in(held: _Held, first_day: datetime.date, last_day: datetime.date) -> list[dict[str, Any]]:
    return [r for r in held.reports if r["period_end"] >= first_day and r["period_start"] <= last_day]


def _report_text(reports: list[dict[str, Any]]) -> str:
    """Return one unit's reports of a month as one text, each labelled by its period unless it is the month's."""
    if len(reports) == 1 and reports[0]["cycle"] == periods.MONTHLY:
        return reports[0]["text"]
    lines = []
    for report in reports:
        period = periods.period_by_key(report["cycle"], report["period_key"])
        lines.append(_("%(period)s：%(text)s") % {"period": period.label, "text": report["text"]})
    return "\n".join(lines)


# --- what happened in the month (备注) -------------------------------------------------------------


def _events_in_month(assignment_ids: list[int], window: Window) -> dict[int, dict[str, Any]]:
    """Return {assignment id: counts and notes} of the reminders, escalations, extensions and completions in the month."""
    events: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"reminders": Counter(), "escalations": [], "extensions": [], "completed": None}
    )
    inside = {"created_at__gte": window.start, "created_at__lt": window.cutoff}
    for assignment_id, kind in Reminder.objects.filter(assignment_id__in=assignment_ids, **inside).values_list(
        "assignment_id", "kind"
    ):
        events[assignment_id]["reminders"][kind] += 1
    answered = EscalationResponse.objects.filter(escalation_id=OuterRef("pk"), created_at__lt=window.cutoff)
    for assignment_id, level, was_answered in (
        Escalation.objects.filter(assignment_id__in=assignment_ids, **inside)
        .annotate(was_answered=Exists(answered))
        .order_by("created_at", "id")
        .values_list("assignment_id", "level", "was_answered")
    ):
        events[assignment_id]["escalations"].append((level, was_answered))
    for assignment_id, decided_at, granted_due in (
        ExtensionRequest.objects.filter(
            assignment_id__in=assignment_ids,
            decision=ExtensionDecision.GRANTED,
            decided_at__gte=window.start,
            decided_at__lt=window.cutoff,
        )
        .order_by("decided_at")
        .values_list("assignment_id", "decided_at", "granted_due")
    ):
        events[assignment_id]["extensions"].append((timezone.localdate(decided_at), granted_due))
    for assignment_id, decided_at in CompletionRequest.objects.filter(
        assignment_id__in=assignment_ids,
        decision=CompletionDecision.APPROVED,
        decided_at__gte=window.start,
        decided_at__lt=window.cutoff,
    ).values_list("assignment_id", "decided_at"):
        events[assignment_id]["completed"] = timezone.localdate(decided_at)
    return events


def _remarks(held: list[_Held], events: dict[int, dict[str, Any]], *, named: bool) -> tuple[str, int, int]:
    """Return (备注 text, reminders, escalations) for a task's assignments; `named` prefixes co-units' notes."""
    parts: list[str] = []
    reminder_total = escalation_total = 0
    for one in held:
        if one.id not in events:
            continue
        found = events[one.id]
        notes: list[str] = []
        reminders: Counter = found["reminders"]
        if reminders:
            count = sum(reminders.values())
            reminder_total += count
            kinds = _("、").join(
                _("%(kind)s%(n)s次") % {"kind": ReminderKind(kind).label, "n": n}
                for kind, n in sorted(reminders.items())
            )
            if len(reminders) == 1:
                notes.append(kinds)  # 逾期催办2次
            else:
                notes.append(_("催办%(n)s次（%(kinds)s）") % {"n": count, "kinds": kinds})
        for level, was_answered in found["escalations"]:
            escalation_total += 1
            notes.append(
                _("%(level)s（%(state)s）")
                % {"level": EscalationLevel(level).label, "state": _("已反馈") if was_answered else _("未反馈")}
            )
        for day, granted_due in found["extensions"]:
            notes.append(_("%(day)s同意延期至%(due)s") % {"day": chinese_date(day), "due": chinese_date(granted_due)})
        if found["completed"] is not None:
            notes.append(_("%(day)s同意办结") % {"day": chinese_date(found["completed"])})
        if notes:
            text = _("；").join(notes)
            if named and one.role != AssignmentRole.LEAD:
                text = _("【%(unit)s】%(text)s") % {"unit": one.unit_name, "text": text}
            parts.append(text)
    return "\n".join(parts), reminder_total, escalation_total


# --- the report -----------------------------------------------------------------------------------


def _ordered(snap: _Snapshot) -> list[tuple[str, Any]]:
    """Return [("heading", Heading) | ("task", (task row, part label))] in plan order, headings only above tasks."""
    children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for section in snap.sections:
        children[section["parent_id"]].append(section)
    tasks_of: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for task in snap.tasks:
        tasks_of[task["section_id"]].append(task)
    known = {section["id"] for section in snap.sections}
    entries: list[tuple[str, Any]] = [("task", (task, "")) for task in tasks_of[None]]
    entries += [
        ("task", (task, "")) for sid, rows in tasks_of.items() if sid is not None and sid not in known for task in rows
    ]

    def walk(section: dict[str, Any], level: int, part: str) -> list[tuple[str, Any]]:
        label = section_label(section["number"], section["title"], level)
        part = part or label
        below: list[tuple[str, Any]] = [("task", (task, part)) for task in tasks_of.get(section["id"], [])]
        for child in children.get(section["id"], []):
            below += walk(child, level + 1, part)
        if not below:
            return []
        return [("heading", Heading(level=level, label=label)), *below]

    for root in children.get(None, []):
        entries += walk(root, 1, "")
    return entries


def _deadline_text(task: dict[str, Any], deadline: datetime.date | None) -> str:
    return task["deadline_text"] or (chinese_date(deadline) if deadline else "")


def _subject(held: list[_Held], unit: Unit | None) -> _Held | None:
    """Return whose figures the row shows: the lead's for the whole plan, the unit's own for a unit's report."""
    if unit is not None:
        return next((one for one in held if one.row["unit_id"] == unit.pk), None)
    return next((one for one in held if one.role == AssignmentRole.LEAD), None)


def _rows(snap: _Snapshot, unit: Unit | None) -> Iterator[Heading | _TaskLine]:
    """Yield the headings and, for each task the scope holds, what every row type shows of it."""
    serial = 0
    for kind, value in _ordered(snap):
        if kind == "heading":
            yield value
            continue
        task, part = value
        held = snap.held.get(task["id"], [])
        subject = _subject(held, unit)
        if unit is not None and subject is None:
            continue  # the unit's assignment was declined by then
        serial += 1
        light, reason = _light(subject, task, snap)
        deadline = (subject.row["due_on"] if subject else None) or task["deadline"]
        common = {
            "serial": serial,
            "task_id": task["id"],
            "number": task["number"] or task["path"],
            "headline": task["headline"],
            "part": part,
            "lead_units": tuple(one.unit_name for one in held if one.role == AssignmentRole.LEAD),
            "co_units": tuple(one.unit_name for one in held if one.role == AssignmentRole.CO),
            "deadline": deadline,
            "deadline_text": _deadline_text(task, deadline),
            "percent": 100 if light == Light.DONE else (subject.row["percent"] if subject else 0),
            "light": light,
            "light_label": str(Light(light).label),
            "status_label": str(AssignmentStatus(subject.status).label) if subject else _unheld(task, snap),
        }
        yield _TaskLine(common=common, held=held, subject=subject, reason=reason)


@dataclass(frozen=True)
class _TaskLine:
    common: dict[str, Any]  # the fields a report row and a ledger row share
    held: list[_Held]
    subject: _Held | None
    reason: str


def monthly_report(
    *, plan: Plan, month: datetime.date, unit: Unit | None = None, now: datetime.datetime | None = None
) -> MonthlyReport:
    """Return the plan's report for the month as it stood at the month's cut-off; `unit` limits it to that unit's tasks."""
    window = month_window(plan, month, now=now)
    last_day = _month_last_day(window.month)
    snap = _snapshot(plan, cutoff=window.cutoff, unit=unit, first_day=window.month, last_day=last_day)
    in_scope = [one for held in snap.held.values() for one in held if unit is None or one.row["unit_id"] == unit.pk]
    events = _events_in_month([one.id for one in in_scope], window)

    owed = filed = 0
    missing: Counter = Counter()
    unit_order: dict[str, tuple] = {}
    entries: list[Heading | ReportRow] = []
    lights: Counter = Counter()
    percents: list[int] = []
    reminder_total = escalation_total = 0

    def month_note(one: _Held) -> tuple[str, bool]:
        nonlocal owed, filed
        due = _owed_periods(one, snap, window.month)
        done = [period for period in due if _filed_for(one, period.key)]
        owed += len(due)
        filed += len(done)
        if len(done) < len(due):
            missing[one.unit_name] += len(due) - len(done)
            unit_order[one.unit_name] = (one.row["unit__sort_order"], one.unit_name)
        return _report_text(_reports_in(one, window.month, last_day)), len(done) < len(due)

    for line in _rows(snap, unit):
        if isinstance(line, Heading):
            entries.append(line)
            continue
        held, subject = line.held, line.subject
        progress, progress_missing = month_note(subject) if subject else ("", False)
        notes = []
        if unit is None:
            for one in held:
                if one is subject:
                    continue
                text, absent = month_note(one)
                if text or absent:
                    notes.append(UnitNote(unit=one.unit_name, text=text, percent=one.row["percent"], missing=absent))
        shown = [subject] if unit is not None else held
        remarks, reminders, escalations = _remarks(shown, events, named=unit is None)
        reminder_total += reminders
        escalation_total += escalations
        lights[line.common["light"]] += 1
        percents.append(line.common["percent"])
        entries.append(
            ReportRow(
                **line.common,
                progress=progress,
                progress_missing=progress_missing,
                co_notes=tuple(notes),
                light_reason=line.reason,
                remarks=remarks,
                reminders=reminders,
                escalations=escalations,
            )
        )
    entries = _without_empty_headings(entries)
    summary = Summary(
        tasks=len(percents),
        lights={key: lights.get(key, 0) for key in LIGHT_KEYS},
        completed=lights.get(Light.DONE.value, 0),
        mean_percent=round(sum(percents) / len(percents), 1) if percents else None,
        reports_due=owed,
        reports_filed=filed,
        missing_units=tuple(
            MissingUnit(unit=name, count=count)
            for name, count in sorted(missing.items(), key=lambda item: (-item[1], unit_order[item[0]]))
        ),
        reminders=reminder_total,
        escalations=escalation_total,
    )
    return MonthlyReport(
        plan_id=plan.pk,
        plan_title=plan.title,
        doc_number=plan.doc_number,
        issuer=plan.issuer,
        month=window.month,
        as_of=window.cutoff,
        as_of_day=window.as_of_day,
        unit=unit.name if unit is not None else "",
        entries=tuple(entries),
        summary=summary,
    )


def _without_empty_headings(entries: list) -> list:
    """Drop headings left with no task below them (a unit's report skips tasks it no longer holds)."""
    kept: list = []
    row_since: dict[int, bool] = defaultdict(bool)  # a row follows, before the next heading of this level or higher
    for entry in reversed(entries):
        if isinstance(entry, Heading):
            if row_since[entry.level]:
                kept.append(entry)
            for level in [level for level in row_since if level >= entry.level]:
                row_since[level] = False
        else:
            kept.append(entry)
            for level in range(1, 10):
                row_since[level] = True
    return kept[::-1]


# --- the ledger -----------------------------------------------------------------------------------


def ledger(
    *, plan: Plan, month: datetime.date | None = None, unit: Unit | None = None, now: datetime.datetime | None = None
) -> Ledger:
    """Return the plan's ledger (台账): every task with each month's report, as of the end of `month` (default: now)."""
    months = plan_months(plan, now=now)
    if not months:
        raise ExportError(_("计划尚未发布，没有台账。"))
    window = month_window(plan, month or months[-1], now=now)
    shown = [m for m in months if m <= window.month]
    last_day = _month_last_day(window.month)
    snap = _snapshot(plan, cutoff=window.cutoff, unit=unit, first_day=shown[0], last_day=last_day)
    entries: list = []
    for line in _rows(snap, unit):
        if isinstance(line, Heading):
            entries.append(line)
            continue
        texts = []
        for first in shown:
            # each report once, in the month its period ends (a quarter's report in the quarter's last month)
            reports = (
                [r for r in line.subject.reports if r["period_end"].replace(day=1) == first] if line.subject else []
            )
            texts.append(_report_text(reports))
        entries.append(LedgerRow(**line.common, months=tuple(texts)))
    return Ledger(
        plan_id=plan.pk,
        plan_title=plan.title,
        doc_number=plan.doc_number,
        months=tuple(shown),
        as_of=window.cutoff,
        as_of_day=window.as_of_day,
        unit=unit.name if unit is not None else "",
        entries=tuple(_without_empty_headings(entries)),
    )
