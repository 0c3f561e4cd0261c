"""API views: the signed-in person's inbox (站内消息), read and marked read as on the inbox page."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from api.filters import UpdatedSinceFilter
from api.filtersets import StableOrderingFilter
from api.responses import ErrorSerializer
from api.serializers.inbox import NotificationSerializer, NotificationsMarkedSerializer
from notifications.models import Notification, NotificationKind
from notifications.selectors import inbox_for
from notifications.services import notification_mark_read

REFUSED = {
    401: OpenApiResponse(ErrorSerializer, description="未登录或令牌无效 / Not signed in or bad token"),
    403: OpenApiResponse(ErrorSerializer, description="无权操作 / Not allowed"),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="不存在或不是自己的消息 / Not found")}
BAD_CURSOR = {404: OpenApiResponse(ErrorSerializer, description="游标无效 / Invalid cursor")}
INVALID = {400: OpenApiResponse(OpenApiTypes.OBJECT, description="参数有误 / Invalid parameters")}


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(method="filter_unread", help_text="true 只看未读，false 只看已读 / Unread or read")
    kind = filters.ChoiceFilter(choices=NotificationKind.choices, help_text="消息类型 / Kind")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset: QuerySet[Notification], name: str, value: bool | None) -> QuerySet:
        """Keep unread messages (true) or read ones (false)."""
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


@extend_schema_view(
    list=extend_schema(
        summary="我的消息 / My inbox",
        description="当前账号的站内消息，最新的在前；只能看到自己的消息。/ The signed-in user's messages, newest first.",
        responses={200: NotificationSerializer(many=True), **INVALID, **REFUSED, **BAD_CURSOR},
    ),
    retrieve=extend_schema(
        summary="一条消息 / One message",
        description="他人的消息返回 404。/ Another person's message is not found.",
        responses={200: NotificationSerializer, **REFUSED, **NOT_FOUND},
    ),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in person's messages; others' messages do not exist here."""

    serializer_class = NotificationSerializer
    filter_backends = [filters.DjangoFilterBackend, UpdatedSinceFilter, StableOrderingFilter]
    filterset_class = NotificationFilter
    ordering_fields = ("created_at", "id")
    updated_field = "created_at"  # messages are written once; only read_at changes

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return inbox_for(self.request.user).select_related("task")

    @extend_schema(
        summary="标为已读 / Mark read",
        description="把这条消息标为已读（已读的保持不变）。/ Mark this message read.",
        request=None,
        responses={200: NotificationSerializer, **REFUSED, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="全部标为已读 / Mark all read",
        description="把自己所有未读消息标为已读，返回标记的条数。/ Mark every unread message read.",
        request=None,
        responses={200: NotificationsMarkedSerializer, **REFUSED},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="read-all",
        url_name="read-all",
        filter_backends=[],
        pagination_class=None,
    )
    def read_all(self, request: Request) -> Response:
        marked = notification_mark_read(user=request.user)
        return Response(NotificationsMarkedSerializer({"marked": marked}).data)


def register(router: DefaultRouter) -> None:
    """Register this group's viewsets on the router."""
    router.register("notifications", NotificationViewSet, basename="notification")
