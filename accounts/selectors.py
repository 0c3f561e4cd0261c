"""Read units and people."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Unit, UnitAlias


def unit_find_by_name(name: str) -> Unit | None:
    """Return the unit whose name, short name or alias is exactly this text, if there is exactly one."""
    name = name.strip()
    if not name:
        return None
    unit = Unit.objects.filter(name=name).first()
    if unit is not None:
        return unit
    alias = UnitAlias.objects.select_related("unit").filter(alias__iexact=name).first()
    if alias is not None:
        return alias.unit
    matches = list(Unit.objects.filter(short_name=name)[:2])
    return matches[0] if len(matches) == 1 else None


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


def units_search(text: str) -> QuerySet[Unit]:
    """Return active units whose name, short name or alias contains the text."""
    return (
        Unit.objects.filter(is_active=True)
        .filter(Q(name__icontains=text) | Q(short_name__icontains=text) | Q(aliases__alias__icontains=text))
        .distinct()
        .order_by("sort_order", "name")
    )
