"""Who may export what, and who may read and re-generate the monthly report archive."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Role, User
from plans.policies import UNIT_ROLES, can_see_all_units


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_export(user: User, *, unit_id: int | None) -> bool:
    """Return whether the user may export a plan for the unit scope (None: every unit).

    Bureau roles export any scope; unit people only their own unit's tasks.
    """
    if can_see_all_units(user):
        return True
    return _active(user) and user.role in UNIT_ROLES and user.unit_id is not None and unit_id == user.unit_id


def can_read_archive(user: User) -> bool:
    """Return whether the user may list and download archived monthly reports (bureau roles)."""
    return can_see_all_units(user)


def can_regenerate_archive(user: User) -> bool:
    """Return whether the user may generate a new version of an archived report (supervisors and admins)."""
    return _active(user) and user.role in (Role.ADMIN, Role.SUPERVISOR)


def require_export(user: User, *, unit_id: int | None) -> None:
    """Raise PermissionDenied unless the user may export for the unit scope."""
    if not can_export(user, unit_id=unit_id):
        raise PermissionDenied(_("只能导出本单位承办的任务。"))


def require_read_archive(user: User) -> None:
    """Raise PermissionDenied unless the user may read the archive."""
    if not can_read_archive(user):
        raise PermissionDenied(_("只有局机关人员可以查看月报存档。"))


def require_regenerate_archive(user: User) -> None:
    """Raise PermissionDenied unless the user may re-generate archived reports."""
    if not can_regenerate_archive(user):
        raise PermissionDenied(_("只有督查人员和系统管理员可以重新生成存档月报。"))
