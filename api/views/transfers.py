"""API views: plan imports (立项), export jobs and the monthly report archive (月报存档).

Each call goes through the services and selectors the pages use: imports are for admins, export jobs
are their requester's own, the archive is for bureau roles.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from api.filters import UpdatedSinceFilter
from api.filtersets import IdFilter, StableOrderingFilter
from api.responses import ErrorSerializer
from api.serializers.transfers import (
    ArchivedReportSerializer,
    ExportJobSerializer,
    ExportRequestSerializer,
    PlanImportConfirmedSerializer,
    PlanImportConfirmSerializer,
    PlanImportDetailSerializer,
    PlanImportSerializer,
    PlanImportStartSerializer,
    PlanImportTextSerializer,
)
from exports import selectors as export_selectors
from exports.models import ArchivedReport, ExportFormat, ExportJob, ExportKind, JobState
from exports.monthly import ExportError, month_from_text
from exports.policies import require_read_archive
from exports.services import CONTENT_TYPES, export_job_create
from plans.models import ImportStatus, PlanImport
from plans.policies import can_see_all_units, require_manage_plans
from plans.services.import_review import PlanImportError
from plans.services.imports import plan_import_cancel, plan_import_confirm, plan_import_start

FILTERS = [filters.DjangoFilterBackend, UpdatedSinceFilter, StableOrderingFilter]


def _error(description: str, serializer=ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(serializer, description=description)


REFUSED = {
    401: _error("未登录或令牌无效 / Not signed in or bad token"),
    403: _error("无权操作 / Not allowed"),
}
NOT_FOUND = {404: _error("不存在 / Not found")}
BAD_CURSOR = {404: _error("游标无效 / Invalid cursor")}
INVALID = {400: _error("请求有误，说明原因 / Invalid request, with the reason", OpenApiTypes.OBJECT)}
FILE_RESPONSES = {(200, content_type): OpenApiTypes.BINARY for content_type in dict.fromkeys(CONTENT_TYPES.values())}


def _pk(view: viewsets.GenericViewSet) -> int:
    """Return the id in the address; one that is not a number is not found."""
    try:
        return int(view.kwargs["pk"])
    except (KeyError, TypeError, ValueError) as exc:
        raise Http404 from exc


class ImportRefused(APIException):
    """The import service refused the request; answered 400 with its reason."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "import_refused"


def _file_response(stored: FieldFile, *, filename: str, fmt: str) -> FileResponse:
    """Return a stored file as an attachment under its Chinese name; a file gone from storage is not found."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("文件已不存在，请重新导出。")) from exc
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[ExportFormat(fmt)])


class FileDownloadMixin:
    """Never refuse a download for its Accept header; errors are answered in JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False):
        return super().perform_content_negotiation(request, force=force or self.action == "download")


# --- imports -------------------------------------------------------------------------------------------


class PlanImportFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ImportStatus.choices, help_text="导入状态 / Import status")

    class Meta:
        model = PlanImport
        fields = ["status"]


@extend_schema_view(
    list=extend_schema(
        summary="计划导入列表 / Plan imports",
        description="仅系统管理员。/ Admins only.",
        responses={200: PlanImportSerializer(many=True), **INVALID, **REFUSED, **BAD_CURSOR},
    ),
    retrieve=extend_schema(
        summary="一次计划导入 / One plan import",
        description=(
            "状态、进度、错误；解析完成后 preview 为审核页的篇章和任务（名称、牵头、配合、时限）。"
            " / Status, progress and error; once parsed, `preview` is the review tree."
        ),
        responses={200: PlanImportDetailSerializer, **REFUSED, **NOT_FOUND},
    ),
)
class PlanImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Upload a plan document, follow its parsing, read its review tree, then confirm (立项) or cancel."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filter_backends = FILTERS
    filterset_class = PlanImportFilter
    ordering_fields = ("created_at", "updated_at", "id")
    updated_field = "updated_at"

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        require_manage_plans(request.user)

    def get_queryset(self) -> QuerySet[PlanImport]:
        queryset = PlanImport.objects.select_related("created_by")
        return queryset.defer("review", "pasted_text") if self.action == "list" else queryset

    def get_serializer_class(self):
        return PlanImportSerializer if self.action == "list" else PlanImportDetailSerializer

    @extend_schema(
        summary="上传计划文件或粘贴正文 / Upload a plan document or paste its text",
        description=(
            "multipart 上传 file，或 JSON 提交 text。小文件当即解析（201），大文件在后台解析（202，轮询详情）。"
            " / Multipart `file` or JSON `text`. Small documents are parsed at once (201), large ones in the "
            "background (202: poll the import)."
        ),
        request={"multipart/form-data": PlanImportStartSerializer, "application/json": PlanImportTextSerializer},
        responses={201: PlanImportDetailSerializer, 202: PlanImportDetailSerializer, **INVALID, **REFUSED},
    )
    def create(self, request: Request) -> Response:
        serializer = PlanImportStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data.get("file")
        try:
            record = plan_import_start(
                actor=request.user,
                filename=upload.name if upload else "",
                data=upload.read() if upload else b"",
                pasted_text=data.get("text") or "",
                plan_year=data.get("plan_year"),
                previous_plan=data.get("previous_plan"),
            )
        except PlanImportError as exc:
            raise ImportRefused(str(exc)) from exc
        answer = status.HTTP_202_ACCEPTED if record.status == ImportStatus.PARSING else status.HTTP_201_CREATED
        return Response(self.get_serializer(record).data, status=answer)

    @extend_schema(
        summary="确认立项 / Confirm (create the plan)",
        description=(
            "按审核后的内容创建计划（草稿）、篇章、任务和承办单位，全部成功或全部不做；返回计划 id。"
            " / Create the draft plan with its sections, tasks and assignments, all or nothing."
        ),
        request=PlanImportConfirmSerializer,
        responses={200: PlanImportConfirmedSerializer, **INVALID, **REFUSED, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        serializer = PlanImportConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            plan = plan_import_confirm(
                actor=request.user, plan_import=record, create_units=serializer.validated_data["create_units"]
            )
        except PlanImportError as exc:
            raise ImportRefused(str(exc)) from exc
        result = {
            "plan": plan.pk,
            "title": plan.title,
            "status": plan.status,
            "status_label": plan.get_status_display(),
            "task_count": plan.tasks.count(),
        }
        return Response(PlanImportConfirmedSerializer(result).data)

    @extend_schema(
        summary="取消导入 / Cancel the import",
        description="已立项的导入不能取消。/ A confirmed import cannot be cancelled.",
        request=None,
        responses={200: PlanImportDetailSerializer, **INVALID, **REFUSED, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        try:
            plan_import_cancel(actor=request.user, plan_import=record)
        except PlanImportError as exc:
            raise ImportRefused(str(exc)) from exc
        record.refresh_from_db()
        return Response(self.get_serializer(record).data)


# --- export jobs ---------------------------------------------------------------------------------------


class ExportJobFilter(filters.FilterSet):
    status = filters.ChoiceFilter(field_name="state", choices=JobState.choices, help_text="状态 / Status")
    kind = filters.ChoiceFilter(choices=ExportKind.choices, help_text="报表 / Report")
    fmt = filters.ChoiceFilter(choices=ExportFormat.choices, help_text="格式 / Format")
    plan = IdFilter(field_name="plan_id", help_text="工作计划 id / Plan id")

    class Meta:
        model = ExportJob
        fields = ["status", "kind", "fmt", "plan"]


@extend_schema_view(
    list=extend_schema(
        summary="我的导出 / My exports",
        description="当前账号申请的导出任务，最新的在前。/ The signed-in user's export jobs, newest first.",
        responses={200: ExportJobSerializer(many=True), **INVALID, **REFUSED, **BAD_CURSOR},
    ),
    retrieve=extend_schema(
        summary="一个导出任务 / One export job",
        description=(
            "状态、进度、当前步骤、错误；完成后 download_url 为下载地址。他人的任务返回 404。"
            " / Status, progress, stage and error; `download_url` once done. Others' jobs are not found."
        ),
        responses={200: ExportJobSerializer, **REFUSED, **NOT_FOUND},
    ),
)
class ExportJobViewSet(FileDownloadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Ask for an export (always a background job), poll it, download its file."""

    serializer_class = ExportJobSerializer
    filter_backends = FILTERS
    filterset_class = ExportJobFilter
    ordering_fields = ("created_at", "id")
    updated_field = "created_at"  # jobs have no update time; poll a job itself for its progress

    def get_queryset(self) -> QuerySet[ExportJob]:
        if getattr(self, "swagger_fake_view", False):
            return ExportJob.objects.none()
        return export_selectors.jobs_of(self.request.user)

    def get_object(self) -> ExportJob:
        job = export_selectors.job_for(self.request.user, _pk(self))
        self.check_object_permissions(self.request, job)
        return job

    @extend_schema(
        summary="申请导出 / Request an export",
        description=(
            "总是排队生成（202），轮询任务直到 status 为 done 后下载。单位人员只能导出本单位（不填 unit 即本单位）。"
            " / Always queued (202): poll the job until `status` is done, then download. Unit people export "
            "their own unit only."
        ),
        request=ExportRequestSerializer,
        responses={202: ExportJobSerializer, **INVALID, **REFUSED},
    )
    def create(self, request: Request) -> Response:
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = data.get("unit")
        if unit is None and not can_see_all_units(request.user):
            unit = request.user.unit  # as on the export page: unit people export their own unit
        job = export_job_create(
            actor=request.user,
            kind=data["kind"],
            fmt=data["fmt"],
            plan=data["plan"],
            month=data["month"],
            unit=unit,
            split=data.get("split") or "",
        )
        job = ExportJob.objects.select_related("plan", "unit").get(pk=job.pk)
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="下载导出文件 / Download the export",
        description="任务完成前、或他人的任务返回 404。/ Not found until the job is done, and for others' jobs.",
        responses={**FILE_RESPONSES, **REFUSED, **NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        job = self.get_object()
        if job.state != JobState.DONE or not job.file:
            raise Http404(_("文件还没有生成好。"))
        return _file_response(job.file, filename=job.filename, fmt=job.fmt)


# --- the archive -----------------------------------------------------------------------------------------


class ArchivedReportFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id", help_text="工作计划 id / Plan id")
    month = filters.CharFilter(method="filter_month", help_text="月份 YYYY-MM / Month")
    fmt = filters.ChoiceFilter(choices=ExportFormat.choices, help_text="格式 / Format")

    class Meta:
        model = ArchivedReport
        fields = ["plan", "month", "fmt"]

    def filter_month(self, queryset: QuerySet[ArchivedReport], name: str, value: str) -> QuerySet:
        """Keep the reports of one month, written YYYY-MM."""
        if not value:
            return queryset
        try:
            return queryset.filter(month=month_from_text(value))
        except ExportError as exc:
            raise ValidationError({"month": [str(exc)]}) from exc


@extend_schema_view(
    list=extend_schema(
        summary="月报存档 / Monthly report archive",
        description=(
            "每月自动存档和重新生成的各个版本（局机关人员）。/ Archived monthly reports, every version (bureau roles)."
        ),
        responses={200: ArchivedReportSerializer(many=True), **INVALID, **REFUSED, **BAD_CURSOR},
    ),
    retrieve=extend_schema(
        summary="一份存档月报 / One archived report",
        responses={200: ArchivedReportSerializer, **REFUSED, **NOT_FOUND},
    ),
)
class ArchivedReportViewSet(FileDownloadMixin, viewsets.ReadOnlyModelViewSet):
    """The monthly reports kept as they were generated, for bureau roles."""

    serializer_class = ArchivedReportSerializer
    filter_backends = FILTERS
    filterset_class = ArchivedReportFilter
    ordering_fields = ("month", "generated_at", "version", "id")
    updated_field = "generated_at"  # archived reports are never changed

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        require_read_archive(request.user)

    def get_queryset(self) -> QuerySet[ArchivedReport]:
        return ArchivedReport.objects.select_related("plan", "generated_by")

    def get_object(self) -> ArchivedReport:
        record = export_selectors.archived_report_for(self.request.user, _pk(self))
        self.check_object_permissions(self.request, record)
        return record

    @extend_schema(
        summary="下载存档月报 / Download an archived report",
        responses={**FILE_RESPONSES, **REFUSED, **NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        record = self.get_object()
        return _file_response(record.file, filename=record.filename, fmt=record.fmt)


def register(router: DefaultRouter) -> None:
    """Register this group's viewsets on the router."""
    router.register("imports", PlanImportViewSet, basename="plan-import")
    router.register("exports", ExportJobViewSet, basename="export-job")
    router.register("archived-reports", ArchivedReportViewSet, basename="archived-report")
