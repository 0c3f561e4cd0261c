"""The scans: decide which reminders and escalations are due, and write them with their deliveries.

Each scan walks the open assignments in batches by primary key (keyset pagination, so memory stays
bounded whatever the size) and handles each batch in one transaction: it decides, writes the
Reminder and Escalation rows (unique per assignment, kind and period, so a concurrent or repeated
scan adds nothing), writes the inbox messages and Delivery rows of exactly the rows it created, and
queues the deliveries once the batch commits. A scan killed mid-way loses only its open batch,
which the next run redoes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role
from core import clock, workdays
from core.dates import chinese_date
from notifications.models import NotificationKind
from plans import periods
from plans.lights import effective_cycle, effective_due
from plans.models import (
    Assignment,
    AssignmentStatus,
    Escalation,
    EscalationLevel,
    PlanStatus,
    ProgressReport,
    Reminder,
    ReminderKind,
    Task,
)
from plans.services.notify import task_url
from reminders import messages, rules
from reminders.fanout import Audience, Notice, enqueue_deliveries, fan_out
from reminders.models import ScanKind, ScanRun

# A unit that asked to close its task, or a closed or declined one, is not chased.
SCANNED_STATUSES = (AssignmentStatus.NEW, AssignmentStatus.IN_PROGRESS)
REMINDER_KINDS = frozenset(ReminderKind.values)  # enum .values rebuilds its list on every call
ROW_FIELDS = ("pk", "unit_id", "task_id", "task__path", "task__headline")
COPIED_ROLES = {
    EscalationLevel.BLUE: (),
    EscalationLevel.YELLOW: (Role.SUPERVISOR,),
    EscalationLevel.RED: (Role.SUPERVISOR, Role.LEADER),
}


@dataclass
class ScanResult:
    """What one scan did."""

    kind: str
    as_of: datetime.datetime
    reminders: int = 0
    escalations: int = 0
    messages: int = 0
    deliveries: int = 0
    skipped_reason: str = ""


@dataclass(frozen=True)
class _Wanted:
    """A reminder or escalation the rules call for; its words are written only if it turns out to be new."""

    row: dict
    kind: str  # a ReminderKind, or an EscalationLevel for escalations
    key: str
    words: Callable[[], tuple[str, ...]]  # (subject, text) or (subject, text, reason)


def scanned_assignments() -> QuerySet[Assignment]:
    """Return the assignments the scans look at: open, on a published plan."""
    return Assignment.objects.filter(status__in=SCANNED_STATUSES, task__plan__status=PlanStatus.PUBLISHED)


def _batches(queryset: QuerySet, fields: Sequence[str], batch_size: int) -> Iterator[list[dict]]:
    """Yield the queryset's rows as dicts, `batch_size` at a time, in primary-key order."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values(*fields)[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


_task_urls: dict[int, str] = {}


def _task_url(task_id: int) -> str:
    """Return the task page's path; URL reversing costs more than the rest of a row's work, so remember it."""
    if task_id not in _task_urls:
        _task_urls[task_id] = task_url(task_id)
    return _task_urls[task_id]


def _response_due(today: datetime.date) -> datetime.date:
    return workdays.add_working_days(today, settings.ESCALATION_RESPONSE_DAYS)


def _create_new(
    run: ScanRun,
    model: type[Reminder] | type[Escalation],
    kind_field: str,
    wanted: list[_Wanted],
    build: Callable[[_Wanted, tuple[str, ...]], Reminder | Escalation],
) -> list[tuple[_Wanted, int, tuple[str, ...]]]:
    """Insert the wanted rows that do not exist yet; return (item, new row's id, words) for those this run wrote.

    Rows another scan created first are skipped by the unique constraint (ON CONFLICT DO NOTHING);
    only rows stamped with this run count as ours, so a concurrent scan never tells anyone twice.
    """
    if not wanted:
        return []
    existing = set(
        model.objects.filter(
            assignment_id__in={item.row["pk"] for item in wanted},
            **{f"{kind_field}__in": {item.kind for item in wanted}},
            period_key__in={item.key for item in wanted},
        ).values_list("assignment_id", kind_field, "period_key")
    )
    fresh = [item for item in wanted if (item.row["pk"], item.kind, item.key) not in existing]
    words = [item.words() for item in fresh]
    model.objects.bulk_create(
        [build(item, item_words) for item, item_words in zip(fresh, words, strict=True)],
        ignore_conflicts=True,
        batch_size=1000,
    )
    mine = {
        (assignment_id, kind, key): pk
        for pk, assignment_id, kind, key in model.objects.filter(
            scan_run=run, assignment_id__in={item.row["pk"] for item in fresh}
        ).values_list("pk", "assignment_id", kind_field, "period_key")
    }
    created = []
    for item, item_words in zip(fresh, words, strict=True):
        pk = mine.get((item.row["pk"], item.kind, item.key))
        if pk is not None:
            created.append((item, pk, item_words))
    return created


def _write_batch(run: ScanRun, result: ScanResult, wanted: list[_Wanted], audience: Audience) -> None:
    """Create the wanted reminders and escalations that do not exist yet, and tell their recipients.

    Runs in the caller's transaction, so the rows, the inbox messages and the deliveries commit together.
    """
    if not wanted:
        return
    now = clock.now()
    response_due = _response_due(timezone.localdate(now))
    reminders = _create_new(
        run,
        Reminder,
        "kind",
        [item for item in wanted if item.kind in REMINDER_KINDS],
        lambda item, words: Reminder(
            assignment_id=item.row["pk"],
            kind=item.kind,
            period_key=item.key,
            message=words[1],
            scan_run=run,
            created_at=now,
        ),
    )
    escalations = _create_new(
        run,
        Escalation,
        "level",
        [item for item in wanted if item.kind not in REMINDER_KINDS],
        lambda item, words: Escalation(
            assignment_id=item.row["pk"],
            level=item.kind,
            period_key=item.key,
            reason=words[2],
            response_due=response_due,
            scan_run=run,
            created_at=now,
        ),
    )
    notices = [
        Notice(
            unit_id=item.row["unit_id"],
            task_id=item.row["task_id"],
            notification_kind=NotificationKind.REMINDER,
            subject=words[0],
            text=words[1],
            url=_task_url(item.row["task_id"]),
            reminder_id=pk,
        )
        for item, pk, words in reminders
    ] + [
        Notice(
            unit_id=item.row["unit_id"],
            task_id=item.row["task_id"],
            notification_kind=NotificationKind.ESCALATION,
            subject=words[0],
            text=words[1],
            url=_task_url(item.row["task_id"]),
            escalation_id=pk,
            level=item.kind,
            copy_roles=COPIED_ROLES.get(item.kind, ()),
        )
        for item, pk, words in escalations
    ]
    result.reminders += len(reminders)
    result.escalations += len(escalations)
    written, delivery_ids = fan_out(notices, audience=audience)
    result.messages += written
    result.deliveries += len(delivery_ids)
    enqueue_deliveries(delivery_ids)


def _start(kind: str, now: datetime.datetime) -> tuple[ScanRun, ScanResult, datetime.date]:
    today = timezone.localdate(now)
    run = ScanRun.objects.create(kind=kind, as_of=now)
    result = ScanResult(kind=kind, as_of=now)
    if settings.REMINDER_WORKING_DAYS_ONLY and not workdays.is_working_day(today):
        note = workdays.day_note(today)
        result.skipped_reason = _("%(day)s是非工作日（%(note)s），不发送催办") % {
            "day": chinese_date(today),
            "note": note,
        }
    return run, result, today


def _finish(run: ScanRun, result: ScanResult) -> ScanResult:
    ScanRun.objects.filter(pk=run.pk).update(
        finished_at=clock.now(),
        skipped_reason=result.skipped_reason[:100],
        reminders_created=result.reminders,
        escalations_created=result.escalations,
        deliveries_created=result.deliveries,
    )
    return result


def scan_deadlines(*, now: datetime.datetime | None = None, batch_size: int | None = None) -> ScanResult:
    """Remind before and after deadlines and climb the escalation ladder, as of `now` (default: the clock)."""
    now = now or clock.now()
    batch_size = batch_size or settings.REMINDER_SCAN_BATCH_SIZE
    with clock.frozen_at(now), translation.override(settings.LANGUAGE_CODE):
        run, result, today = _start(ScanKind.DEADLINES, now)
        if result.skipped_reason:
            return _finish(run, result)
        offsets = sorted(set(settings.REMINDER_DEADLINE_OFFSETS), reverse=True)
        every = settings.REMINDER_OVERDUE_EVERY_DAYS
        ladder = [(level, days) for level, days in settings.REMINDER_ESCALATION_LADDER]
        rungs = rules.before_deadline_rungs(today, offsets)
        candidates = (
            scanned_assignments()
            .annotate(deadline=effective_due())
            .filter(Q(deadline__in=list(rungs)) | Q(deadline__lt=today))
        )
        response_due = _response_due(today)
        audience = Audience()
        for rows in _batches(candidates, (*ROW_FIELDS, "deadline"), batch_size):
            wanted: list[_Wanted] = []
            for row in rows:
                deadline = row["deadline"]
                details = {"path": row["task__path"], "headline": row["task__headline"], "deadline": deadline}
                if deadline >= today:
                    key = rules.before_deadline_key(deadline, rungs[deadline])
                    words = partial(messages.before_deadline, today=today, **details)
                    wanted.append(_Wanted(row, ReminderKind.BEFORE_DEADLINE, key, words))
                    continue
                key = rules.overdue_key(deadline, rules.overdue_round(deadline, today, every))
                wanted.append(
                    _Wanted(row, ReminderKind.OVERDUE, key, partial(messages.overdue, today=today, **details))
                )
                level = rules.ladder_level(deadline, today, ladder)
                if level is not None:
                    words = partial(messages.ladder, level=level, today=today, response_due=response_due, **details)
                    wanted.append(_Wanted(row, level, rules.ladder_key(deadline), words))
            with transaction.atomic():
                _write_batch(run, result, wanted, audience)
        return _finish(run, result)


def _reporting_groups() -> list[tuple[str, int]]:
    """Return the distinct (cycle, due day) pairs among the scanned assignments."""
    return list(
        scanned_assignments()
        .annotate(
            cycle=effective_cycle(),
            due_day=F("task__plan__report_due_day"),
        )
        .values_list("cycle", "due_day")
        .distinct()
        .order_by("cycle", "due_day")
    )


def _owing_report(cycle: str, due_day: int, period: periods.Period) -> QuerySet[Assignment]:
    """Return the scanned assignments of the group that owe the period's report and have not filed it.

    A report is owed for every period that starts on or after the day the unit received the task
    (as for the status lights); a report the unit's manager sent back does not count as filed.
    """
    received_by = clock.start_of_day_after(period.start)
    filed = ProgressReport.objects.filter(assignment_id=OuterRef("pk"), period_key=period.key).exclude(
        approval__approved=False
    )
    # The group's tasks are resolved first, as plain ids: PostgreSQL cannot estimate the COALESCE on the
    # cycle (it guessed 2 tasks of 500), so with it in the batch query every batch read and sorted all the
    # group's remaining assignments instead of walking the primary key (bench/scan_250k.py: 36 of 137 s).
    task_ids = list(
        Task.objects.annotate(cycle=effective_cycle(""))
        .filter(
            cycle=cycle,
            plan__report_due_day=due_day,
            plan__status=PlanStatus.PUBLISHED,
            plan__published_at__lt=received_by,
        )
        .values_list("pk", flat=True)
    )
    return scanned_assignments().filter(task_id__in=task_ids, created_at__lt=received_by).exclude(Exists(filed))


def scan_reporting_cycles(*, now: datetime.datetime | None = None, batch_size: int | None = None) -> ScanResult:
    """Remind units of reports coming due and escalate reports still missing on the day, as of `now`."""
    now = now or clock.now()
    batch_size = batch_size or settings.REMINDER_SCAN_BATCH_SIZE
    with clock.frozen_at(now), translation.override(settings.LANGUAGE_CODE):
        run, result, today = _start(ScanKind.CYCLES, now)
        if result.skipped_reason:
            return _finish(run, result)
        audience = Audience()
        response_due = _response_due(today)
        for cycle, due_day in _reporting_groups():
            upcoming = rules.report_reminder_period(
                cycle, today, due_day=due_day, days_before=settings.REPORT_REMINDER_DAYS_BEFORE
            )
            if upcoming is not None:
                key = rules.report_reminder_key(upcoming)
                sent = Reminder.objects.filter(
                    assignment_id=OuterRef("pk"), kind=ReminderKind.REPORT_DUE, period_key=key
                )
                owing = _owing_report(cycle, due_day, upcoming).exclude(Exists(sent))
                for rows in _batches(owing, ROW_FIELDS, batch_size):
                    wanted = []
                    for row in rows:
                        words = partial(
                            messages.report_due, path=row["task__path"], headline=row["task__headline"], period=upcoming
                        )
                        wanted.append(_Wanted(row, ReminderKind.REPORT_DUE, key, words))
                    with transaction.atomic():
                        _write_batch(run, result, wanted, audience)
            missing = (
                rules.report_escalation_period(cycle, today, due_day=due_day)
                if settings.REPORT_MISSING_ESCALATES
                else None
            )
            if missing is not None:
                key = rules.report_escalation_key(missing)
                raised = Escalation.objects.filter(
                    assignment_id=OuterRef("pk"), level=EscalationLevel.BLUE, period_key=key
                )
                owing = _owing_report(cycle, due_day, missing).exclude(Exists(raised))
                for rows in _batches(owing, ROW_FIELDS, batch_size):
                    wanted = []
                    for row in rows:
                        words = partial(
                            messages.report_missing,
                            path=row["task__path"],
                            headline=row["task__headline"],
                            period=missing,
                            response_due=response_due,
                        )
                        wanted.append(_Wanted(row, EscalationLevel.BLUE, key, words))
                    with transaction.atomic():
                        _write_batch(run, result, wanted, audience)
        return _finish(run, result)


def run_all_scans(*, now: datetime.datetime | None = None) -> list[ScanResult]:
    """Run every scan once, synchronously, as of `now` (default: the clock)."""
    now = now or clock.now()
    return [scan_deadlines(now=now), scan_reporting_cycles(now=now)]
