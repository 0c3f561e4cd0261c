"""Write inbox messages. Callers run inside their own transaction, so a message exists only if the change does."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import Role, User
from core import clock
from notifications.models import Notification

UNIT_ROLES = (Role.UNIT_MANAGER, Role.UNIT_STAFF)


def notify_users(
    *, recipients: Iterable[User], kind: str, title: str, body: str = "", url: str = "", task_id: int | None = None
) -> int:
    """Put one message in each recipient's inbox (each person once); return how many were written."""
    seen: set[int] = set()
    rows = []
    moment = clock.now()
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user, kind=kind, title=title[:200], body=body, url=url, task_id=task_id, created_at=moment
            )
        )
    Notification.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def notify_units(
    *,
    unit_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    task_id: int | None = None,
    managers_only: bool = False,
) -> int:
    """Put a message in the inbox of every active member of the given units."""
    roles = (Role.UNIT_MANAGER,) if managers_only else UNIT_ROLES
    recipients = User.objects.filter(unit_id__in=set(unit_ids), is_active=True, role__in=roles)
    return notify_users(recipients=recipients, kind=kind, title=title, body=body, url=url, task_id=task_id)


def notify_roles(
    *, roles: Iterable[str], kind: str, title: str, body: str = "", url: str = "", task_id: int | None = None
) -> int:
    """Put a message in the inbox of every active person with one of the given bureau roles."""
    recipients = User.objects.filter(role__in=list(roles), is_active=True)
    return notify_users(recipients=recipients, kind=kind, title=title, body=body, url=url, task_id=task_id)


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (all unread ones when no ids are given); return how many changed."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=clock.now())
