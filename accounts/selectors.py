"""Read units and people."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Unit, UnitAlias, User


def unit_name_index() -> dict[str, Unit]:
    """Return every unit keyed by its name, short name (when unambiguous) and aliases, in two queries."""
    units = list(Unit.objects.all())
    index: dict[str, Unit] = {}
    short_names: dict[str, list[Unit]] = {}
    for unit in units:
        if unit.short_name:
            short_names.setdefault(unit.short_name, []).append(unit)
    for short_name, owners in short_names.items():
        if len(owners) == 1:
            index[short_name] = owners[0]
    by_id = {unit.pk: unit for unit in units}
    for unit_id, alias in UnitAlias.objects.values_list("unit_id", "alias"):
        index[alias] = by_id[unit_id]
    for unit in units:
        index[unit.name] = unit
    return index


def units_active(*, kinds: list[str] | None = None) -> QuerySet[Unit]:
    """Return active units in display order, optionally of some kinds only."""
    queryset = Unit.objects.filter(is_active=True).select_related("parent")
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return queryset.order_by("sort_order", "name")


def people_visible_to(user: User) -> QuerySet[User]:
    """Return the people the user may see: everyone for bureau roles, their own unit's people otherwise."""
    queryset = User.objects.select_related("unit")
    if user.is_authenticated and user.is_active and user.is_bureau_wide:
        return queryset
    if not user.is_authenticated or user.unit_id is None:
        return queryset.none()
    return queryset.filter(unit_id=user.unit_id)
