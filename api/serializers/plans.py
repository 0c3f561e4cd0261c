"""Plans, sections, tasks and assignments as the API shows them; the light comes from plans.lights."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Unit
from plans.lights import Light, light_reason
from plans.models import Assignment, AssignmentRole, Plan, ReportingCycle, Section, Task


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name"]
        read_only_fields = fields


class TaskRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "plan", "path", "headline"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reporting_cycle_label = serializers.CharField(source="get_reporting_cycle_display", read_only=True)
    task_count = serializers.IntegerField(read_only=True, help_text="任务数 / Number of tasks")
    open_assignment_count = serializers.IntegerField(
        read_only=True, help_text="未办结的承办数 / Assignments not completed"
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "doc_number",
            "title",
            "issuer",
            "issued_on",
            "plan_year",
            "status",
            "status_label",
            "reporting_cycle",
            "reporting_cycle_label",
            "report_due_day",
            "version",
            "previous_version",
            "published_at",
            "created_at",
            "updated_at",
            "task_count",
            "open_assignment_count",
        ]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "plan", "parent", "number", "path", "title", "position"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    """A task with its current (not declined) lead and co-units, read from the `current_assignments` prefetch."""

    reporting_cycle = serializers.ChoiceField(
        choices=ReportingCycle.choices,
        allow_blank=True,
        read_only=True,
        help_text="报送周期，空表示沿用计划的周期 / Reporting cycle; blank means the plan's",
    )
    reporting_cycle_label = serializers.CharField(source="get_reporting_cycle_display", read_only=True)
    lead_units = serializers.SerializerMethodField(help_text="牵头单位 / Lead units")
    co_units = serializers.SerializerMethodField(help_text="配合单位 / Co-units")

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "section",
            "parent",
            "number",
            "path",
            "headline",
            "text",
            "owner_text",
            "deadline",
            "deadline_text",
            "reporting_cycle",
            "reporting_cycle_label",
            "position",
            "lead_units",
            "co_units",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _units(self, task: Task, role: str) -> list[dict]:
        units = [a.unit for a in task.current_assignments if a.role == role]
        return UnitRefSerializer(units, many=True).data

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_lead_units(self, task: Task) -> list[dict]:
        return self._units(task, AssignmentRole.LEAD)

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_co_units(self, task: Task) -> list[dict]:
        return self._units(task, AssignmentRole.CO)


class AssignmentSerializer(serializers.ModelSerializer):
    """An assignment annotated by `annotate_lights`; the serializer context carries `today` for the reason."""

    task = TaskRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    effective_due = serializers.DateField(
        read_only=True, allow_null=True, help_text="现行时限：获准延期后的时限，否则为任务时限 / Effective deadline"
    )
    light = serializers.ChoiceField(choices=Light.choices, read_only=True, help_text="红黄绿灯 / Status light")
    light_label = serializers.SerializerMethodField(help_text="灯的名称 / Light label")
    light_reason = serializers.SerializerMethodField(help_text="亮灯原因 / Why the light is on")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "unit",
            "role",
            "role_label",
            "status",
            "status_label",
            "percent",
            "due_on",
            "effective_due",
            "light",
            "light_label",
            "light_reason",
            "acknowledged_at",
            "declined_at",
            "decline_reason",
            "completed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_light_label(self, assignment: Assignment) -> str:
        return str(Light(assignment.light).label)

    def get_light_reason(self, assignment: Assignment) -> str:
        return light_reason(assignment, today=self.context["today"])


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=2000,
        help_text="退回理由，如“不属于本单位职责” / Why the unit declines",
    )
