"""API views: the directory of units and people."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.routers import DefaultRouter

from accounts.models import Unit, User
from accounts.selectors import people_visible_to
from api.filters import UpdatedSinceFilter
from api.filtersets import PersonFilter, StableOrderingFilter, UnitFilter, number_key
from api.responses import ErrorSerializer
from api.serializers.directory import PersonSerializer, UnitSerializer

LIST_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="参数有误 / Invalid parameters"),
    404: OpenApiResponse(ErrorSerializer, description="游标无效 / Invalid cursor"),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="不存在或无权查看 / Not found or not visible")}


@extend_schema_view(
    list=extend_schema(
        summary="单位列表 / List units",
        description="所有登录用户都可查看全部单位。/ Every signed-in user may list all units.",
        responses={200: UnitSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="单位详情 / Retrieve a unit", responses={200: UnitSerializer, **NOT_FOUND}),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    filter_backends = [DjangoFilterBackend, UpdatedSinceFilter, StableOrderingFilter]
    ordering_fields = ["sort_order", "name", "updated_at", "id"]
    ordering_keys = {"sort_order": number_key("sort_order")}
    ordering = ["sort_order"]
    updated_field = "updated_at"

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.all()


@extend_schema_view(
    list=extend_schema(
        summary="人员列表 / List people",
        description=(
            "局机关角色可见全部人员，单位人员只见本单位人员；不含密码和联系方式。"
            "/ Bureau roles see everyone, unit people their own unit's; no passwords or contact details."
        ),
        responses={200: PersonSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="人员详情 / Retrieve a person", responses={200: PersonSerializer, **NOT_FOUND}),
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]  # people keep no update time
    ordering_fields = ["username", "id"]
    ordering = ["username"]

    def get_queryset(self) -> QuerySet[User]:
        return people_visible_to(self.request.user)


def register(router: DefaultRouter) -> None:
    """Register this group's viewsets on the router."""
    router.register("units", UnitViewSet, basename="unit")
    router.register("people", PersonViewSet, basename="person")
