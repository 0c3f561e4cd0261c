"""Status lights (红黄绿灯): each rule on rows made through the services, and one definition in Python and SQL."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from core import clock
from plans import periods
from plans.lights import Light, LightFacts, annotate_lights, light_for
from plans.models import (
    Assignment,
    AssignmentStatus,
    Escalation,
    EscalationResponse,
    Plan,
    PlanStatus,
    ProgressReport,
    ReportApproval,
)
from plans.services.assignments import assignment_acknowledge, assignment_decline
from plans.services.plans import plan_publish
from plans.services.reports import report_review, report_submit
from plans.services.requests import completion_decide, completion_request_submit
from plans.services.supervision import escalation_close, escalation_raise, escalation_respond
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db

D = datetime.date
HANDED_OUT = datetime.datetime(2020, 7, 3, 9, 0)  # Asia/Shanghai
DUE_DAY = 10  # the plan's monthly reports are due on the 10th of each month
DEADLINE = D(2020, 12, 31)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """Return a moment on the day, in the site's time zone."""
    return datetime.datetime.combine(day, datetime.time(hour))


def light_of(assignment: Assignment, today: datetime.date) -> str:
    """Return the light the database computes for one assignment on the day."""
    return annotate_lights(Assignment.objects.filter(pk=assignment.pk), today=today).get().light


@pytest.fixture
def hand_out(people, bureau):
    """Return a function that publishes a one-task plan to the school and returns the school's assignment."""

    def make(*, deadline: datetime.date | None = DEADLINE) -> Assignment:
        with clock.frozen_at(HANDED_OUT):
            plan = PlanFactory(status=PlanStatus.DRAFT, published_at=None, report_due_day=DUE_DAY)
            assignment = AssignmentFactory(task=TaskFactory(plan=plan, deadline=deadline), unit=bureau["school"])
            plan_publish(actor=people["admin"], plan=plan)
        assignment.refresh_from_db()
        return assignment

    return make


@pytest.fixture
def act(people):
    """Return helpers that make the school do things at a given moment, through the services."""

    class Act:
        @staticmethod
        def acknowledge(assignment, day):
            with clock.frozen_at(at(day)):
                return assignment_acknowledge(actor=people["unit_staff"], assignment=assignment)

        @staticmethod
        def report(assignment, day, period_key, *, actor="unit_staff", percent=30):
            with clock.frozen_at(at(day)):
                return report_submit(
                    actor=people[actor],
                    assignment=assignment,
                    text=f"{period_key}进展",
                    percent=percent,
                    status="in_progress",
                    period_key=period_key,
                )

    return Act()


class TestEachRule:
    def test_a_completed_assignment_is_done_even_after_its_deadline(self, people, hand_out, act):
        assignment = hand_out(deadline=D(2020, 9, 30))
        act.acknowledge(assignment, D(2020, 7, 6))
        with clock.frozen_at(at(D(2020, 9, 20))):
            request = completion_request_submit(actor=people["unit_staff"], assignment=assignment, summary="已完成")
        with clock.frozen_at(at(D(2020, 9, 21))):
            completion_decide(actor=people["supervisor"], request=request, approve=True)

        assert light_of(assignment, D(2020, 9, 21)) == Light.DONE
        assert light_of(assignment, D(2020, 12, 1)) == Light.DONE

    def test_a_declined_assignment_is_grey_even_when_its_deadline_has_passed(self, people, hand_out):
        assignment = hand_out(deadline=D(2020, 7, 6))
        with clock.frozen_at(at(D(2020, 7, 4))):
            assignment_decline(actor=people["unit_manager"], assignment=assignment, reason="不属于本单位职责")

        assert light_of(assignment, D(2020, 7, 4)) == Light.GREY
        assert light_of(assignment, D(2020, 9, 11)) == Light.GREY

    def test_a_held_assignment_past_its_deadline_is_red_and_on_the_day_itself_yellow(self, hand_out, act):
        assignment = hand_out(deadline=D(2020, 9, 30))
        act.acknowledge(assignment, D(2020, 7, 6))
        act.report(assignment, D(2020, 8, 5), "2020-08")
        act.report(assignment, D(2020, 9, 5), "2020-09")

        assert light_of(assignment, D(2020, 9, 30)) == Light.YELLOW
        assert light_of(assignment, D(2020, 10, 1)) == Light.RED

    def test_an_unacknowledged_assignment_past_its_deadline_is_red(self, hand_out):
        assignment = hand_out(deadline=D(2020, 7, 10))

        assert light_of(assignment, D(2020, 7, 11)) == Light.RED

    def test_a_completion_request_waiting_for_a_decision_is_not_red_after_the_deadline(self, people, hand_out, act):
        assignment = hand_out(deadline=D(2020, 9, 30))
        act.acknowledge(assignment, D(2020, 7, 6))
        act.report(assignment, D(2020, 8, 5), "2020-08")
        with clock.frozen_at(at(D(2020, 9, 28))):
            completion_request_submit(actor=people["unit_staff"], assignment=assignment, summary="已完成")

        assert light_of(assignment, D(2020, 10, 5)) == Light.GREEN

    def test_an_unanswered_escalation_is_red_until_the_unit_answers(self, people, hand_out, act):
        assignment = hand_out()
        act.acknowledge(assignment, D(2020, 7, 6))
        act.report(assignment, D(2020, 8, 5), "2020-08")
        act.report(assignment, D(2020, 9, 5), "2020-09")
        today = D(2020, 9, 15)
        assert light_of(assignment, today) == Light.GREEN

        with clock.frozen_at(at(today)):
            escalation = escalation_raise(actor=people["supervisor"], assignment=assignment, reason="进度偏慢")
        assert light_of(assignment, today) == Light.RED

        with clock.frozen_at(at(today, 15)):
            escalation_respond(actor=people["unit_manager"], escalation=escalation, text="已增派人手，月底完成")
        assert light_of(assignment, today) == Light.GREEN

        with clock.frozen_at(at(today, 16)):
            escalation_close(actor=people["supervisor"], escalation=escalation)
        assert light_of(assignment, today) == Light.GREEN

    def test_an_unanswered_escalation_is_red_even_while_completion_is_under_review(self, people, hand_out, act):
        assignment = hand_out()
        act.acknowledge(assignment, D(2020, 7, 6))
        with clock.frozen_at(at(D(2020, 9, 14))):
            escalation_raise(actor=people["supervisor"], assignment=assignment, reason="请说明完成情况")
            completion_request_submit(actor=people["unit_staff"], assignment=assignment, summary="已完成")

        assert light_of(assignment, D(2020, 9, 15)) == Light.RED

    def test_a_deadline_within_the_due_soon_window_is_yellow(self, hand_out, act):
        assignment = hand_out(deadline=D(2020, 9, 22))
        act.acknowledge(assignment, D(2020, 7, 6))
        act.report(assignment, D(2020, 8, 5), "2020-08")
        act.report(assignment, D(2020, 9, 5), "2020-09")

        assert light_of(assignment, D(2020, 9, 14)) == Light.GREEN  # 8 days left
        assert light_of(assignment, D(2020, 9, 15)) == Light.YELLOW  # 7 days left

    def test_the_due_soon_window_is_a_setting(self, settings, hand_out, act):
        settings.STATUS_LIGHT_DUE_SOON_DAYS = 3
        assignment = hand_out(deadline=D(2020, 9, 22))
        act.acknowledge(assignment, D(2020, 7, 6))
        act.report(assignment, D(2020, 8, 5), "2020-08")
        act.report(assignment, D(2020, 9, 5), "2020-09")

        assert light_of(assignment, D(2020, 9, 15)) == Light.GREEN
        assert light_of(assignment, D(2020, 9, 18)) == Light.GREEN  # 4 days left
        assert light_of(assignment, D(2020, 9, 19)) == Light.YELLOW  # 3 days left

    def test_a_missing_report_for_the_last_closed_period_is_yellow_until_it_is_filed(self, hand_out, act):
        assignment = hand_out()
        act.acknowledge(assignment, D(2020, 7, 6))
        act.report(assignment, D(2020, 7, 20), "2020-07")

        assert light_of(assignment, D(2020, 8, 10)) == Light.GREEN  # August's report is due today
        assert light_of(assignment, D(2020, 8, 11)) == Light.YELLOW  # and missing the day after

        act.report(assignment, D(2020, 8, 11), "2020-08")
        assert light_of(assignment, D(2020, 8, 11)) == Light.GREEN

    def test_a_report_awaiting_the_managers_approval_does_not_count_until_approved(self, people, bureau, hand_out, act):
        bureau["school"].reports_need_approval = True
        bureau["school"].save(update_fields=["reports_need_approval"])
        assignment = hand_out()
        act.acknowledge(assignment, D(2020, 7, 6))
        act.report(assignment, D(2020, 8, 5), "2020-08", actor="unit_manager")  # a manager's report needs no approval
        report = act.report(assignment, D(2020, 9, 5), "2020-09")

        assert light_of(assignment, D(2020, 9, 11)) == Light.YELLOW

        with clock.frozen_at(at(D(2020, 9, 11))):
            report_review(actor=people["unit_manager"], report=report, approve=True)
        assert light_of(assignment, D(2020, 9, 11)) == Light.GREEN

    def test_a_new_assignment_is_grey_while_no_report_is_due(self, hand_out):
        assignment = hand_out()

        assert light_of(assignment, D(2020, 7, 5)) == Light.GREY
        # July started before the hand-out, so its report (due July 10th) is not required
        assert light_of(assignment, D(2020, 8, 10)) == Light.GREY

    def test_an_acknowledged_assignment_with_nothing_reported_is_grey_until_a_report_is_due(self, hand_out, act):
        assignment = hand_out()
        act.acknowledge(assignment, D(2020, 7, 6))

        assert light_of(assignment, D(2020, 8, 10)) == Light.GREY
        assert light_of(assignment, D(2020, 8, 11)) == Light.YELLOW

    def test_a_new_assignment_with_a_missing_report_is_yellow_not_grey(self, hand_out):
        assignment = hand_out()

        assert light_of(assignment, D(2020, 8, 11)) == Light.YELLOW

    def test_an_assignment_on_track_is_green(self, hand_out, act):
        assignment = hand_out()
        act.acknowledge(assignment, D(2020, 7, 6))
        act.report(assignment, D(2020, 8, 5), "2020-08")

        assert light_of(assignment, D(2020, 8, 11)) == Light.GREEN

    def test_the_pure_rule_gives_the_same_lights_for_these_facts(self):
        today = D(2020, 9, 15)
        facts = {
            "done": LightFacts(status="completed", deadline=D(2020, 9, 1)),
            "declined": LightFacts(status="declined", deadline=D(2020, 9, 1), escalated_unanswered=True),
            "overdue": LightFacts(status="in_progress", deadline=D(2020, 9, 14), has_report=True),
            "escalated": LightFacts(status="completion_requested", deadline=None, escalated_unanswered=True),
            "due_soon": LightFacts(status="in_progress", deadline=D(2020, 9, 22), has_report=True),
            "report_missing": LightFacts(status="in_progress", deadline=None, report_required=True, has_report=True),
            "new": LightFacts(status="new", deadline=None),
            "nothing_due": LightFacts(status="in_progress", deadline=None),
            "green": LightFacts(
                status="in_progress", deadline=None, report_required=True, reported_last_period=True, has_report=True
            ),
        }

        lights = {name: light_for(fact, today=today, soon_days=7) for name, fact in facts.items()}

        assert lights == {
            "done": "done",
            "declined": "grey",
            "overdue": "red",
            "escalated": "red",
            "due_soon": "yellow",
            "report_missing": "yellow",
            "new": "grey",
            "nothing_due": "grey",
            "green": "green",
        }


# --- One definition: the SQL light equals the Python rule on every combination of facts ----------------------

STATUSES = [
    AssignmentStatus.NEW,
    AssignmentStatus.DECLINED,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.COMPLETION_REQUESTED,
    AssignmentStatus.COMPLETED,
]
# The light of a completed or declined assignment is settled before any other fact is read, so these two
# are crossed with every deadline, escalation and report, but with one cycle and hand-out only.
SETTLED = {AssignmentStatus.COMPLETED, AssignmentStatus.DECLINED}
DEADLINES = ["none", "past", "today", "soon", "beyond_soon", "extended"]
ESCALATIONS = ["none", "open", "answered"]
REPORTS = ["none", "last_period", "older_period", "last_period_awaiting_approval", "last_period_approved"]
CYCLES = [periods.MONTHLY, periods.TEN_DAY, periods.QUARTERLY]
HAND_OUTS = ["long_before", "on_period_start", "reassigned_after_start", "published_after_start"]


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _hand_out_times(kind: str, period_start: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Return (plan published, assignment created) for a hand-out relative to the last closed period's start."""
    long_before = _local(period_start - datetime.timedelta(days=40), datetime.time(10))
    next_midnight = _local(period_start + datetime.timedelta(days=1), datetime.time(0))
    if kind == "long_before":
        return long_before, long_before
    if kind == "on_period_start":  # the last second of the start day still counts
        return _local(period_start, datetime.time(23, 59, 59)), long_before
    if kind == "reassigned_after_start":  # created after publication, as a reassignment is
        return long_before, next_midnight
    return next_midnight, long_before  # published after the start; the assignment was drafted earlier


def _deadlines(kind: str, today: datetime.date, soon: int) -> tuple[datetime.date | None, datetime.date | None]:
    """Return (task deadline, granted due date)."""
    day = datetime.timedelta(days=1)
    return {
        "none": (None, None),
        "past": (today - day, None),
        "today": (today, None),
        "soon": (today + soon * day, None),
        "beyond_soon": (today + (soon + 1) * day, None),
        "extended": (today - 3 * day, today + 30 * day),  # the task's deadline passed, a later one was granted
    }[kind]


def build_grid(*, today: datetime.date, due_day: int, soon: int, author) -> list[Plan]:
    """Write one assignment per combination of facts (its unit's name and task's headline name them).

    A plan per (cycle, hand-out), a task per deadline in each, and on every task one assignment
    per (status, escalation, reports), each for its own unit (settled statuses on the first plan only).
    """
    units = [
        UnitFactory(name="/".join(combination)) for combination in itertools.product(STATUSES, ESCALATIONS, REPORTS)
    ]
    moment = _local(today, datetime.time(8))
    plans, tasks, assignments = [], [], []
    reports, approved, escalations, answered = [], [], [], []
    for cycle, hand_out in itertools.product(CYCLES, HAND_OUTS):
        closed = periods.last_closed_period(cycle, today, due_day=due_day)
        published, created = _hand_out_times(hand_out, closed.start)
        plan = PlanFactory(published_at=published, report_due_day=due_day)
        plans.append(plan)
        for deadline in DEADLINES:
            task_deadline, granted = _deadlines(deadline, today, soon)
            task = TaskFactory(
                plan=plan,
                headline=f"{cycle}/{hand_out}/{deadline}",
                deadline=task_deadline,
                # monthly tasks leave the cycle blank and follow the plan's (monthly) cycle
                reporting_cycle="" if cycle == periods.MONTHLY else cycle,
            )
            tasks.append(task)
            for unit, (status, escalation, report) in zip(
                units, itertools.product(STATUSES, ESCALATIONS, REPORTS), strict=True
            ):
                if status in SETTLED and (cycle, hand_out) != (CYCLES[0], HAND_OUTS[0]):
                    continue
                assignment = Assignment(
                    task=task,
                    unit=unit,
                    role="co",
                    status=status,
                    due_on=granted,
                    created_at=created,
                    acknowledged_at=None if status in ("new", "declined") else moment,
                    decline_reason="不属于本单位职责" if status == "declined" else "",
                    declined_at=moment if status == "declined" else None,
                    completed_at=moment if status == "completed" else None,
                    percent=100 if status == "completed" else 40,
                )
                assignments.append(assignment)
                if report != "none":
                    period = periods.previous_period(closed) if report == "older_period" else closed
                    reports.append(
                        ProgressReport(
                            assignment=assignment,
                            cycle=cycle,
                            period_key=period.key,
                            period_start=period.start,
                            period_end=period.end,
                            text=report,
                            percent=40,
                            status="in_progress",
                            needs_approval=report.endswith(("awaiting_approval", "approved")),
                            author=author,
                            created_at=moment,
                        )
                    )
                    approved.append(report == "last_period_approved")
                if escalation != "none":
                    escalations.append(
                        Escalation(
                            assignment=assignment, level="manual", period_key="m1", reason="进度偏慢", created_at=moment
                        )
                    )
                    answered.append(escalation == "answered")
    Assignment.objects.bulk_create(assignments)
    for row in [*reports, *escalations]:
        row.assignment_id = row.assignment.pk
    ProgressReport.objects.bulk_create(reports)
    ReportApproval.objects.bulk_create(
        [
            ReportApproval(report=report, approved=True, reviewer=author, created_at=moment)
            for report, is_approved in zip(reports, approved, strict=True)
            if is_approved
        ]
    )
    Escalation.objects.bulk_create(escalations)
    EscalationResponse.objects.bulk_create(
        [
            EscalationResponse(escalation=escalation, text="已整改", author=author, created_at=moment)
            for escalation, is_answered in zip(escalations, answered, strict=True)
            if is_answered
        ]
    )
    return plans


def facts_from_rows(plans: list[Plan], *, today: datetime.date) -> dict[int, tuple[str, LightFacts]]:
    """Return each assignment's name and facts, read from its rows and worked out in Python."""
    visible_reports: dict[int, set[str]] = {}
    for assignment_id, key, needs_approval, approved in ProgressReport.objects.filter(
        assignment__task__plan__in=plans
    ).values_list("assignment_id", "period_key", "needs_approval", "approval__approved"):
        if not needs_approval or approved:
            visible_reports.setdefault(assignment_id, set()).add(key)
    answered = set(EscalationResponse.objects.values_list("escalation_id", flat=True))
    unanswered = {
        assignment_id
        for pk, assignment_id, closed_at in Escalation.objects.filter(assignment__task__plan__in=plans).values_list(
            "pk", "assignment_id", "closed_at"
        )
        if closed_at is None and pk not in answered
    }
    facts = {}
    for row in Assignment.objects.filter(task__plan__in=plans).values(
        "pk",
        "unit__name",
        "task__headline",
        "status",
        "due_on",
        "created_at",
        "task__deadline",
        "task__reporting_cycle",
        "task__plan__reporting_cycle",
        "task__plan__report_due_day",
        "task__plan__published_at",
    ):
        cycle = row["task__reporting_cycle"] or row["task__plan__reporting_cycle"]
        closed = periods.last_closed_period(cycle, today, due_day=row["task__plan__report_due_day"])
        handed_out = timezone.localdate(max(row["created_at"], row["task__plan__published_at"]))
        reported = visible_reports.get(row["pk"], set())
        facts[row["pk"]] = (
            f"{row['task__headline']}/{row['unit__name']}",
            LightFacts(
                status=row["status"],
                deadline=row["due_on"] or row["task__deadline"],
                escalated_unanswered=row["pk"] in unanswered,
                report_required=closed.start >= handed_out,
                reported_last_period=closed.key in reported,
                has_report=bool(reported),
            ),
        )
    return facts


@pytest.mark.parametrize(
    ("today", "due_day", "soon"),
    [
        (D(2020, 6, 10), 10, 7),  # a quarter's last month, on the due day: neither month nor quarter closed yet
        (D(2020, 9, 30), 10, 7),  # last day of a quarter, after the due day: both closed; the ten days end today
        (D(2021, 1, 1), 10, 3),  # first day of a year and a quarter, a shorter due-soon window
        (D(2020, 2, 29), 31, 7),  # a due day past the end of a short month
        (D(2020, 12, 31), 31, 7),  # the due day itself on a month's and a quarter's last day
    ],
)
def test_the_sql_light_agrees_with_the_python_rule_on_every_combination(settings, people, today, due_day, soon):
    settings.STATUS_LIGHT_DUE_SOON_DAYS = soon
    plans = build_grid(today=today, due_day=due_day, soon=soon, author=people["unit_staff"])

    python = {
        pk: (name, facts, light_for(facts, today=today))
        for pk, (name, facts) in facts_from_rows(plans, today=today).items()
    }
    sql = {
        row.pk: (
            f"{row.task.headline}/{row.unit.name}",
            LightFacts(
                status=row.status,
                deadline=row.effective_due,
                escalated_unanswered=row.escalated_unanswered,
                report_required=row.report_required,
                reported_last_period=row.reported_last_period,
                has_report=row.has_report,
            ),
            row.light,
        )
        for row in annotate_lights(
            Assignment.objects.filter(task__plan__in=plans).select_related("task", "unit"), today=today
        )
    }

    facts_per_status = len(DEADLINES) * len(ESCALATIONS) * len(REPORTS)
    combinations = facts_per_status * ((len(STATUSES) - len(SETTLED)) * len(CYCLES) * len(HAND_OUTS) + len(SETTLED))
    assert len(python) == len(sql) == combinations
    assert [(python[pk], sql[pk]) for pk in python if python[pk] != sql[pk]] == []
    assert {light for _name, _facts, light in python.values()} == set(Light.values)
    assert {facts.report_required for _name, facts, _light in python.values()} == {True, False}
