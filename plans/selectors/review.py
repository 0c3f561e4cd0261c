"""The overdue and at-risk review (督查台): every assignment whose light needs attention, filtered and sorted in SQL."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from accounts.models import UnitKind
from core.ids import parse_id
from plans.lights import HOLDING, Light, annotate_lights, visible_report_q
from plans.models import Assignment, AssignmentStatus, Escalation, PlanStatus, ProgressReport, Section

DEFAULT_LIGHTS = (Light.RED.value, Light.YELLOW.value)
# Rows without a deadline sort after dated ones, and never-reported rows first under 最久未填报, on every database.
_DUE_FIRST = F("effective_due").asc(nulls_last=True)
SORTS = {
    "light": ("light_rank", _DUE_FIRST, "task__plan_id", "task__position", "unit__sort_order"),
    "deadline": (_DUE_FIRST, "light_rank", "task__plan_id", "task__position", "unit__sort_order"),
    "-deadline": (
        F("effective_due").desc(nulls_last=True),
        "light_rank",
        "task__plan_id",
        "task__position",
        "unit__sort_order",
    ),
    "unit": ("unit__sort_order", "unit__name", "light_rank", _DUE_FIRST, "task__position"),
    "task": ("task__plan_id", "task__position", "task__path", "unit__sort_order"),
    "last_report": (F("last_report_at").asc(nulls_first=True), "light_rank", _DUE_FIRST, "task__position"),
}


@dataclass
class ReviewFilters:
    """What the review list is narrowed to; every field comes from the URL so a filter can be shared."""

    plan: int | None = None
    section: int | None = None
    unit: int | None = None
    kind: str = ""
    lights: tuple[str, ...] = DEFAULT_LIGHTS
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    missing: bool = False
    sort: str = "light"
    errors: list[str] = field(default_factory=list)
    _sections: list[int] | None = field(default=None, repr=False)

    def section_ids(self) -> list[int]:
        """Return the chosen section and every section under it (looked up once per request)."""
        if self._sections is None:
            self._sections = section_and_descendants(self.section) if self.section else []
        return self._sections

    @classmethod
    def from_query(cls, query) -> ReviewFilters:
        """Read filters from a QueryDict, ignoring (and noting) values that make no sense."""
        filters = cls()
        for name in ("plan", "section", "unit"):
            value = (query.get(name) or "").strip()
            if value:
                if parse_id(value) is not None:
                    setattr(filters, name, parse_id(value))
                else:
                    filters.errors.append(name)
        kind = (query.get("kind") or "").strip()
        if kind in UnitKind.values:
            filters.kind = kind
        elif kind:
            filters.errors.append("kind")
        asked = [value for value in query.getlist("light") if value]
        lights = tuple(value for value in asked if value in Light.values)
        if lights:
            filters.lights = lights
        if len(lights) < len(asked):
            filters.errors.append("light")
        for name in ("due_from", "due_to"):
            value = (query.get(name) or "").strip()
            if value:
                try:
                    setattr(filters, name, datetime.date.fromisoformat(value))
                except ValueError:
                    filters.errors.append(name)
        filters.missing = query.get("missing") == "1"
        sort = query.get("sort") or "light"
        filters.sort = sort if sort in SORTS else "light"
        if sort not in SORTS:
            filters.errors.append("sort")
        return filters


def section_and_descendants(section_id: int) -> list[int]:
    """Return the section's id and those of every section under it, at any depth (one query)."""
    plan_id = Section.objects.filter(pk=section_id).values("plan_id")
    rows = list(Section.objects.filter(plan_id__in=plan_id).values_list("pk", "parent_id"))
    found = {section_id}
    grew = True
    while grew:
        grew = False
        for pk, parent_id in rows:
            if parent_id in found and pk not in found:
                found.add(pk)
                grew = True
    return sorted(found)


def _light_rank() -> Case:
    return Case(
        *[
            When(light=light, then=Value(rank))
            for light, rank in (("red", 0), ("yellow", 1), ("grey", 2), ("green", 3))
        ],
        default=Value(4),
        output_field=IntegerField(),
    )


def _filtered(filters: ReviewFilters, *, today: datetime.date, by_light: bool) -> QuerySet[Assignment]:
    queryset = Assignment.objects.exclude(status=AssignmentStatus.DECLINED)
    if filters.plan:  # a chosen plan may be archived too; without one, the live (published) plans
        queryset = queryset.filter(
            task__plan_id=filters.plan, task__plan__status__in=[PlanStatus.PUBLISHED, PlanStatus.ARCHIVED]
        )
    else:
        queryset = queryset.filter(task__plan__status=PlanStatus.PUBLISHED)
    if filters.section:
        queryset = queryset.filter(task__section_id__in=filters.section_ids())
    if filters.unit:
        queryset = queryset.filter(unit_id=filters.unit)
    if filters.kind:
        queryset = queryset.filter(unit__kind=filters.kind)
    queryset = annotate_lights(queryset, today=today)
    if by_light:
        queryset = queryset.filter(light__in=filters.lights)
    if filters.due_from:
        queryset = queryset.filter(effective_due__gte=filters.due_from)
    if filters.due_to:
        queryset = queryset.filter(effective_due__lte=filters.due_to)
    if filters.missing:
        queryset = queryset.filter(status__in=HOLDING, report_required=True, reported_last_period=False)
    return queryset


def review_queryset(filters: ReviewFilters, *, today: datetime.date) -> QuerySet[Assignment]:
    """Return the published plans' assignments matching the filters, with lights, last report and escalation flag."""
    queryset = _filtered(filters, today=today, by_light=True)
    latest = ProgressReport.objects.filter(visible_report_q(), assignment_id=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    return queryset.annotate(
        light_rank=_light_rank(),
        last_report_at=Subquery(latest.values("created_at")[:1]),
        has_open_escalation=Exists(Escalation.objects.filter(assignment_id=OuterRef("pk"), closed_at__isnull=True)),
    )


def review_page_rows(queryset: QuerySet[Assignment], filters: ReviewFilters) -> QuerySet[Assignment]:
    """Return the rows in the chosen order, with what each row shows."""
    return queryset.select_related("task", "task__plan", "unit").order_by(*SORTS[filters.sort])


def review_light_counts(filters: ReviewFilters, *, today: datetime.date) -> dict[str, int]:
    """Return how many assignments each light has under the other filters (for the light tabs), in one query."""
    rows = _filtered(filters, today=today, by_light=False).order_by().values("light").annotate(n=Count("pk"))
    counts = {light: 0 for light in Light.values}
    for row in rows:
        counts[row["light"]] = row["n"]
    return counts
