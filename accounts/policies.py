"""Who may manage units and people."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.models import Role, User


def can_manage_directory(user: User) -> bool:
    """Return whether the user may import and edit units and people."""
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


def require_manage_directory(user: User) -> None:
    """Raise PermissionDenied unless the user may manage units and people."""
    if not can_manage_directory(user):
        raise PermissionDenied("只有系统管理员可以导入单位和人员。")
