"""Benchmark: the review list (督查台) of a city's education bureau, five years of plans deep, and print the times.

Run (PostgreSQL; the database's name must contain "bench", because the script empties it first):
    createdb -h 127.0.0.1 -U postgres tracker_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench DJANGO_SETTINGS_MODULE=config.settings.local \\
        .venv/bin/python bench/review_city_scale.py [--repeat 7] [--reuse] [--explain]

The dataset (built with bulk_create, bypassing the services for speed): 40 departments and 400 schools, one
person each; five yearly plans (this year's and the four before) of 60 tasks, each led by a department with one
to three co-units, every sixth task handed to all 400 schools; monthly reports for most assignments from
February to the last closed month (a few late, a few missed, some needing approval); past years mostly closed;
escalations on about 3% of assignments, half answered, some closed. Then, for each filter, the review list's
selectors: the first page of 50 rows, the paginator's count and the light counts, median of several runs, with the
number of SQL queries and the rows found; and the whole page through Django's test client.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, Unit, UnitKind, User  # noqa: E402
from bench.support import require_bench_database  # noqa: E402
from core import clock  # noqa: E402
from plans import periods  # noqa: E402
from plans.models import (  # noqa: E402
    Assignment,
    Escalation,
    EscalationResponse,
    Plan,
    PlanStatus,
    ProgressReport,
    ReportApproval,
    Section,
    Task,
)
from plans.selectors.review import (  # noqa: E402
    ReviewFilters,
    review_light_counts,
    review_page_rows,
    review_queryset,
)

DEPARTMENTS = 40
SCHOOLS = 400
YEARS = 5
TASKS_PER_PLAN = 60
PARTS, SECTIONS_PER_PART = 5, 2
ALL_SCHOOLS_EVERY = 6  # every sixth task goes to every school as well
PAGE_SIZE = 50
BATCH = 5000
MARKER = "（基准数据）"
CN = "一二三四五六七八九十"


def aware(*parts: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*parts))


def month_end(year: int, month: int) -> datetime.date:
    return periods.period_containing(periods.MONTHLY, datetime.date(year, month, 1)).end


class Builder:
    """Write the city's units, people, plans and their history with bulk_create."""

    def __init__(self, today: datetime.date, seed: int = 2020) -> None:
        self.today = today
        self.rng = random.Random(seed)
        self.counts: dict[str, int] = {}

    def build(self) -> None:
        started = time.perf_counter()
        self.units()
        for offset in range(YEARS - 1, -1, -1):
            self.plan(self.today.year - offset)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.counts["build seconds"] = round(time.perf_counter() - started)

    def units(self) -> None:
        root = Unit.objects.create(name=f"某市教育局{MARKER}", kind=UnitKind.BUREAU, sort_order=0)
        departments = [
            Unit(name=f"第{n + 1}科室", kind=UnitKind.DEPARTMENT, parent=root, sort_order=n + 1)
            for n in range(DEPARTMENTS)
        ]
        schools = [
            Unit(
                name=f"第{n + 1}学校",
                kind=UnitKind.SCHOOL,
                stage=("primary", "middle", "high")[n % 3],
                ownership="public" if n % 5 else "private",
                parent=root,
                sort_order=100 + n,
            )
            for n in range(SCHOOLS)
        ]
        self.departments = Unit.objects.bulk_create(departments)
        self.schools = Unit.objects.bulk_create(schools)
        people = [
            User(username=f"bench_{unit.pk}", full_name=f"经办人{unit.pk}", role=Role.UNIT_STAFF, unit=unit)
            for unit in [*self.departments, *self.schools]
        ]
        for person in people:
            person.set_unusable_password()
        User.objects.bulk_create(people, batch_size=BATCH)
        self.staff = {person.unit_id: person for person in User.objects.filter(username__startswith="bench_")}
        self.supervisor = User(username="bench_supervisor", full_name="督查人员", role=Role.SUPERVISOR)
        self.supervisor.set_unusable_password()
        self.supervisor.save()
        self.counts["units"] = 1 + DEPARTMENTS + SCHOOLS
        self.counts["people"] = len(people) + 1

    def plan(self, year: int) -> None:
        rng = self.rng
        current = year == self.today.year
        published = aware(year, 1, 15, 9, 0)
        plan = Plan.objects.create(
            title=f"某市教育局{year}年工作要点{MARKER}",
            doc_number=f"某教〔{year}〕{900 + year % 100}号",
            issuer="某市教育局",
            issued_on=datetime.date(year, 1, 10),
            plan_year=year,
            status=PlanStatus.PUBLISHED,
            published_at=published,
            created_at=published,
        )
        parts = Section.objects.bulk_create(
            [
                Section(plan=plan, number=CN[p], path=CN[p], title=f"第{p + 1}部分", position=p * 10)
                for p in range(PARTS)
            ]
        )
        children = Section.objects.bulk_create(
            [
                Section(
                    plan=plan,
                    parent=part,
                    number=CN[s],
                    path=f"{part.path}.({CN[s]})",
                    title=f"第{s + 1}方面",
                    position=part.position + s + 1,
                )
                for part in parts
                for s in range(SECTIONS_PER_PART)
            ]
        )
        tasks = []
        for n in range(TASKS_PER_PLAN):
            section = children[n % len(children)] if n % 7 else parts[n % PARTS]
            roll = rng.random()  # 持续推进, 年底前, or the end of a month
            deadline = (
                None
                if roll < 0.15
                else datetime.date(year, 12, 31)
                if roll < 0.55
                else month_end(year, rng.randint(3, 11))
            )
            tasks.append(
                Task(
                    plan=plan,
                    section=section,
                    number=str(n + 1),
                    path=f"{section.path}.{n + 1}",
                    headline=f"{year}年第{n + 1}项重点任务",
                    text="围绕目标细化措施，加强督促检查，确保取得实效。",
                    deadline=deadline,
                    deadline_text="" if deadline else "持续推进",
                    reporting_cycle="quarterly" if n % 20 == 3 else "",
                    position=n,
                    created_at=published,
                )
            )
        tasks = Task.objects.bulk_create(tasks)
        assignments = []
        for n, task in enumerate(tasks):
            lead, *co = rng.sample(self.departments, 1 + rng.randint(1, 3))
            holders = [(lead, "lead"), *[(unit, "co") for unit in co]]
            if n % ALL_SCHOOLS_EVERY == 0:
                holders += [(school, "co") for school in self.schools]
            for unit, role in holders:
                assignments.append(self.assignment(task, unit, role, published, current))
        assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        self.reports(plan, assignments, tasks, year)
        self.escalations(assignments, year)
        self.counts["plans"] = self.counts.get("plans", 0) + 1
        self.counts["tasks"] = self.counts.get("tasks", 0) + len(tasks)
        self.counts["assignments"] = self.counts.get("assignments", 0) + len(assignments)

    def assignment(self, task: Task, unit: Unit, role: str, published, current: bool) -> Assignment:
        rng = self.rng
        roll = rng.random()
        deadline = task.deadline
        passed = deadline is not None and deadline < self.today
        if not current or passed:
            # past work: mostly closed; the rest is overdue for ever, waiting, or handed back
            shares = (("completed", 0.86), ("in_progress", 0.09), ("completion_requested", 0.02), ("new", 0.02))
        else:
            shares = (("new", 0.08), ("in_progress", 0.77), ("completion_requested", 0.05), ("completed", 0.09))
        status, total = "declined", 0.0
        for name, share in shares:
            total += share
            if roll < total:
                status = name
                break
        if status == "declined" and role == "lead":
            status = "in_progress"  # a declined lead would need reassigning; keep the bench simple
        close = deadline or datetime.date(task.plan.plan_year, 12, 31)
        completed_at = (
            aware(close.year, close.month, max(1, close.day - rng.randint(0, 20)), 16, 0)
            if status == "completed"
            else None
        )
        if completed_at is not None and completed_at.date() > self.today:
            completed_at = aware(self.today.year, self.today.month, self.today.day, 8, 0)
        return Assignment(
            task=task,
            unit=unit,
            role=role,
            status=status,
            percent=100 if status == "completed" else rng.randint(0, 95),
            due_on=(deadline + datetime.timedelta(days=30)) if deadline and rng.random() < 0.03 else None,
            acknowledged_at=None if status in ("new", "declined") else published + datetime.timedelta(days=2),
            decline_reason="不属于本单位职责。" if status == "declined" else "",
            declined_at=published + datetime.timedelta(days=1) if status == "declined" else None,
            completed_at=completed_at,
            created_at=published,
        )

    def reports(self, plan: Plan, assignments: list[Assignment], tasks: list[Task], year: int) -> None:
        rng = self.rng
        by_task = {task.pk: task for task in tasks}
        this_month = periods.period_containing(periods.MONTHLY, self.today)
        months = [
            periods.period_containing(periods.MONTHLY, datetime.date(year, month, 1))
            for month in range(2, 13)
            if datetime.date(year, month, 1) <= this_month.start
        ]
        quarters = [
            periods.period_containing(periods.QUARTERLY, datetime.date(year, month, 1))
            for month in (4, 7, 10)
            if datetime.date(year, month, 1) <= this_month.start
        ]
        rows = []
        for assignment in assignments:
            if assignment.status in ("new", "declined") or rng.random() < 0.05:
                continue  # never reported
            quarterly = by_task[assignment.task_id].reporting_cycle == "quarterly"
            stop = (
                assignment.completed_at.date()
                if assignment.completed_at
                else (self.today if rng.random() > 0.1 else datetime.date(year, rng.randint(3, 12), 1))
            )
            person = self.staff[assignment.unit_id]
            for period in quarters if quarterly else months:
                if period.start > stop or rng.random() < 0.06:
                    continue
                if period.start == this_month.start and rng.random() < 0.6:
                    continue  # most have not reported this month yet
                late = rng.random() < 0.1
                moment = datetime.datetime.combine(period.due, datetime.time(15, 0)) + datetime.timedelta(
                    days=rng.randint(1, 15) if late else -rng.randint(0, 10)
                )
                if moment.date() > self.today:
                    moment = datetime.datetime.combine(self.today, datetime.time(8, 0))
                rows.append(
                    ProgressReport(
                        assignment_id=assignment.pk,
                        cycle=period.cycle,
                        period_key=period.key,
                        period_start=period.start,
                        period_end=period.end,
                        due_on=period.due,
                        text="本期按计划推进。",
                        percent=min(100, 8 * period.start.month),
                        status="in_progress",
                        needs_approval=rng.random() < 0.05,
                        author_id=person.pk,
                        created_at=timezone.make_aware(moment),
                    )
                )
        reports = ProgressReport.objects.bulk_create(rows, batch_size=BATCH)
        approvals = [
            ReportApproval(
                report=report,
                approved=True,
                reviewer_id=report.author_id,
                created_at=report.created_at + datetime.timedelta(hours=3),
            )
            for report in reports
            if report.needs_approval and rng.random() < 0.8
        ]
        ReportApproval.objects.bulk_create(approvals, batch_size=BATCH)
        self.counts["reports"] = self.counts.get("reports", 0) + len(reports)
        self.counts["report approvals"] = self.counts.get("report approvals", 0) + len(approvals)

    def escalations(self, assignments: list[Assignment], year: int) -> None:
        rng = self.rng
        chosen = [a for a in assignments if a.status != "declined" and rng.random() < 0.03]
        escalations = []
        for number, assignment in enumerate(chosen):
            month = rng.randint(3, 12 if year < self.today.year else self.today.month)
            moment = aware(year, month, rng.randint(1, 28), 10, 0)
            if moment.date() > self.today:
                moment = aware(self.today.year, self.today.month, 1, 10, 0)
            closed = assignment.status == "completed" or rng.random() < 0.3
            escalations.append(
                Escalation(
                    assignment=assignment,
                    level=("manual", "yellow", "red")[number % 3],
                    period_key=f"bench:{year}:{number}",
                    reason="进度滞后，请书面说明原因。",
                    response_due=moment.date() + datetime.timedelta(days=3),
                    created_by=self.supervisor,
                    created_at=moment,
                    closed_at=moment + datetime.timedelta(days=10) if closed else None,
                    closed_by=self.supervisor if closed else None,
                )
            )
        escalations = Escalation.objects.bulk_create(escalations, batch_size=BATCH)
        responses = [
            EscalationResponse(
                escalation=escalation,
                text="已整改，按期推进。",
                author=self.staff[escalation.assignment.unit_id],
                created_at=escalation.created_at + datetime.timedelta(days=2),
            )
            for escalation in escalations
            if escalation.closed_at is not None or rng.random() < 0.5
        ]
        EscalationResponse.objects.bulk_create(responses, batch_size=BATCH)
        self.counts["escalations"] = self.counts.get("escalations", 0) + len(escalations)
        self.counts["escalation responses"] = self.counts.get("escalation responses", 0) + len(responses)


def review_once(query: str, today: datetime.date) -> dict:
    """Run the review list's selectors once as the view does; return the timings, queries and rows."""
    filters = ReviewFilters.from_query(QueryDict(query))
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        rows = review_page_rows(review_queryset(filters, today=today), filters)
        paginator = Paginator(rows, PAGE_SIZE)
        total = paginator.count
        counted = time.perf_counter()
        page = list(paginator.get_page(1).object_list)
        paged = time.perf_counter()
        lights = review_light_counts(filters, today=today)
        finished = time.perf_counter()
    return {
        "count": counted - started,
        "page": paged - counted,
        "lights": finished - paged,
        "total": finished - started,
        "queries": len(captured),
        "rows": total,
        "shown": len(page),
        "light counts": lights,
        "sql": [query["sql"] for query in captured.captured_queries],
    }


def median_ms(runs: list[dict], key: str) -> str:
    return f"{statistics.median(run[key] for run in runs) * 1000:7.0f}"


def time_page(client: Client, url: str, today: datetime.date, repeat: int) -> tuple[list[float], int]:
    timings, queries = [], 0
    with clock.frozen_at(datetime.datetime.combine(today, datetime.time(10, 0))):
        client.get(url)  # warm up
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            queries = len(captured)
    return timings, queries


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the dataset already in the database")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each scenario's queries")
    parser.add_argument(
        "--jit-off", action="store_true", help="SET jit = off first (PostgreSQL compiles these queries otherwise)"
    )
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    args = parser.parse_args()
    name = require_bench_database()
    today = args.today or clock.today()

    call_command("migrate", verbosity=0)
    if not (args.reuse and Plan.objects.filter(title__endswith=MARKER).exists()):
        call_command("flush", interactive=False, verbosity=0)
        builder = Builder(today)
        builder.build()
        print(f"built in {builder.counts['build seconds']} s")
    sizes = {
        "units": Unit.objects.count(),
        "people": User.objects.count(),
        "plans": Plan.objects.count(),
        "tasks": Task.objects.count(),
        "assignments": Assignment.objects.count(),
        "reports": ProgressReport.objects.count(),
        "report approvals": ReportApproval.objects.count(),
        "escalations": Escalation.objects.count(),
        "escalation responses": EscalationResponse.objects.count(),
    }
    if args.jit_off:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    print(f"database {name} on PostgreSQL {connection.pg_version // 10000} (jit {jit}), today {today}")
    print("dataset: " + ", ".join(f"{count:,} {what}" for what, count in sizes.items()))

    current = Plan.objects.get(plan_year=today.year, title__endswith=MARKER)
    school = Unit.objects.get(name="第1学校")
    department = Unit.objects.get(name="第1科室")
    scenarios: list[tuple[str, str]] = [
        ("no filter (red + yellow)", ""),
        (f"plan filter ({today.year})", f"plan={current.pk}"),
        ("unit filter (a school)", f"unit={school.pk}"),
        ("unit filter (a department)", f"unit={department.pk}"),
        ("missing=1", "missing=1"),
        ("all lights, sort=last_report", "light=red&light=yellow&light=green&light=grey&light=done&sort=last_report"),
    ]
    print(
        f"\nreview selectors, median of {args.repeat} runs (ms): count = paginator count, page = first {PAGE_SIZE}"
        " rows, lights = light counts"
    )
    print(f"{'scenario':34} {'count':>7} {'page':>7} {'lights':>7} {'total':>7}  queries  rows  light counts")
    for label, query in scenarios:
        review_once(query, today)  # warm up
        runs = [review_once(query, today) for _ in range(args.repeat)]
        last = runs[-1]
        lights = " ".join(f"{light}={count}" for light, count in last["light counts"].items())
        print(
            f"{label:34} {median_ms(runs, 'count')} {median_ms(runs, 'page')} {median_ms(runs, 'lights')}"
            f" {median_ms(runs, 'total')}  {last['queries']:>7}  {last['rows']:>5}  {lights}"
        )
        if args.explain:
            for sql in last["sql"]:
                print(f"\n--- {label}\n{explain(sql)}\n")

    setup_test_environment()  # lets the test client's host in
    client = Client()
    supervisor = User.objects.filter(role=Role.SUPERVISOR).first()
    client.force_login(supervisor)
    print(f"\nwhole page through the test client (rendered), median of {args.repeat} runs:")
    page_runs: list[tuple[str, Callable[[], str]]] = [
        ("no filter", lambda: reverse("plans:review")),
        ("plan filter", lambda: f"{reverse('plans:review')}?plan={current.pk}"),
        ("missing=1", lambda: f"{reverse('plans:review')}?missing=1"),
    ]
    for label, url in page_runs:
        timings, queries = time_page(client, url(), today, args.repeat)
        print(f"{label:34} {statistics.median(timings) * 1000:7.0f} ms  {queries} queries")


if __name__ == "__main__":
    main()
