"""Who may do what with plans. Used by the UI and the API alike."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.models import Role, User


def can_manage_plans(user: User) -> bool:
    """Return whether the user may import, edit and publish plans (立项、交办)."""
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


def can_see_all_units(user: User) -> bool:
    """Return whether the user sees every unit's tasks (admins, supervisors and leaders)."""
    return user.is_authenticated and user.is_active and user.is_bureau_wide


def require_manage_plans(user: User) -> None:
    """Raise PermissionDenied unless the user may manage plans."""
    if not can_manage_plans(user):
        raise PermissionDenied("只有系统管理员可以管理工作计划。")
