"""Benchmark: the two reminder scans over 250,000 open assignments, and print time, memory, queries and rows.

Run (PostgreSQL; the database's name must contain "bench", because the script empties it first):
    createdb -h 127.0.0.1 -U postgres tracker_scan_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_scan_bench .venv/bin/python bench/scan_250k.py \\
        [--reuse] [--no-tracemalloc] [--batch-size 2000] [--profile] [--units 500]

The dataset (written with bulk_create and COPY, bypassing the services for speed): 500 schools with a manager
(with an e-mail address) and a staff member each, half of them with a WeCom group robot; two supervisors and a
leader (copied on yellow and red escalations); four published plans (monthly reports due on the 25th) of 125
tasks each, every task handed to every school: 250,000 open assignments (10% new, 90% in progress), whose
deadlines are spread evenly over the year from 90 days before the scan to 275 days after it (3% with a granted
later deadline). 90% of the units reported August, 40% already reported September.

The scan moment is Wednesday 2020-09-23 10:00: a quarter of the assignments are overdue (overdue reminders and
the blue/yellow/red ladder), a few are a week or less from their deadline, the September report is three days
off (report reminders) and August's is missing for a tenth (escalations). Each scan runs once, then again at the
same moment (which must create nothing), then on the next day (the everyday case). For each run the script prints the wall time, Python's peak memory
(tracemalloc, which slows Python down: --no-tracemalloc for clean times), the peak RSS of the process during
the scan (VmHWM, reset before each scan), the SQL queries and the rows created. Deliveries are written as the
scans write them, but never reach a broker: `send_deliveries.apply_async` is replaced by a counter.

--reuse keeps the dataset and only empties what the scans write (reminders, escalations, inbox messages,
deliveries, scan runs), so the scans can be timed again without rebuilding. --profile prints cProfile's top
functions for each first run. --units builds a smaller dataset (500 tasks for each unit) for a quick look.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import os
import pstats
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")  # DEBUG would keep every query in memory
os.environ["CELERY_BROKER_URL"] = "memory://"  # a safety net: nothing is published anyway

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, Unit, UnitKind, User  # noqa: E402
from bench.support import copy_rows, require_bench_database, reset_peak_rss, rss_mib  # noqa: E402
from notifications.models import Notification  # noqa: E402
from plans.models import (  # noqa: E402
    Assignment,
    Escalation,
    EscalationResponse,
    Plan,
    PlanStatus,
    ProgressReport,
    Reminder,
    Task,
)
from reminders import scans  # noqa: E402
from reminders.models import Delivery, DeliveryAttempt, RobotKind, ScanRun, UnitRobot  # noqa: E402
from reminders.tasks import send_deliveries  # noqa: E402

SCAN_MOMENT = timezone.make_aware(datetime.datetime(2020, 9, 23, 10, 0))
UNITS = 500
PLANS = 4
TASKS_PER_PLAN = 125
DAYS_BEFORE = 90  # deadlines run from this many days before the scan to a year later
PUBLISHED = timezone.make_aware(datetime.datetime(2020, 1, 15, 9, 0))
MARKER = "（催办基准）"
# What the scans write, and what refers to it (empty here: no one answered an escalation).
CREATED_BY_SCANS = (DeliveryAttempt, Delivery, Notification, EscalationResponse, Reminder, Escalation, ScanRun)


class Builder:
    """Write the units, people, plans, assignments and reports."""

    def __init__(self, *, units: int = UNITS, seed: int = 2020) -> None:
        self.unit_count = units
        self.rng = random.Random(seed)
        self.today = timezone.localdate(SCAN_MOMENT)

    def build(self) -> None:
        started = time.perf_counter()
        self.units_and_people()
        self.plans_and_tasks()
        assignments = self.assignments()
        reports = self.reports()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"built {assignments:,} assignments and {reports:,} reports in {time.perf_counter() - started:.0f} s")

    def units_and_people(self) -> None:
        root = Unit.objects.create(name=f"某区教育局{MARKER}", kind=UnitKind.BUREAU, sort_order=0)
        self.units = Unit.objects.bulk_create(
            [
                Unit(name=f"第{n + 1}学校", kind=UnitKind.SCHOOL, stage="primary", parent=root, sort_order=n + 1)
                for n in range(self.unit_count)
            ]
        )
        people = []
        for unit in self.units:
            people.append(
                User(
                    username=f"m{unit.pk}",
                    full_name=f"负责人{unit.pk}",
                    role=Role.UNIT_MANAGER,
                    unit=unit,
                    email=f"m{unit.pk}@bench.invalid",
                )
            )
            people.append(User(username=f"s{unit.pk}", full_name=f"经办人{unit.pk}", role=Role.UNIT_STAFF, unit=unit))
        for n in range(2):
            people.append(
                User(username=f"sup{n}", full_name=f"督查{n}", role=Role.SUPERVISOR, email=f"sup{n}@bench.invalid")
            )
        people.append(User(username="leader", full_name="分管领导", role=Role.LEADER, email="leader@bench.invalid"))
        for person in people:
            person.set_unusable_password()
        User.objects.bulk_create(people, batch_size=2000)
        self.staff = dict(User.objects.filter(role=Role.UNIT_STAFF).values_list("unit_id", "pk"))
        UnitRobot.objects.bulk_create(
            [
                UnitRobot(
                    unit=unit,
                    kind=RobotKind.WECOM,
                    webhook_url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=bench-{unit.pk}",
                )
                for unit in self.units[::2]
            ]
        )

    def plans_and_tasks(self) -> None:
        span = 365
        tasks = []
        for p in range(PLANS):
            plan = Plan.objects.create(
                title=f"2020年重点工作（{p + 1}）{MARKER}",
                doc_number=f"基准〔2020〕{p + 1}号",
                plan_year=2020,
                status=PlanStatus.PUBLISHED,
                published_at=PUBLISHED,
                created_at=PUBLISHED,
            )
            for n in range(TASKS_PER_PLAN):
                index = p * TASKS_PER_PLAN + n
                deadline = self.today + datetime.timedelta(days=index * span // (PLANS * TASKS_PER_PLAN) - DAYS_BEFORE)
                tasks.append(
                    Task(
                        plan=plan,
                        number=str(n + 1),
                        path=str(n + 1),
                        headline=f"第{p + 1}批第{n + 1}项重点任务",
                        deadline=deadline,
                        deadline_text=f"{deadline:%Y年%m月%d日}前",
                        position=n,
                        created_at=PUBLISHED,
                    )
                )
        self.tasks = Task.objects.bulk_create(tasks, batch_size=2000)

    def assignments(self) -> int:
        rng = self.rng

        def rows():
            for position, task in enumerate(self.tasks):
                for n, unit in enumerate(self.units):
                    status = "new" if rng.random() < 0.1 else "in_progress"
                    due_on = task.deadline + datetime.timedelta(days=30) if rng.random() < 0.03 else None
                    yield (
                        task.pk,
                        unit.pk,
                        "lead" if n == position % len(self.units) else "co",
                        status,
                        0 if status == "new" else rng.randint(5, 95),
                        due_on,
                        None if status == "new" else PUBLISHED + datetime.timedelta(days=2),
                        "",
                        PUBLISHED,
                        PUBLISHED,
                    )

        columns = (
            "task_id",
            "unit_id",
            "role",
            "status",
            "percent",
            "due_on",
            "acknowledged_at",
            "decline_reason",
            "created_at",
            "updated_at",
        )
        return copy_rows(Assignment, columns, rows())

    def reports(self) -> int:
        rng = self.rng
        months = [  # (key, start, end, due, share of units that reported)
            ("2020-08", datetime.date(2020, 8, 1), datetime.date(2020, 8, 31), datetime.date(2020, 8, 25), 0.9),
            ("2020-09", datetime.date(2020, 9, 1), datetime.date(2020, 9, 30), datetime.date(2020, 9, 25), 0.4),
        ]
        # Read first: the connection cannot run a query while COPY is writing.
        assignments = list(Assignment.objects.order_by("pk").values_list("pk", "unit_id"))

        def rows():
            for assignment_id, unit_id in assignments:
                for key, start, end, due, share in months:
                    if rng.random() < share:
                        moment = timezone.make_aware(datetime.datetime.combine(due, datetime.time(15, 0)))
                        yield (
                            assignment_id,
                            "monthly",
                            key,
                            start,
                            end,
                            due,
                            "本期按计划推进。",
                            50,
                            "in_progress",
                            "",
                            False,
                            False,
                            self.staff[unit_id],
                            moment - datetime.timedelta(days=rng.randint(0, 5)),
                        )

        columns = (
            "assignment_id",
            "cycle",
            "period_key",
            "period_start",
            "period_end",
            "due_on",
            "text",
            "percent",
            "status",
            "delay_reason",
            "is_no_change",
            "needs_approval",
            "author_id",
            "created_at",
        )
        return copy_rows(ProgressReport, columns, rows())


def empty_scan_output() -> None:
    """Remove everything the scans wrote (the dataset has no other reminders, messages or deliveries)."""
    tables = ", ".join(model._meta.db_table for model in CREATED_BY_SCANS)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables}")
        cursor.execute("ANALYZE")


def row_counts() -> dict[str, int]:
    return {
        "reminders": Reminder.objects.count(),
        "escalations": Escalation.objects.count(),
        "inbox": Notification.objects.count(),
        "deliveries": Delivery.objects.count(),
    }


@dataclass
class Figures:
    seconds: float
    python_peak_mib: float | None
    rss_before_mib: float
    rss_peak_mib: float
    queries: int
    published: int
    created: dict[str, int]
    result: scans.ScanResult


def measure(scan: Callable[[], scans.ScanResult], *, trace: bool, profile: bool) -> Figures:
    """Run one scan and return its figures."""
    published = 0
    queries = 0

    def count_publish(*args, **kwargs) -> None:
        nonlocal published
        published += 1

    def count_query(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    before = row_counts()
    gc.collect()
    reset_peak_rss()
    rss_before = rss_mib("VmRSS")
    send_deliveries.apply_async = count_publish
    profiler = cProfile.Profile() if profile else None
    if trace:
        tracemalloc.start()
    try:
        with connection.execute_wrapper(count_query):
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            result = scan()
            if profiler is not None:
                profiler.disable()
            seconds = time.perf_counter() - started
        python_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    finally:
        if trace:
            tracemalloc.stop()
        del send_deliveries.apply_async
    rss_peak = rss_mib("VmHWM")
    after = row_counts()
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return Figures(
        seconds=seconds,
        python_peak_mib=python_peak,
        rss_before_mib=rss_before,
        rss_peak_mib=rss_peak,
        queries=queries,
        published=published,
        created={what: after[what] - before[what] for what in after},
        result=result,
    )


def report(label: str, figures: Figures) -> None:
    python_peak = f"{figures.python_peak_mib:8.1f}" if figures.python_peak_mib is not None else "       -"
    created = "  ".join(f"{what} {count:>7,}" for what, count in figures.created.items())
    print(
        f"{label:26} {figures.seconds:7.1f} s  {python_peak} MiB  {figures.rss_before_mib:6.0f} → "
        f"{figures.rss_peak_mib:6.0f} MiB  {figures.queries:>6,} queries  {figures.published:>6,} tasks  {created}"
    )
    result = figures.result
    if result.reminders or result.escalations or result.skipped_reason:
        print(
            f"{'':26} result: {result.reminders:,} reminders, {result.escalations:,} escalations, "
            f"{result.messages:,} messages, {result.deliveries:,} deliveries due now {result.skipped_reason}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep the dataset; only empty what the scans wrote")
    parser.add_argument("--no-tracemalloc", action="store_true", help="time without tracemalloc's overhead")
    parser.add_argument("--batch-size", type=int, default=None, help="default: REMINDER_SCAN_BATCH_SIZE")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions for each first run")
    parser.add_argument("--units", type=int, default=UNITS, help="fewer units for a quick look (500 tasks each)")
    args = parser.parse_args()
    name = require_bench_database()

    call_command("migrate", verbosity=0)
    if args.reuse and Plan.objects.filter(title__endswith=MARKER).exists():
        empty_scan_output()
    else:
        call_command("flush", interactive=False, verbosity=0)
        Builder(units=args.units).build()
    open_assignments = scans.scanned_assignments().count()
    print(
        f"database {name} on PostgreSQL {connection.pg_version // 10000}; {Unit.objects.count():,} units, "
        f"{User.objects.count():,} people, {UnitRobot.objects.count():,} robots, {Task.objects.count():,} tasks, "
        f"{open_assignments:,} open assignments, {ProgressReport.objects.count():,} reports; "
        f"scan at {timezone.localtime(SCAN_MOMENT):%Y-%m-%d %H:%M}"
    )
    trace = not args.no_tracemalloc
    print(
        f"\n{'scan':26} {'wall':>9}  {'py peak':>12}  {'RSS before → peak':>17}  {'queries':>14}  {'tasks':>12}"
        "  rows created"
    )
    runs = [
        ("deadlines", lambda: scans.scan_deadlines(now=SCAN_MOMENT, batch_size=args.batch_size)),
        ("reporting cycles", lambda: scans.scan_reporting_cycles(now=SCAN_MOMENT, batch_size=args.batch_size)),
    ]
    for label, scan in runs:
        report(f"{label}, first", measure(scan, trace=trace, profile=args.profile))
    for label, scan in runs:
        report(f"{label}, again", measure(scan, trace=trace, profile=False))
    # The everyday case: the next working day, with yesterday's rows in place.
    next_day = SCAN_MOMENT + datetime.timedelta(days=1)
    report(
        "deadlines, next day",
        measure(lambda: scans.scan_deadlines(now=next_day, batch_size=args.batch_size), trace=trace, profile=False),
    )
    report(
        "reporting cycles, next day",
        measure(
            lambda: scans.scan_reporting_cycles(now=next_day, batch_size=args.batch_size), trace=trace, profile=False
        ),
    )


if __name__ == "__main__":
    main()
