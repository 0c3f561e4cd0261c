"""Read plans, tasks and assignments, always scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from plans.lights import Light, annotate_lights
from plans.models import Assignment, AssignmentRole, AssignmentStatus, Plan, PlanStatus, Section, Task
from plans.policies import can_see_all_units
from plans.selectors.rollup import annotate_rollup


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """Return the assignments the user may see: all for bureau roles, their own unit's otherwise."""
    queryset = Assignment.objects.all()
    if can_see_all_units(user):
        return queryset
    if not user.is_authenticated or user.unit_id is None:
        return queryset.none()
    return queryset.filter(unit_id=user.unit_id, task__plan__status__in=[PlanStatus.PUBLISHED, PlanStatus.ARCHIVED])


def tasks_visible_to(user: User) -> QuerySet[Task]:
    """Return the tasks the user may see: those assigned to their unit unless they see all units."""
    if can_see_all_units(user):
        return Task.objects.all()
    mine = assignments_visible_to(user).filter(task_id=OuterRef("pk"))
    return Task.objects.filter(Exists(mine))


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """Return the plans the user may see: all for bureau roles, plans with a task of theirs otherwise."""
    if can_see_all_units(user):
        return Plan.objects.all()
    mine = assignments_visible_to(user).filter(task__plan_id=OuterRef("pk"))
    return Plan.objects.filter(Exists(mine))


def plan_list_for(user: User) -> QuerySet[Plan]:
    """Return the visible plans with their task and assignment counts, in one query."""
    task_count = (
        Task.objects.filter(plan_id=OuterRef("pk")).order_by().values("plan_id").annotate(n=Count("pk")).values("n")
    )
    return (
        plans_visible_to(user)
        .annotate(
            task_count=Coalesce(Subquery(task_count, output_field=IntegerField()), Value(0)),
            open_assignment_count=Count("tasks__assignments", filter=~Q(tasks__assignments__status="completed")),
        )
        .order_by("-plan_year", "-issued_on", "-id")
    )


def plan_outline(*, plan: Plan, user: User, today) -> tuple[list, list[Task]]:
    """Return a plan's sections and the tasks the user may see, each with its units, light and roll-up.

    Bureau users see the plan's own items (sub-tasks roll up into them); units see every task
    they hold, sub-tasks included. Three queries whatever the size of the plan.
    """
    sections = list(Section.objects.filter(plan=plan).order_by("position"))
    tasks = tasks_visible_to(user).filter(plan=plan)
    if can_see_all_units(user):
        tasks = tasks.filter(parent__isnull=True)
    assignments = annotate_lights(
        Assignment.objects.select_related("unit").order_by("role", "unit__sort_order"), today=today
    )
    tasks = list(
        annotate_rollup(tasks)
        .select_related("section")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("position", "path")
    )
    for task in tasks:  # split the prefetched assignments once, for the template
        current = [a for a in task.assignments.all() if a.status != AssignmentStatus.DECLINED]
        task.lead_units = [a.unit for a in current if a.role == AssignmentRole.LEAD]
        task.co_units = [a.unit for a in current if a.role == AssignmentRole.CO]
        lead = next((a for a in current if a.role == AssignmentRole.LEAD), None)
        task.lead_assignment = lead
        task.light = lead.light if lead is not None else Light.GREY
    return sections, tasks


def light_counts_by_plan(*, plan_ids: list[int], today) -> dict[int, dict[str, int]]:
    """Return {plan id: {light: number of assignments}} for the given plans, in one grouped query."""
    rows = (
        annotate_lights(
            Assignment.objects.filter(task__plan_id__in=plan_ids).exclude(status=AssignmentStatus.DECLINED),
            today=today,
        )
        .order_by()
        .values("task__plan_id", "light")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {plan_id: {} for plan_id in plan_ids}
    for row in rows:
        counts[row["task__plan_id"]][row["light"]] = row["n"]
    return counts


def plan_tree(*, plan: Plan, user: User, today) -> list[dict]:
    """Return the plan as a tree of parts → sections → tasks, each task with its light and percent.

    Built from `plan_outline` (three queries); nodes are plain dicts for the template:
    {"section": Section | None, "tasks": [...], "children": [...], "lights": {light: n}}.
    """
    sections, tasks = plan_outline(plan=plan, user=user, today=today)
    nodes = {section.pk: {"section": section, "tasks": [], "children": [], "lights": {}} for section in sections}
    roots: list[dict] = []
    loose = {"section": None, "tasks": [], "children": [], "lights": {}}
    for section in sections:
        node = nodes[section.pk]
        parent = nodes.get(section.parent_id)
        (parent["children"] if parent else roots).append(node)
    for task in tasks:
        node = nodes.get(task.section_id, loose)
        node["tasks"].append(task)
        task.percent = (
            round(task.subtask_percent)
            if task.subtask_count and task.subtask_percent is not None
            else (task.lead_assignment.percent if task.lead_assignment else 0)
        )

    def tally(node: dict) -> dict[str, int]:
        counts: dict[str, int] = {}
        for task in node["tasks"]:
            counts[task.light] = counts.get(task.light, 0) + 1
        for child in node["children"]:
            for light, n in tally(child).items():
                counts[light] = counts.get(light, 0) + n
        node["lights"] = counts
        return counts

    for node in roots:
        tally(node)
    if loose["tasks"]:
        tally(loose)
        roots.insert(0, loose)
    return [node for node in roots if node["lights"] or node["children"]]
