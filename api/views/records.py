"""API views: progress reports, evidence files and supervision records (reminders, escalations, instructions,
completion and extension requests).

Reads go through the same scoping selectors as the pages (a unit sees its own assignments' records; another
unit's record is a 404); writes resolve the ids they name through those selectors, then call the services,
which check permissions (403), refuse what the workflow forbids (400) and audit.
"""

from __future__ import annotations

from django.db.models import DateTimeField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.models import User
from api.filtersets import IdFilter
from api.responses import ErrorSerializer
from api.serializers.records import (
    AttachmentSerializer,
    CompletionDecisionSerializer,
    CompletionRequestCreateSerializer,
    CompletionRequestSerializer,
    EscalationCreateSerializer,
    EscalationSerializer,
    ExtensionDecisionSerializer,
    ExtensionRequestCreateSerializer,
    ExtensionRequestSerializer,
    InstructionCreateSerializer,
    InstructionSerializer,
    ReminderCreateSerializer,
    ReminderSerializer,
    ReportCreateSerializer,
    ReportSerializer,
    TextInputSerializer,
)
from plans.evidence import attachment_response
from plans.lights import visible_report_q
from plans.models import (
    Assignment,
    Attachment,
    CompletionDecision,
    CompletionRequest,
    Escalation,
    EscalationLevel,
    EscalationResponse,
    ExtensionDecision,
    ExtensionRequest,
    Instruction,
    InstructionAcknowledgement,
    ProgressReport,
    Reminder,
    ReminderKind,
    Task,
)
from plans.policies import can_see_all_units
from plans.selectors.scoping import assignments_visible_to, tasks_visible_to
from plans.services.reports import report_submit
from plans.services.requests import (
    completion_decide,
    completion_request_submit,
    extension_decide,
    extension_request_submit,
)
from plans.services.supervision import (
    escalation_close,
    escalation_raise,
    escalation_respond,
    instruction_acknowledge,
    instruction_give,
    reminder_send,
)

# --- scoping ---------------------------------------------------------------------------------------------


def reports_visible_to(user: User) -> QuerySet[ProgressReport]:
    """Return the reports the user may read: a unit all of its own (pending ones too), the bureau approved ones."""
    queryset = ProgressReport.objects.filter(assignment__in=assignments_visible_to(user))
    if can_see_all_units(user):
        queryset = queryset.filter(visible_report_q())
    return queryset


def attachments_visible_to(user: User) -> QuerySet[Attachment]:
    """Return the evidence files of the reports and completion requests the user may read."""
    return Attachment.objects.filter(
        Q(report__in=reports_visible_to(user)) | Q(completion_request__assignment__in=assignments_visible_to(user))
    )


def visible_assignment(user: User, pk: int) -> Assignment:
    """Return an assignment the user may see (404 for an unknown id or another unit's)."""
    return get_object_or_404(assignments_visible_to(user).select_related("task__plan", "unit"), pk=pk)


def visible_task(user: User, pk: int) -> Task:
    """Return a task the user may see (404 otherwise)."""
    return get_object_or_404(tasks_visible_to(user), pk=pk)


# --- schema helpers --------------------------------------------------------------------------------------

BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT, description='输入有误或流程不允许（{"detail": …} 或字段错误）/ Invalid input or refused'
)
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="无权操作 / Not allowed for this role or token")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="不存在或不可见 / Unknown or not visible")
UNAUTHORIZED = OpenApiResponse(ErrorSerializer, description="未登录或令牌无效 / Not authenticated")
READ_ERRORS = {401: UNAUTHORIZED, 403: FORBIDDEN}
WRITE_ERRORS = {400: BAD_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND}


def _list(what_zh: str, what_en: str, serializer, description: str = "") -> dict:
    return {
        "summary": f"{what_zh}列表 / List {what_en}",
        "description": description or f"当前账号可见的{what_zh} / The {what_en} the caller may see.",
        "responses": {200: serializer(many=True), 400: BAD_REQUEST, **READ_ERRORS, 404: NOT_FOUND},
    }


def _retrieve(what_zh: str, what_en: str, serializer) -> dict:
    return {
        "summary": f"{what_zh}详情 / Retrieve one of the {what_en}",
        "responses": {200: serializer, **READ_ERRORS, 404: NOT_FOUND},
    }


def _write(summary: str, description: str, request, response, code: int = 200) -> dict:
    return {
        "summary": summary,
        "description": description,
        "request": request,
        "responses": {code: response, **WRITE_ERRORS},
    }


def _created(serializer, instance, request: Request, *, many: bool = False) -> Response:
    return Response(serializer(instance, many=many, context={"request": request}).data, status=status.HTTP_201_CREATED)


# --- filter sets -----------------------------------------------------------------------------------------


class ReportFilterSet(filters.FilterSet):
    plan = IdFilter(field_name="assignment__task__plan_id", label="工作计划 / Plan id")
    unit = IdFilter(field_name="assignment__unit_id", label="承办单位 / Unit id")
    assignment = IdFilter(field_name="assignment_id", label="承办 / Assignment id")
    period_key = filters.CharFilter(field_name="period_key", label="报送期次，如 2020-09 / Period key")

    class Meta:
        model = ProgressReport
        fields = ["plan", "unit", "assignment", "period_key"]


class AttachmentFilterSet(filters.FilterSet):
    report = IdFilter(field_name="report_id", label="进展报告 / Report id")
    completion_request = IdFilter(field_name="completion_request_id", label="办结申请 / Completion request")

    class Meta:
        model = Attachment
        fields = ["report", "completion_request"]


class ReminderFilterSet(filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id", label="承办 / Assignment id")
    plan = IdFilter(field_name="assignment__task__plan_id", label="工作计划 / Plan id")
    kind = filters.ChoiceFilter(choices=ReminderKind.choices, label="催办类型 / Kind")

    class Meta:
        model = Reminder
        fields = ["assignment", "plan", "kind"]


class EscalationFilterSet(filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id", label="承办 / Assignment id")
    plan = IdFilter(field_name="assignment__task__plan_id", label="工作计划 / Plan id")
    unit = IdFilter(field_name="assignment__unit_id", label="承办单位 / Unit id")
    level = filters.ChoiceFilter(choices=EscalationLevel.choices, label="督办等级 / Level")
    closed = filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", exclude=True, label="已销号 / Closed")

    class Meta:
        model = Escalation
        fields = ["assignment", "plan", "unit", "level", "closed"]


class InstructionFilterSet(filters.FilterSet):
    task = IdFilter(field_name="task_id", label="工作任务 / Task id")
    plan = IdFilter(field_name="task__plan_id", label="工作计划 / Plan id")

    class Meta:
        model = Instruction
        fields = ["task", "plan"]


class CompletionRequestFilterSet(filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id", label="承办 / Assignment id")
    plan = IdFilter(field_name="assignment__task__plan_id", label="工作计划 / Plan id")
    unit = IdFilter(field_name="assignment__unit_id", label="承办单位 / Unit id")
    decision = filters.ChoiceFilter(choices=CompletionDecision.choices, label="审核结果 / Decision")

    class Meta:
        model = CompletionRequest
        fields = ["assignment", "plan", "unit", "decision"]


class ExtensionRequestFilterSet(filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id", label="承办 / Assignment id")
    plan = IdFilter(field_name="assignment__task__plan_id", label="工作计划 / Plan id")
    unit = IdFilter(field_name="assignment__unit_id", label="承办单位 / Unit id")
    decision = filters.ChoiceFilter(choices=ExtensionDecision.choices, label="审核结果 / Decision")

    class Meta:
        model = ExtensionRequest
        fields = ["assignment", "plan", "unit", "decision"]


# --- viewsets --------------------------------------------------------------------------------------------


class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only base: list and retrieve what the subclass's scoped `get_queryset` returns."""

    def render_fresh(self, instance, code: int = status.HTTP_200_OK) -> Response:
        """Return a record read again through the scoped queryset, serialized the way the lists show it."""
        return Response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data, status=code)


@extend_schema_view(
    list=extend_schema(
        **_list(
            "进展报告",
            "progress reports",
            ReportSerializer,
            "单位看到本单位的全部报告（含待审核）；局机关只看到无需审核或已审核通过的报告。"
            " / A unit sees all its reports (pending approval too); the bureau sees approved ones.",
        )
    ),
    retrieve=extend_schema(**_retrieve("进展报告", "progress reports", ReportSerializer)),
    create=extend_schema(
        **_write(
            "填报进展 / Submit a progress report",
            "承办单位人员为某一期次填报；同一期次再次提交即为更正。可用 multipart 上传佐证材料 files。"
            " / A unit's person reports for a period; a second report for the same period is a correction."
            " Evidence files go in `files` (multipart).",
            ReportCreateSerializer,
            ReportSerializer,
            201,
        )
    ),
)
class ReportViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Progress reports: append-only, so only GET and POST."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    ordering_fields = ["created_at"]
    updated_field = "created_at"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[ProgressReport]:
        user = self.request.user
        return (
            reports_visible_to(user)
            .select_related("assignment__task", "assignment__unit", "author", "approval")
            .prefetch_related("attachments")
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = report_submit(
            actor=request.user,
            assignment=visible_assignment(request.user, values["assignment"]),
            text=values["text"],
            percent=values["percent"],
            status=values["status"],
            delay_reason=values["delay_reason"],
            period_key=values["period_key"] or None,
            files=values["files"],
            is_no_change=values["is_no_change"],
        )
        return self.render_fresh(report, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(**_list("佐证材料", "evidence files", AttachmentSerializer)),
    retrieve=extend_schema(**_retrieve("佐证材料", "evidence files", AttachmentSerializer)),
)
class AttachmentViewSet(RecordViewSet):
    """Evidence files of the reports and completion requests the caller may read."""

    serializer_class = AttachmentSerializer
    filterset_class = AttachmentFilterSet
    ordering_fields = ["uploaded_at"]
    updated_field = "uploaded_at"

    def get_queryset(self) -> QuerySet[Attachment]:
        user = self.request.user
        return attachments_visible_to(user)

    @extend_schema(
        summary="下载佐证材料 / Download an evidence file",
        description="返回文件本身；图片和 PDF 在浏览器中直接打开。 / The file itself; images and PDFs open inline.",
        responses={
            (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="文件 / The file"),
            **READ_ERRORS,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="download", filter_backends=[])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        attachment = self.get_object()
        return attachment_response(attachment)


@extend_schema_view(
    list=extend_schema(**_list("催办记录", "reminders", ReminderSerializer)),
    retrieve=extend_schema(**_retrieve("催办记录", "reminders", ReminderSerializer)),
    create=extend_schema(
        **_write(
            "催办 / Send reminders",
            "督查人员、局领导和管理员对一项或多项承办催办；已办结、已退回的自动跳过。"
            " / Supervisors, leaders and admins remind one or more assignments; closed ones are skipped.",
            ReminderCreateSerializer,
            {"type": "array", "items": {"$ref": "#/components/schemas/Reminder"}},  # a plain list, not a page
            201,
        )
    ),
)
class ReminderViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Reminders (催办): list them, and send new ones by hand."""

    serializer_class = ReminderSerializer
    filterset_class = ReminderFilterSet
    ordering_fields = ["created_at"]
    updated_field = "created_at"

    def get_queryset(self) -> QuerySet[Reminder]:
        user = self.request.user
        return Reminder.objects.filter(assignment__in=assignments_visible_to(user)).select_related(
            "assignment__task", "assignment__unit", "created_by"
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = ReminderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["assignments"])
        assignments = list(assignments_visible_to(request.user).filter(pk__in=ids))
        if len(assignments) != len(ids):
            raise Http404(_("所选承办不存在或不可见。"))
        reminders = reminder_send(actor=request.user, assignments=assignments, message=data.validated_data["message"])
        rows = self.get_queryset().filter(pk__in=[reminder.pk for reminder in reminders]).order_by("pk")
        return _created(ReminderSerializer, rows, request, many=True)


def _escalation_changed_at() -> Greatest:
    latest_response = (
        EscalationResponse.objects.filter(escalation_id=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )
    return Greatest(
        "created_at",
        Coalesce("closed_at", "created_at"),
        Coalesce(Subquery(latest_response, output_field=DateTimeField()), "created_at"),
    )


@extend_schema_view(
    list=extend_schema(**_list("督办单", "escalations", EscalationSerializer)),
    retrieve=extend_schema(**_retrieve("督办单", "escalations", EscalationSerializer)),
    create=extend_schema(
        **_write(
            "督办 / Raise an escalation",
            "督查人员、局领导和管理员对一项承办发出督办单，承办单位须在反馈时限前书面反馈。"
            " / Supervisors, leaders and admins escalate an assignment; its unit must answer by the date.",
            EscalationCreateSerializer,
            EscalationSerializer,
            201,
        )
    ),
    respond=extend_schema(
        **_write(
            "反馈督办 / Respond to an escalation",
            "承办单位人员书面反馈。 / The escalated unit's people answer in writing.",
            TextInputSerializer,
            EscalationSerializer,
        )
    ),
    close=extend_schema(
        **_write(
            "督办销号 / Close an escalation",
            "督查人员在单位反馈后销号。 / Supervisors close an answered escalation.",
            None,
            EscalationSerializer,
        )
    ),
)
class EscalationViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Escalations (督办): raise, respond, close. `updated_since` also catches new responses and closures."""

    serializer_class = EscalationSerializer
    filterset_class = EscalationFilterSet
    ordering_fields = ["created_at", "response_due"]
    updated_field = "changed_at"

    def get_queryset(self) -> QuerySet[Escalation]:
        user = self.request.user
        responses = EscalationResponse.objects.select_related("author").order_by("created_at", "id")
        return (
            Escalation.objects.filter(assignment__in=assignments_visible_to(user))
            .annotate(changed_at=_escalation_changed_at())
            .select_related("assignment__task", "assignment__unit", "created_by", "closed_by")
            .prefetch_related(Prefetch("responses", queryset=responses))
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = EscalationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        escalation = escalation_raise(
            actor=request.user,
            assignment=visible_assignment(request.user, values["assignment"]),
            reason=values["reason"],
            response_due=values["response_due"],
        )
        return self.render_fresh(escalation, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        escalation = self.get_object()
        data = TextInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation_respond(actor=request.user, escalation=escalation, text=data.validated_data["text"])
        return self.render_fresh(escalation)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        escalation = escalation_close(actor=request.user, escalation=self.get_object())
        return self.render_fresh(escalation)


def _instruction_changed_at() -> Greatest:
    latest_ack = (
        InstructionAcknowledgement.objects.filter(instruction_id=OuterRef("pk"))
        .order_by("-acknowledged_at")
        .values("acknowledged_at")[:1]
    )
    return Greatest("created_at", Coalesce(Subquery(latest_ack, output_field=DateTimeField()), "created_at"))


@extend_schema_view(
    list=extend_schema(
        **_list(
            "领导批示",
            "instructions",
            InstructionSerializer,
            "可见任务上的批示；单位只看到本单位的确认情况。 / Instructions on visible tasks; a unit sees its own"
            " acknowledgement only.",
        )
    ),
    retrieve=extend_schema(**_retrieve("领导批示", "instructions", InstructionSerializer)),
    create=extend_schema(
        **_write(
            "作出批示 / Give an instruction",
            "局领导和管理员对任务作出批示，承办单位须确认。 / Leaders and admins instruct on a task; its units acknowledge.",
            InstructionCreateSerializer,
            InstructionSerializer,
            201,
        )
    ),
    acknowledge=extend_schema(
        **_write(
            "确认批示 / Acknowledge an instruction",
            "承办单位人员代表本单位确认已阅。 / A unit's person acknowledges on behalf of the unit.",
            None,
            InstructionSerializer,
        )
    ),
)
class InstructionViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Leaders' instructions (批示) and the units' acknowledgements."""

    serializer_class = InstructionSerializer
    filterset_class = InstructionFilterSet
    ordering_fields = ["created_at"]
    updated_field = "changed_at"

    def get_queryset(self) -> QuerySet[Instruction]:
        user = self.request.user
        acknowledgements = InstructionAcknowledgement.objects.select_related("unit", "acknowledged_by")
        if not can_see_all_units(user):
            acknowledgements = acknowledgements.filter(unit_id=getattr(user, "unit_id", None))
        return (
            Instruction.objects.filter(task__in=tasks_visible_to(user))
            .annotate(changed_at=_instruction_changed_at())
            .select_related("task", "author")
            .prefetch_related(Prefetch("acknowledgements", queryset=acknowledgements.order_by("acknowledged_at", "id")))
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = InstructionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = visible_task(request.user, data.validated_data["task"])
        instruction = instruction_give(actor=request.user, task=task, text=data.validated_data["text"])
        return self.render_fresh(instruction, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        instruction = self.get_object()
        instruction_acknowledge(actor=request.user, instruction=instruction)
        return self.render_fresh(instruction)


def _decision_changed_at(requested: str) -> Greatest:
    return Greatest(requested, Coalesce("decided_at", requested))


@extend_schema_view(
    list=extend_schema(**_list("办结申请", "completion requests", CompletionRequestSerializer)),
    retrieve=extend_schema(**_retrieve("办结申请", "completion requests", CompletionRequestSerializer)),
    create=extend_schema(
        **_write(
            "申请办结 / Ask to close an assignment",
            "承办单位人员提交办结说明，可用 multipart 上传佐证材料 files。"
            " / A unit's person asks to close its assignment, with evidence files in `files` (multipart).",
            CompletionRequestCreateSerializer,
            CompletionRequestSerializer,
            201,
        )
    ),
    decide=extend_schema(
        **_write(
            "审核办结申请 / Decide a completion request",
            "督查人员和管理员同意办结或退回（退回须写明理由）。 / Supervisors approve or return it (with a reason).",
            CompletionDecisionSerializer,
            CompletionRequestSerializer,
        )
    ),
)
class CompletionRequestViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Completion requests (办结申请) and the decisions on them."""

    serializer_class = CompletionRequestSerializer
    filterset_class = CompletionRequestFilterSet
    ordering_fields = ["requested_at"]
    updated_field = "changed_at"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[CompletionRequest]:
        user = self.request.user
        return (
            CompletionRequest.objects.filter(assignment__in=assignments_visible_to(user))
            .annotate(changed_at=_decision_changed_at("requested_at"))
            .select_related("assignment__task", "assignment__unit", "requested_by", "decided_by")
            .prefetch_related("attachments")
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = CompletionRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        completion = completion_request_submit(
            actor=request.user,
            assignment=visible_assignment(request.user, values["assignment"]),
            summary=values["summary"],
            files=values["files"],
        )
        return self.render_fresh(completion, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        completion = self.get_object()
        data = CompletionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        completion_decide(
            actor=request.user,
            request=completion,
            approve=data.validated_data["approve"],
            reason=data.validated_data["reason"],
        )
        return self.render_fresh(completion)


@extend_schema_view(
    list=extend_schema(**_list("延期申请", "extension requests", ExtensionRequestSerializer)),
    retrieve=extend_schema(**_retrieve("延期申请", "extension requests", ExtensionRequestSerializer)),
    create=extend_schema(
        **_write(
            "申请延期 / Ask for a later deadline",
            "承办单位人员申请延期，日期须晚于现行时限和今天。"
            " / A unit's person asks for a date later than the current deadline and today.",
            ExtensionRequestCreateSerializer,
            ExtensionRequestSerializer,
            201,
        )
    ),
    decide=extend_schema(
        **_write(
            "审核延期申请 / Decide an extension request",
            "督查人员和管理员同意（可另定日期）或不同意（须写明理由）。"
            " / Supervisors grant (optionally another date) or refuse (with a reason).",
            ExtensionDecisionSerializer,
            ExtensionRequestSerializer,
        )
    ),
)
class ExtensionRequestViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Extension requests (延期申请) and the decisions on them."""

    serializer_class = ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilterSet
    ordering_fields = ["requested_at"]
    updated_field = "changed_at"

    def get_queryset(self) -> QuerySet[ExtensionRequest]:
        user = self.request.user
        return (
            ExtensionRequest.objects.filter(assignment__in=assignments_visible_to(user))
            .annotate(changed_at=_decision_changed_at("requested_at"))
            .select_related("assignment__task", "assignment__unit", "requested_by", "decided_by")
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = ExtensionRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        extension = extension_request_submit(
            actor=request.user,
            assignment=visible_assignment(request.user, values["assignment"]),
            requested_due=values["requested_due"],
            reason=values["reason"],
        )
        return self.render_fresh(extension, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        extension = self.get_object()
        data = ExtensionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension_decide(
            actor=request.user,
            request=extension,
            grant=data.validated_data["grant"],
            granted_due=data.validated_data["granted_due"],
            reason=data.validated_data["reason"],
        )
        return self.render_fresh(extension)


def register(router: DefaultRouter) -> None:
    """Register this group's viewsets on the router."""
    router.register("reports", ReportViewSet, basename="report")
    router.register("attachments", AttachmentViewSet, basename="attachment")
    router.register("reminders", ReminderViewSet, basename="reminder")
    router.register("escalations", EscalationViewSet, basename="escalation")
    router.register("instructions", InstructionViewSet, basename="instruction")
    router.register("completion-requests", CompletionRequestViewSet, basename="completion-request")
    router.register("extension-requests", ExtensionRequestViewSet, basename="extension-request")
