"""The workflow's actions: each a POST that calls one service and goes back to where it came from.

Objects are fetched through the user's scoped querysets, so another unit's id gives 404; the
services then check the role (403) and the state (a message saying why nothing changed).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Unit
from core.ids import parse_id, parse_ids
from plans.forms_workflow import (
    CompletionRequestForm,
    DecisionForm,
    EscalationForm,
    ExtensionRequestForm,
    ReasonForm,
    ReassignForm,
    ReminderForm,
    TextForm,
)
from plans.models import CompletionRequest, Escalation, ExtensionRequest, Instruction, ProgressReport
from plans.selectors import assignments_visible_to
from plans.selectors.task_page import task_for
from plans.services import assignments as assignment_services
from plans.services import requests as request_services
from plans.services import supervision
from plans.services.errors import WorkflowError
from plans.services.reports import report_no_change, report_review
from plans.views.common import back_to, form_errors_text, run_action


def _assignment(request: HttpRequest, pk: int):
    return get_object_or_404(assignments_visible_to(request.user).select_related("task", "unit"), pk=pk)


def _invalid(request: HttpRequest, form, task_id: int, anchor: str = "") -> HttpResponse:
    messages.error(request, form_errors_text(form))
    return back_to(request, task_id, anchor)


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    return run_action(
        request,
        assignment.task_id,
        lambda: assignment_services.assignment_acknowledge(actor=request.user, assignment=assignment),
        _("已签收：%(path)s %(headline)s") % {"path": assignment.task.path, "headline": assignment.task.headline},
    )


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, assignment.task_id, "actions")
    return run_action(
        request,
        assignment.task_id,
        lambda: assignment_services.assignment_decline(
            actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
        ),
        _("已退回，督查室会改派给其他单位。"),
    )


@login_required
@require_POST
def no_change(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    return run_action(
        request,
        assignment.task_id,
        lambda: report_no_change(
            actor=request.user, assignment=assignment, period_key=request.POST.get("period_key") or None
        ),
        _("已报送“较上期无变化”：%(path)s") % {"path": assignment.task.path},
    )


@login_required
@require_POST
def completion_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = CompletionRequestForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, form, assignment.task_id, "actions")
    return run_action(
        request,
        assignment.task_id,
        lambda: request_services.completion_request_submit(
            actor=request.user,
            assignment=assignment,
            summary=form.cleaned_data["summary"],
            files=form.cleaned_data["files"],
        ),
        _("已申请办结，等待督查室审核。"),
    )


@login_required
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, assignment.task_id, "actions")
    return run_action(
        request,
        assignment.task_id,
        lambda: request_services.extension_request_submit(
            actor=request.user,
            assignment=assignment,
            requested_due=form.cleaned_data["requested_due"],
            reason=form.cleaned_data["reason"],
        ),
        _("已申请延期，等待督查室审核。"),
    )


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = ReminderForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, assignment.task_id)
    return run_action(
        request,
        assignment.task_id,
        lambda: supervision.reminder_send(
            actor=request.user, assignments=[assignment], message=form.cleaned_data["message"]
        ),
        _("已催办%(unit)s。") % {"unit": assignment.unit.name},
    )


@login_required
@require_POST
def remind_many(request: HttpRequest) -> HttpResponse:
    """Remind a selection of assignments at once (from the task page or the queue)."""
    ids = parse_ids(request.POST.getlist("assignment"))
    chosen = list(assignments_visible_to(request.user).filter(pk__in=ids).select_related("task"))
    if not chosen:
        messages.error(request, _("请先勾选要催办的单位。"))
        return back_to(request, 0) if request.POST.get("next") else redirect("core:home")
    form = ReminderForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, chosen[0].task_id)
    try:
        sent = supervision.reminder_send(actor=request.user, assignments=chosen, message=form.cleaned_data["message"])
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已催办 %(count)s 个单位。") % {"count": len(sent)})
    return back_to(request, chosen[0].task_id)


@login_required
@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = EscalationForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, assignment.task_id)
    return run_action(
        request,
        assignment.task_id,
        lambda: supervision.escalation_raise(
            actor=request.user,
            assignment=assignment,
            reason=form.cleaned_data["reason"],
            response_due=form.cleaned_data["response_due"],
        ),
        _("已向%(unit)s发出督办单。") % {"unit": assignment.unit.name},
    )


@login_required
@require_POST
def escalate_on_task(request: HttpRequest, pk: int) -> HttpResponse:
    """Escalate the assignment chosen in the task page's form."""
    task = task_for(request.user, pk)
    chosen = request.POST.get("assignment", "")
    assignment = get_object_or_404(
        assignments_visible_to(request.user).filter(task=task).select_related("task", "unit"),
        pk=parse_id(chosen) or 0,
    )
    return escalate(request, assignment.pk)


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = ReassignForm(request.POST, units=Unit.objects.filter(is_active=True))
    if not form.is_valid():
        return _invalid(request, form, assignment.task_id)
    return run_action(
        request,
        assignment.task_id,
        lambda: assignment_services.assignment_reassign(
            actor=request.user, assignment=assignment, unit=form.cleaned_data["unit"]
        ),
        _("已改派给%(unit)s。") % {"unit": form.cleaned_data["unit"].name},
    )


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, assignment.task_id)
    return run_action(
        request,
        assignment.task_id,
        lambda: assignment_services.assignment_reopen(
            actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
        ),
        _("已重新打开，承办单位可以继续填报。"),
    )


@login_required
@require_POST
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        ProgressReport.objects.filter(assignment__in=assignments_visible_to(request.user)).select_related("assignment"),
        pk=pk,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, report.assignment.task_id)
    approve = form.cleaned_data["approve"]
    return run_action(
        request,
        report.assignment.task_id,
        lambda: report_review(actor=request.user, report=report, approve=approve, note=form.cleaned_data["reason"]),
        _("已审核通过，进展已报送局里。") if approve else _("已退回经办人修改。"),
    )


@login_required
@require_POST
def respond_escalation(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = get_object_or_404(
        Escalation.objects.filter(assignment__in=assignments_visible_to(request.user)).select_related("assignment"),
        pk=pk,
    )
    form = TextForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, escalation.assignment.task_id, "actions")
    return run_action(
        request,
        escalation.assignment.task_id,
        lambda: supervision.escalation_respond(
            actor=request.user, escalation=escalation, text=form.cleaned_data["text"]
        ),
        _("已提交督办反馈。"),
    )


@login_required
@require_POST
def close_escalation(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = get_object_or_404(
        Escalation.objects.filter(assignment__in=assignments_visible_to(request.user)).select_related("assignment"),
        pk=pk,
    )
    return run_action(
        request,
        escalation.assignment.task_id,
        lambda: supervision.escalation_close(actor=request.user, escalation=escalation),
        _("督办已销号。"),
    )


@login_required
@require_POST
def instruct(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_for(request.user, pk)
    form = TextForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, task.pk)
    return run_action(
        request,
        task.pk,
        lambda: supervision.instruction_give(actor=request.user, task=task, text=form.cleaned_data["text"]),
        _("批示已发出，承办单位会收到通知。"),
    )


@login_required
@require_POST
def acknowledge_instruction(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = get_object_or_404(
        Instruction.objects.filter(task__assignments__in=assignments_visible_to(request.user)).distinct(), pk=pk
    )
    return run_action(
        request,
        instruction.task_id,
        lambda: supervision.instruction_acknowledge(actor=request.user, instruction=instruction),
        _("已确认阅知批示。"),
    )


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_for(request.user, pk)
    form = TextForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, task.pk, "comment")
    return run_action(
        request,
        task.pk,
        lambda: supervision.comment_post(actor=request.user, task=task, text=form.cleaned_data["text"]),
        _("留言已发送。"),
        "comment",
    )


@login_required
@require_POST
def decide_completion(request: HttpRequest, pk: int) -> HttpResponse:
    completion = get_object_or_404(
        CompletionRequest.objects.filter(assignment__in=assignments_visible_to(request.user)).select_related(
            "assignment"
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, completion.assignment.task_id)
    approve = form.cleaned_data["approve"]
    return run_action(
        request,
        completion.assignment.task_id,
        lambda: request_services.completion_decide(
            actor=request.user, request=completion, approve=approve, reason=form.cleaned_data["reason"]
        ),
        _("已同意办结。") if approve else _("已退回办结申请，任务回到办理中。"),
    )


@login_required
@require_POST
def decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(assignment__in=assignments_visible_to(request.user)).select_related(
            "assignment"
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, extension.assignment.task_id)
    grant = form.cleaned_data["approve"]
    return run_action(
        request,
        extension.assignment.task_id,
        lambda: request_services.extension_decide(
            actor=request.user,
            request=extension,
            grant=grant,
            granted_due=form.cleaned_data["granted_due"],
            reason=form.cleaned_data["reason"],
        ),
        _("已同意延期。") if grant else _("已不同意延期。"),
    )
