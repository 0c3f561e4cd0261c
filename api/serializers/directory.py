"""Units and people as the API shows them: names and roles, never passwords or contact details."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Unit, User


class UnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, help_text="单位类型名称 / Kind label")

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "kind_label", "parent", "sort_order", "is_active", "updated_at"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True, help_text="角色名称 / Role label")
    unit_name = serializers.CharField(
        source="unit.name", read_only=True, allow_null=True, default=None, help_text="所属单位 / Unit name"
    )

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "title", "role", "role_label", "unit", "unit_name", "is_active"]
        read_only_fields = fields
