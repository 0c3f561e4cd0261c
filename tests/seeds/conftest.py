"""Fixtures for the demo data tests."""

from __future__ import annotations

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: builds the whole demo history (seconds, not milliseconds); still part of the default run"
    )


@pytest.fixture(autouse=True)
def evidence_in_a_temporary_folder(settings, tmp_path):
    """Keep the demo's evidence files out of the shared test media folder."""
    settings.MEDIA_ROOT = tmp_path
