"""In CI the suite runs on the real PostgreSQL and Redis; a missing service fails the run."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.services import in_ci, redis_url

pytestmark = pytest.mark.integration


@pytest.mark.django_db
def test_ci_runs_on_postgresql():
    if not in_ci():
        pytest.skip("only CI is required to run on PostgreSQL")
    assert connection.vendor == "postgresql", "CI must set DATABASE_URL to the local PostgreSQL"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


def test_broker_uses_redis_when_redis_url_is_set():
    url = redis_url()  # fails in CI, skips elsewhere, when Redis is not there
    assert settings.CELERY_BROKER_URL == url
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    client.set("duban:ci-probe", "ok", ex=10)
    assert client.get("duban:ci-probe") == b"ok"
