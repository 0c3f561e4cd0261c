"""Input fields shared by the API's serializers."""

from __future__ import annotations

from rest_framework import serializers

MAX_ID = 2**63 - 1  # the largest id a database row can have


class IdField(serializers.IntegerField):
    """The id of a row: a whole number from 1 to the largest id; anything else is a 400, never a database error."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
