"""Serializers for the signed-in person's inbox (站内消息)."""

from __future__ import annotations

from rest_framework import serializers

from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """A message in the signed-in person's inbox, with what it is about."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    task_headline = serializers.CharField(source="task.headline", read_only=True, allow_null=True, default=None)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "url",
            "task",
            "task_headline",
            "reminder",
            "escalation",
            "is_read",
            "created_at",
            "read_at",
        )
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        """Return whether the message has been read."""
        return notification.read_at is not None


class NotificationsMarkedSerializer(serializers.Serializer):
    """How many messages a `read-all` marked read."""

    marked = serializers.IntegerField(help_text="标记为已读的消息数 / Messages marked read")
