"""FilterSets and the ordering of the plan collections, shared by every API group that lists them.

Ids are plain numbers (not model choices): a filter on a row the user cannot see simply finds nothing,
and never tells that the row exists.
"""

from __future__ import annotations

from django import forms
from django.db.models import CharField, F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Concat, LPad
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from accounts.models import Role, Unit, UnitKind, User
from api.fields import MAX_ID
from plans.lights import Light
from plans.models import Assignment, AssignmentRole, AssignmentStatus, Plan, PlanStatus, Section, Task

KEY_SUFFIX = "_key"
LAST_DATE = "9999-12-31"  # rows without a date sort after every dated one


def padded(expression: str | Combinable, width: int = 12) -> LPad:
    """Return a whole number as zero-padded text, so text order is number order."""
    if isinstance(expression, str):
        expression = F(expression)
    return LPad(Cast(expression, CharField()), width, Value("0"))


def date_key(field: str) -> Concat:
    """Return a unique text key ordering rows by a nullable date, then by id (nulls last)."""
    return Concat(
        Coalesce(Cast(field, CharField()), Value(LAST_DATE)), Value("~"), padded("pk"), output_field=CharField()
    )


def number_key(*fields: str) -> Concat:
    """Return a unique text key ordering rows by whole numbers (e.g. plan then position), then by id."""
    parts = [padded(field) for field in (*fields, "pk")]
    return Concat(*parts, output_field=CharField())


class StableOrderingFilter(OrderingFilter):
    """Order by one field (`?ordering=name` or `-name`) with the id breaking ties, so cursor pages never repeat.

    A field listed in the view's `ordering_keys` ({name: expression}) sorts on that expression, a unique
    text key, because many rows share its value (a deadline, a position); the cursor then points at one row
    exactly. Other fields are nearly unique (ids, update times) and sort on themselves, then the id.
    """

    def get_ordering(self, request, queryset, view) -> list[str]:
        terms = super().get_ordering(request, queryset, view) or ["-id"]
        term = terms[0]
        sign = "-" if term.startswith("-") else ""
        name = term.lstrip("-")
        if name in getattr(view, "ordering_keys", {}):
            return [f"{sign}{name}{KEY_SUFFIX}"]
        if name in ("id", "pk"):
            return [term]
        return [term, f"{sign}id"]

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        annotation = ordering[0].lstrip("-")
        if annotation.endswith(KEY_SUFFIX):
            expression = view.ordering_keys[annotation.removesuffix(KEY_SUFFIX)]
            queryset = queryset.annotate(**{annotation: expression})
        return queryset.order_by(*ordering)

    def get_schema_operation_parameters(self, view):
        fields = [name for name, _label in self.get_valid_fields(None, view, {"request": None})]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "排序字段，前加 - 表示倒序 / Field to order by; prefix with - for descending.",
                "schema": {"type": "string", "enum": [f"{sign}{name}" for name in fields for sign in ("", "-")]},
            }
        ]


@extend_schema_field(OpenApiTypes.INT64)
class IntegerFilter(filters.NumberFilter):
    """A whole number (the default number filter takes decimals)."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """The id of a related row; a number beyond any id is refused with a 400 rather than reaching the database."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UnitFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=UnitKind.choices, help_text="单位类型 / Unit kind")
    parent = IdFilter(field_name="parent_id", help_text="上级单位 id / Parent unit id")
    is_active = filters.BooleanFilter(help_text="是否启用 / Active")

    class Meta:
        model = Unit
        fields = ["kind", "parent", "is_active"]


class PersonFilter(filters.FilterSet):
    unit = IdFilter(field_name="unit_id", help_text="所属单位 id / Unit id")
    role = filters.ChoiceFilter(choices=Role.choices, help_text="角色 / Role")
    is_active = filters.BooleanFilter(help_text="是否启用 / Active")

    class Meta:
        model = User
        fields = ["unit", "role", "is_active"]


class PlanFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PlanStatus.choices, help_text="计划状态 / Plan status")
    plan_year = IntegerFilter(min_value=2000, max_value=2100, help_text="计划年度 / Plan year")

    class Meta:
        model = Plan
        fields = ["status", "plan_year"]


class SectionFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id", help_text="工作计划 id / Plan id")
    parent = IdFilter(field_name="parent_id", help_text="上级标题 id / Parent section id")

    class Meta:
        model = Section
        fields = ["plan", "parent"]


class TaskFilter(filters.FilterSet):
    """Tasks by plan, section, parent task and deadline range (`deadline_after`, `deadline_before`, inclusive)."""

    plan = IdFilter(field_name="plan_id", help_text="工作计划 id / Plan id")
    section = IdFilter(field_name="section_id", help_text="所属篇章 id / Section id")
    parent = IdFilter(field_name="parent_id", help_text="上级任务 id / Parent task id")
    deadline = filters.DateFromToRangeFilter(help_text="完成时限范围（含两端）/ Deadline range, inclusive")

    class Meta:
        model = Task
        fields = ["plan", "section", "parent", "deadline"]


class AssignmentFilter(filters.FilterSet):
    """Assignments by plan, task, unit, role, status, light and due range (`due_after`, `due_before`).

    `light` and `due_*` read the annotations of `plans.lights.annotate_lights`: filter an annotated queryset.
    """

    plan = IdFilter(field_name="task__plan_id", help_text="工作计划 id / Plan id")
    task = IdFilter(field_name="task_id", help_text="工作任务 id / Task id")
    unit = IdFilter(field_name="unit_id", help_text="承办单位 id / Unit id")
    role = filters.ChoiceFilter(choices=AssignmentRole.choices, help_text="承办方式 / Lead or co-unit")
    status = filters.ChoiceFilter(choices=AssignmentStatus.choices, help_text="办理状态 / Status")
    light = filters.ChoiceFilter(choices=Light.choices, help_text="红黄绿灯 / Status light")
    due = filters.DateFromToRangeFilter(
        field_name="effective_due", help_text="现行时限范围（含两端）/ Effective deadline range, inclusive"
    )

    class Meta:
        model = Assignment
        fields = ["plan", "task", "unit", "role", "status", "light", "due"]
