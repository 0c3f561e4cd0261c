"""/healthz reports the database, the broker and the scheduler."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from core.models import Heartbeat
from core.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_with_database_and_broker_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True and body["broker"]["ok"] is True
    assert body["scheduler"] == {"last_beat_seconds_ago": None, "ticking": False}


def test_healthz_answers_without_login_and_is_not_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_says_503_when_the_broker_is_down(client):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"]["ok"] is True
    assert body["broker"]["ok"] is False and "Error" in body["broker"]["detail"]


def test_healthz_shows_the_scheduler_ticking_after_a_recent_beat(client):
    heartbeat_record(name="beat", hostname="worker@test")

    scheduler = client.get("/healthz").json()["scheduler"]

    assert scheduler["ticking"] is True and scheduler["last_beat_seconds_ago"] < 5


def test_a_stale_beat_is_reported_as_not_ticking(client):
    heartbeat_record(name="beat", hostname="worker@test")
    Heartbeat.objects.filter(name="beat").update(last_seen_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))

    assert client.get("/healthz").json()["scheduler"]["ticking"] is False


def test_heartbeat_counts_beats_of_the_same_name():
    heartbeat_record(name="beat", hostname="a")
    beat = heartbeat_record(name="beat", hostname="b")
    assert (beat.beats, beat.hostname) == (2, "b")
