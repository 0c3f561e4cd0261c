"""Shared fixtures: the people of a small bureau, one per role."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.factories import SchoolFactory, UnitFactory, UserFactory


@pytest.fixture
def bureau(db):
    """Return the units of a small bureau: the bureau, a department and two schools."""
    root = UnitFactory(name="湖里区教育局", kind="bureau")
    return {
        "bureau": root,
        "office": UnitFactory(name="办公室", kind="department", parent=root),
        "department": UnitFactory(name="基础教育科", short_name="基教科", kind="department", parent=root),
        "school": SchoolFactory(name="厦门市湖里区实验小学", parent=root),
        "other_school": SchoolFactory(name="厦门市湖里区金山小学", parent=root),
    }


@pytest.fixture
def people(bureau):
    """Return one user per role; the unit staff and manager belong to the first school."""
    return {
        "admin": UserFactory(username="t_admin", role=Role.ADMIN, unit=bureau["office"]),
        "supervisor": UserFactory(username="t_supervisor", role=Role.SUPERVISOR, unit=bureau["office"]),
        "leader": UserFactory(username="t_leader", role=Role.LEADER, unit=None),
        "unit_manager": UserFactory(username="t_manager", role=Role.UNIT_MANAGER, unit=bureau["school"]),
        "unit_staff": UserFactory(username="t_staff", role=Role.UNIT_STAFF, unit=bureau["school"]),
        "other_staff": UserFactory(username="t_other", role=Role.UNIT_STAFF, unit=bureau["other_school"]),
    }
