"""A real Celery worker process takes a task from the configured broker and writes to the test database.

In CI the broker is Redis and the database PostgreSQL; on a developer machine without them it is
the embedded file broker and SQLite, which is what the one-command run uses.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import Heartbeat
from core.tasks import heartbeat
from tests.services import in_ci, redis_url, worker_database_url

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(transactional_db):
    """Start a worker consuming a private queue; yield (queue, node name); stop it afterwards."""
    queue = f"it-{uuid.uuid4().hex[:12]}"
    node = f"{queue}@{socket.gethostname()}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=worker_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        VAR_DIR=str(settings.VAR_DIR),
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "-Q",
            queue,
            "-n",
            node,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue, node, process
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output[-4000:])


def test_a_real_worker_takes_a_task_from_the_broker_and_writes_to_the_database(worker):
    queue, node, process = worker
    if in_ci():
        # CI must exercise the real parts: Redis as the broker and PostgreSQL as the database.
        assert settings.CELERY_BROKER_URL == redis_url()
        assert connection.vendor == "postgresql"
    probe = f"probe-{uuid.uuid4().hex[:8]}"

    heartbeat.apply_async(args=[probe], queue=queue)

    deadline = time.monotonic() + 90
    row = None
    while time.monotonic() < deadline and process.poll() is None:
        row = Heartbeat.objects.filter(name=probe).first()
        if row is not None:
            break
        time.sleep(0.25)

    assert process.poll() is None, "the worker process died"
    assert row is not None, "the worker did not run the task within 90 seconds"
    assert row.hostname == node, "the row was written by the worker process, not by this one"
    assert row.beats == 1
