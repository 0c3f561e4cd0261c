"""Who may open which workflow page and take which action: a role × page/action matrix for the web UI.

Every row is one page or one POST action; every column one role. A cell says what that role gets:

- LOGIN     anonymous: a redirect to the sign-in page, nothing changed;
- OK        the page opens (200);
- NOT_FOUND another unit guessing the address: 404, nothing changed;
- FORBIDDEN a role that may see the object but not act on it: 403, nothing changed;
- DONE      the action runs: a redirect back with a success message and its effect in the database;
- REFUSED   a redirect back with an error message and nothing changed.

The roles: admin, supervisor and leader see every unit's work; unit_manager and unit_staff belong to
the school that leads the tasks acted on; other_staff belongs to another school that holds nothing on
them (it leads one task of its own in the same plan).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.urls import resolve, reverse

from accounts.models import Unit
from audit.models import AuditEvent
from core import clock
from notifications.models import Notification
from plans import urls as plan_urls
from plans.models import (
    Assignment,
    Attachment,
    Comment,
    CompletionRequest,
    Escalation,
    EscalationResponse,
    ExtensionRequest,
    Instruction,
    InstructionAcknowledgement,
    Plan,
    ProgressReport,
    Reminder,
    ReportApproval,
    SavedFilter,
    Task,
)
from plans.services.assignments import assignment_decline
from plans.services.plans import plan_publish
from plans.services.reports import report_submit
from plans.services.requests import completion_decide, completion_request_submit, extension_request_submit
from plans.services.saved_filters import saved_filter_save
from plans.services.supervision import (
    comment_post,
    escalation_raise,
    escalation_respond,
    instruction_give,
    reminder_send,
)
from tests.factories import AssignmentFactory, PlanFactory, SchoolFactory, TaskFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "admin", "supervisor", "leader", "unit_manager", "unit_staff", "other_staff")

LOGIN = "login"
OK = "ok"
NOT_FOUND = "not found"
FORBIDDEN = "forbidden"
DONE = "done"
REFUSED = "refused"

PUBLISHED_AT = datetime.datetime(2020, 8, 28, 9, 0)
WORKED_AT = datetime.datetime(2020, 8, 29, 10, 0)
NOW = datetime.datetime(2020, 9, 1, 10, 0)  # inside the decline window; the August period is closed

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def _png(name: str) -> ContentFile:
    return ContentFile(PNG, name=name)


def _row(admin, supervisor, leader, unit_manager, unit_staff, other_staff) -> dict[str, str]:
    """Return one row of the matrix; anonymous visitors are always sent to sign in."""
    return {
        "anonymous": LOGIN,
        "admin": admin,
        "supervisor": supervisor,
        "leader": leader,
        "unit_manager": unit_manager,
        "unit_staff": unit_staff,
        "other_staff": other_staff,
    }


# fmt: off
PAGES = {
    #                                       admin      supervisor  leader     unit_manager  unit_staff  other_staff
    "home":                            _row(OK,        OK,         OK,        OK,           OK,         OK),
    "plan_detail":                     _row(OK,        OK,         OK,        OK,           OK,         OK),
    "task_detail":                     _row(OK,        OK,         OK,        OK,           OK,         NOT_FOUND),
    "report_form":                     _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, OK,           OK,         NOT_FOUND),
    "task_edit":                       _row(OK,        FORBIDDEN,  FORBIDDEN, FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "task_split":                      _row(OK,        FORBIDDEN,  FORBIDDEN, OK,           OK,         NOT_FOUND),
    "task_audit":                      _row(OK,        FORBIDDEN,  FORBIDDEN, FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "user_audit":                      _row(OK,        FORBIDDEN,  FORBIDDEN, FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    "queue":                           _row(OK,        OK,         OK,        FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    "review":                          _row(OK,        OK,         OK,        FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    "plan_tree":                       _row(OK,        OK,         OK,        OK,           OK,         OK),
    "inbox":                           _row(OK,        OK,         OK,        OK,           OK,         OK),
    "attachment_of_report":            _row(OK,        OK,         OK,        OK,           OK,         NOT_FOUND),
    "attachment_of_completion":        _row(OK,        OK,         OK,        OK,           OK,         NOT_FOUND),
    # a staff report still waiting for the unit manager is not the bureau's to see yet
    "attachment_of_unapproved_report": _row(NOT_FOUND, NOT_FOUND,  NOT_FOUND, OK,           OK,         NOT_FOUND),
}

# Acting for a unit (acknowledging, reporting, asking, answering) is the unit's own: the bureau, admins included,
# reads but does not act for it. Supervising is the bureau's; deciding requests is for admins and supervisors,
# instructions for admins and leaders, approving a staff report for the unit's manager.
ACTIONS_MATRIX = {
    #                                       admin      supervisor  leader     unit_manager  unit_staff  other_staff
    "acknowledge":                     _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "decline":                         _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "report":                          _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "no_change":                       _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "complete":                        _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "extend":                          _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "remind":                          _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    # the chosen ids are filtered to what the user sees: another school's picks are simply not there
    "remind_many":                     _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  REFUSED),
    # the review list is the bureau's: a unit is refused before anything is looked up
    "review_bulk":                     _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    "saved_filter_create":             _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    # a saved filter is its owner's (the supervisor's here): anyone else's guess at it finds nothing
    "saved_filter_delete":             _row(NOT_FOUND, DONE,       NOT_FOUND, FORBIDDEN,    FORBIDDEN,  FORBIDDEN),
    "escalate":                        _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "task_escalate":                   _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "reassign":                        _row(DONE,      FORBIDDEN,  FORBIDDEN, FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "reopen":                          _row(DONE,      FORBIDDEN,  FORBIDDEN, FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "report_review":                   _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         FORBIDDEN,  NOT_FOUND),
    "escalation_respond":              _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "escalation_close":                _row(DONE,      DONE,       DONE,      FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "instruct":                        _row(DONE,      FORBIDDEN,  DONE,      FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "instruction_acknowledge":         _row(FORBIDDEN, FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    "comment":                         _row(DONE,      DONE,       DONE,      DONE,         DONE,       NOT_FOUND),
    "completion_decide":               _row(DONE,      DONE,       FORBIDDEN, FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "extension_decide":                _row(DONE,      DONE,       FORBIDDEN, FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "task_edit":                       _row(DONE,      FORBIDDEN,  FORBIDDEN, FORBIDDEN,    FORBIDDEN,  NOT_FOUND),
    "task_split":                      _row(DONE,      FORBIDDEN,  FORBIDDEN, DONE,         DONE,       NOT_FOUND),
    # units never see a draft plan, so for them it does not exist
    "plan_publish":                    _row(DONE,      FORBIDDEN,  FORBIDDEN, NOT_FOUND,    NOT_FOUND,  NOT_FOUND),
}
# fmt: on

# Cells where the application does not yet behave as the matrix says, each a strict xfail until fixed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


@dataclass
class World:
    """A published plan whose tasks the school leads in every state an action needs, and the records on them."""

    plan: Plan
    draft: Plan
    third_school: Unit
    live_task: Task  # in progress: reports, reminders, escalations, an instruction, a pending extension
    new_task: Task  # just handed out, not yet acknowledged
    asking_task: Task  # completion requested
    done_task: Task  # completed
    declined_task: Task  # declined by the school, waiting to be reassigned
    other_task: Task  # the other school's own task
    live: Assignment
    live_co: Assignment
    new: Assignment
    asking: Assignment
    done: Assignment
    declined: Assignment
    report: ProgressReport
    unapproved_report: ProgressReport
    open_escalation: Escalation
    answered_escalation: Escalation
    instruction: Instruction
    completion: CompletionRequest
    extension: ExtensionRequest
    report_attachment: Attachment
    unapproved_attachment: Attachment
    completion_attachment: Attachment
    saved_filter: SavedFilter


MARKERS = {
    "plan": "湖里区教育局2020年工作要点（矩阵）",
    "draft": "湖里区教育局2021年工作要点（草稿）",
    "live": "推进课后服务全覆盖",
    "new": "开展校园安全隐患排查",
    "asking": "完成教师轮岗交流",
    "done": "组织学生体质健康监测",
    "declined": "建设智慧校园示范点",
    "other": "金山小学承办的书香校园建设",
    "other_report": "金山小学本月组织了三场读书会",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(people, bureau) -> World:
    """Build the plan through the services, at the times a real month would have them."""
    school, department = bureau["school"], bureau["department"]
    Unit.objects.filter(pk=school.pk).update(reports_need_approval=True)  # no service sets it; the admin site does
    admin, supervisor, leader = people["admin"], people["supervisor"], people["leader"]
    manager, staff, other_staff = people["unit_manager"], people["unit_staff"], people["other_staff"]
    third_school = SchoolFactory(name="厦门市湖里区第三测试小学")

    with clock.frozen_at(PUBLISHED_AT):
        plan = PlanFactory(title=MARKERS["plan"], status="draft", published_at=None)
        tasks = {}
        for key in ("live", "new", "asking", "done", "declined"):
            tasks[key] = TaskFactory(plan=plan, headline=MARKERS[key])
            AssignmentFactory(task=tasks[key], unit=school)
            AssignmentFactory(task=tasks[key], unit=department, role="co")
        tasks["other"] = TaskFactory(plan=plan, headline=MARKERS["other"], text="书香校园建设的具体要求。")
        other = AssignmentFactory(task=tasks["other"], unit=bureau["other_school"])
        plan_publish(actor=admin, plan=plan)
        plan.refresh_from_db()  # the tasks hold this object: let them see it published
        draft = PlanFactory(title=MARKERS["draft"], status="draft", published_at=None, plan_year=2021)
        AssignmentFactory(task=TaskFactory(plan=draft, headline="草稿中的任务"), unit=school)

    def mine(key: str) -> Assignment:
        return Assignment.objects.get(task=tasks[key], unit=school)

    with clock.frozen_at(WORKED_AT):
        live = mine("live")
        report = report_submit(
            actor=manager,
            assignment=live,
            text="已在全校推开课后服务。",
            percent=40,
            status="in_progress",
            period_key="2020-08",
            files=[_png("课后服务.png")],
        )
        unapproved = report_submit(
            actor=staff,
            assignment=live,
            text="更正：课后服务覆盖率达到百分之九十。",
            percent=45,
            status="in_progress",
            period_key="2020-08",
            files=[_png("覆盖率.png")],
        )
        reminder_send(actor=supervisor, assignments=[live], message="请抓紧推进。")
        open_escalation = escalation_raise(actor=supervisor, assignment=live, reason="进度滞后，请说明原因。")
    with clock.frozen_at(WORKED_AT + datetime.timedelta(minutes=5)):  # a manual escalation's key is its moment
        answered = escalation_raise(actor=supervisor, assignment=live, reason="请报送覆盖率数据。")
        escalation_respond(actor=staff, escalation=answered, text="覆盖率数据已补报。")
        instruction = instruction_give(actor=leader, task=tasks["live"], text="此项工作要抓紧抓实。")
        comment_post(actor=supervisor, task=tasks["live"], text="请附上活动照片。")
        extension = extension_request_submit(
            actor=staff, assignment=live, requested_due=datetime.date(2021, 1, 31), reason="场地改造推迟。"
        )
        completion = completion_request_submit(
            actor=staff, assignment=mine("asking"), summary="轮岗交流已完成。", files=[_png("名单.png")]
        )
        finished = completion_request_submit(actor=staff, assignment=mine("done"), summary="监测数据已上报。")
        completion_decide(actor=supervisor, request=finished, approve=True)
        assignment_decline(actor=staff, assignment=mine("declined"), reason="不属于本单位职责。")
        report_submit(
            actor=other_staff, assignment=other, text=MARKERS["other_report"], percent=30, status="in_progress"
        )

    return World(
        plan=plan,
        draft=draft,
        third_school=third_school,
        live_task=tasks["live"],
        new_task=tasks["new"],
        asking_task=tasks["asking"],
        done_task=tasks["done"],
        declined_task=tasks["declined"],
        other_task=tasks["other"],
        live=mine("live"),
        live_co=Assignment.objects.get(task=tasks["live"], unit=department),
        new=mine("new"),
        asking=mine("asking"),
        done=mine("done"),
        declined=mine("declined"),
        report=report,
        unapproved_report=unapproved,
        open_escalation=open_escalation,
        answered_escalation=answered,
        instruction=instruction,
        completion=completion,
        extension=extension,
        report_attachment=report.attachments.get(),
        unapproved_attachment=unapproved.attachments.get(),
        completion_attachment=completion.attachments.get(),
        saved_filter=saved_filter_save(actor=supervisor, name="本校逾期", query=QueryDict("light=red")),
    )


def world_state() -> dict[str, Any]:
    """Return everything an action could change, to compare before and after a denied one."""
    return {
        "plans": list(Plan.objects.order_by("pk").values_list("pk", "status", "published_at")),
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "parent", "headline", "deadline")),
        "assignments": list(
            Assignment.objects.order_by("pk").values_list(
                "pk", "unit", "status", "percent", "due_on", "acknowledged_by", "replaced_by", "completed_at"
            )
        ),
        "reports": list(ProgressReport.objects.order_by("pk").values_list("pk", flat=True)),
        "approvals": list(ReportApproval.objects.order_by("pk").values_list("pk", flat=True)),
        "attachments": list(Attachment.objects.order_by("pk").values_list("pk", flat=True)),
        "reminders": list(Reminder.objects.order_by("pk").values_list("pk", flat=True)),
        "escalations": list(Escalation.objects.order_by("pk").values_list("pk", "closed_at")),
        "responses": list(EscalationResponse.objects.order_by("pk").values_list("pk", flat=True)),
        "instructions": list(Instruction.objects.order_by("pk").values_list("pk", flat=True)),
        "acknowledgements": list(InstructionAcknowledgement.objects.order_by("pk").values_list("pk", flat=True)),
        "comments": list(Comment.objects.order_by("pk").values_list("pk", flat=True)),
        "completions": list(CompletionRequest.objects.order_by("pk").values_list("pk", "decision")),
        "extensions": list(ExtensionRequest.objects.order_by("pk").values_list("pk", "decision", "granted_due")),
        "notifications": Notification.objects.count(),
        "saved_filters": list(SavedFilter.objects.order_by("pk").values_list("pk", "owner", "name", "query")),
        "audit": AuditEvent.objects.count(),
    }


def _task_page(task: Task) -> str:
    return reverse("plans:task_detail", args=[task.pk])


# ---- pages ----------------------------------------------------------------------------------------------

PAGE_URLS: dict[str, Callable[[World, dict], str]] = {
    "home": lambda w, people: reverse("core:home"),
    "plan_detail": lambda w, people: reverse("plans:plan_detail", args=[w.plan.pk]),
    "task_detail": lambda w, people: _task_page(w.live_task),
    "report_form": lambda w, people: reverse("plans:report_form", args=[w.live.pk]),
    "task_edit": lambda w, people: reverse("plans:task_edit", args=[w.live_task.pk]),
    "task_split": lambda w, people: reverse("plans:task_split", args=[w.live_task.pk]),
    "task_audit": lambda w, people: reverse("plans:task_audit", args=[w.live_task.pk]),
    "user_audit": lambda w, people: reverse("plans:user_audit", args=[people["unit_staff"].pk]),
    "queue": lambda w, people: reverse("plans:queue"),
    "review": lambda w, people: reverse("plans:review"),
    "plan_tree": lambda w, people: reverse("plans:plan_tree", args=[w.plan.pk]),
    "inbox": lambda w, people: reverse("notifications:inbox"),
    "attachment_of_report": lambda w, people: reverse("plans:attachment_download", args=[w.report_attachment.pk]),
    "attachment_of_completion": lambda w, people: reverse(
        "plans:attachment_download", args=[w.completion_attachment.pk]
    ),
    "attachment_of_unapproved_report": lambda w, people: reverse(
        "plans:attachment_download", args=[w.unapproved_attachment.pk]
    ),
}


def _cells(matrix: dict[str, dict[str, str]]):
    for row, outcomes in matrix.items():
        for role in ROLES:
            reason = KNOWN_BUGS.get((row, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(row, role, outcomes[role], id=f"{row}-{role}", marks=marks)


def test_the_matrices_cover_every_role_page_and_action():
    assert set(PAGES) == set(PAGE_URLS)
    assert set(ACTIONS_MATRIX) == set(ACTIONS)
    assert all(set(row) == set(ROLES) for row in [*PAGES.values(), *ACTIONS_MATRIX.values()])
    assert {row for row, _ in KNOWN_BUGS} <= set(PAGES) | set(ACTIONS_MATRIX)


def test_every_workflow_address_has_a_row(people, world):
    covered = {resolve(url(world, people)).url_name for url in PAGE_URLS.values()}
    covered |= {resolve(action.url(world)).url_name for action in ACTIONS.values()}
    workflow = {pattern.name for pattern in plan_urls.urlpatterns if not pattern.name.startswith("import_")}
    assert workflow - covered == set()


def _sign_in(client, people, role: str):
    if role != "anonymous":
        client.force_login(people[role])
    return people.get(role)


def _assert_sent_to_sign_in(response, url: str) -> None:
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def _message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("page", "role", "expected"), list(_cells(PAGES)))
def test_page_opens_only_for_the_roles_that_may_see_it(client, people, world, page, role, expected):
    _sign_in(client, people, role)
    url = PAGE_URLS[page](world, people)
    before = world_state()

    with clock.frozen_at(NOW):
        response = client.get(url)

    if expected == LOGIN:
        _assert_sent_to_sign_in(response, url)
    else:
        assert response.status_code == {OK: 200, NOT_FOUND: 404, FORBIDDEN: 403}[expected]
    if page.startswith("attachment_of_") and expected == OK:
        assert b"".join(response.streaming_content) == PNG  # reading it to the end closes the file
    assert world_state() == before


# ---- actions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One POST: where it goes, what it sends, where it lands and what it must have changed."""

    url: Callable[[World], str]
    data: Callable[[World], dict]
    lands: Callable[[World], str]
    effect: Callable[[World, Any], None]


def _acknowledged(w: World, actor) -> None:
    w.new.refresh_from_db()
    assert (w.new.status, w.new.acknowledged_by) == ("in_progress", actor)


def _declined(w: World, actor) -> None:
    w.new.refresh_from_db()
    assert (w.new.status, w.new.decline_reason) == ("declined", "不属于本单位职责，应由德育科牵头。")


def _reported(w: World, actor) -> None:
    report = ProgressReport.objects.get(assignment=w.live, period_key="2020-09")
    assert (report.author, report.text, report.percent, report.is_no_change) == (actor, "九月进展。", 60, False)
    assert [a.original_name for a in report.attachments.all()] == ["九月.png"]


def _no_change_filed(w: World, actor) -> None:
    report = ProgressReport.objects.get(assignment=w.live, period_key="2020-09")
    assert (report.author, report.text, report.is_no_change) == (actor, w.unapproved_report.text, True)


def _completion_requested(w: World, actor) -> None:
    w.new.refresh_from_db()
    request = CompletionRequest.objects.get(assignment=w.new)
    assert (w.new.status, request.requested_by, request.summary) == ("completion_requested", actor, "已全部排查完毕。")


def _extension_requested(w: World, actor) -> None:
    request = ExtensionRequest.objects.get(assignment=w.new)
    assert (request.requested_by, request.requested_due, request.decision) == (
        actor,
        datetime.date(2021, 3, 31),
        "pending",
    )


def _reminded(w: World, actor) -> None:
    reminders = Reminder.objects.filter(created_by=actor, message="请本周内报送。")
    assert [r.assignment for r in reminders.order_by("assignment_id")] == [w.live]


def _reminded_both(w: World, actor) -> None:
    reminders = Reminder.objects.filter(created_by=actor, message="请本周内报送。")
    assert [r.assignment for r in reminders.order_by("assignment_id")] == [w.live, w.live_co]


def _saved(w: World, actor) -> None:
    assert list(SavedFilter.objects.filter(owner=actor, name="红灯").values_list("query", flat=True)) == ["light=red"]


def _saved_filter_gone(w: World, actor) -> None:
    assert not SavedFilter.objects.filter(pk=w.saved_filter.pk).exists()


def _escalated(w: World, actor) -> None:
    escalation = Escalation.objects.get(reason="九月仍未见进展。")
    assert (escalation.assignment, escalation.created_by, escalation.closed_at) == (w.live, actor, None)


def _reassigned(w: World, actor) -> None:
    w.declined.refresh_from_db()
    assert (w.declined.replaced_by.unit, w.declined.replaced_by.assigned_by) == (w.third_school, actor)
    assert w.declined.replaced_by.status == "new"


def _reopened(w: World, actor) -> None:
    w.done.refresh_from_db()
    assert (w.done.status, w.done.completed_at) == ("in_progress", None)


def _report_approved(w: World, actor) -> None:
    approval = ReportApproval.objects.get(report=w.unapproved_report)
    assert (approval.approved, approval.reviewer) == (True, actor)


def _escalation_answered(w: World, actor) -> None:
    response = EscalationResponse.objects.get(escalation=w.open_escalation)
    assert (response.author, response.text) == (actor, "已增加课后服务班次。")


def _escalation_closed(w: World, actor) -> None:
    w.answered_escalation.refresh_from_db()
    assert w.answered_escalation.closed_by == actor and w.answered_escalation.closed_at is not None


def _instructed(w: World, actor) -> None:
    instruction = Instruction.objects.get(text="请加强督导。")
    assert (instruction.task, instruction.author) == (w.live_task, actor)


def _instruction_acknowledged(w: World, actor) -> None:
    acknowledgement = InstructionAcknowledgement.objects.get(instruction=w.instruction)
    assert (acknowledgement.unit, acknowledgement.acknowledged_by) == (w.live.unit, actor)


def _commented(w: World, actor) -> None:
    comment = Comment.objects.get(text="已收到，谢谢。")
    assert (comment.task, comment.author) == (w.live_task, actor)


def _completion_approved(w: World, actor) -> None:
    w.completion.refresh_from_db()
    w.asking.refresh_from_db()
    assert (w.completion.decision, w.completion.decided_by, w.asking.status) == ("approved", actor, "completed")


def _extension_granted(w: World, actor) -> None:
    w.extension.refresh_from_db()
    w.live.refresh_from_db()
    assert (w.extension.decision, w.extension.decided_by, w.live.due_on) == (
        "granted",
        actor,
        datetime.date(2021, 1, 31),
    )


def _task_edited(w: World, actor) -> None:
    w.live_task.refresh_from_db()
    assert w.live_task.headline == "推进课后服务全覆盖（修订）"


def _task_split(w: World, actor) -> None:
    subtask = Task.objects.get(parent=w.live_task)
    assert (subtask.headline, [a.unit for a in subtask.assignments.all()]) == ("三校联动", [w.third_school])


def _published(w: World, actor) -> None:
    w.draft.refresh_from_db()
    assert w.draft.status == "published"


ACTIONS: dict[str, Action] = {
    "acknowledge": Action(
        url=lambda w: reverse("plans:assignment_acknowledge", args=[w.new.pk]),
        data=lambda w: {},
        lands=lambda w: _task_page(w.new_task),
        effect=_acknowledged,
    ),
    "decline": Action(
        url=lambda w: reverse("plans:assignment_decline", args=[w.new.pk]),
        data=lambda w: {"reason": "不属于本单位职责，应由德育科牵头。"},
        lands=lambda w: _task_page(w.new_task),
        effect=_declined,
    ),
    "report": Action(
        url=lambda w: reverse("plans:report_form", args=[w.live.pk]),
        data=lambda w: {
            "period_key": "2020-09",
            "status": "in_progress",
            "percent": "60",
            "text": "九月进展。",
            "delay_reason": "",
            "files": [_png("九月.png")],
        },
        lands=lambda w: reverse("core:home"),
        effect=_reported,
    ),
    "no_change": Action(
        url=lambda w: reverse("plans:report_no_change", args=[w.live.pk]),
        data=lambda w: {},
        lands=lambda w: _task_page(w.live_task),
        effect=_no_change_filed,
    ),
    "complete": Action(
        url=lambda w: reverse("plans:completion_request", args=[w.new.pk]),
        data=lambda w: {"summary": "已全部排查完毕。"},
        lands=lambda w: _task_page(w.new_task),
        effect=_completion_requested,
    ),
    "extend": Action(
        url=lambda w: reverse("plans:extension_request", args=[w.new.pk]),
        data=lambda w: {"requested_due": "2021-03-31", "reason": "排查范围扩大。"},
        lands=lambda w: _task_page(w.new_task),
        effect=_extension_requested,
    ),
    "remind": Action(
        url=lambda w: reverse("plans:assignment_remind", args=[w.live.pk]),
        data=lambda w: {"message": "请本周内报送。"},
        lands=lambda w: _task_page(w.live_task),
        effect=_reminded,
    ),
    "remind_many": Action(
        url=lambda w: reverse("plans:remind_many"),
        data=lambda w: {"assignment": [w.live.pk, w.live_co.pk], "message": "请本周内报送。"},
        lands=lambda w: _task_page(w.live_task),
        effect=_reminded_both,
    ),
    "review_bulk": Action(
        url=lambda w: reverse("plans:review_bulk"),
        data=lambda w: {"assignment": [w.live.pk, w.live_co.pk], "message": "请本周内报送。", "action": "remind"},
        lands=lambda w: reverse("plans:review"),
        effect=_reminded_both,
    ),
    "saved_filter_create": Action(
        url=lambda w: reverse("plans:saved_filter_create"),
        data=lambda w: {"name": "红灯", "light": "red", "page": "3"},
        lands=lambda w: reverse("plans:review") + "?light=red",
        effect=_saved,
    ),
    "saved_filter_delete": Action(
        url=lambda w: reverse("plans:saved_filter_delete", args=[w.saved_filter.pk]),
        data=lambda w: {},
        lands=lambda w: reverse("plans:review"),
        effect=_saved_filter_gone,
    ),
    "escalate": Action(
        url=lambda w: reverse("plans:assignment_escalate", args=[w.live.pk]),
        data=lambda w: {"reason": "九月仍未见进展。", "response_due": "2020-09-04"},
        lands=lambda w: _task_page(w.live_task),
        effect=_escalated,
    ),
    "task_escalate": Action(
        url=lambda w: reverse("plans:task_escalate", args=[w.live_task.pk]),
        data=lambda w: {"assignment": w.live.pk, "reason": "九月仍未见进展。", "response_due": ""},
        lands=lambda w: _task_page(w.live_task),
        effect=_escalated,
    ),
    "reassign": Action(
        url=lambda w: reverse("plans:assignment_reassign", args=[w.declined.pk]),
        data=lambda w: {"unit": w.third_school.pk},
        lands=lambda w: _task_page(w.declined_task),
        effect=_reassigned,
    ),
    "reopen": Action(
        url=lambda w: reverse("plans:assignment_reopen", args=[w.done.pk]),
        data=lambda w: {"reason": "监测数据有误，需重新上报。"},
        lands=lambda w: _task_page(w.done_task),
        effect=_reopened,
    ),
    "report_review": Action(
        url=lambda w: reverse("plans:report_review", args=[w.unapproved_report.pk]),
        data=lambda w: {"approve": "1", "reason": ""},
        lands=lambda w: _task_page(w.live_task),
        effect=_report_approved,
    ),
    "escalation_respond": Action(
        url=lambda w: reverse("plans:escalation_respond", args=[w.open_escalation.pk]),
        data=lambda w: {"text": "已增加课后服务班次。"},
        lands=lambda w: _task_page(w.live_task),
        effect=_escalation_answered,
    ),
    "escalation_close": Action(
        url=lambda w: reverse("plans:escalation_close", args=[w.answered_escalation.pk]),
        data=lambda w: {},
        lands=lambda w: _task_page(w.live_task),
        effect=_escalation_closed,
    ),
    "instruct": Action(
        url=lambda w: reverse("plans:task_instruct", args=[w.live_task.pk]),
        data=lambda w: {"text": "请加强督导。"},
        lands=lambda w: _task_page(w.live_task),
        effect=_instructed,
    ),
    "instruction_acknowledge": Action(
        url=lambda w: reverse("plans:instruction_acknowledge", args=[w.instruction.pk]),
        data=lambda w: {},
        lands=lambda w: _task_page(w.live_task),
        effect=_instruction_acknowledged,
    ),
    "comment": Action(
        url=lambda w: reverse("plans:task_comment", args=[w.live_task.pk]),
        data=lambda w: {"text": "已收到，谢谢。"},
        lands=lambda w: _task_page(w.live_task) + "#comment",
        effect=_commented,
    ),
    "completion_decide": Action(
        url=lambda w: reverse("plans:completion_decide", args=[w.completion.pk]),
        data=lambda w: {"approve": "1", "reason": ""},
        lands=lambda w: _task_page(w.asking_task),
        effect=_completion_approved,
    ),
    "extension_decide": Action(
        url=lambda w: reverse("plans:extension_decide", args=[w.extension.pk]),
        data=lambda w: {"approve": "1", "reason": "", "granted_due": ""},
        lands=lambda w: _task_page(w.live_task),
        effect=_extension_granted,
    ),
    "task_edit": Action(
        url=lambda w: reverse("plans:task_edit", args=[w.live_task.pk]),
        data=lambda w: {
            "headline": "推进课后服务全覆盖（修订）",
            "text": w.live_task.text,
            "owner_text": "",
            "deadline": "2020-12-31",
            "deadline_text": w.live_task.deadline_text,
            "reporting_cycle": "",
        },
        lands=lambda w: _task_page(w.live_task),
        effect=_task_edited,
    ),
    "task_split": Action(
        url=lambda w: reverse("plans:task_split", args=[w.live_task.pk]),
        data=lambda w: {"headline": "三校联动", "text": "", "deadline": "", "units": [w.third_school.pk]},
        lands=lambda w: _task_page(w.live_task),
        effect=_task_split,
    ),
    "plan_publish": Action(
        url=lambda w: reverse("plans:plan_publish", args=[w.draft.pk]),
        data=lambda w: {},
        lands=lambda w: reverse("plans:plan_detail", args=[w.draft.pk]),
        effect=_published,
    ),
}


@pytest.mark.parametrize(("action", "role", "expected"), list(_cells(ACTIONS_MATRIX)))
def test_action_runs_only_for_the_roles_that_may_take_it(client, people, world, action, role, expected):
    actor = _sign_in(client, people, role)
    spec = ACTIONS[action]
    url = spec.url(world)
    before = world_state()

    with clock.frozen_at(NOW):
        response = client.post(url, spec.data(world))

    if expected == DONE:
        assert (response.status_code, response.url) == (302, spec.lands(world))
        assert _message_levels(response) == ["success"]
        spec.effect(world, actor)
        return
    if expected == LOGIN:
        _assert_sent_to_sign_in(response, url)
    elif expected == REFUSED:
        assert response.status_code == 302
        assert _message_levels(response) == ["error"]
    else:
        assert response.status_code == {NOT_FOUND: 404, FORBIDDEN: 403}[expected]
    assert world_state() == before


def test_a_state_error_is_a_redirect_with_a_message_and_changes_nothing(client, people, world):
    """A WorkflowError looks like success on the wire (302): only the message and the database tell them apart."""
    client.force_login(people["unit_staff"])
    before = world_state()

    with clock.frozen_at(NOW):
        response = client.post(reverse("plans:assignment_acknowledge", args=[world.live.pk]))

    assert (response.status_code, response.url) == (302, _task_page(world.live_task))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["这项任务已签收或已退回，无需再次签收。"]
    assert world_state() == before


# ---- what each role's pages list ------------------------------------------------------------------------

SCHOOL_TASKS = {"live", "new", "asking", "done"}
BUREAU_TASKS = SCHOOL_TASKS | {"declined", "other"}

# fmt: off
LISTED = {
    #              the markers (plan titles, task headlines, the other school's report) each role's page shows
    "home": {
        "admin": {"plan", "draft"}, "supervisor": {"plan", "draft"}, "leader": {"plan", "draft"},
        # a unit's workbench names the plan of each card, never the draft
        "unit_manager": {"plan"} | SCHOOL_TASKS, "unit_staff": {"plan"} | SCHOOL_TASKS, "other_staff": {"plan", "other"},
    },
    "plan_detail": {
        "admin": {"plan"} | BUREAU_TASKS, "supervisor": {"plan"} | BUREAU_TASKS, "leader": {"plan"} | BUREAU_TASKS,
        "unit_manager": {"plan"} | SCHOOL_TASKS | {"declined"}, "unit_staff": {"plan"} | SCHOOL_TASKS | {"declined"},
        "other_staff": {"plan", "other"},
    },
    "other_task_detail": {
        "admin": {"plan", "other", "other_report"}, "supervisor": {"plan", "other", "other_report"},
        "leader": {"plan", "other", "other_report"}, "unit_manager": None, "unit_staff": None,
        "other_staff": {"plan", "other", "other_report"},
    },
}
# fmt: on


def _listed_url(page: str, world: World) -> str:
    return {
        "home": reverse("core:home"),
        "plan_detail": reverse("plans:plan_detail", args=[world.plan.pk]),
        "other_task_detail": _task_page(world.other_task),
    }[page]


@pytest.mark.parametrize(("page", "role"), [(page, role) for page, roles in LISTED.items() for role in roles])
def test_each_role_page_lists_only_what_the_role_may_see(client, people, world, page, role):
    client.force_login(people[role])

    with clock.frozen_at(NOW):
        response = client.get(_listed_url(page, world))

    expected = LISTED[page][role]
    if expected is None:  # the school guessing the other school's task
        assert response.status_code == 404
        return
    content = response.content.decode()
    assert response.status_code == 200
    assert {key for key, text in MARKERS.items() if text in content} == expected


@pytest.mark.parametrize("role", ["unit_manager", "unit_staff"])
def test_no_school_page_shows_the_other_schools_assignment(client, people, world, role):
    client.force_login(people[role])
    urls = [
        reverse("core:home"),
        reverse("plans:plan_detail", args=[world.plan.pk]),
        _task_page(world.live_task),
        reverse("plans:report_form", args=[world.live.pk]),
        reverse("notifications:inbox"),
    ]

    with clock.frozen_at(NOW):
        pages = [client.get(url) for url in urls]

    assert [page.status_code for page in pages] == [200] * len(urls)
    for page in pages:
        content = page.content.decode()
        assert MARKERS["other"] not in content
        assert MARKERS["other_report"] not in content
        assert world.other_task.text not in content
        assert "金山小学" not in content
