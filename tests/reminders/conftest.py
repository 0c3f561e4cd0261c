"""Fixtures for reminder tests: a published plan whose tasks a school holds since July 2020."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from plans.models import AssignmentStatus, ProgressReport
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HANDED_OUT = datetime.datetime(2020, 7, 3, 9, 0, tzinfo=SHANGHAI)


def at(*parts: int) -> datetime.datetime:
    """Return an aware Beijing time."""
    return datetime.datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture
def plan(db):
    return PlanFactory(published_at=HANDED_OUT - datetime.timedelta(hours=1))


@pytest.fixture
def hold(plan, bureau):
    """Return a function that gives the school (or another unit) a task with a deadline."""

    def give(
        deadline: datetime.date | None = datetime.date(2020, 12, 31),
        *,
        unit=None,
        status: str = AssignmentStatus.IN_PROGRESS,
        due_on: datetime.date | None = None,
        created_at: datetime.datetime = HANDED_OUT,
        **task_fields,
    ):
        task = TaskFactory(plan=task_fields.pop("plan", plan), deadline=deadline, **task_fields)
        extra = {}
        if status == AssignmentStatus.COMPLETED:
            extra["completed_at"] = created_at
        if status == AssignmentStatus.DECLINED:
            extra.update(declined_at=created_at, decline_reason="不属于本单位职责。")
        return AssignmentFactory(
            task=task,
            unit=unit or bureau["school"],
            status=status,
            due_on=due_on,
            created_at=created_at,
            **extra,
        )

    return give


@pytest.fixture
def report(people):
    """Return a function that files a report for a period (bypassing the service's clock checks)."""

    def file(assignment, period_key: str, **fields) -> ProgressReport:
        from plans import periods

        period = periods.period_by_key(fields.pop("cycle", "monthly"), period_key)
        return ProgressReport.objects.create(
            assignment=assignment,
            cycle=period.cycle,
            period_key=period.key,
            period_start=period.start,
            period_end=period.end,
            due_on=period.due,
            text="按计划推进。",
            percent=50,
            status="in_progress",
            author=people["unit_staff"],
            created_at=datetime.datetime.combine(period.due, datetime.time(9), tzinfo=SHANGHAI),
            **fields,
        )

    return file
