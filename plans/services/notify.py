"""Messages about tasks: who hears about what. Called inside the service's transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from accounts.models import Role
from notifications.models import NotificationKind
from notifications.services import notify_roles, notify_units, notify_users
from plans.models import Assignment, AssignmentStatus, Task

__all__ = [
    "NotificationKind",
    "notify_roles",
    "notify_supervisors",
    "notify_task_units",
    "notify_units",
    "notify_users",
    "task_url",
]


def task_url(task_id: int) -> str:
    """Return the task page's address."""
    return reverse("plans:task_detail", args=[task_id])


def notify_task_units(
    *, task: Task, kind: str, title: str, body: str = "", exclude_unit_ids: Iterable[int] = ()
) -> int:
    """Tell every unit that holds the task (not the declined ones)."""
    unit_ids = set(
        Assignment.objects.filter(task=task).exclude(status=AssignmentStatus.DECLINED).values_list("unit_id", flat=True)
    ) - set(exclude_unit_ids)
    return notify_units(unit_ids=unit_ids, kind=kind, title=title, body=body, url=task_url(task.pk), task_id=task.pk)


def notify_supervisors(*, task: Task, kind: str, title: str, body: str = "") -> int:
    """Tell the supervisors (督查人员) about a task."""
    return notify_roles(
        roles=[Role.SUPERVISOR], kind=kind, title=title, body=body, url=task_url(task.pk), task_id=task.pk
    )
