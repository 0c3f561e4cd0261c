"""Read ids typed into URLs and forms: plain ASCII digits that fit a database key, or nothing."""

from __future__ import annotations

from collections.abc import Iterable

MAX_DIGITS = 18  # a 64-bit key has 19 digits; anything longer would overflow the database's integer


def parse_id(value: str | None) -> int | None:
    """Return the value as a positive id, or None for anything else ('²', '٣', '-1', 20 digits, '')."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS and int(value) > 0:
        return int(value)
    return None


def parse_ids(values: Iterable[str]) -> list[int]:
    """Return the values that are ids, as ints, dropping the rest."""
    return [number for number in (parse_id(value) for value in values) if number is not None]
