"""Serializers for reports and supervision records: read shapes, and the inputs the write services take."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import IdField
from plans import periods
from plans.models import (
    Attachment,
    CompletionRequest,
    Escalation,
    EscalationResponse,
    ExtensionRequest,
    Instruction,
    InstructionAcknowledgement,
    ProgressReport,
    ProgressStatus,
    Reminder,
)

APPROVAL_STATES = (
    ("not_needed", _("无需审核")),
    ("pending", _("待审核")),
    ("approved", _("审核通过")),
    ("returned", _("已退回")),
)
APPROVAL_LABELS = dict(APPROVAL_STATES)


# --- small references --------------------------------------------------------------------------------


class RecordPersonSerializer(serializers.Serializer):
    """A person named on a record."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class RecordUnitSerializer(serializers.Serializer):
    """A unit named on a record."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class RecordTaskSerializer(serializers.Serializer):
    """The task a record belongs to."""

    id = serializers.IntegerField()
    path = serializers.CharField()
    headline = serializers.CharField()


class AssignmentRecordSerializer(serializers.ModelSerializer):
    """Fields shared by records about one assignment: the assignment, its task and its unit."""

    task = RecordTaskSerializer(source="assignment.task", read_only=True)
    unit = RecordUnitSerializer(source="assignment.unit", read_only=True)


# --- attachments ---------------------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    """An evidence file, with the API address it downloads from."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "report",
            "completion_request",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, attachment: Attachment) -> str:
        path = reverse("api:attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ReportAttachmentSerializer(AttachmentSerializer):
    """An evidence file as listed under its report."""

    class Meta(AttachmentSerializer.Meta):
        fields = ["id", "original_name", "size", "content_type", "download_url"]


# --- progress reports ----------------------------------------------------------------------------------


def approval_state(report: ProgressReport) -> str:
    """Return where a report stands with its unit manager: not_needed, pending, approved or returned."""
    if not report.needs_approval:
        return "not_needed"
    try:
        approval = report.approval
    except ObjectDoesNotExist:
        return "pending"
    return "approved" if approval.approved else "returned"


class ReportSerializer(AssignmentRecordSerializer):
    """A progress report (填报) with its period, approval state and evidence."""

    cycle_label = serializers.CharField(source="get_cycle_display", read_only=True)
    period_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    approval_state = serializers.SerializerMethodField()
    approval_state_label = serializers.SerializerMethodField()
    approval_note = serializers.SerializerMethodField()
    author = RecordPersonSerializer(read_only=True)
    attachments = ReportAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "assignment",
            "task",
            "unit",
            "cycle",
            "cycle_label",
            "period_key",
            "period_label",
            "period_start",
            "period_end",
            "due_on",
            "text",
            "percent",
            "status",
            "status_label",
            "delay_reason",
            "is_no_change",
            "needs_approval",
            "approval_state",
            "approval_state_label",
            "approval_note",
            "supersedes",
            "author",
            "created_at",
            "attachments",
        ]

    def get_period_label(self, report: ProgressReport) -> str:
        period = periods.Period(
            report.cycle, report.period_key, report.period_start, report.period_end, report.due_on or report.period_end
        )
        return period.label

    @extend_schema_field(serializers.ChoiceField(choices=APPROVAL_STATES))
    def get_approval_state(self, report: ProgressReport) -> str:
        return approval_state(report)

    def get_approval_state_label(self, report: ProgressReport) -> str:
        return str(APPROVAL_LABELS[approval_state(report)])

    def get_approval_note(self, report: ProgressReport) -> str:
        return report.approval.note if approval_state(report) in ("approved", "returned") else ""


class ReportCreateSerializer(serializers.Serializer):
    """What a unit submits for a period; a second report for the same period is a correction."""

    assignment = IdField(help_text=_("承办编号 / Assignment id"))
    text = serializers.CharField(allow_blank=True, help_text=_("进展情况 / Progress"))
    percent = serializers.IntegerField(min_value=0, max_value=100, help_text=_("完成进度 0–100 / Percent done"))
    status = serializers.ChoiceField(choices=ProgressStatus.choices)
    delay_reason = serializers.CharField(required=False, allow_blank=True, default="")
    period_key = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("报送期次，如 2020-09；留空为当前期次")
    )
    is_no_change = serializers.BooleanField(required=False, default=False)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=_("佐证材料 / Evidence files")
    )


# --- reminders and escalations --------------------------------------------------------------------------


class ReminderSerializer(AssignmentRecordSerializer):
    """A reminder (催办), by hand or from the scheduled scan."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    created_by = RecordPersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "assignment",
            "task",
            "unit",
            "kind",
            "kind_label",
            "period_key",
            "message",
            "created_by",
            "created_at",
        ]


class ReminderCreateSerializer(serializers.Serializer):
    """Assignments to remind and the message they receive."""

    assignments = serializers.ListField(child=IdField(), allow_empty=False)
    message = serializers.CharField(required=False, allow_blank=True, default="")


class EscalationResponseSerializer(serializers.ModelSerializer):
    """A unit's written answer to an escalation."""

    author = RecordPersonSerializer(read_only=True)

    class Meta:
        model = EscalationResponse
        fields = ["id", "text", "author", "created_at"]


class EscalationSerializer(AssignmentRecordSerializer):
    """An escalation (督办单) with its responses."""

    level_label = serializers.CharField(source="get_level_display", read_only=True)
    created_by = RecordPersonSerializer(read_only=True, allow_null=True)
    closed_by = RecordPersonSerializer(read_only=True, allow_null=True)
    responses = EscalationResponseSerializer(many=True, read_only=True)

    class Meta:
        model = Escalation
        fields = [
            "id",
            "assignment",
            "task",
            "unit",
            "level",
            "level_label",
            "period_key",
            "reason",
            "response_due",
            "created_by",
            "created_at",
            "closed_at",
            "closed_by",
            "responses",
        ]


class EscalationCreateSerializer(serializers.Serializer):
    """An escalation to raise: the assignment, the reason and (optionally) the response deadline."""

    assignment = IdField()
    reason = serializers.CharField(allow_blank=True)
    response_due = serializers.DateField(required=False, allow_null=True, default=None)


class TextInputSerializer(serializers.Serializer):
    """A written answer."""

    text = serializers.CharField(allow_blank=True)


# --- instructions --------------------------------------------------------------------------------------


class InstructionAcknowledgementSerializer(serializers.ModelSerializer):
    """A unit's acknowledgement of an instruction."""

    unit = RecordUnitSerializer(read_only=True)
    acknowledged_by = RecordPersonSerializer(read_only=True)

    class Meta:
        model = InstructionAcknowledgement
        fields = ["id", "unit", "acknowledged_by", "acknowledged_at"]


class InstructionSerializer(serializers.ModelSerializer):
    """A leader's instruction (批示) on a task, with the acknowledgements the reader may see."""

    task = RecordTaskSerializer(read_only=True)
    author = RecordPersonSerializer(read_only=True)
    acknowledgements = InstructionAcknowledgementSerializer(many=True, read_only=True)

    class Meta:
        model = Instruction
        fields = ["id", "task", "text", "author", "created_at", "acknowledgements"]


class InstructionCreateSerializer(serializers.Serializer):
    """An instruction to give on a task."""

    task = IdField()
    text = serializers.CharField(allow_blank=True)


# --- completion and extension requests ------------------------------------------------------------------


class CompletionRequestSerializer(AssignmentRecordSerializer):
    """A request to close an assignment (办结申请) and the decision on it."""

    decision_label = serializers.CharField(source="get_decision_display", read_only=True)
    requested_by = RecordPersonSerializer(read_only=True)
    decided_by = RecordPersonSerializer(read_only=True, allow_null=True)
    attachments = ReportAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = CompletionRequest
        fields = [
            "id",
            "assignment",
            "task",
            "unit",
            "summary",
            "requested_by",
            "requested_at",
            "decision",
            "decision_label",
            "decided_by",
            "decided_at",
            "decision_reason",
            "attachments",
        ]


class CompletionRequestCreateSerializer(serializers.Serializer):
    """A request to close an assignment, with optional evidence files (multipart)."""

    assignment = IdField()
    summary = serializers.CharField(allow_blank=True)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class CompletionDecisionSerializer(serializers.Serializer):
    """A supervisor's decision on a completion request; a return needs a reason."""

    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ExtensionRequestSerializer(AssignmentRecordSerializer):
    """A request to move an assignment's deadline (延期申请) and the decision on it."""

    decision_label = serializers.CharField(source="get_decision_display", read_only=True)
    requested_by = RecordPersonSerializer(read_only=True)
    decided_by = RecordPersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "assignment",
            "task",
            "unit",
            "current_due",
            "requested_due",
            "reason",
            "requested_by",
            "requested_at",
            "decision",
            "decision_label",
            "granted_due",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]


class ExtensionRequestCreateSerializer(serializers.Serializer):
    """A request to move the deadline to a later date, with a reason."""

    assignment = IdField()
    requested_due = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class ExtensionDecisionSerializer(serializers.Serializer):
    """A supervisor's decision on an extension; a refusal needs a reason, a grant may set another date."""

    grant = serializers.BooleanField()
    granted_due = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
