"""manage.py seed_demo plays the demo plans' history through the services, once and always the same way.

The history is built once for the module (twice, to compare the runs) with the clock frozen at
TODAY; the tests only read it.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter

import docx
import openpyxl
import pdfplumber
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role, Unit, User
from core import clock
from exports.models import ArchivedReport
from plans import periods
from plans.lights import Light
from plans.models import (
    Assignment,
    AssignmentStatus,
    Attachment,
    Comment,
    CompletionDecision,
    CompletionRequest,
    Escalation,
    ExtensionDecision,
    ExtensionRequest,
    Instruction,
    InstructionAcknowledgement,
    Plan,
    ProgressReport,
    ProgressStatus,
    Reminder,
    ReportApproval,
    Task,
)
from plans.selectors.workbench import workbench_for
from seeds.history import history_summary, lights_of

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = datetime.datetime(2026, 11, 20, 10, 0)  # a Friday, Asia/Shanghai
D = datetime.date
DEMO_PLAN = "002_c97d9de1b7c49a7b.txt"
LIVE_PLAN = "004_c7b734d525e95475.txt"
SCHOOL = "厦门市湖里区实验小学"
DEPARTMENT = "基础教育科"
EVERY_LIGHT = {light.value for light in Light}


class Rollback(Exception):
    """Raised to throw away a run of the seed."""


def run_seed() -> str:
    out = io.StringIO()
    with clock.frozen_at(TODAY):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def record_counts() -> dict[str, int]:
    models = (
        User,
        Unit,
        Plan,
        Assignment,
        ProgressReport,
        ReportApproval,
        Attachment,
        Reminder,
        Escalation,
        CompletionRequest,
        ExtensionRequest,
        Instruction,
        InstructionAcknowledgement,
        Comment,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed a fresh database twice: the first run is rolled back, the second kept for the module's tests."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        try:
            with transaction.atomic():
                run_seed()
                with clock.frozen_at(TODAY):
                    first = history_summary()
                raise Rollback
        except Rollback:
            pass
        outer = transaction.atomic()
        outer.__enter__()
        try:
            output = run_seed()
            with clock.frozen_at(TODAY):
                second = history_summary()
            yield {"output": output, "first": first, "second": second}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def plan(source: str) -> Plan:
    return Plan.objects.get(source_name=source)


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


# --- The 2020 demo plan ---------------------------------------------------------------------


def test_the_2020_plan_was_handed_out_on_the_day_it_was_issued(seeded):
    demo = plan(DEMO_PLAN)
    reassigned = Assignment.objects.get(task__plan=demo, status=AssignmentStatus.DECLINED).replaced_by

    assert local(demo.published_at) == timezone.make_aware(datetime.datetime(2020, 7, 2, 9, 30))
    handed_out = (
        Assignment.objects.filter(task__plan=demo).exclude(pk=reassigned.pk).values_list("created_at", flat=True)
    )
    assert {local(moment).date() for moment in handed_out} == {D(2020, 7, 2)}
    assert local(reassigned.created_at).date() == D(2020, 7, 7)


def test_every_unit_reports_monthly_from_august_to_december_with_late_and_missing_months(seeded):
    demo = plan(DEMO_PLAN)
    reports = ProgressReport.objects.filter(assignment__task__plan=demo)
    by_month = Counter(reports.values_list("period_key", flat=True))

    assert {key for key in by_month if by_month[key] >= 150} == {"2020-08", "2020-09", "2020-10", "2020-11", "2020-12"}
    late = [r for r in reports if local(r.created_at).date() > periods.period_by_key("monthly", r.period_key).due]
    assert len(late) >= 10
    assert {local(r.created_at).year for r in reports} == {2020}
    assert all(9 <= local(r.created_at).hour <= 17 for r in reports)
    skipped = ProgressReport.objects.filter(
        assignment__unit__name="厦门市湖里区殿前中学", assignment__task__number="30"
    ).values_list("period_key", flat=True)
    assert "2020-09" not in set(skipped)
    assert {"2020-08", "2020-10", "2020-12"} <= set(skipped)


def test_reports_come_with_delays_evidence_no_change_notes_and_a_correction(seeded):
    reports = ProgressReport.objects.filter(assignment__task__plan=plan(DEMO_PLAN))

    delayed = reports.filter(status=ProgressStatus.DELAYED)
    assert delayed.count() >= 5 and not delayed.filter(delay_reason="").exists()
    assert reports.filter(is_no_change=True).count() >= 5
    correction = reports.get(supersedes__isnull=False)
    assert (correction.assignment.unit.name, correction.period_key, correction.author.username) == (
        SCHOOL,
        "2020-09",
        "school_staff",
    )
    assert correction.text.startswith("更正：")
    kinds = set(Attachment.objects.filter(report__in=reports).values_list("content_type", flat=True))
    assert kinds == {"image/png", "application/pdf"}


def test_a_unit_declines_within_the_window_and_the_admin_reassigns(seeded):
    declined = Assignment.objects.get(task__plan=plan(DEMO_PLAN), status=AssignmentStatus.DECLINED)

    assert declined.unit.name == "湖里区少年儿童业余体育学校"
    assert declined.decline_reason.startswith("不属于本单位职责")
    assert local(declined.declined_at).date() == D(2020, 7, 6)
    assert declined.replaced_by.unit.name == "德育与体卫艺科"
    assert declined.replaced_by.assigned_by.username == "admin"
    assert declined.replaced_by.status == AssignmentStatus.COMPLETED


def test_the_supervisor_reminds_the_units_missing_each_months_report(seeded):
    reminders = Reminder.objects.filter(assignment__task__plan=plan(DEMO_PLAN))

    assert {r.created_by.username for r in reminders} == {"supervisor"}
    days = {local(r.created_at).date() for r in reminders}
    assert {D(2020, 7, 10), D(2020, 8, 27), D(2020, 9, 28), D(2020, 10, 27), D(2020, 11, 27)} <= days
    reminded = reminders.get(
        assignment__unit__name="厦门市湖里区殿前中学", assignment__task__number="30", created_at__month=9
    )
    assert "2020年9月进展尚未报送" in reminded.message


def test_escalations_are_answered_on_time_and_late_then_closed(seeded):
    escalations = Escalation.objects.filter(assignment__task__plan=plan(DEMO_PLAN)).order_by("created_at")

    assert escalations.count() == 2
    for escalation in escalations:
        assert escalation.closed_at is not None and escalation.closed_by.username == "supervisor"
        assert escalation.responses.count() == 1
    on_time, late = escalations
    assert local(on_time.responses.get().created_at).date() <= on_time.response_due
    assert local(late.responses.get().created_at).date() > late.response_due


def test_one_extension_is_granted_and_one_refused(seeded):
    requests = ExtensionRequest.objects.filter(assignment__task__plan=plan(DEMO_PLAN))

    granted = requests.get(decision=ExtensionDecision.GRANTED)
    assert (granted.current_due, granted.granted_due) == (D(2020, 9, 1), D(2020, 12, 31))
    assert granted.assignment.due_on == D(2020, 12, 31)
    refused = requests.get(decision=ExtensionDecision.REFUSED)
    assert refused.assignment.unit.name == DEPARTMENT
    assert refused.assignment.due_on is None and refused.decision_reason


def test_completions_are_approved_and_one_is_returned_then_approved(seeded):
    demo = plan(DEMO_PLAN)
    requests = CompletionRequest.objects.filter(assignment__task__plan=demo)

    assert requests.filter(decision=CompletionDecision.APPROVED).count() >= 150
    assert not requests.filter(decision=CompletionDecision.PENDING).exists()
    returned = requests.get(decision=CompletionDecision.RETURNED)
    assert returned.assignment.unit.name == SCHOOL and returned.decision_reason
    again = requests.filter(assignment=returned.assignment).order_by("requested_at")
    assert [r.decision for r in again] == [CompletionDecision.RETURNED, CompletionDecision.APPROVED]
    assert again.last().attachments.count() == 1
    statuses = Counter(Assignment.objects.filter(task__plan=demo).values_list("status", flat=True))
    assert statuses[AssignmentStatus.IN_PROGRESS] == 1  # the new campus, still being built at the year's end


def test_a_leaders_instruction_is_acknowledged_by_every_unit_holding_the_task(seeded):
    instruction = Instruction.objects.get(task__plan=plan(DEMO_PLAN))

    holders = set(instruction.task.assignments.values_list("unit_id", flat=True))
    assert instruction.author.username == "leader"
    assert set(instruction.acknowledgements.values_list("unit_id", flat=True)) == holders
    assert Comment.objects.filter(task__plan=plan(DEMO_PLAN)).count() == 3


def test_the_demo_users_act_for_their_own_units(seeded):
    for unit_name, clerk, head in (
        (SCHOOL, "school_staff", "school_manager"),
        (DEPARTMENT, "dept_staff", "dept_manager"),
    ):
        reports = ProgressReport.objects.filter(assignment__unit__name=unit_name)
        assert set(reports.values_list("author__username", flat=True)) == {clerk}
        acknowledged = Assignment.objects.filter(unit__name=unit_name, acknowledged_by__isnull=False)
        assert set(acknowledged.values_list("acknowledged_by__username", flat=True)) == {head}
    liaisons = User.objects.filter(username__regex=r"^staff\d{3}$")
    assert liaisons.count() == 50
    assert not liaisons.filter(unit__name__in=[SCHOOL, DEPARTMENT]).exists()
    assert set(liaisons.values_list("role", flat=True)) == {Role.UNIT_STAFF}


# --- This year's live plan -----------------------------------------------------------------


def test_this_years_plan_is_published_on_the_first_working_day_of_january(seeded):
    live = plan(LIVE_PLAN)

    assert (live.plan_year, live.title) == (2026, "县教育局2026年工作要点")
    assert local(live.published_at) == timezone.make_aware(datetime.datetime(2026, 1, 2, 9, 0))
    school_tasks = Assignment.objects.filter(task__plan=live, task__parent__isnull=True, unit__name=SCHOOL)
    department_tasks = Assignment.objects.filter(task__plan=live, task__parent__isnull=True, unit__name=DEPARTMENT)
    assert (school_tasks.count(), department_tasks.count()) == (7, 6)
    assert not ProgressReport.objects.filter(
        assignment__task__plan=live, created_at__gt=timezone.make_aware(TODAY)
    ).exists()


def test_this_years_plan_shows_every_light(seeded):
    lights = lights_of(plan(LIVE_PLAN), today=TODAY.date())

    assert {light for light, count in lights.items() if count} == EVERY_LIGHT
    assert seeded["second"]["live_lights"] == lights


@pytest.mark.parametrize("username", ["school_staff", "dept_staff"])
def test_the_units_workbench_has_work_due_overdue_and_every_light(seeded, username):
    workbench = workbench_for(User.objects.get(username=username), today=TODAY.date())

    assert workbench.due_this_cycle and workbench.overdue
    assert {a.light for a in workbench.overdue} == {Light.RED}
    live = [
        a
        for group in (workbench.due_this_cycle, workbench.overdue, workbench.rest, workbench.done)
        for a in group
        if a.task.plan.source_name == LIVE_PLAN
    ]
    assert {a.light for a in live} == EVERY_LIGHT


def test_school_staff_sees_an_escalation_to_answer_and_an_instruction_to_read(seeded):
    workbench = workbench_for(User.objects.get(username="school_staff"), today=TODAY.date())

    assert [e.assignment.task.path for e in workbench.open_escalations] == ["三.1"]
    assert [i.task.path for i in workbench.unread_instructions] == ["三.1"]


def test_the_supervisor_has_a_completion_and_an_extension_to_decide(seeded):
    live = plan(LIVE_PLAN)

    pending_completion = CompletionRequest.objects.get(assignment__task__plan=live, decision=CompletionDecision.PENDING)
    pending_extension = ExtensionRequest.objects.get(assignment__task__plan=live, decision=ExtensionDecision.PENDING)
    assert pending_completion.assignment.unit.name == "湖里区教育研究中心"
    assert (pending_extension.assignment.unit.name, pending_extension.assignment.task.path) == (DEPARTMENT, "七.1")


def test_a_staff_report_waits_for_its_manager_and_the_others_are_approved(seeded):
    school = Unit.objects.get(name=SCHOOL)
    needing = ProgressReport.objects.filter(assignment__unit=school, needs_approval=True)
    waiting = needing.filter(approval__isnull=True)
    last_round = timezone.make_aware(datetime.datetime(2026, 11, 19, 18, 0))  # the manager's round yesterday

    assert school.reports_need_approval is True
    assert ("三.3", "school_staff") in [(r.assignment.task.path, r.author.username) for r in waiting]
    assert all(r.created_at > last_round for r in waiting)
    approved = needing.filter(approval__approved=True)
    assert approved.count() >= 5
    assert set(approved.values_list("approval__reviewer__username", flat=True)) == {"school_manager"}
    manager = workbench_for(User.objects.get(username="school_manager"), today=TODAY.date())
    assert {r.pk for r in manager.reports_to_approve} == set(waiting.values_list("pk", flat=True))


def test_plans_and_sub_tasks_are_dated_when_they_were_made(seeded):
    demo = plan(DEMO_PLAN)
    subtasks = plan(LIVE_PLAN).tasks.filter(parent__isnull=False)

    assert local(demo.created_at).date() == D(2020, 7, 2)
    assert {local(task.created_at).date() for task in subtasks} == {D(2026, 11, 19)}


# --- Once, and always the same ----------------------------------------------------------------


def test_the_command_prints_a_short_summary(seeded):
    output = seeded["output"]
    summary = seeded["second"]

    assert f"进展报告 {summary['reports']} 份" in output
    assert f"催办 {summary['reminders']} 次" in output
    assert "今年计划今日灯色：红灯" in output
    assert "另有 50 个单位联络员账号" in output
    assert "staff100 " not in output


def test_seeding_again_adds_no_history(seeded):
    counts = record_counts()

    output = run_seed()

    assert record_counts() == counts
    assert "办理过程：已存在，未重复生成。" in output
    assert "工作计划：新建 0 份。" in output


def test_two_runs_on_fresh_databases_write_the_same_history(seeded):
    first, second = seeded["first"], seeded["second"]

    assert first == second
    assert second["reports"] > 1000 and second["late_reports"] > 0


# --- The monthly report of the demo plan ----------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_the_demo_plans_september_report_holds_all_30_tasks_in_every_format(seeded, tmp_path, fmt):
    demo = plan(DEMO_PLAN)
    out = tmp_path / f"september.{fmt}"
    stdout = io.StringIO()
    with clock.frozen_at(TODAY):
        call_command("export_monthly", plan=demo.doc_number, month="2020-09", fmt=fmt, out=str(out), stdout=stdout)
    headlines = list(
        Task.objects.filter(plan=demo, parent__isnull=True).order_by("position").values_list("headline", flat=True)
    )
    assert len(headlines) == 30 and "30 项任务" in stdout.getvalue()
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(out)["推进情况"]
        serials = [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
        assert serials == list(range(1, 31))
    elif fmt == "docx":
        table = docx.Document(str(out)).tables[-1]
        serials = [row.cells[0].text for row in table.rows if row.cells[0].text.strip().isdigit()]
        assert serials == [str(n) for n in range(1, 31)]
    else:
        with pdfplumber.open(out) as pdf:
            text = "".join((page.extract_text() or "") for page in pdf.pages).replace("\n", "").replace(" ", "")
        assert all(headline.replace(" ", "")[:4] in text for headline in headlines)


def test_the_archive_holds_last_months_report_of_this_years_plan_in_every_format(seeded):
    rows = ArchivedReport.objects.filter(plan=plan(LIVE_PLAN)).values_list("month", "fmt", "version", "generated_by")
    assert sorted(rows) == [(datetime.date(2026, 10, 1), fmt, 1, None) for fmt in ("docx", "pdf", "xlsx")]
    assert "月报存档：新增 3 份" in seeded["output"]
