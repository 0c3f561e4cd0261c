"""Read the assessment: every unit's measures gathered in SQL, the ranking, and the events behind one unit's score.

The measures come from a fixed number of grouped queries whatever the number of units,
assignments and reports:

- which (reporting cycle, report due day) pairs the held assignments use (one query); the
  reporting periods due in the window are then enumerated with `plans.periods`;
- per unit, over its assignments: the required reports (a sum of one CASE per enumerated
  period), completions on time and late, assignments open past their deadline, overdue days;
- per unit, over the first filing of each required period: on time or late;
- per unit, over the escalations raised in the window: how many, and the days to the first response.

What counts (see also `assessment.scoring`):
- An assignment is held from its hand-out (its creation or the plan's publication, whichever is
  later) in a published or archived plan; declined assignments are not the unit's.
- A report is required for every period of the assignment's cycle that starts on or after the
  hand-out day and is due in the window, unless the assignment was completed by that due date.
- A period is filed when its first report that the unit's manager did not return was written
  (later corrections do not change it); it is late when that day (Asia/Shanghai) is after the
  report's due date (`ProgressReport.due_on`).
- Completion is judged on the local date of `completed_at` against the effective deadline
  (the granted `Assignment.due_on`, else the task's deadline).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from accounts.models import Unit
from assessment import scoring
from assessment.models import Objection, ScoreWeights
from assessment.periods import AssessmentWindow, start_of_day
from plans import periods
from plans.lights import effective_cycle, effective_due
from plans.models import Assignment, AssignmentStatus, Escalation, EscalationResponse, PlanStatus, ProgressReport

LIVE_PLANS = (PlanStatus.PUBLISHED, PlanStatus.ARCHIVED)
NO_TIME = datetime.timedelta(0)
ONE_DAY = datetime.timedelta(days=1)
MICROSECONDS_PER_DAY = Decimal(86_400_000_000)
OBJECTIONS_SHOWN = 20


# ---------------------------------------------------------------------------------------------
# Weights


def current_weights() -> ScoreWeights:
    """Return the weights in force: the newest saved row, or the defaults (unsaved) when none was ever set."""
    return ScoreWeights.objects.order_by("-created_at", "-id").first() or ScoreWeights()


def weights_history(limit: int = 50) -> list[ScoreWeights]:
    """Return the saved weights, newest first, with who set them."""
    return list(ScoreWeights.objects.select_related("created_by").order_by("-created_at", "-id")[:limit])


def scoring_weights(row: ScoreWeights) -> scoring.Weights:
    """Return a weights row as the plain values the formula takes."""
    return scoring.Weights(
        reports=row.reports_weight,
        completion=row.completion_weight,
        overdue=row.overdue_weight,
        escalations=row.escalation_weight,
        response=row.response_weight,
        late_report_credit=row.late_report_credit,
        overdue_days_cap=row.overdue_days_cap,
        escalation_cap=row.escalation_cap,
        response_days_cap=row.response_days_cap,
    )


# ---------------------------------------------------------------------------------------------
# Building blocks


def _cycle(prefix: str = ""):
    """Return the assignment's reporting cycle: the task's own, else the plan's."""
    return effective_cycle(f"{prefix}task__")


def _days(delta: datetime.timedelta | None) -> Decimal:
    return Decimal((delta or NO_TIME) // datetime.timedelta(microseconds=1)) / MICROSECONDS_PER_DAY


def _held(window: AssessmentWindow, *, unit_ids=None, kind: str = "") -> QuerySet[Assignment]:
    """Return the assignments units held during the window (handed out before its end, not completed before it)."""
    queryset = (
        Assignment.objects.filter(
            task__plan__status__in=LIVE_PLANS,
            created_at__lt=window.as_of,
            task__plan__published_at__lt=window.as_of,
        )
        .exclude(status=AssignmentStatus.DECLINED)
        .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=window.starts_at))
    )
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=list(unit_ids))
    if kind:
        queryset = queryset.filter(unit__kind=kind)
    return queryset.order_by()


@dataclass(frozen=True)
class RequiredPeriod:
    """A reporting period due in the window, for the assignments of one cycle and (monthly, quarterly) due day."""

    cycle: str
    due_day: int | None  # None for 旬报, whose due dates do not depend on the plan's due day
    period: periods.Period


def required_periods(window: AssessmentWindow, *, unit_ids=None, kind: str = "") -> list[RequiredPeriod]:
    """Return the reporting periods due in the window for the cycles and due days the held assignments use."""
    if window.reports_through < window.start:
        return []
    pairs = set(
        _held(window, unit_ids=unit_ids, kind=kind)
        .annotate(assess_cycle=_cycle())
        .values_list("assess_cycle", "task__plan__report_due_day")
        .distinct()
    )
    found: list[RequiredPeriod] = []
    seen: set[tuple[str, int | None]] = set()
    for cycle, due_day in sorted(pairs):
        day = None if cycle == periods.TEN_DAY else due_day
        if (cycle, day) in seen:
            continue
        seen.add((cycle, day))
        for period in periods.periods_between(cycle, window.start, window.reports_through, due_day=due_day):
            if window.start <= period.due <= window.reports_through:
                found.append(RequiredPeriod(cycle=cycle, due_day=day, period=period))
    return found


def _required_q(item: RequiredPeriod, prefix: str = "") -> Q:
    """Return the condition for an assignment (reached through `prefix`) to owe a report for the period.

    The row must carry an `assess_cycle` annotation.
    """
    handed_out_by = start_of_day(item.period.start + ONE_DAY)
    condition = Q(assess_cycle=item.cycle) & Q(
        **{f"{prefix}created_at__lt": handed_out_by, f"{prefix}task__plan__published_at__lt": handed_out_by}
    )
    if item.due_day is not None:
        condition &= Q(**{f"{prefix}task__plan__report_due_day": item.due_day})
    still_open = Q(**{f"{prefix}completed_at__isnull": True}) | Q(
        **{f"{prefix}completed_at__gte": start_of_day(item.period.due + ONE_DAY)}
    )
    return condition & still_open


def _balanced_sum(terms: list):
    """Return the terms added in a balanced tree, so hundreds of periods do not nest hundreds deep."""
    if not terms:
        return Value(0, output_field=IntegerField())
    while len(terms) > 1:
        terms = [terms[i] + terms[i + 1] if i + 1 < len(terms) else terms[i] for i in range(0, len(terms), 2)]
    return terms[0]


def _required_count(required: list[RequiredPeriod]):
    """Return an expression counting the periods an assignment owes a report for."""
    return _balanced_sum(
        [
            Case(When(_required_q(item), then=Value(1)), default=Value(0), output_field=IntegerField())
            for item in required
        ]
    )


def _with_facts(queryset: QuerySet[Assignment], window: AssessmentWindow) -> QuerySet[Assignment]:
    """Annotate assignments with their deadline, completion day, completion class and overdue time in the window.

    Adds: assess_cycle, effective_due, done_on (local day of completion before the window's end),
    completion_class ("on_time", "late", "open_overdue" or ""), overdue_time (a duration in whole days).
    """
    last_day = Value(window.last_day, output_field=DateField())
    day_before = Value(window.start - ONE_DAY, output_field=DateField())
    in_window = Q(done_on__gte=window.start, done_on__lte=window.last_day)
    return (
        queryset.annotate(
            assess_cycle=_cycle(),
            effective_due=effective_due(),
            done_on=Case(
                When(
                    completed_at__lt=window.as_of,
                    then=TruncDate("completed_at", tzinfo=timezone.get_default_timezone()),
                ),
                default=Value(None, output_field=DateField()),
                output_field=DateField(),
            ),
        )
        .annotate(overdue_from=Greatest("effective_due", day_before))
        .annotate(
            completion_class=Case(
                When(
                    in_window & (Q(effective_due__isnull=True) | Q(done_on__lte=F("effective_due"))),
                    then=Value("on_time"),
                ),
                When(in_window, then=Value("late")),
                When(done_on__isnull=True, effective_due__lt=window.last_day, then=Value("open_overdue")),
                default=Value(""),
                output_field=CharField(),
            ),
            overdue_time=Case(
                When(
                    Q(effective_due__lt=window.last_day) & (Q(done_on__isnull=True) | Q(done_on__gt=F("overdue_from"))),
                    then=ExpressionWrapper(
                        Least(Coalesce("done_on", last_day), last_day) - F("overdue_from"),
                        output_field=DurationField(),
                    ),
                ),
                default=Value(NO_TIME, output_field=DurationField()),
                output_field=DurationField(),
            ),
        )
    )


def _first_filings(
    window: AssessmentWindow, required: list[RequiredPeriod], *, unit_ids=None, kind: str = ""
) -> QuerySet[ProgressReport]:
    """Return, for each required (assignment, period), the report that filed it, annotated filed_on and report_due.

    The filing is the period's first report that was not returned by the unit's manager,
    written before the window's end.
    """
    if not required:
        return ProgressReport.objects.none()
    accepted = Q(approval__isnull=True) | Q(approval__approved=True)
    earlier = ProgressReport.objects.filter(
        accepted, assignment_id=OuterRef("assignment_id"), period_key=OuterRef("period_key")
    ).filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")))
    owed = Q()
    for item in required:
        owed |= Q(period_key=item.period.key) & _required_q(item, prefix="assignment__")
    queryset = (
        ProgressReport.objects.filter(
            accepted,
            created_at__lt=window.as_of,
            assignment__task__plan__status__in=LIVE_PLANS,
            # a period due in the window overlaps it: a cheap bound before the per-period conditions
            period_start__lte=window.reports_through,
            period_end__gte=window.start,
        )
        .exclude(assignment__status=AssignmentStatus.DECLINED)
        .annotate(assess_cycle=_cycle("assignment__"))
        .filter(owed)
        .filter(~Exists(earlier))
        .annotate(
            filed_on=TruncDate("created_at", tzinfo=timezone.get_default_timezone()),
            report_due=Coalesce("due_on", "period_end"),
        )
    )
    if unit_ids is not None:
        queryset = queryset.filter(assignment__unit_id__in=list(unit_ids))
    if kind:
        queryset = queryset.filter(assignment__unit__kind=kind)
    return queryset.order_by()


def _escalations(window: AssessmentWindow, *, unit_ids=None, kind: str = "") -> QuerySet[Escalation]:
    """Return the escalations raised in the window, annotated answered_at (first response) and waited (duration)."""
    first_response = (
        EscalationResponse.objects.filter(escalation_id=OuterRef("pk"), created_at__lt=window.as_of)
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    queryset = (
        Escalation.objects.filter(
            assignment__task__plan__status__in=LIVE_PLANS,
            created_at__gte=window.starts_at,
            created_at__lt=window.as_of,
        )
        .annotate(answered_at=Subquery(first_response, output_field=DateTimeField()))
        .annotate(
            waited=ExpressionWrapper(
                Coalesce("answered_at", Value(window.as_of, output_field=DateTimeField())) - F("created_at"),
                output_field=DurationField(),
            )
        )
    )
    if unit_ids is not None:
        queryset = queryset.filter(assignment__unit_id__in=list(unit_ids))
    if kind:
        queryset = queryset.filter(assignment__unit__kind=kind)
    return queryset.order_by()


# ---------------------------------------------------------------------------------------------
# Measures and ranking


def unit_measures(
    window: AssessmentWindow, *, unit_ids=None, kind: str = "", required: list[RequiredPeriod] | None = None
) -> dict[int, scoring.Measures]:
    """Return {unit id: measures} for every unit that held an assignment or was escalated in the window.

    Four queries (three when `required` is given) whatever the number of units, assignments and reports.
    """
    if window.is_empty:
        return {}
    if required is None:
        required = required_periods(window, unit_ids=unit_ids, kind=kind)
    values: dict[int, dict] = {}
    assignment_rows = (
        _with_facts(_held(window, unit_ids=unit_ids, kind=kind), window)
        .values("unit_id")
        .annotate(
            required=Sum(_required_count(required)),
            completed_on_time=Count("pk", filter=Q(completion_class="on_time")),
            completed_late=Count("pk", filter=Q(completion_class="late")),
            open_overdue=Count("pk", filter=Q(completion_class="open_overdue")),
            overdue=Sum("overdue_time"),
        )
    )
    for row in assignment_rows:
        values[row["unit_id"]] = {
            "reports_required": row["required"] or 0,
            "completed_on_time": row["completed_on_time"],
            "completed_late": row["completed_late"],
            "open_overdue": row["open_overdue"],
            "overdue_days": (row["overdue"] or NO_TIME).days,
        }
    report_rows = (
        _first_filings(window, required, unit_ids=unit_ids, kind=kind)
        .values("assignment__unit_id")
        .annotate(
            on_time=Count("pk", filter=Q(filed_on__lte=F("report_due"))),
            late=Count("pk", filter=Q(filed_on__gt=F("report_due"))),
        )
        if required
        else []
    )
    for row in report_rows:
        entry = values.setdefault(row["assignment__unit_id"], {})
        entry["reports_on_time"] = row["on_time"]
        entry["reports_late"] = row["late"]
    escalation_rows = (
        _escalations(window, unit_ids=unit_ids, kind=kind)
        .values("assignment__unit_id")
        .annotate(count=Count("pk"), waited_total=Sum("waited"))
    )
    for row in escalation_rows:
        entry = values.setdefault(row["assignment__unit_id"], {})
        entry["escalations"] = row["count"]
        entry["response_days_total"] = _days(row["waited_total"])
    return {unit_id: scoring.Measures(**entry) for unit_id, entry in values.items()}


@dataclass
class RankedUnit:
    """One unit's line in the ranking."""

    unit: Unit
    measures: scoring.Measures
    score: scoring.Score
    rank: int = 0

    @property
    def reports_rate(self) -> Decimal | None:
        """Return the share of required reports filed on time, or None when none was required."""
        if not self.measures.reports_required:
            return None
        return Decimal(self.measures.reports_on_time) / self.measures.reports_required

    @property
    def completion_rate(self) -> Decimal | None:
        """Return the share of judged assignments completed on time, or None when none was judged."""
        if not self.measures.completion_total:
            return None
        return Decimal(self.measures.completed_on_time) / self.measures.completion_total


# The primary key of each sort; ties keep the rank order (Python's sort is stable, reversed or not).
SORTS = {
    "rank": lambda row: row.rank,
    "name": lambda row: (row.unit.sort_order, row.unit.name),
    "kind": lambda row: row.unit.kind,
    "reports": lambda row: -1 if row.reports_rate is None else row.reports_rate,
    "completion": lambda row: -1 if row.completion_rate is None else row.completion_rate,
    "overdue": lambda row: row.measures.overdue_days,
    "escalations": lambda row: row.measures.escalations,
    "response": lambda row: row.measures.response_days_mean or 0,
}


def ranking(window: AssessmentWindow, *, weights: ScoreWeights, kind: str = "", sort: str = "rank") -> list[RankedUnit]:
    """Return the units assessed in the window with their scores and ranks (equal scores share a rank).

    `sort` is a key of SORTS, with a leading "-" for the reverse order; ranks do not change with it.
    Five queries whatever the number of units, assignments and reports.
    """
    measures = unit_measures(window, kind=kind)
    units = Unit.objects.filter(pk__in=list(measures)) if measures else Unit.objects.none()
    plain = scoring_weights(weights)
    rows = [
        RankedUnit(unit=unit, measures=measures[unit.pk], score=scoring.score(measures[unit.pk], plain))
        for unit in units
    ]
    rows.sort(key=lambda row: (-row.score.total, row.unit.sort_order, row.unit.name))
    previous = None
    for position, row in enumerate(rows, start=1):
        row.rank = previous.rank if previous is not None and previous.score.total == row.score.total else position
        previous = row
    name = sort.removeprefix("-")
    if name in SORTS and sort != "rank":
        rows.sort(key=SORTS[name], reverse=sort.startswith("-"))
    return rows


# ---------------------------------------------------------------------------------------------
# One unit's explanation


@dataclass(frozen=True)
class ReportEvent:
    """A required report that was filed late, or never filed, for one task and period."""

    assignment: Assignment
    period: periods.Period
    filed_at: datetime.datetime | None = None

    @property
    def days_late(self) -> int | None:
        """Return how many days after the due date the report was filed (None when it is missing)."""
        if self.filed_at is None:
            return None
        return (timezone.localdate(self.filed_at) - self.period.due).days


@dataclass
class Explanation:
    """How one unit's score for a window was made, and the events behind each component."""

    unit: Unit
    window: AssessmentWindow
    weights: ScoreWeights
    measures: scoring.Measures
    score: scoring.Score
    rank: int | None
    ranked_count: int
    late_reports: list[ReportEvent] = field(default_factory=list)
    missing_reports: list[ReportEvent] = field(default_factory=list)
    on_time_completions: list[Assignment] = field(default_factory=list)
    late_completions: list[Assignment] = field(default_factory=list)
    open_overdue: list[Assignment] = field(default_factory=list)
    overdue: list[Assignment] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    objections: list[Objection] = field(default_factory=list)


def explanation(window: AssessmentWindow, *, unit: Unit, weights: ScoreWeights) -> Explanation:
    """Return the unit's score, its rank among all units, and the events behind each component.

    The score is the ranking's (the same grouped queries); the events are read for this unit only.
    At most ten queries whatever the number of units, assignments and reports.
    """
    rows = ranking(window, weights=weights)
    mine = next((row for row in rows if row.unit.pk == unit.pk), None)
    measures = mine.measures if mine is not None else scoring.Measures()
    result = Explanation(
        unit=unit,
        window=window,
        weights=weights,
        measures=measures,
        score=mine.score if mine is not None else scoring.score(measures, scoring_weights(weights)),
        rank=mine.rank if mine is not None else None,
        ranked_count=len(rows),
    )
    result.objections = list(
        Objection.objects.filter(unit=unit)
        .select_related("filed_by", "answered_by")
        .order_by("-filed_at", "-id")[:OBJECTIONS_SHOWN]
    )
    if window.is_empty:
        return result
    required = required_periods(window, unit_ids=[unit.pk])
    flags = {
        f"owes_{index}": Case(
            When(_required_q(item), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        for index, item in enumerate(required)
    }
    assignments = list(
        _with_facts(_held(window, unit_ids=[unit.pk]), window)
        .annotate(**flags)
        .select_related("task", "task__plan")
        .order_by("task__plan__plan_year", "task__plan_id", "task__position", "pk")
    )
    filings = {
        (report.assignment_id, report.period_key): report
        for report in _first_filings(window, required, unit_ids=[unit.pk]).only(
            "pk", "assignment_id", "period_key", "created_at", "due_on", "period_end"
        )
    }
    for assignment in assignments:
        assignment.overdue_days = assignment.overdue_time.days if assignment.overdue_time else 0
        for index, item in enumerate(required):
            if not getattr(assignment, f"owes_{index}"):
                continue
            report = filings.get((assignment.pk, item.period.key))
            if report is None:
                result.missing_reports.append(ReportEvent(assignment=assignment, period=item.period))
            elif report.filed_on > report.report_due:
                due_period = periods.Period(
                    item.cycle, item.period.key, item.period.start, item.period.end, report.report_due
                )
                result.late_reports.append(
                    ReportEvent(assignment=assignment, period=due_period, filed_at=report.created_at)
                )
        target = {
            "on_time": result.on_time_completions,
            "late": result.late_completions,
            "open_overdue": result.open_overdue,
        }.get(assignment.completion_class)
        if target is not None:
            target.append(assignment)
        if assignment.overdue_days:
            result.overdue.append(assignment)
    result.missing_reports.sort(key=lambda event: (event.period.due, event.assignment.task.path))
    result.late_reports.sort(key=lambda event: (event.period.due, event.assignment.task.path))
    result.escalations = list(
        _escalations(window, unit_ids=[unit.pk])
        .select_related("assignment__task", "created_by")
        .order_by("created_at", "pk")
    )
    for escalation in result.escalations:
        escalation.waited_days = _days(escalation.waited)
    return result


# ---------------------------------------------------------------------------------------------
# Objections


def objections_for_review(*, answered_limit: int = 50) -> tuple[list[Objection], list[Objection]]:
    """Return (open objections, oldest first; the latest answered ones, newest first), two queries."""
    related = ("unit", "filed_by", "answered_by")
    waiting = list(
        Objection.objects.filter(answered_at__isnull=True).select_related(*related).order_by("filed_at", "pk")
    )
    answered = list(
        Objection.objects.filter(answered_at__isnull=False)
        .select_related(*related)
        .order_by("-answered_at", "-pk")[:answered_limit]
    )
    return waiting, answered


def open_objection_count() -> int:
    """Return how many objections wait for an answer."""
    return Objection.objects.filter(answered_at__isnull=True).count()
