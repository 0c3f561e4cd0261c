"""Access to the real services tests depend on: required (fail) in CI, optional (skip) elsewhere."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


def in_ci() -> bool:
    """Return whether the tests run under CI, where every service must be there."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available: bool, what: str) -> None:
    """Fail in CI, skip elsewhere, when a service the test needs is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} is required in CI but is not available.")
    pytest.skip(f"{what} is not available here.")


def redis_url() -> str:
    """Return REDIS_URL after checking the server answers."""
    url = os.environ.get("REDIS_URL", "")
    reachable = False
    if url:
        import redis

        try:
            reachable = bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
        except redis.RedisError:
            reachable = False
    require(reachable, f"Redis at REDIS_URL={url or '(unset)'}")
    return url


def chromium_path() -> str:
    """Return Debian's chromium binary after checking it is installed."""
    require(shutil.which(CHROMIUM) is not None, f"Chromium at {CHROMIUM}")
    return CHROMIUM


def worker_database_url() -> str:
    """Return a URL for the database this test session created, for a worker process to open."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    raise AssertionError(f"unsupported database vendor {connection.vendor}")
