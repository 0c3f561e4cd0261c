"""Figures for the leaders' dashboard (领导驾驶舱), computed in the database.

Each function reads one plan as of a day and returns small aggregated values: counts per light,
per month and per unit come from grouped or conditional aggregates, so the number of queries is
fixed whatever the number of tasks, units and reports. Python only shapes those few rows.

The words, as the charts use them:
- an assignment counts unless it was declined (退回): the unit that replaced it holds the work;
- a report is *on time* when its first filing (a correction does not count again) is dated, in
  the site's time zone, on or before its period's due date (ProgressReport.due_on), else *late*;
- a report is *missing* for each closed period (due date before today) of the plan year that
  started on or after the day the unit received the task, while the unit still held it (not
  completed before the due date), when no report for that period was filed at all;
- an assignment is *overdue* when the unit still holds it and its deadline has passed (the red
  light because of the deadline, not because of an open escalation).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, TruncDate, TruncMonth
from django.utils import timezone

from core import clock
from plans import periods
from plans.lights import HOLDING, Light, annotate_lights, effective_due
from plans.models import Assignment, AssignmentStatus, Plan, PlanStatus, ProgressReport, Section, Task

LIGHTS = (Light.RED.value, Light.YELLOW.value, Light.GREEN.value, Light.GREY.value, Light.DONE.value)


def month_end(day: datetime.date) -> datetime.date:
    """Return the last day of the day's month."""
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def dashboard_plans() -> list[Plan]:
    """Return the plans the dashboard can show (published or archived), newest first."""
    return list(
        Plan.objects.filter(status__in=[PlanStatus.PUBLISHED, PlanStatus.ARCHIVED]).order_by(
            "-plan_year", "-published_at", "-id"
        )
    )


def default_plan(plans: list[Plan]) -> Plan | None:
    """Return the newest published plan of the list, else its newest plan, else None."""
    return next((plan for plan in plans if plan.status == PlanStatus.PUBLISHED), plans[0] if plans else None)


def plan_months(plan: Plan, *, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Return (first day, as-of day) for each month of the plan year from its publication up to today.

    The as-of day is the month's last day, or today for the current month.
    """
    first = datetime.date(plan.plan_year, 1, 1)
    if plan.published_at is not None:
        first = max(first, timezone.localdate(plan.published_at))
    last = min(datetime.date(plan.plan_year, 12, 31), today)
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append((month, min(month_end(month), today)))
        month = month_end(month) + datetime.timedelta(days=1)
    return months


def _counted_assignments(plan: Plan) -> QuerySet[Assignment]:
    return Assignment.objects.filter(task__plan=plan).exclude(status=AssignmentStatus.DECLINED)


# --- 1. lights and completion, for the plan and per part ------------------------------------------


@dataclass
class LightBreakdown:
    """How many of a plan's (or part's) assignments have each light, and the share completed."""

    counts: dict[str, int]
    section_id: int | None = None
    label: str = ""

    @property
    def total(self) -> int:
        """Return the number of assignments counted."""
        return sum(self.counts.values())

    @property
    def completed(self) -> int:
        """Return the number of completed assignments (the done light)."""
        return self.counts.get(Light.DONE.value, 0)

    @property
    def completion_rate(self) -> float | None:
        """Return the completed share in percent (one decimal), or None when nothing is counted."""
        return round(100 * self.completed / self.total, 1) if self.total else None


def light_breakdown(*, plan: Plan, today: datetime.date) -> tuple[LightBreakdown, list[LightBreakdown]]:
    """Return the plan's light counts and one breakdown per part (top-level section), in two queries.

    A part counts the tasks of every section under it; tasks outside any section form a last
    group with no section id.
    """
    sections = list(Section.objects.filter(plan=plan).order_by("position").values("id", "parent_id", "number", "title"))
    parent_of = {row["id"]: row["parent_id"] for row in sections}

    def part_of(section_id: int | None) -> int | None:
        seen = set()
        while section_id is not None and parent_of.get(section_id) is not None and section_id not in seen:
            seen.add(section_id)
            section_id = parent_of[section_id]
        return section_id

    rows = (
        annotate_lights(_counted_assignments(plan), today=today)
        .order_by()
        .values("task__section_id", "light")
        .annotate(n=Count("pk"))
    )
    whole = LightBreakdown(counts=dict.fromkeys(LIGHTS, 0))
    parts = {
        row["id"]: LightBreakdown(
            counts=dict.fromkeys(LIGHTS, 0),
            section_id=row["id"],
            label=f"{row['number']}、{row['title']}" if row["number"] else row["title"],
        )
        for row in sections
        if row["parent_id"] is None
    }
    unsorted = LightBreakdown(counts=dict.fromkeys(LIGHTS, 0))
    for row in rows:
        whole.counts[row["light"]] += row["n"]
        part = parts.get(part_of(row["task__section_id"]), unsorted)
        part.counts[row["light"]] += row["n"]
    result = [part for part in parts.values() if part.total]
    if unsorted.total:
        result.append(unsorted)
    return whole, result


# --- 2. the month-by-month trend ------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """The plan as it stood at the end of one month (or today, for the current month)."""

    month: datetime.date  # the month's first day
    as_of: datetime.date
    assignments: int  # handed out by then (and not declined since)
    completed: int  # completed by then
    mean_percent: float | None  # mean of the latest reported percent (completed = 100, none = 0)

    @property
    def completion_rate(self) -> float | None:
        """Return the completed share in percent (one decimal), or None when nothing was handed out."""
        return round(100 * self.completed / self.assignments, 1) if self.assignments else None


def completion_trend(*, plan: Plan, today: datetime.date) -> list[TrendPoint]:
    """Return one point per month of the plan year up to today, all months in one query.

    Each month has a conditional count of the assignments handed out and completed by its end,
    and the mean of each assignment's latest visible report filed by then (a subquery per month:
    twelve at most).
    """
    months = plan_months(plan, today=today)
    if not months:
        return []
    aggregates = {}
    for index, (_month, as_of) in enumerate(months):
        cutoff = clock.start_of_day_after(as_of)
        handed_out = Q(created_at__lt=cutoff)
        completed = handed_out & Q(completed_at__lt=cutoff)
        # Seen by the bureau by then: needing no approval, or approved before the month ended.
        visible = Q(needs_approval=False) | Q(approval__approved=True, approval__created_at__lt=cutoff)
        latest_percent = (
            ProgressReport.objects.filter(visible, assignment_id=OuterRef("pk"), created_at__lt=cutoff)
            .order_by("-period_start", "-created_at", "-id")
            .values("percent")[:1]
        )
        aggregates[f"assignments_{index}"] = Count("pk", filter=handed_out)
        aggregates[f"completed_{index}"] = Count("pk", filter=completed)
        aggregates[f"percent_{index}"] = Avg(
            Case(
                When(completed, then=Value(100)),
                When(handed_out, then=Coalesce(Subquery(latest_percent, output_field=IntegerField()), Value(0))),
                default=None,
                output_field=IntegerField(),
            )
        )
    row = _counted_assignments(plan).aggregate(**aggregates)
    points = []
    for index, (month, as_of) in enumerate(months):
        mean = row[f"percent_{index}"]
        points.append(
            TrendPoint(
                month=month,
                as_of=as_of,
                assignments=row[f"assignments_{index}"],
                completed=row[f"completed_{index}"],
                mean_percent=round(float(mean), 1) if mean is not None else None,
            )
        )
    return points


# --- 3 and 4. punctuality per unit, and per unit and month ----------------------------------------


@dataclass
class Punctuality:
    """Counts of reports filed on time and late, and of reports missing."""

    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def expected(self) -> int:
        """Return on time + late + missing."""
        return self.on_time + self.late + self.missing

    @property
    def on_time_rate(self) -> float | None:
        """Return the on-time share of expected reports in percent (one decimal), or None."""
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


@dataclass
class UnitFigures:
    """One unit's figures in a plan: its assignments, punctuality overall and per month."""

    unit_id: int
    name: str
    sort_order: int
    assignments: int
    overdue: int
    punctuality: Punctuality = field(default_factory=Punctuality)
    months: dict[datetime.date, Punctuality] = field(default_factory=dict)

    @property
    def attention(self) -> int:
        """Return how much needs attention (overdue + missing + late), to list the worst units first."""
        return self.overdue + self.punctuality.missing + self.punctuality.late


def closed_periods(plan: Plan, *, cycles: set[str], today: datetime.date) -> list[periods.Period]:
    """Return the periods of the given cycles in the plan year whose report was due before today.

    Periods that started before the plan was published are left out: no unit had the task then.
    """
    published = timezone.localdate(plan.published_at) if plan.published_at else None
    first = datetime.date(plan.plan_year, 1, 1)
    last = min(datetime.date(plan.plan_year, 12, 31), today)
    if last < first:
        return []
    found = []
    for cycle in sorted(cycles):
        for period in periods.periods_between(cycle, first, last, due_day=plan.report_due_day):
            if period.due < today and (published is None or published <= period.start):
                found.append(period)
    return found


def _cycles_in_plan(plan: Plan) -> set[str]:
    own = Task.objects.filter(plan=plan).exclude(reporting_cycle="").values_list("reporting_cycle", flat=True)
    return {plan.reporting_cycle, *own.distinct()}


def unit_figures(*, plan: Plan, today: datetime.date) -> list[UnitFigures]:
    """Return the figures of every unit holding assignments in the plan, worst first, in three queries.

    One query lists the plan's reporting cycles; one groups the first filings by unit and due
    month into on time and late; one groups the assignments by unit with the overdue count and,
    for each closed period (a bounded number: at most 52 in a year), the count of missing reports.
    """
    local = ZoneInfo(settings.TIME_ZONE)
    closed = closed_periods(plan, cycles=_cycles_in_plan(plan), today=today)
    missing = {}
    for index, period in enumerate(closed):
        reported = ProgressReport.objects.filter(assignment_id=OuterRef("pk"), period_key=period.key)
        missing[f"missing_{index}"] = Count(
            "pk",
            filter=Q(cycle=period.cycle)
            & Q(created_at__lt=clock.start_of_day_after(period.start))
            & (Q(completed_at__isnull=True) | Q(completed_at__gte=clock.start_of_day_after(period.due)))
            & ~Exists(reported),
        )
    unit_rows = (
        _counted_assignments(plan)
        .annotate(
            cycle=Coalesce(NullIf("task__reporting_cycle", Value("")), Value(plan.reporting_cycle)),
            effective_due=effective_due(),
        )
        .order_by()
        .values("unit_id", "unit__name", "unit__short_name", "unit__sort_order")
        .annotate(
            assignments=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=HOLDING, effective_due__lt=today)),
            **missing,
        )
    )
    units: dict[int, UnitFigures] = {}
    for row in unit_rows:
        figures = UnitFigures(
            unit_id=row["unit_id"],
            name=row["unit__short_name"] or row["unit__name"],
            sort_order=row["unit__sort_order"],
            assignments=row["assignments"],
            overdue=row["overdue"],
        )
        for index, period in enumerate(closed):
            count = row[f"missing_{index}"]
            if count:
                month = period.due.replace(day=1)
                figures.months.setdefault(month, Punctuality()).missing += count
                figures.punctuality.missing += count
        units[figures.unit_id] = figures

    filings = (
        ProgressReport.objects.filter(assignment__task__plan=plan, supersedes__isnull=True, due_on__isnull=False)
        .exclude(assignment__status=AssignmentStatus.DECLINED)
        .annotate(filed_on=TruncDate("created_at", tzinfo=local), due_month=TruncMonth("due_on"))
        .order_by()
        .values("assignment__unit_id", "due_month")
        .annotate(
            on_time=Count("pk", filter=Q(filed_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(filed_on__gt=F("due_on"))),
        )
    )
    for row in filings:
        figures = units.get(row["assignment__unit_id"])
        if figures is None:
            continue
        month = row["due_month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        cell = figures.months.setdefault(month, Punctuality())
        cell.on_time += row["on_time"]
        cell.late += row["late"]
        figures.punctuality.on_time += row["on_time"]
        figures.punctuality.late += row["late"]
    return sorted(units.values(), key=lambda unit: (-unit.attention, unit.sort_order, unit.name))
