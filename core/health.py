"""Check the services the app depends on."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection

from core import clock
from core.models import Heartbeat


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    milliseconds: float


def _timed(probe) -> Check:
    started = time.perf_counter()
    try:
        detail = probe()
        ok = True
    except Exception as exc:  # a health check reports every failure instead of raising
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return Check(ok=ok, detail=detail, milliseconds=round((time.perf_counter() - started) * 1000, 1))


def check_database() -> Check:
    """Run a trivial query on the default database."""

    def probe() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return connection.vendor

    return _timed(probe)


def check_broker() -> Check:
    """Open a connection to the Celery broker, giving up after a few seconds."""
    from config.celery_app import app

    def probe() -> str:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
            return conn.transport.driver_name

    return _timed(probe)


def beat_age_seconds() -> float | None:
    """Return how long ago the worker last ran beat's heartbeat task, or None if never."""
    heartbeat = Heartbeat.objects.filter(name="beat").only("last_seen_at").first()
    if heartbeat is None:
        return None
    return round((clock.now() - heartbeat.last_seen_at).total_seconds(), 1)


def health_report() -> tuple[bool, dict]:
    """Return (healthy, report): healthy when the database and the broker answer."""
    database = check_database()
    broker = check_broker() if settings.CELERY_BROKER_URL else Check(False, "no broker configured", 0.0)
    age = beat_age_seconds() if database.ok else None
    healthy = database.ok and broker.ok
    report = {
        "status": "ok" if healthy else "error",
        "database": asdict(database),
        "broker": asdict(broker),
        "scheduler": {"last_beat_seconds_ago": age, "ticking": age is not None and age < 120},
    }
    return healthy, report
