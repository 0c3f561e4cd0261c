"""Fixtures for the assessment tests."""

from __future__ import annotations

import pytest

from tests.assessment.world import World


@pytest.fixture
def world(people) -> World:
    """Return an empty world whose plans the admin publishes and whose supervisor escalates and decides."""
    return World(people)
