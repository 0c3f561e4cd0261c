"""Who may set up delivery: a unit's group robots belong to its manager (and system administrators)."""

from __future__ import annotations

from accounts.models import Role, Unit, User


def can_manage_robots(user: User, unit: Unit) -> bool:
    """Return whether the user may set up the unit's group robots: its manager, or a system administrator."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.role == Role.ADMIN or (user.role == Role.UNIT_MANAGER and user.unit_id == unit.pk)


def manages_own_unit_robots(user: User) -> bool:
    """Return whether the settings page offers the user their own unit's robots (unit managers only)."""
    return user.is_authenticated and user.role == Role.UNIT_MANAGER and user.unit_id is not None
