"""The task page, the report form, task editing and splitting, the supervisors' queue and the audit pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Unit, UnitKind, User
from audit.selectors import audit_for_task, audit_for_user
from core import clock
from plans import periods
from plans.evidence import attachment_response
from plans.forms_workflow import (
    CompletionRequestForm,
    DecisionForm,
    EscalationForm,
    ExtensionRequestForm,
    ReasonForm,
    ReminderForm,
    ReportForm,
    SplitForm,
    TaskEditForm,
    TextForm,
)
from plans.lights import LIGHT_ICONS, Light, visible_report_q
from plans.models import Attachment, ProgressReport
from plans.policies import (
    can_act_for,
    can_approve_reports,
    can_decide_requests,
    can_instruct,
    can_manage_plans,
    can_read_audit,
    can_see_all_units,
    can_split,
    can_supervise,
)
from plans.selectors import assignments_visible_to
from plans.selectors.queue import supervision_queue
from plans.selectors.task_page import task_for, task_page, task_record_ids
from plans.selectors.workbench import assignment_for_report
from plans.services.errors import WorkflowError
from plans.services.plans import TASK_EDITABLE_FIELDS, task_update
from plans.services.reports import (
    assignment_period,
    default_report_period,
    latest_report,
    report_submit,
    reportable_periods,
)
from plans.services.subtasks import subtask_split


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a task: its light, units, sub-tasks, the actions open to the user, and its timeline."""
    user = request.user
    task = task_for(user, pk)
    today = clock.today()
    page = task_page(user=user, task=task, today=today)
    mine = page.mine(user)
    lead_unit_id = next((a.unit_id for a in page.all_units if a.role == "lead"), None)
    pending_completion = [r for r in page.completion_requests if r.decision == "pending"]
    pending_extension = [r for r in page.extension_requests if r.decision == "pending"]
    my_open_escalations = [e for e in page.escalations if mine and e.assignment_id == mine.pk and e.closed_at is None]
    my_unacknowledged = []
    if mine is not None:
        my_unacknowledged = [
            i for i in page.instructions if all(a.unit_id != user.unit_id for a in i.acknowledgements.all())
        ]
    to_approve = []
    if mine is not None and can_approve_reports(user, mine):
        reviewed = {r.pk for r in page.reports if getattr(r, "approval", None) is not None}
        to_approve = [
            r
            for r in page.reports
            if r.needs_approval
            and r.pk not in reviewed
            and not r.superseded_by_id_cached
            and r.assignment_id == mine.pk
        ]
    reported_keys = {r.period_key for r in page.reports if mine is not None and r.assignment_id == mine.pk}
    can_repeat_report = (
        mine is not None
        and bool(reported_keys)
        and mine.status in ("new", "in_progress", "completion_requested")
        and assignment_period(mine, today).key not in reported_keys
    )
    context = {
        "page": page,
        "can_repeat_report": can_repeat_report,
        "task": page.task,
        "mine": mine,
        "today": today,
        "can_act": mine is not None and can_act_for(user, mine),
        "can_supervise": can_supervise(user),
        "can_decide": can_decide_requests(user),
        "can_instruct": can_instruct(user),
        "can_manage": can_manage_plans(user),
        "can_split": page.task.parent_id is None and can_split(user, page.task, lead_unit_id),
        "can_audit": can_read_audit(user),
        "bureau": can_see_all_units(user),
        "pending_completion": pending_completion,
        "pending_extension": pending_extension,
        "my_open_escalations": my_open_escalations,
        "my_unacknowledged": my_unacknowledged,
        "to_approve": to_approve,
        "decline_days": settings.ASSIGNMENT_DECLINE_DAYS,
        "reminder_form": ReminderForm(),
        "escalation_form": EscalationForm(),
        "completion_form": CompletionRequestForm(),
        "extension_form": ExtensionRequestForm(),
        "decision_form": DecisionForm(),
        "reason_form": ReasonForm(),
        "text_form": TextForm(),
    }
    if can_manage_plans(user) and any(a.status == "declined" and not a.replaced_by_id for a in page.assignments):
        context["reassign_units"] = list(Unit.objects.filter(is_active=True).order_by("sort_order", "name"))
    return render(request, "plans/task_detail.html", context)


def _period_choices(assignment, reported_keys: set[str], today) -> list[tuple[str, str]]:
    choices = []
    for period in reportable_periods(assignment):
        note = ""
        if period.key in reported_keys:
            note = _("（已填报，再次提交为更正）")
        elif period.due < today:
            note = _("（已过报送截止日，补报）")
        choices.append((period.key, f"{period.label}{note}"))
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, pk: int) -> HttpResponse:
    """File a progress report for one of the unit's assignments; the form starts from the last report."""
    assignment = assignment_for_report(request.user, pk)
    if not can_act_for(request.user, assignment):
        raise PermissionDenied(_("只有承办单位的人员可以填报。"))
    today = clock.today()
    if assignment.task.plan.status != "published" or assignment.status in ("completed", "declined"):
        messages.error(request, _("这项任务已办结、已退回或计划未发布，不需要填报。"))
        return redirect("plans:task_detail", pk=assignment.task_id)
    reported_keys = set(ProgressReport.objects.filter(assignment=assignment).values_list("period_key", flat=True))
    choices = _period_choices(assignment, reported_keys, today)
    last = latest_report(assignment)
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, period_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = report_submit(
                    actor=request.user,
                    assignment=assignment,
                    period_key=data["period_key"],
                    text=data["text"],
                    percent=data["percent"],
                    status=data["status"],
                    delay_reason=data["delay_reason"],
                    files=data["files"],
                )
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                label = periods.period_by_key(
                    report.cycle, report.period_key, due_day=assignment.task.plan.report_due_day
                ).label
                if report.needs_approval:
                    messages.success(
                        request, _("已提交%(period)s进展，待本单位负责人审核后报送局里。") % {"period": label}
                    )
                else:
                    messages.success(request, _("已报送%(period)s进展。") % {"period": label})
                return redirect("core:home")
    else:
        initial = {"period_key": default_report_period(assignment, reported_keys).key}
        if last is not None:
            initial.update(text=last.text, percent=last.percent, status=last.status, delay_reason=last.delay_reason)
        else:
            initial.update(percent=assignment.percent, status="in_progress")
        form = ReportForm(initial=initial, period_choices=choices)
    return render(
        request,
        "plans/report_form.html",
        {"form": form, "assignment": assignment, "task": assignment.task, "last": last, "today": today},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a task's wording, deadline or cycle (admins); once published, its units are told."""
    task = task_for(request.user, pk)
    if not can_manage_plans(request.user):
        raise PermissionDenied(_("只有系统管理员可以修改任务。"))
    form = TaskEditForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in TASK_EDITABLE_FIELDS if field in form.changed_data}
        try:
            task_update(actor=request.user, task=task, **changes)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("任务已修改。已通知承办单位。") if task.plan.status == "published" and changes else _("任务已修改。"),
            )
            return redirect("plans:task_detail", pk=task.pk)
    return render(request, "plans/task_edit.html", {"form": form, "task": task})


UNIT_GROUPS = [
    ("primary", gettext_lazy("全部小学"), {"kind": UnitKind.SCHOOL, "stage": "primary"}),
    ("middle", gettext_lazy("全部中学"), {"kind": UnitKind.SCHOOL, "stage__in": ["middle", "high"]}),
    ("nine_year", gettext_lazy("九年一贯制学校"), {"kind": UnitKind.SCHOOL, "stage__in": ["nine_year", "twelve_year"]}),
    ("schools", gettext_lazy("全部学校"), {"kind": UnitKind.SCHOOL}),
    ("kindergartens", gettext_lazy("全部幼儿园"), {"kind": UnitKind.KINDERGARTEN}),
    ("departments", gettext_lazy("全部机关科室"), {"kind": UnitKind.DEPARTMENT}),
]


@login_required
@require_http_methods(["GET", "POST"])
def task_split(request: HttpRequest, pk: int) -> HttpResponse:
    """Split a task into sub-tasks, one per chosen unit (层层分解)."""
    task = task_for(request.user, pk)
    lead = assignments_visible_to(request.user).filter(task=task, role="lead").exclude(status="declined").first()
    if task.parent_id is not None or not can_split(request.user, task, lead.unit_id if lead else None):
        raise PermissionDenied(_("只有牵头单位和系统管理员可以分解任务。"))
    units = Unit.objects.filter(is_active=True).exclude(kind__in=[UnitKind.BUREAU, UnitKind.LEADERSHIP])
    units = units.order_by("kind", "sort_order", "name")
    form = SplitForm(request.POST or None, units=units, initial={"deadline": task.deadline})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = subtask_split(
                actor=request.user,
                task=task,
                headline=data["headline"],
                text=data["text"],
                deadline=data["deadline"],
                units=list(data["units"]),
            )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已分解为 %(count)s 个子任务，并通知了各承办单位。") % {"count": len(created)})
            return redirect("plans:task_detail", pk=task.pk)
    groups = []
    unit_list = list(units)
    for key, label, conditions in UNIT_GROUPS:
        members = [unit.pk for unit in units.filter(**conditions)]
        if members:
            groups.append({"key": key, "label": label, "ids": ",".join(map(str, members)), "count": len(members)})
    return render(request, "plans/task_split.html", {"form": form, "task": task, "groups": groups, "units": unit_list})


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an evidence file to someone who may see its report or request (404 for anyone else)."""
    attachment = get_object_or_404(Attachment.objects.select_related("report", "completion_request"), pk=pk)
    owner = attachment.report or attachment.completion_request
    if not assignments_visible_to(request.user).filter(pk=owner.assignment_id).exists():
        raise Http404
    # The bureau sees a staff report only once its unit's manager has approved it; its files likewise.
    pending = (
        attachment.report is not None
        and can_see_all_units(request.user)
        and not ProgressReport.objects.filter(pk=attachment.report_id).filter(visible_report_q()).exists()
    )
    if pending:
        raise Http404
    return attachment_response(attachment)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Show the bureau what waits: requests to decide, assignments not yet received, declined ones."""
    if not can_see_all_units(request.user):
        raise PermissionDenied(_("只有局机关人员可以查看督办待办。"))
    today = clock.today()
    return render(
        request,
        "plans/queue.html",
        {
            "queue": supervision_queue(today=today),
            "today": today,
            "can_decide": can_decide_requests(request.user),
            "can_supervise": can_supervise(request.user),
            "can_manage": can_manage_plans(request.user),
            "decision_form": DecisionForm(),
            "reminder_form": ReminderForm(),
            "light_icons": LIGHT_ICONS,
            "light_labels": dict(Light.choices),
        },
    )


@login_required
@require_GET
def task_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Show every recorded change to a task and the records under it (admins)."""
    task = task_for(request.user, pk)
    if not can_read_audit(request.user):
        raise PermissionDenied(_("只有系统管理员可以查看操作记录。"))
    events = list(audit_for_task(task, related=task_record_ids(task))[:1000])
    return render(request, "plans/task_audit.html", {"task": task, "events": events})


@login_required
@require_GET
def user_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Show every change a person made (admins)."""
    if not can_read_audit(request.user):
        raise PermissionDenied(_("只有系统管理员可以查看操作记录。"))
    person = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    events = list(audit_for_user(person)[:1000])
    return render(request, "plans/user_audit.html", {"person": person, "events": events})
