"""Read functions for plans, tasks and assignments, always scoped to what the user may see."""

from plans.selectors.scoping import (
    assignments_visible_to,
    light_counts_by_plan,
    plan_list_for,
    plan_outline,
    plan_tree,
    plans_visible_to,
    tasks_visible_to,
)

__all__ = [
    "assignments_visible_to",
    "light_counts_by_plan",
    "plan_list_for",
    "plan_outline",
    "plan_tree",
    "plans_visible_to",
    "tasks_visible_to",
]
