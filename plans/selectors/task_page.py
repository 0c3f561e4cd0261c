"""The task page: the task, its units and lights, and the timeline of everything that happened to it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from accounts.models import User
from audit.models import AuditEvent
from core.dates import chinese_date
from plans import periods
from plans.lights import Light, annotate_lights, light_reason, visible_report_q
from plans.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Attachment,
    Comment,
    CompletionRequest,
    Escalation,
    EscalationResponse,
    ExtensionRequest,
    Instruction,
    InstructionAcknowledgement,
    ProgressReport,
    Reminder,
    ReportApproval,
    Task,
)
from plans.policies import can_see_all_units
from plans.selectors.rollup import annotate_rollup
from plans.selectors.scoping import assignments_visible_to, tasks_visible_to

# Audit verbs that are status changes or edits not recorded in a table of their own.
TIMELINE_AUDIT_VERBS = {
    "task.update": gettext_lazy("任务变更"),
    "assignment.acknowledge": pgettext_lazy("timeline", "签收"),
    "assignment.decline": gettext_lazy("退回"),
    "assignment.reassign": pgettext_lazy("timeline", "改派"),
    "assignment.reopen": pgettext_lazy("timeline", "重新打开"),
    "escalation.close": gettext_lazy("督办销号"),
}


@dataclass
class TimelineEntry:
    """One thing that happened to a task, as the timeline shows it."""

    at: datetime.datetime
    kind: str
    label: str
    actor: Any = None
    unit: Any = None
    title: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    attachments: list = field(default_factory=list)
    changes: dict = field(default_factory=dict)


@dataclass
class TaskPage:
    """What the task page shows and which records its actions need."""

    task: Task
    assignments: list
    all_units: list
    subtasks: list
    reports: list
    reminders: list
    escalations: list
    instructions: list
    completion_requests: list
    extension_requests: list
    comments: list
    timeline: list[TimelineEntry]
    light: str

    @property
    def lead_units(self) -> list:
        """Return the units leading the task (not a declined one)."""
        return [a.unit for a in self.all_units if a.role == AssignmentRole.LEAD]

    @property
    def co_units(self) -> list:
        """Return the co-units of the task (not declined ones)."""
        return [a.unit for a in self.all_units if a.role == AssignmentRole.CO]

    def mine(self, user: User) -> Assignment | None:
        """Return the user's unit's assignment on this task, if any."""
        return next((a for a in self.assignments if a.unit_id == user.unit_id), None)

    @property
    def lead(self) -> Assignment | None:
        """Return the current lead assignment, if the user may see it."""
        return next(
            (a for a in self.assignments if a.role == AssignmentRole.LEAD and a.status != AssignmentStatus.DECLINED),
            None,
        )


def task_for(user: User, pk: int) -> Task:
    """Return a task the user may see (404 for a task another unit holds)."""
    return get_object_or_404(tasks_visible_to(user).select_related("plan"), pk=pk)


def _report_entry(report: ProgressReport, task: Task) -> TimelineEntry:
    tags = []
    if report.is_no_change:
        tags.append(_("较上期无变化"))
    if report.supersedes_id:
        tags.append(_("更正"))
    if hasattr(report, "superseded_by_id_cached") and report.superseded_by_id_cached:
        tags.append(_("已被更正"))
    try:
        due = periods.period_by_key(report.cycle, report.period_key, due_day=task.plan.report_due_day).due
        if timezone.localdate(report.created_at) > due:
            tags.append(_("逾期报送"))
    except ValueError:
        pass
    if report.needs_approval:
        approval = getattr(report, "approval", None)
        tags.append(
            _("待负责人审核") if approval is None else (_("负责人已审核") if approval.approved else _("负责人退回"))
        )
    label = periods.period_by_key(report.cycle, report.period_key, due_day=task.plan.report_due_day).label
    body = report.text + (
        "\n" + _("滞后原因：%(reason)s") % {"reason": report.delay_reason} if report.delay_reason else ""
    )
    return TimelineEntry(
        at=report.created_at,
        kind="report",
        label=_("进展填报"),
        actor=report.author,
        unit=report.assignment.unit,
        title=_("%(period)s：%(status)s，完成 %(percent)s%%")
        % {"period": label, "status": report.get_status_display(), "percent": report.percent},
        body=body,
        tags=tags,
        attachments=list(report.attachments.all()),
    )


def task_page(*, user: User, task: Task, today: datetime.date) -> TaskPage:
    """Return everything the task page shows, in a fixed number of queries whatever the history's length."""
    task = annotate_rollup(Task.objects.filter(pk=task.pk)).select_related("plan", "section", "parent").get()
    bureau = can_see_all_units(user)
    visible = assignments_visible_to(user).filter(task=task)
    assignments = list(
        annotate_lights(
            visible.select_related("unit", "acknowledged_by", "assigned_by", "replaced_by__unit", "task__plan"),
            today=today,
        ).order_by("role", "unit__sort_order")
    )
    for assignment in assignments:
        assignment.light_text = light_reason(assignment, today=today)
    all_units = list(
        Assignment.objects.filter(task=task)
        .exclude(status=AssignmentStatus.DECLINED)
        .select_related("unit")
        .order_by("role", "unit__sort_order")
    )
    lead_unit_id = next((a.unit_id for a in all_units if a.role == AssignmentRole.LEAD), None)
    subtasks: list = []
    if task.subtask_count and (bureau or user.unit_id == lead_unit_id):
        subtasks = list(
            annotate_lights(
                Assignment.objects.filter(task__parent=task, role=AssignmentRole.LEAD)
                .exclude(status=AssignmentStatus.DECLINED)
                .select_related("task", "unit"),
                today=today,
            ).order_by("task__path")
        )
    reports_query = ProgressReport.objects.filter(assignment__in=visible)
    if bureau:
        reports_query = reports_query.filter(visible_report_q())
    reports = list(
        reports_query.select_related("author", "assignment__unit", "approval", "approval__reviewer")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    superseded = {report.supersedes_id for report in reports if report.supersedes_id}
    for report in reports:
        report.superseded_by_id_cached = report.pk in superseded
    reminders = list(
        Reminder.objects.filter(assignment__in=visible)
        .select_related("created_by", "assignment__unit")
        .order_by("created_at")
    )
    escalations = list(
        Escalation.objects.filter(assignment__in=visible)
        .select_related("created_by", "closed_by", "assignment__unit")
        .prefetch_related(
            Prefetch("responses", queryset=EscalationResponse.objects.select_related("author").order_by("created_at"))
        )
        .order_by("created_at")
    )
    instructions = list(
        Instruction.objects.filter(task=task)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "acknowledgements",
                queryset=InstructionAcknowledgement.objects.select_related("unit", "acknowledged_by").order_by(
                    "acknowledged_at"
                ),
            )
        )
        .order_by("created_at")
    )
    completion_requests = list(
        CompletionRequest.objects.filter(assignment__in=visible)
        .select_related("requested_by", "decided_by", "assignment__unit")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("requested_at")
    )
    extension_requests = list(
        ExtensionRequest.objects.filter(assignment__in=visible)
        .select_related("requested_by", "decided_by", "assignment__unit")
        .order_by("requested_at")
    )
    comments = list(Comment.objects.filter(task=task).select_related("author", "author__unit").order_by("created_at"))
    assignment_ids = [str(a.pk) for a in assignments]
    escalation_ids = [str(e.pk) for e in escalations]
    audit_events = list(
        AuditEvent.objects.filter(verb__in=TIMELINE_AUDIT_VERBS)
        .filter(
            Q(content_type__app_label="plans", content_type__model="task", object_id=str(task.pk))
            | Q(content_type__app_label="plans", content_type__model="assignment", object_id__in=assignment_ids)
            | Q(content_type__app_label="plans", content_type__model="escalation", object_id__in=escalation_ids)
        )
        .select_related("actor", "actor__unit")
        .order_by("at", "id")
    )
    timeline = _timeline(
        task=task,
        assignments=assignments,
        reports=reports,
        reminders=reminders,
        escalations=escalations,
        instructions=instructions,
        completion_requests=completion_requests,
        extension_requests=extension_requests,
        comments=comments,
        audit_events=audit_events,
    )
    lead = next(
        (a for a in assignments if a.role == AssignmentRole.LEAD and a.status != AssignmentStatus.DECLINED), None
    )
    light = lead.light if lead is not None else (assignments[0].light if assignments else Light.GREY)
    return TaskPage(
        task=task,
        assignments=assignments,
        all_units=all_units,
        subtasks=subtasks,
        reports=reports,
        reminders=reminders,
        escalations=escalations,
        instructions=instructions,
        completion_requests=completion_requests,
        extension_requests=extension_requests,
        comments=comments,
        timeline=timeline,
        light=light,
    )


def _timeline(
    *,
    task,
    assignments,
    reports,
    reminders,
    escalations,
    instructions,
    completion_requests,
    extension_requests,
    comments,
    audit_events,
) -> list[TimelineEntry]:
    units = {a.pk: a.unit for a in assignments}
    entries: list[TimelineEntry] = []
    handed_out: dict[datetime.datetime, list] = {}
    for assignment in assignments:  # one entry per hand-out moment, however many units it went to
        moment = assignment.handed_out_at
        handed_out.setdefault(moment, []).append(assignment)
    for moment, group in handed_out.items():
        leads = _("、").join(a.unit.name for a in group if a.role == AssignmentRole.LEAD)
        cos = [a.unit.display_name for a in group if a.role == AssignmentRole.CO]
        parts = [_("牵头：%(units)s") % {"units": leads}] if leads else []
        if cos:
            shown = _("、").join(cos[:8]) + (
                ngettext("等 %(counter)s 个单位", "等 %(counter)s 个单位", len(cos)) % {"counter": len(cos)}
                if len(cos) > 8
                else ""
            )
            parts.append(_("配合：%(units)s") % {"units": shown})
        entries.append(
            TimelineEntry(
                at=moment,
                kind="assigned",
                label=_("交办"),
                actor=group[0].assigned_by,
                title=_("；").join(parts),
            )
        )
    entries += [_report_entry(report, task) for report in reports]
    for reminder in reminders:
        entries.append(
            TimelineEntry(
                at=reminder.created_at,
                kind="reminder",
                label=_("催办"),
                actor=reminder.created_by,
                unit=reminder.assignment.unit,
                title=_("%(kind)s：%(unit)s")
                % {"kind": reminder.get_kind_display(), "unit": reminder.assignment.unit.name},
                body=reminder.message,
            )
        )
    for escalation in escalations:
        due = (
            _("，请于%(date)s前反馈") % {"date": chinese_date(escalation.response_due)}
            if escalation.response_due
            else ""
        )
        entries.append(
            TimelineEntry(
                at=escalation.created_at,
                kind="escalation",
                label=_("督办"),
                actor=escalation.created_by,
                unit=escalation.assignment.unit,
                title=_("%(level)s：%(unit)s%(due)s")
                % {"level": escalation.get_level_display(), "unit": escalation.assignment.unit.name, "due": due},
                body=escalation.reason,
            )
        )
        for response in escalation.responses.all():
            entries.append(
                TimelineEntry(
                    at=response.created_at,
                    kind="response",
                    label=_("督办反馈"),
                    actor=response.author,
                    unit=escalation.assignment.unit,
                    title=_("%(unit)s反馈督办") % {"unit": escalation.assignment.unit.name},
                    body=response.text,
                )
            )
    for instruction in instructions:
        entries.append(
            TimelineEntry(
                at=instruction.created_at,
                kind="instruction",
                label=_("领导批示"),
                actor=instruction.author,
                title=_("%(author)s批示") % {"author": instruction.author},
                body=instruction.text,
            )
        )
        for acknowledgement in instruction.acknowledgements.all():
            entries.append(
                TimelineEntry(
                    at=acknowledgement.acknowledged_at,
                    kind="acknowledged",
                    label=_("批示确认"),
                    actor=acknowledgement.acknowledged_by,
                    unit=acknowledgement.unit,
                    title=_("%(unit)s已阅知批示") % {"unit": acknowledgement.unit.name},
                )
            )
    for request in completion_requests:
        entries.append(
            TimelineEntry(
                at=request.requested_at,
                kind="completion",
                label=pgettext("timeline", "申请办结"),
                actor=request.requested_by,
                unit=request.assignment.unit,
                title=_("%(unit)s申请办结") % {"unit": request.assignment.unit.name},
                body=request.summary,
                attachments=list(request.attachments.all()),
            )
        )
        if request.decided_at:
            approved = request.decision == "approved"
            entries.append(
                TimelineEntry(
                    at=request.decided_at,
                    kind="approved" if approved else "returned",
                    label=_("办结审核"),
                    actor=request.decided_by,
                    unit=request.assignment.unit,
                    title=_("同意办结") if approved else _("退回办结申请"),
                    body=request.decision_reason,
                )
            )
    for request in extension_requests:
        entries.append(
            TimelineEntry(
                at=request.requested_at,
                kind="extension",
                label=pgettext("timeline", "申请延期"),
                actor=request.requested_by,
                unit=request.assignment.unit,
                title=_("申请将时限由%(current)s延至%(requested)s")
                % {
                    "current": chinese_date(request.current_due) if request.current_due else _("无固定时限"),
                    "requested": chinese_date(request.requested_due),
                },
                body=request.reason,
            )
        )
        if request.decided_at:
            granted = request.decision == "granted"
            entries.append(
                TimelineEntry(
                    at=request.decided_at,
                    kind="approved" if granted else "returned",
                    label=_("延期审核"),
                    actor=request.decided_by,
                    unit=request.assignment.unit,
                    title=_("同意延期至%(date)s") % {"date": chinese_date(request.granted_due)}
                    if granted
                    else _("不同意延期"),
                    body=request.decision_reason,
                )
            )
    for comment in comments:
        entries.append(
            TimelineEntry(
                at=comment.created_at,
                kind="comment",
                label=_("留言"),
                actor=comment.author,
                unit=comment.author.unit,
                body=comment.text,
            )
        )
    for event in audit_events:
        unit = (
            units.get(int(event.object_id)) if event.content_type_id and event.verb.startswith("assignment") else None
        )
        entries.append(
            TimelineEntry(
                at=event.at,
                kind="event",
                label=str(TIMELINE_AUDIT_VERBS[event.verb]),
                actor=event.actor,
                unit=unit,
                body=event.note or (event.changes.get("decline_reason") or [None, ""])[1] or "",
                changes=event.changes if event.verb == "task.update" else {},
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries


def task_record_ids(task: Task) -> dict[str, list[int]]:
    """Return the ids of every record under a task, by model name, for its audit page."""
    assignments = list(Assignment.objects.filter(Q(task=task) | Q(task__parent=task)).values_list("pk", flat=True))
    subtasks = list(Task.objects.filter(parent=task).values_list("pk", flat=True))
    reports = list(ProgressReport.objects.filter(assignment_id__in=assignments).values_list("pk", flat=True))
    completion = list(CompletionRequest.objects.filter(assignment_id__in=assignments).values_list("pk", flat=True))
    escalations = list(Escalation.objects.filter(assignment_id__in=assignments).values_list("pk", flat=True))
    instructions = list(Instruction.objects.filter(task=task).values_list("pk", flat=True))
    return {
        "task": subtasks,
        "assignment": assignments,
        "progressreport": reports,
        "reportapproval": list(ReportApproval.objects.filter(report_id__in=reports).values_list("pk", flat=True)),
        "attachment": list(
            Attachment.objects.filter(Q(report_id__in=reports) | Q(completion_request_id__in=completion)).values_list(
                "pk", flat=True
            )
        ),
        "reminder": list(Reminder.objects.filter(assignment_id__in=assignments).values_list("pk", flat=True)),
        "escalation": escalations,
        "escalationresponse": list(
            EscalationResponse.objects.filter(escalation_id__in=escalations).values_list("pk", flat=True)
        ),
        "instruction": instructions,
        "instructionacknowledgement": list(
            InstructionAcknowledgement.objects.filter(instruction_id__in=instructions).values_list("pk", flat=True)
        ),
        "completionrequest": completion,
        "extensionrequest": list(
            ExtensionRequest.objects.filter(assignment_id__in=assignments).values_list("pk", flat=True)
        ),
        "comment": list(Comment.objects.filter(task=task).values_list("pk", flat=True)),
    }
