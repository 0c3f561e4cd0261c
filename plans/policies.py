"""Who may do what with plans, tasks and assignments. Used by the UI and the API alike.

Reading is scoped in selectors (a unit sees only its own assignments); these functions decide
the actions on an object the user can already see.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Role, User

UNIT_ROLES = frozenset({Role.UNIT_MANAGER, Role.UNIT_STAFF})


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_plans(user: User) -> bool:
    """Return whether the user may import, edit and publish plans (立项、交办)."""
    return _active(user) and user.role == Role.ADMIN


def can_see_all_units(user: User) -> bool:
    """Return whether the user sees every unit's tasks (admins, supervisors and leaders)."""
    return _active(user) and user.is_bureau_wide


def can_supervise(user: User) -> bool:
    """Return whether the user may remind (催办) and escalate (督办): admins, supervisors and leaders."""
    return _active(user) and user.role in (Role.ADMIN, Role.SUPERVISOR, Role.LEADER)


def can_decide_requests(user: User) -> bool:
    """Return whether the user may approve or return completion and extension requests."""
    return _active(user) and user.role in (Role.ADMIN, Role.SUPERVISOR)


def can_instruct(user: User) -> bool:
    """Return whether the user may leave an instruction (批示) on a task: leaders and admins."""
    return _active(user) and user.role in (Role.ADMIN, Role.LEADER)


def can_act_for(user: User, assignment) -> bool:
    """Return whether the user works for the assignment's unit (acknowledge, report, ask to close…)."""
    return _active(user) and user.role in UNIT_ROLES and user.unit_id == assignment.unit_id


def can_approve_reports(user: User, assignment) -> bool:
    """Return whether the user is the manager of the assignment's unit (approves staff reports)."""
    return _active(user) and user.role == Role.UNIT_MANAGER and user.unit_id == assignment.unit_id


def can_split(user: User, task, lead_unit_id: int | None) -> bool:
    """Return whether the user may split the task into sub-tasks: admins and the lead unit's people."""
    if can_manage_plans(user):
        return True
    return _active(user) and user.role in UNIT_ROLES and lead_unit_id is not None and user.unit_id == lead_unit_id


def can_comment(user: User) -> bool:
    """Return whether the user may comment on a task they can see (everyone signed in)."""
    return _active(user)


def can_read_audit(user: User) -> bool:
    """Return whether the user may read the audit pages (admins)."""
    return _active(user) and user.role == Role.ADMIN


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_manage_plans(user: User) -> None:
    """Raise PermissionDenied unless the user may manage plans."""
    _require(can_manage_plans(user), _("只有系统管理员可以管理工作计划。"))


def require_see_all_units(user: User) -> None:
    """Raise PermissionDenied unless the user sees every unit (admins, supervisors, leaders)."""
    _require(can_see_all_units(user), _("只有局机关人员可以使用督查台。"))


def require_supervise(user: User) -> None:
    """Raise PermissionDenied unless the user may remind and escalate."""
    _require(can_supervise(user), _("只有督查人员、局领导和系统管理员可以催办、督办。"))


def require_decide_requests(user: User) -> None:
    """Raise PermissionDenied unless the user may decide completion and extension requests."""
    _require(can_decide_requests(user), _("只有督查人员和系统管理员可以审核办结、延期申请。"))


def require_instruct(user: User) -> None:
    """Raise PermissionDenied unless the user may leave instructions."""
    _require(can_instruct(user), _("只有局领导可以作出批示。"))


def require_act_for(user: User, assignment) -> None:
    """Raise PermissionDenied unless the user works for the assignment's unit."""
    _require(can_act_for(user, assignment), _("只有承办单位的人员可以办理这项任务。"))


def require_split(user: User, task, lead_unit_id: int | None) -> None:
    """Raise PermissionDenied unless the user may split the task."""
    _require(can_split(user, task, lead_unit_id), _("只有牵头单位和系统管理员可以分解任务。"))


def require_approve_reports(user: User, assignment) -> None:
    """Raise PermissionDenied unless the user manages the assignment's unit."""
    _require(can_approve_reports(user, assignment), _("只有本单位负责人可以审核填报。"))
