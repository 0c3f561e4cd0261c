"""API views: plans, sections, tasks and assignments, scoped by the same selectors as the pages.

Another unit's row is not in the user's queryset, so asking for it is a 404, as on the pages. The two
actions on an assignment (签收 acknowledge, 退回 decline) call the assignment services, which check the
role (403) and the state (400 with the service's message).
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from api.filters import UpdatedSinceFilter
from api.filtersets import (
    AssignmentFilter,
    PlanFilter,
    SectionFilter,
    StableOrderingFilter,
    TaskFilter,
    date_key,
    number_key,
)
from api.responses import ErrorSerializer
from api.serializers.plans import (
    AssignmentSerializer,
    DeclineSerializer,
    PlanSerializer,
    SectionSerializer,
    TaskSerializer,
)
from core import clock
from plans.lights import annotate_lights
from plans.models import Assignment, AssignmentStatus, Plan, Section, Task
from plans.selectors import assignments_visible_to, plans_visible_to, tasks_visible_to
from plans.selectors.scoping import plan_list_for
from plans.services.assignments import assignment_acknowledge, assignment_decline

FILTERS = [DjangoFilterBackend, UpdatedSinceFilter, StableOrderingFilter]
LIST_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="参数有误 / Invalid parameters"),
    404: OpenApiResponse(ErrorSerializer, description="游标无效 / Invalid cursor"),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="不存在或无权查看 / Not found or not visible")}
ACTION_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="当前状态不能办理，或参数有误 / Wrong state or input"),
    403: OpenApiResponse(ErrorSerializer, description="只有承办单位人员可以办理 / Only the unit's people may act"),
    **NOT_FOUND,
}


@extend_schema_view(
    list=extend_schema(
        summary="工作计划列表 / List plans",
        description=(
            "局机关角色可见全部计划，单位人员只见有本单位任务的计划。"
            "/ Bureau roles see every plan, unit people the plans with a task of theirs."
        ),
        responses={200: PlanSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="工作计划详情 / Retrieve a plan", responses={200: PlanSerializer, **NOT_FOUND}),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    filter_backends = FILTERS
    ordering_fields = ["plan_year", "published_at", "updated_at", "id"]
    ordering_keys = {"plan_year": number_key("plan_year")}
    ordering = ["-id"]
    updated_field = "updated_at"

    def get_queryset(self) -> QuerySet[Plan]:
        return plan_list_for(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="篇章列表 / List sections",
        description="可见计划的篇章（部分、章节）。/ The parts and sections of the plans the user may see.",
        responses={200: SectionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="篇章详情 / Retrieve a section", responses={200: SectionSerializer, **NOT_FOUND}),
)
class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SectionSerializer
    filterset_class = SectionFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]  # sections keep no update time
    ordering_fields = ["position", "id"]
    ordering_keys = {"position": number_key("plan_id", "position")}
    ordering = ["position"]

    def get_queryset(self) -> QuerySet[Section]:
        return Section.objects.filter(plan__in=plans_visible_to(self.request.user))


@extend_schema_view(
    list=extend_schema(
        summary="工作任务列表 / List tasks",
        description=(
            "局机关角色可见全部任务，单位人员只见交办给本单位的任务；附牵头和配合单位。"
            "/ Bureau roles see every task, unit people the tasks given to their unit; with lead and co-units."
        ),
        responses={200: TaskSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="工作任务详情 / Retrieve a task", responses={200: TaskSerializer, **NOT_FOUND}),
)
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    filter_backends = FILTERS
    ordering_fields = ["position", "deadline", "updated_at", "id"]
    ordering_keys = {"position": number_key("plan_id", "position"), "deadline": date_key("deadline")}
    ordering = ["position"]
    updated_field = "updated_at"

    def get_queryset(self) -> QuerySet[Task]:
        current = (
            Assignment.objects.exclude(status=AssignmentStatus.DECLINED)
            .select_related("unit")
            .order_by("role", "unit__sort_order", "unit__name")
        )
        return tasks_visible_to(self.request.user).prefetch_related(
            Prefetch("assignments", queryset=current, to_attr="current_assignments")
        )


@extend_schema_view(
    list=extend_schema(
        summary="承办列表 / List assignments",
        description=(
            "每家单位对一项任务的承办，附红黄绿灯及原因；单位人员只见本单位的承办。"
            "/ Each unit's share of a task with its status light and why; unit people see their unit's only."
        ),
        responses={200: AssignmentSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="承办详情 / Retrieve an assignment", responses={200: AssignmentSerializer, **NOT_FOUND}
    ),
)
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    filter_backends = FILTERS
    ordering_fields = ["effective_due", "updated_at", "id"]
    ordering_keys = {"effective_due": date_key("effective_due")}
    ordering = ["-id"]
    updated_field = "updated_at"

    @cached_property
    def today(self) -> datetime.date:
        """Return the day the lights are computed for, once per request."""
        return clock.today()

    def get_queryset(self) -> QuerySet[Assignment]:
        visible = assignments_visible_to(self.request.user).select_related("task", "unit")
        return annotate_lights(visible, today=self.today)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "today": self.today}

    def _answer(self, assignment: Assignment) -> Response:
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(
        summary="签收 / Acknowledge",
        description=("承办单位人员签收一项待签收的任务。/ The unit's people acknowledge a new assignment (签收)."),
        request=None,
        responses={200: AssignmentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], filterset_class=None, filter_backends=[])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        assignment_acknowledge(actor=request.user, assignment=assignment)
        return self._answer(assignment)

    @extend_schema(
        summary="退回 / Decline",
        description=(
            "承办单位人员在退回期限内退回尚未签收的任务，须写明理由；督查室随后改派。"
            "/ The unit's people decline a new assignment within the allowed days, with a reason; it is then reassigned."
        ),
        request=DeclineSerializer,
        responses={200: AssignmentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], filterset_class=None, filter_backends=[])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        form = DeclineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        assignment_decline(actor=request.user, assignment=assignment, reason=form.validated_data["reason"])
        return self._answer(assignment)


def register(router: DefaultRouter) -> None:
    """Register this group's viewsets on the router."""
    router.register("plans", PlanViewSet, basename="plan")
    router.register("sections", SectionViewSet, basename="section")
    router.register("tasks", TaskViewSet, basename="task")
    router.register("assignments", AssignmentViewSet, basename="assignment")
