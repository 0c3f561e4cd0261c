"""The live plan's story holds whatever day the demo is built."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from core import clock
from plans.lights import Light
from plans.models import Assignment, ProgressReport
from plans.selectors.workbench import workbench_for
from seeds.demo import seed_demo_directory
from seeds.history import build_cast, lights_of, live_plan
from seeds.history.live import play_live
from seeds.plans import seed_demo_plans

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EVERY_LIGHT = {light.value for light in Light}


def seed_live_plan(moment: datetime.datetime):
    """Build the directory and the plans, then play only this year's plan (the 2020 one is not needed here)."""
    with clock.frozen_at(moment):
        seed_demo_directory()
        seed_demo_plans(User.objects.get(username="admin"))
        plan = live_plan()
        cast, _ = build_cast(Assignment.objects.filter(task__plan=plan).values_list("unit_id", flat=True))
        play_live(plan, cast)
    return plan


def live_lights_on_workbench(username: str, plan, today: datetime.date) -> set[str]:
    workbench = workbench_for(User.objects.get(username=username), today=today)
    groups = (workbench.due_this_cycle, workbench.overdue, workbench.rest, workbench.done)
    return {a.light for group in groups for a in group if a.task.plan_id == plan.pk}


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 1, 2, 8, 0),  # the publication day, before nine: the whole story squeezed into minutes
        datetime.datetime(2026, 2, 1, 23, 30),  # a Sunday night, the first of a month
        datetime.datetime(2026, 12, 29, 10, 0),  # every year-end deadline is within a week
    ],
    ids=["publication-morning", "sunday-first-of-month", "year-end"],
)
def test_every_light_shows_whatever_day_the_demo_is_built(moment):
    plan = seed_live_plan(moment)
    today = moment.date()

    assert {light for light, count in lights_of(plan, today=today).items() if count} == EVERY_LIGHT
    for username in ("school_staff", "dept_staff"):
        assert live_lights_on_workbench(username, plan, today) == EVERY_LIGHT
        assert workbench_for(User.objects.get(username=username), today=today).overdue
    assert not ProgressReport.objects.filter(created_at__gt=timezone.make_aware(moment)).exists()
