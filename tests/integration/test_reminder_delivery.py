"""Reminders reach a group robot exactly once per delivery, through concurrent scans and a worker killed mid-batch.

Two deadline scans run at the same moment in two threads; real Celery workers (prefork) send the
deliveries they queued to a WeCom-like robot served on 127.0.0.1. The first worker is killed
(SIGKILL, its whole process group) while it is sending; a fresh worker and the sweep
(`dispatch_due_deliveries`, which beat runs every minute) finish the batch.

In CI the broker is Redis and the database PostgreSQL; elsewhere it may be the file broker and
SQLite, or point it at the real services:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_dev REDIS_URL=redis://127.0.0.1:6379/3 CI=true \\
        ./test.sh tests/integration/test_reminder_delivery.py -s
"""

from __future__ import annotations

import datetime
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.models import Count, Q

from accounts.models import Role
from notifications.models import Notification
from plans.models import AssignmentRole, Escalation, Reminder
from reminders import scans
from reminders.channels import DELIVERY_KEY_HEADER
from reminders.models import AttemptOutcome, Channel, Delivery, DeliveryAttempt, DeliveryState, RobotKind, UnitRobot
from reminders.tasks import dispatch_due_deliveries
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory, UnitFactory, UserFactory
from tests.services import in_ci, redis_url, worker_database_url

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]

# A Tuesday in the past: the scan's deliveries get not_before = this moment, and the workers
# compare it with the real clock, so everything is due at once.
SCAN_MOMENT = datetime.datetime(2020, 9, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# Deadlines by how late they are on the scan day: 2 days ahead (a before-deadline reminder), then
# 1, 5, 14 and 26 days overdue (an overdue reminder, plus a blue, yellow or red escalation for the last three).
DEADLINES = [datetime.date(2020, 9, 17), *(SCAN_MOMENT.date() - datetime.timedelta(days=d) for d in (1, 5, 14, 26))]
ESCALATED_DEADLINES = DEADLINES[2:]
UNITS = 3
TASKS = 22  # each handed to every unit: 66 assignments, 66 reminders and 36 escalations
CONCURRENCY = 2
LEASE_SECONDS = 5  # short, but long enough that a live worker's send (tens of ms) never outlives it
SCAN_BATCH_SIZE = 8  # small, so the two scans interleave over many batches
FINISH_WITHIN = 90  # seconds, from the fresh worker's start
SWEEP_EVERY = 2.0  # seconds; beat would run the sweep every minute
# The settings both this process and the workers must agree on.
SHARED_SETTINGS = {
    "ROBOT_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "DEFAULT_QUIET_HOURS": "",  # the workers check quiet hours against the real clock
    "REMINDER_WORKING_DAYS_ONLY": "false",  # ... and days off: the test must pass on a Sunday night too
    "DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
}


@dataclass
class RobotServer:
    """A WeCom group robot on 127.0.0.1 that answers ok after a short delay and records every request."""

    requests: list[tuple[str, dict]] = field(default_factory=list)  # (delivery key, JSON body)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def received(self) -> int:
        with self.lock:
            return len(self.requests)

    def keys(self) -> Counter[str]:
        with self.lock:
            return Counter(key for key, _body in self.requests)

    def url(self, token: str) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key={token}"


@pytest.fixture
def robot_server() -> Iterator[RobotServer]:
    recorder = RobotServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            # Recorded on arrival: a request whose sender is killed while waiting for the answer
            # has still reached the robot, as it would in the group chat.
            with recorder.lock:
                recorder.requests.append((self.headers.get(DELIVERY_KEY_HEADER, ""), json.loads(body or b"{}")))
            time.sleep(random.uniform(0.03, 0.08))
            answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender was killed while waiting: the case under test, not an error

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: pytest would show every request

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    recorder.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="robot-server", daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


class Workers:
    """Start prefork workers consuming only one private queue, each in its own process group; stop them all."""

    def __init__(self, queue: str, log_dir: Path) -> None:
        self.queue = queue
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            DATABASE_URL=worker_database_url(),
            CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
            VAR_DIR=str(settings.VAR_DIR),
            REMINDER_QUEUE=queue,
            **SHARED_SETTINGS,
        )

    def start(self) -> subprocess.Popen:
        number = len(self.processes) + 1
        log = (self.log_dir / f"worker-{number}.log").open("w")  # a file: a full pipe would stall the worker
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(CONCURRENCY),
                "--loglevel",
                "INFO",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}-{number}@{socket.gethostname()}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the pool's children die with it
        )
        log.close()
        self.processes.append(process)
        return process

    def log(self, number: int) -> str:
        return (self.log_dir / f"worker-{number}.log").read_text(errors="replace")

    def consumed_queues(self, number: int) -> list[str]:
        """Return the queues the worker's start-up banner lists (lines like ".> name exchange=…")."""
        return [line.split()[1] for line in self.log(number).splitlines() if line.strip().startswith(".> ")]

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # a warm shutdown: the running task finishes
        for number, process in enumerate(self.processes, start=1):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            print(f"--- worker {number} (exit {process.returncode}), last lines:\n{self.log(number)[-3000:]}")


def _forget_private_queue(queue: str) -> None:
    """Drop the queue's keys from Redis, and the messages the killed worker had taken but not acknowledged.

    Otherwise kombu would put those back on the (then unused) queue an hour later.
    """
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    client.delete(
        queue,
        *(f"{queue}\x06\x16{step}" for step in (3, 6, 9)),  # kombu's priority lists
        f"_kombu.binding.{queue}",
        f"_kombu.binding_permanent.{queue}",
    )
    for tag, raw in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(raw)[2]
        except (ValueError, IndexError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def _build_bureau(robot_server: RobotServer) -> None:
    """Create the units, each with a manager (no e-mail: robots only) and a WeCom robot, and the overdue work."""
    units = []
    for number in range(UNITS):
        unit = UnitFactory()
        UserFactory(role=Role.UNIT_MANAGER, unit=unit, email="")
        UnitRobot.objects.create(unit=unit, kind=RobotKind.WECOM, webhook_url=robot_server.url(f"unit-{number}"))
        units.append(unit)
    plan = PlanFactory()
    for number in range(TASKS):
        task = TaskFactory(plan=plan, deadline=DEADLINES[number % len(DEADLINES)])
        for position, unit in enumerate(units):
            AssignmentFactory(task=task, unit=unit, role=AssignmentRole.LEAD if position == 0 else AssignmentRole.CO)


def _scan_twice_at_once() -> list[scans.ScanResult]:
    """Run two deadline scans at the same moment in two threads, each on its own database connection."""
    barrier = threading.Barrier(2)
    results: list[scans.ScanResult] = []
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(scans.scan_deadlines(now=SCAN_MOMENT, batch_size=SCAN_BATCH_SIZE))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's connections only

    threads = [threading.Thread(target=scan, name=f"scan-{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == 2
    return results


def _wait_for(
    condition: Callable[[], bool], *, timeout: float, what: str, workers: list[subprocess.Popen], sweep: bool = False
) -> None:
    deadline = time.monotonic() + timeout
    next_sweep = 0.0
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        assert all(process.poll() is None for process in workers), f"a worker died while waiting for {what}"
        if sweep and time.monotonic() >= next_sweep:
            dispatch_due_deliveries()  # as beat would: take back dead claims, queue due deliveries
            next_sweep = time.monotonic() + SWEEP_EVERY
        time.sleep(0.05)


def test_concurrent_scans_and_a_killed_worker_deliver_every_robot_message_once_by_key(
    transactional_db, settings, robot_server, tmp_path
):
    if in_ci():
        # CI must exercise the real parts: Redis as the broker and PostgreSQL as the database.
        assert settings.CELERY_BROKER_URL == redis_url()
        assert connection.vendor == "postgresql"
    queue = f"it-reminders-{uuid.uuid4().hex[:10]}"
    settings.REMINDER_QUEUE = queue  # where the scans' on_commit and the sweep queue send_deliveries
    settings.ROBOT_WEBHOOK_ALLOWED_HOSTS = [SHARED_SETTINGS["ROBOT_WEBHOOK_ALLOWED_HOSTS"]]
    settings.DEFAULT_QUIET_HOURS = SHARED_SETTINGS["DEFAULT_QUIET_HOURS"]
    settings.REMINDER_WORKING_DAYS_ONLY = False
    settings.DELIVERY_LEASE_SECONDS = LEASE_SECONDS
    _build_bureau(robot_server)

    results = _scan_twice_at_once()

    # The scans split the work between them: every reminder and escalation exists once.
    reminders, escalations = Reminder.objects.count(), Escalation.objects.count()
    assert reminders == UNITS * TASKS
    assert escalations == UNITS * len([n for n in range(TASKS) if DEADLINES[n % len(DEADLINES)] in ESCALATED_DEADLINES])
    assert sum(result.reminders for result in results) == reminders
    assert sum(result.escalations for result in results) == escalations
    assert Reminder.objects.values("assignment", "kind", "period_key").distinct().count() == reminders
    assert Escalation.objects.values("assignment", "level", "period_key").distinct().count() == escalations
    # One inbox message per manager and one robot delivery per unit, for each of them: nothing told twice.
    assert Notification.objects.count() == reminders + escalations
    assert Notification.objects.values("recipient", "reminder", "escalation").distinct().count() == (
        reminders + escalations
    )
    expected_keys = set(Delivery.objects.values_list("key", flat=True))
    assert len(expected_keys) == Delivery.objects.count() == reminders + escalations
    assert set(Delivery.objects.values_list("channel", flat=True)) == {Channel.WECOM}
    assert sum(result.deliveries for result in results) == len(expected_keys)
    print(
        f"\nscans: {[(r.reminders, r.escalations, r.deliveries) for r in results]} (reminders, escalations,"
        f" deliveries); {reminders} reminders, {escalations} escalations, {len(expected_keys)} deliveries"
    )

    workers = Workers(queue, tmp_path)
    try:
        first = workers.start()
        # Kill the worker, pool and all, a third of the way through: a request may be in flight.
        _wait_for(
            lambda: robot_server.received() >= len(expected_keys) // 3,
            timeout=60,
            what="the first worker to send a third of the deliveries",
            workers=[first],
        )
        workers.kill(first)
        received_before_kill = robot_server.received()
        assert workers.consumed_queues(1) == [queue], "the worker must consume its private queue only"

        # A fresh worker, and the sweep every few seconds: it queues the due deliveries at once, and
        # takes back the dead worker's claims once their lease has passed.
        second = workers.start()
        _wait_for(
            lambda: not Delivery.objects.exclude(state=DeliveryState.SENT).exists(),
            timeout=FINISH_WITHIN,
            what="every delivery to be sent",
            workers=[second],
            sweep=True,
        )
        assert workers.consumed_queues(2) == [queue]
    finally:
        workers.stop_all()
        _forget_private_queue(queue)

    # Every delivery was sent, and exactly one attempt of each succeeded.
    deliveries = list(
        Delivery.objects.annotate(
            ok=Count("tries", filter=Q(tries__outcome=AttemptOutcome.OK)),
            interrupted=Count("tries", filter=Q(tries__outcome=AttemptOutcome.INTERRUPTED)),
        )
    )
    assert {delivery.key for delivery in deliveries} == expected_keys
    assert {delivery.state for delivery in deliveries} == {DeliveryState.SENT}
    assert {delivery.ok for delivery in deliveries} == {1}
    assert not DeliveryAttempt.objects.exclude(outcome__in=[AttemptOutcome.OK, AttemptOutcome.INTERRUPTED]).exists()
    interrupted_keys = {delivery.key for delivery in deliveries if delivery.interrupted}
    # Only the claims open when the worker died are interrupted: at most one per pool process.
    assert len(interrupted_keys) <= CONCURRENCY

    # The robot heard about every delivery. It may have heard twice of a delivery whose request was in
    # flight when the worker died: the sender cannot know whether it arrived, so it sends again with the
    # same X-Tracker-Delivery-Key (at least once, never lost). A receiver that honours the key (a gateway
    # in front of the group, a mail filter, the SMS provider through OutId) drops the copy; a bare WeCom
    # group would show it twice. Nothing else may arrive twice.
    received = robot_server.keys()
    assert set(received) == expected_keys
    repeated = {key for key, times in received.items() if times > 1}
    assert repeated <= interrupted_keys
    assert all(received[key] == 2 for key in repeated)
    assert all(body.get("msgtype") == "markdown" for _key, body in robot_server.requests)
    print(
        f"robot requests: {sum(received.values())} for {len(expected_keys)} deliveries; {received_before_kill}"
        f" before the kill; interrupted attempts: {len(interrupted_keys)}; received twice: {len(repeated)}"
    )
