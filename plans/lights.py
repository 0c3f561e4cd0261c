"""Status lights (红黄绿灯): the one definition every page, export and API uses.

`light_for` states the rule on plain values; `annotate_lights` computes the same rule in SQL for
a queryset of assignments, so lists never loop over rows in Python. A test checks the two agree
on every combination of facts.

The rule, first match wins:
1. done (已办结): the assignment is completed.
2. grey (灰灯): it was declined and waits to be reassigned.
3. red (红灯): the (granted) deadline has passed while the unit still holds the task, or an
   escalation (督办) is open and the unit has not answered it.
4. yellow (黄灯): the deadline is within the due-soon window, or the report for the latest period
   whose due date has passed is missing (a report is required for every period that starts on or
   after the day the task was handed out).
5. grey (灰灯): not yet acknowledged, or nothing reported and no report due yet.
6. green (绿灯): on track.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from core import clock
from plans import periods
from plans.models.choices import AssignmentStatus


class Light(models.TextChoices):
    RED = "red", _("红灯")
    YELLOW = "yellow", _("黄灯")
    GREEN = "green", _("绿灯")
    GREY = "grey", _("灰灯")
    DONE = "done", _("已办结")


# A shape beside each colour, so the light never depends on colour alone.
LIGHT_ICONS = {"red": "■", "yellow": "▲", "green": "●", "grey": "○", "done": "✓"}
LIGHT_ORDER = {"red": 0, "yellow": 1, "grey": 2, "green": 3, "done": 4}
HOLDING = (AssignmentStatus.NEW, AssignmentStatus.IN_PROGRESS)


def due_soon_days() -> int:
    """Return how many days before a deadline the light turns yellow (a setting)."""
    return settings.STATUS_LIGHT_DUE_SOON_DAYS


@dataclass(frozen=True)
class LightFacts:
    """What the light of one assignment depends on."""

    status: str
    deadline: datetime.date | None
    escalated_unanswered: bool = False
    report_required: bool = False  # the latest closed period started on or after the hand-out day
    reported_last_period: bool = False
    has_report: bool = False


def light_for(facts: LightFacts, *, today: datetime.date, soon_days: int | None = None) -> str:
    """Return the light of one assignment from plain facts (see the module docstring)."""
    soon = due_soon_days() if soon_days is None else soon_days
    if facts.status == AssignmentStatus.COMPLETED:
        return Light.DONE
    if facts.status == AssignmentStatus.DECLINED:
        return Light.GREY
    holding = facts.status in HOLDING
    if (holding and facts.deadline is not None and facts.deadline < today) or facts.escalated_unanswered:
        return Light.RED
    if holding and facts.deadline is not None and facts.deadline <= today + datetime.timedelta(days=soon):
        return Light.YELLOW
    if holding and facts.report_required and not facts.reported_last_period:
        return Light.YELLOW
    if facts.status == AssignmentStatus.NEW or (not facts.has_report and not facts.report_required):
        return Light.GREY
    return Light.GREEN


def _last_closed_cases(today: datetime.date) -> list[tuple[Q, periods.Period]]:
    """Return (condition, period) pairs choosing each assignment's latest closed period in SQL.

    Which period it is depends on the cycle and, for monthly and quarterly cycles, on whether the
    plan's due day has passed this month; the candidates are computed here, the choice in SQL.
    """
    ten_day = periods.previous_period(periods.period_containing(periods.TEN_DAY, today))
    this_quarter = periods.period_containing(periods.QUARTERLY, today)
    previous_quarter = periods.previous_period(this_quarter)
    this_month = periods.period_containing(periods.MONTHLY, today)
    previous_month = periods.previous_period(this_month)
    cases: list[tuple[Q, periods.Period]] = [(Q(light_cycle=periods.TEN_DAY), ten_day)]
    if today.month % 3 == 0:  # only in a quarter's last month can this quarter's report be overdue
        cases.append((Q(light_cycle=periods.QUARTERLY, task__plan__report_due_day__lt=today.day), this_quarter))
    cases.append((Q(light_cycle=periods.QUARTERLY), previous_quarter))
    cases.append((Q(task__plan__report_due_day__lt=today.day), this_month))
    cases.append((Q(light_cycle__isnull=False), previous_month))  # every other row: monthly, last month
    return cases


def effective_due(prefix: str = "") -> Coalesce:
    """Return an assignment's deadline in SQL: the granted one, else the task's (`prefix` reaches the assignment)."""
    return Coalesce(f"{prefix}due_on", f"{prefix}task__deadline")


def effective_cycle(prefix: str = "task__") -> Coalesce:
    """Return a task's reporting cycle in SQL: its own, else its plan's (`prefix` reaches the task; "" from Task)."""
    return Coalesce(NullIf(f"{prefix}reporting_cycle", Value("")), f"{prefix}plan__reporting_cycle")


def visible_report_q(prefix: str = "") -> Q:
    """Return the condition for a report the bureau may see (no approval needed, or approved)."""
    return Q(**{f"{prefix}needs_approval": False}) | Q(**{f"{prefix}approval__approved": True})


def annotate_lights(queryset: QuerySet, *, today: datetime.date, soon_days: int | None = None) -> QuerySet:
    """Annotate assignments with `light` and the facts behind it, computed in the database.

    Adds: effective_due (granted or task deadline), light_cycle, last_period_key,
    report_required, reported_last_period, has_report, escalated_unanswered, light.
    """
    from plans.models import Escalation, EscalationResponse, ProgressReport

    soon = due_soon_days() if soon_days is None else soon_days
    cases = _last_closed_cases(today)
    reports = ProgressReport.objects.filter(visible_report_q(), assignment_id=OuterRef("pk"))
    open_escalations = Escalation.objects.filter(assignment_id=OuterRef("pk"), closed_at__isnull=True).exclude(
        Exists(EscalationResponse.objects.filter(escalation_id=OuterRef("pk")))
    )
    # The first matching branch picks the period; whether its report is required is decided inside
    # that branch, so a row never falls through to another cycle's period.
    required = Case(
        *[
            When(
                condition,
                then=Case(
                    When(
                        Q(created_at__lt=clock.start_of_day_after(period.start))
                        & Q(task__plan__published_at__lt=clock.start_of_day_after(period.start)),
                        then=Value(True),
                    ),
                    default=Value(False),
                ),
            )
            for condition, period in cases
        ],
        default=Value(False),
        output_field=BooleanField(),
    )
    queryset = queryset.annotate(
        effective_due=effective_due(),
        light_cycle=effective_cycle(),
    ).annotate(
        last_period_key=Case(
            *[When(condition, then=Value(period.key)) for condition, period in cases],
            output_field=models.CharField(),
        ),
        report_required=required,
    )
    candidate_keys = sorted({period.key for _condition, period in cases})
    queryset = queryset.annotate(
        # the IN list lets the database use the (period_key, assignment) index instead of every report
        reported_last_period=Exists(
            reports.filter(period_key__in=candidate_keys, period_key=OuterRef("last_period_key"))
        ),
        has_report=Exists(reports),
        escalated_unanswered=Exists(open_escalations),
    )
    holding = Q(status__in=HOLDING)
    soon_limit = today + datetime.timedelta(days=soon)
    return queryset.annotate(
        light=Case(
            When(status=AssignmentStatus.COMPLETED, then=Value(Light.DONE.value)),
            When(status=AssignmentStatus.DECLINED, then=Value(Light.GREY.value)),
            When((holding & Q(effective_due__lt=today)) | Q(escalated_unanswered=True), then=Value(Light.RED.value)),
            When(holding & Q(effective_due__lte=soon_limit), then=Value(Light.YELLOW.value)),
            When(holding & Q(report_required=True, reported_last_period=False), then=Value(Light.YELLOW.value)),
            When(
                Q(status=AssignmentStatus.NEW) | Q(has_report=False, report_required=False),
                then=Value(Light.GREY.value),
            ),
            default=Value(Light.GREEN.value),
            output_field=models.CharField(),
        )
    )


def light_reason(assignment, *, today: datetime.date) -> str:
    """Return a short phrase for why an annotated assignment has its light (逾期5天, 剩余3天, 本期未报…)."""
    light = assignment.light
    due = assignment.effective_due
    if light == Light.DONE:
        return ""  # the light's own word says it
    if getattr(assignment, "escalated_unanswered", False):
        return str(_("督办待反馈"))
    if due is not None and assignment.status in HOLDING:
        days = (due - today).days
        if days < 0:
            return str(_("逾期%(days)s天") % {"days": -days})
        if light == Light.YELLOW and days <= due_soon_days():
            return str(_("剩余%(days)s天") % {"days": days}) if days else str(_("今天到期"))
    if light == Light.YELLOW:
        return str(_("上期未报"))
    if assignment.status == AssignmentStatus.NEW:
        return str(_("待签收"))
    if assignment.status == AssignmentStatus.DECLINED:
        return str(_("已退回待改派"))
    if light == Light.GREY:
        return str(_("未到报送期"))
    return str(_("正常推进"))
