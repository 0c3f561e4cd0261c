"""Template helpers for the assessment pages: shares as percentages, points with a sign."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def percent(value: Decimal | None, places: int = 1) -> str:
    """Return a share between 0 and 1 as a percentage with one decimal (68.8%), or — when there is none."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-int(places))
    return f"{(Decimal(value) * 100).quantize(quantum, rounding=ROUND_HALF_UP)}%"


@register.filter
def days(value: Decimal | None) -> str:
    """Return a number of days with one decimal (2.0), or — when there is none."""
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"


@register.filter
def plain(value: Decimal | None) -> str:
    """Return a decimal without trailing zeros (30, 0.5)."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"
