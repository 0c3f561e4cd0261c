"""Who acts in the demo history: the demo users for their units, one liaison per other unit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import Role, Unit, User
from accounts.services import user_create
from seeds.demo import demo_password


@dataclass
class Cast:
    """The bureau's people and, per unit, the clerk who reports and the head who signs."""

    admin: User
    supervisor: User
    leader: User
    staff: dict[int, User]
    managers: dict[int, User]

    def clerk(self, unit_id: int) -> User:
        """Return the person who files the unit's progress reports."""
        return self.staff.get(unit_id) or self.managers[unit_id]

    def head(self, unit_id: int) -> User:
        """Return the person who signs for the unit: its manager where it has one, else its clerk."""
        return self.managers.get(unit_id) or self.staff[unit_id]


def liaison_username(unit: Unit) -> str:
    """Return the username of a unit's liaison: staff + the unit's sort order (staff110 = 实验小学's place)."""
    return f"staff{unit.sort_order:03d}"


def build_cast(unit_ids: Iterable[int]) -> tuple[Cast, list[User]]:
    """Return the cast, creating a liaison (经办人) for every listed unit that has nobody; also return those created."""
    created: list[User] = []
    people = User.objects.filter(role__in=[Role.UNIT_STAFF, Role.UNIT_MANAGER], is_active=True).order_by("username")
    staff: dict[int, User] = {}
    managers: dict[int, User] = {}
    for person in people:
        chosen = staff if person.role == Role.UNIT_STAFF else managers
        chosen.setdefault(person.unit_id, person)
    admin = User.objects.get(username="admin")
    for unit in Unit.objects.filter(pk__in=set(unit_ids)).order_by("sort_order", "name"):
        if unit.pk in staff or unit.pk in managers:
            continue
        person = user_create(
            actor=admin,
            username=liaison_username(unit),
            full_name=f"{unit.display_name}联络员",
            role=Role.UNIT_STAFF,
            title="督查联络员",
            unit=unit,
            password=demo_password(),
            email=f"{liaison_username(unit)}@example.com",
        )
        staff[unit.pk] = person
        created.append(person)
    cast = Cast(
        admin=admin,
        supervisor=User.objects.get(username="supervisor"),
        leader=User.objects.get(username="leader"),
        staff=staff,
        managers=managers,
    )
    return cast, created
