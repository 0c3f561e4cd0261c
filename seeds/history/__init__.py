"""The demo history: the 2020 plan played from July to December, this year's plan from January to today.

Everything is written through the services, each record inside `clock.frozen_at` the moment it
happened, with fixed dice, so the same day always yields the same history. A plan that already has
a history is left alone.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import Unit, User
from core import clock
from notifications.services import notification_mark_read
from plans.lights import Light, annotate_lights
from plans.models import (
    Assignment,
    Comment,
    CompletionDecision,
    CompletionRequest,
    Escalation,
    ExtensionDecision,
    ExtensionRequest,
    Plan,
    PlanStatus,
    ProgressReport,
    Reminder,
)
from seeds.history.cast import build_cast
from seeds.history.live import play_live
from seeds.history.year2020 import PE_DEPARTMENT, PUBLISHED_ON, play_2020
from seeds.plans import LIVE, PUBLISHED, live_plan_year


@dataclass
class HistoryResult:
    """What seeding the history did: the plans played, the events, the liaison users created."""

    played: list[Plan] = field(default_factory=list)
    events: int = 0
    liaisons: list[User] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _has_history(plan: Plan) -> bool:
    """Return whether anything has happened on the plan since it was published."""
    return (
        ProgressReport.objects.filter(assignment__task__plan=plan).exists()
        or Assignment.objects.filter(task__plan=plan, acknowledged_at__isnull=False).exists()
        or Reminder.objects.filter(assignment__task__plan=plan).exists()
        or Comment.objects.filter(task__plan=plan).exists()
    )


def demo_plan() -> Plan | None:
    """Return the 2020 demo plan (厦湖教〔2020〕132号)."""
    return Plan.objects.filter(source_name=PUBLISHED).first()


def live_plan() -> Plan | None:
    """Return this year's live demo plan."""
    return Plan.objects.filter(source_name=LIVE).first()


def _playable_2020(plan: Plan | None) -> bool:
    return (
        plan is not None
        and plan.status == PlanStatus.PUBLISHED
        and timezone.localdate(plan.published_at) == PUBLISHED_ON
    )


def _playable_live(plan: Plan | None) -> bool:
    return plan is not None and plan.status == PlanStatus.PUBLISHED and plan.plan_year == live_plan_year()


@transaction.atomic
def seed_demo_history() -> HistoryResult:
    """Play the demo plans' history once; return what was done."""
    result = HistoryResult()
    plans = [(demo_plan(), _playable_2020, play_2020), (live_plan(), _playable_live, play_live)]
    todo = []
    for plan, playable, play in plans:
        if plan is None or _has_history(plan):
            continue
        if not playable(plan):
            result.skipped.append(str(plan))
            continue
        todo.append((plan, play))
    if not todo:
        return result
    unit_ids = Assignment.objects.filter(task__plan__in=[plan for plan, _ in todo]).values_list("unit_id", flat=True)
    cast, result.liaisons = build_cast([*unit_ids, *_units_joining_later()])
    for plan, play in todo:
        result.events += play(plan, cast)
        result.played.append(plan)
    _everyone_reads_their_older_messages()
    return result


def _everyone_reads_their_older_messages(days: int = 3) -> None:
    """Mark read what people would have read by now: every message older than a few days.

    The last few days' messages stay unread, so the inbox and its count show something true.
    """
    evening = timezone.make_aware(
        datetime.datetime.combine(clock.today() - datetime.timedelta(days=days), datetime.time(18, 0))
    )
    with clock.frozen_at(evening):
        for user in User.objects.filter(notifications__read_at__isnull=True).distinct():
            older = user.notifications.filter(read_at__isnull=True, created_at__lt=evening).values_list("pk", flat=True)
            notification_mark_read(user=user, notification_ids=list(older))


def _units_joining_later() -> list[int]:
    """Return the units the stories hand a task to after publication (a reassignment)."""
    return list(Unit.objects.filter(name=PE_DEPARTMENT).values_list("pk", flat=True))


def _late(report: ProgressReport) -> bool:
    return timezone.localdate(report.created_at) > report.due_on


def lights_of(plan: Plan, *, today: datetime.date | None = None) -> dict[str, int]:
    """Return how many of the plan's assignments show each light today."""
    counts = {light.value: 0 for light in Light}
    rows = annotate_lights(Assignment.objects.filter(task__plan=plan), today=today or clock.today()).values_list(
        "light", flat=True
    )
    for light in rows:
        counts[light] += 1
    return counts


def history_summary() -> dict[str, object]:
    """Return the demo history in numbers (and a fingerprint of every report), for the command and the tests."""
    reports = list(
        ProgressReport.objects.select_related("assignment__task__plan", "assignment__unit").order_by(
            "created_at", "assignment__task__path", "assignment__unit__name", "period_key"
        )
    )
    fingerprint = hashlib.sha256()
    for report in reports:
        row = (
            report.assignment.task.plan.source_name,
            report.assignment.task.path,
            report.assignment.unit.name,
            report.period_key,
            report.percent,
            report.status,
            report.created_at.isoformat(),
        )
        fingerprint.update(repr(row).encode())
    completions = CompletionRequest.objects.all()
    extensions = ExtensionRequest.objects.all()
    live = live_plan()
    return {
        "reports": len(reports),
        "late_reports": sum(1 for r in reports if _late(r)),
        "reminders": Reminder.objects.count(),
        "escalations": Escalation.objects.count(),
        "escalations_closed": Escalation.objects.filter(closed_at__isnull=False).count(),
        "completion_requests": completions.count(),
        "completions_approved": completions.filter(decision=CompletionDecision.APPROVED).count(),
        "completions_returned": completions.filter(decision=CompletionDecision.RETURNED).count(),
        "extensions_granted": extensions.filter(decision=ExtensionDecision.GRANTED).count(),
        "extensions_refused": extensions.filter(decision=ExtensionDecision.REFUSED).count(),
        "comments": Comment.objects.count(),
        "live_lights": lights_of(live) if live is not None else {},
        "fingerprint": fingerprint.hexdigest(),
    }
