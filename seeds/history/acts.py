"""The acts every year of the demo history shares: receipts, monthly reports, reminder rounds, completions.

Each `schedule_…` function puts service calls on the timeline; nothing here writes a model itself.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Unit, User
from plans import periods
from plans.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    CompletionDecision,
    CompletionRequest,
    Plan,
    ProgressReport,
    ProgressStatus,
    Task,
)
from plans.services.assignments import assignment_acknowledge
from plans.services.reports import report_no_change, report_submit
from plans.services.requests import completion_decide, completion_request_submit
from plans.services.supervision import reminder_send
from seeds.history.cast import Cast
from seeds.history.texts import DELAY_REASONS, completion_summary, progress_text
from seeds.history.timeline import Timeline, tiny_pdf, tiny_png
from seeds.moments import office_time, workday_on_or_after, workday_on_or_before

ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
NO_CHANGE = "no_change"
DELAYED = "delayed"  # filed on time, but the work is behind: status 滞后 with a reason
DEFAULT_WEIGHTS = {ON_TIME: 78, LATE: 10, MISSING: 7, NO_CHANGE: 5}
Evidence = Callable[[], list[SimpleUploadedFile]]


@dataclass(frozen=True)
class Holding:
    """A task held by a unit, known before its assignment row exists (a reassignment creates it later)."""

    task: Task
    unit: Unit
    role: str
    handed_out: datetime.date

    def assignment(self) -> Assignment:
        """Return the assignment as it is now."""
        return Assignment.objects.get(task_id=self.task.pk, unit_id=self.unit.pk)


@dataclass
class Play:
    """One plan's history being written: its timeline, people, dice and holdings."""

    plan: Plan
    timeline: Timeline
    cast: Cast
    rng: random.Random
    holdings: dict[tuple[str, str], Holding] = field(default_factory=dict)

    def holding(self, task_key: str, unit_name: str) -> Holding:
        """Return the holding of a task (by number or path) and a unit (by full name)."""
        return self.holdings[(task_key, unit_name)]

    def at(
        self, day: datetime.date, hour: int, minute: int, action: Callable[[], object], *, squeeze: bool = True
    ) -> bool:
        """Schedule an action at an office hour of the day; return False when that is still to come.

        The story's own events happen even when their hour today has not come yet (`squeeze`);
        routine ones (receipts, reports by the dice, reminder rounds) wait for their hour.
        """
        return self.timeline.at(office_time(day, hour, minute), action, squeeze=squeeze)


def holdings_of(plan: Plan, *, key: str) -> dict[tuple[str, str], Holding]:
    """Return the plan's current holdings keyed by (task number or path, unit name), in plan order."""
    found = {}
    assignments = (
        Assignment.objects.filter(task__plan=plan)
        .exclude(status=AssignmentStatus.DECLINED)
        .select_related("task__plan", "unit")
        .order_by("task__position", "task__path", "role", "unit__sort_order")
    )
    for assignment in assignments:
        task = assignment.task
        handed_out = timezone.localdate(assignment.handed_out_at)
        name = task.number if key == "number" else task.path
        found[(name, assignment.unit.name)] = Holding(task, assignment.unit, assignment.role, handed_out)
    return found


@dataclass
class Filing:
    """One monthly report a unit files (or a "no change" note)."""

    period: periods.Period
    day: datetime.date
    hour: int
    minute: int
    kind: str
    percent: int
    status: str
    text: str
    delay_reason: str = ""
    evidence: str = ""  # "", "png" or "pdf"
    forced: bool = False  # its day is part of the story, not the dice


@dataclass
class Habits:
    """How a unit reports on one task: its odds, the months it is told to handle a given way, its last month."""

    weights: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    overrides: dict[str, str | tuple[str, datetime.date]] = field(default_factory=dict)
    delayed: float = 0.05
    evidence: float = 0.08
    final_period: str | None = None  # the report of this period says 100% 已完成


def _on_time_day(rng: random.Random, period: periods.Period, handed_out: datetime.date) -> datetime.date:
    day = period.start.replace(day=rng.randint(min(18, period.due.day), period.due.day))
    return max(workday_on_or_before(day), handed_out, period.start)


def _late_day(rng: random.Random, period: periods.Period) -> datetime.date:
    return workday_on_or_after(period.due + datetime.timedelta(days=rng.randint(1, 8)))


def _kind(rng: random.Random, weights: dict[str, int]) -> str:
    kinds = sorted(weights)
    return rng.choices(kinds, weights=[weights[kind] for kind in kinds])[0]


def plan_filings(
    rng: random.Random,
    holding: Holding,
    reporting_periods: Sequence[periods.Period],
    *,
    habits: Habits,
    deadline: datetime.date | None,
) -> list[Filing]:
    """Return the reports a unit files on a task, period by period, with a percent that only grows."""
    target = deadline or datetime.date(holding.task.plan.plan_year, 12, 31)
    span = max((target - holding.handed_out).days, 30)
    filings: list[Filing] = []
    percent = 0
    for period in reporting_periods:
        override = habits.overrides.get(period.key)
        kind = override if isinstance(override, str) else override[0] if override else _kind(rng, habits.weights)
        if kind == NO_CHANGE and not filings:
            kind = ON_TIME
        if kind == MISSING:
            continue
        day = _late_day(rng, period) if kind == LATE else _on_time_day(rng, period, holding.handed_out)
        if isinstance(override, tuple):
            day = override[1]
        hour, minute = rng.randint(9, 17), rng.randrange(0, 60, 3)
        forced = isinstance(override, tuple)
        if kind == NO_CHANGE:
            last = filings[-1]
            filings.append(Filing(period, day, hour, minute, kind, last.percent, last.status, last.text, forced=forced))
            continue
        elapsed = (min(period.end, target) - holding.handed_out).days / span
        percent = max(percent, min(95, max(5, 5 * round((100 * elapsed + rng.randint(-10, 5)) / 5))))
        status, reason = ProgressStatus.IN_PROGRESS, ""
        if period.key == habits.final_period:
            percent, status = 100, ProgressStatus.DONE
        elif kind == DELAYED or rng.random() < habits.delayed:
            status, reason = ProgressStatus.DELAYED, rng.choice(DELAY_REASONS)
        text = progress_text(
            rng,
            headline=holding.task.headline,
            month=period.start.month,
            percent=percent,
            co_unit=holding.role == AssignmentRole.CO,
        )
        evidence = rng.choice(["png", "pdf"]) if rng.random() < habits.evidence else ""
        filings.append(Filing(period, day, hour, minute, kind, percent, status, text, reason, evidence, forced))
    return filings


def evidence_files(kind: str, *, label: str) -> list[SimpleUploadedFile]:
    """Return the small evidence file of a report: a photo or a scanned record."""
    if kind == "png":
        return [tiny_png(f"{label}-现场照片.png")]
    if kind == "pdf":
        return [tiny_pdf(f"{label}-工作台账.pdf", line="Huli District Education Bureau - evidence")]
    return []


def schedule_filings(play: Play, holding: Holding, filings: Sequence[Filing], *, actor: User) -> None:
    """Put the unit's reports on the timeline."""
    for filing in filings:
        play.at(filing.day, filing.hour, filing.minute, _file_action(holding, filing, actor), squeeze=filing.forced)


def _file_action(holding: Holding, filing: Filing, actor: User) -> Callable[[], ProgressReport]:
    def file() -> ProgressReport:
        assignment = holding.assignment()
        if filing.kind == NO_CHANGE:
            return report_no_change(actor=actor, assignment=assignment, period_key=filing.period.key)
        return report_submit(
            actor=actor,
            assignment=assignment,
            text=filing.text,
            percent=filing.percent,
            status=filing.status,
            delay_reason=filing.delay_reason,
            period_key=filing.period.key,
            files=evidence_files(filing.evidence, label=filing.period.label),
        )

    return file


def schedule_receipt(play: Play, holding: Holding, day: datetime.date, *, hour: int, minute: int) -> None:
    """Have the unit's head acknowledge the assignment (签收), unless a first report already did."""

    def acknowledge() -> None:
        assignment = holding.assignment()
        if assignment.status == AssignmentStatus.NEW:
            assignment_acknowledge(actor=play.cast.head(holding.unit.pk), assignment=assignment)

    play.at(day, hour, minute, acknowledge, squeeze=False)


def schedule_reminder_round(play: Play, period: periods.Period, day: datetime.date, *, message: str) -> None:
    """Have the supervisor remind (催办) every open assignment still missing the period's report."""

    def remind() -> None:
        required_by = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time()))
        reported = ProgressReport.objects.filter(assignment_id=OuterRef("pk"), period_key=period.key)
        missing = list(
            Assignment.objects.filter(
                task__plan=play.plan,
                status__in=[AssignmentStatus.NEW, AssignmentStatus.IN_PROGRESS],
                created_at__lt=required_by + datetime.timedelta(days=1),
            )
            .exclude(Exists(reported))
            .order_by("pk")
        )
        if missing:
            reminder_send(actor=play.cast.supervisor, assignments=missing, message=message)

    play.at(day, 9, 10, remind, squeeze=False)


def pending_completion(holding: Holding) -> CompletionRequest:
    """Return the holding's completion request awaiting a decision."""
    return CompletionRequest.objects.get(
        assignment__task_id=holding.task.pk, assignment__unit_id=holding.unit.pk, decision=CompletionDecision.PENDING
    )


def schedule_completion(
    play: Play,
    holding: Holding,
    *,
    asked: datetime.date,
    decided: datetime.date | None,
    evidence: str = "",
    returned_reason: str = "",
    hours: tuple[int, int] | None = None,
) -> None:
    """Have the unit's head ask to close the task and, on the decision day, the supervisor approve or return it."""
    year = holding.task.plan.plan_year

    def ask() -> None:
        completion_request_submit(
            actor=play.cast.head(holding.unit.pk),
            assignment=holding.assignment(),
            summary=completion_summary(headline=holding.task.headline, year=year),
            files=evidence_files(evidence, label=f"{year}年度{holding.task.path}办结"),
        )

    def decide() -> None:
        completion_decide(
            actor=play.cast.supervisor,
            request=pending_completion(holding),
            approve=not returned_reason,
            reason=returned_reason,
        )

    ask_hour, decide_hour = hours or (play.rng.randint(14, 16), play.rng.randint(9, 11))
    play.at(asked, ask_hour, play.rng.randrange(0, 60, 5), ask)
    if decided is not None:
        play.at(decided, decide_hour, play.rng.randrange(0, 60, 5), decide)
