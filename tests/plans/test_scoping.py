"""Every read is scoped: a school sees only its own tasks; bureau roles see all. Lists do not N+1."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.selectors import assignments_visible_to, plan_list_for, plans_visible_to, tasks_visible_to
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(bureau):
    """A published plan with tasks for both schools and the department, and a draft plan for the school."""
    plan = PlanFactory()
    own = AssignmentFactory(task=TaskFactory(plan=plan, headline="本校的任务"), unit=bureau["school"])
    other = AssignmentFactory(task=TaskFactory(plan=plan, headline="别校的任务"), unit=bureau["other_school"])
    department = AssignmentFactory(task=TaskFactory(plan=plan, headline="科室的任务"), unit=bureau["department"])
    draft = PlanFactory(status="draft", published_at=None)
    unpublished = AssignmentFactory(task=TaskFactory(plan=draft, headline="未发布的任务"), unit=bureau["school"])
    return {
        "plan": plan,
        "draft": draft,
        "own": own,
        "other": other,
        "department": department,
        "unpublished": unpublished,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {"own", "other", "department", "unpublished"}),
        ("supervisor", {"own", "other", "department", "unpublished"}),
        ("leader", {"own", "other", "department", "unpublished"}),
        ("unit_manager", {"own"}),
        ("unit_staff", {"own"}),
        ("other_staff", {"other"}),
    ],
)
def test_each_role_sees_exactly_its_assignments_tasks_and_plans(people, work, role, expected):
    user = people[role]

    assignments = set(assignments_visible_to(user))
    tasks = set(tasks_visible_to(user))
    plans = set(plans_visible_to(user))

    assert assignments == {work[name] for name in expected}
    assert tasks == {work[name].task for name in expected}
    assert plans == {work[name].task.plan for name in expected}


def test_a_user_without_a_unit_in_a_unit_role_sees_nothing(people, work):
    user = people["unit_staff"]
    user.unit_id = None  # not saved: the database refuses it; a selector must still be safe
    assert not assignments_visible_to(user).exists()
    assert not tasks_visible_to(user).exists()


def test_inactive_bureau_user_sees_nothing(people, work):
    supervisor = people["supervisor"]
    supervisor.is_active = False
    assert not assignments_visible_to(supervisor).exists()


def test_school_home_page_lists_only_its_own_open_tasks(client, people, work):
    client.force_login(people["unit_staff"])

    page = client.get(reverse("core:home")).content.decode()

    assert "本校的任务" in page
    assert "别校的任务" not in page and "科室的任务" not in page and "未发布的任务" not in page


def test_supervisor_home_page_lists_every_plan_with_counts(client, people, work):
    client.force_login(people["supervisor"])

    page = client.get(reverse("core:home")).content.decode()

    assert work["plan"].title in page and work["draft"].title in page
    listed = {plan.pk: (plan.task_count, plan.open_assignment_count) for plan in plan_list_for(people["supervisor"])}
    assert listed == {work["plan"].pk: (3, 3), work["draft"].pk: (1, 1)}


def _grow(bureau, plans: int, tasks_per_plan: int):
    for _ in range(plans):
        plan = PlanFactory()
        for _ in range(tasks_per_plan):
            task = TaskFactory(plan=plan)
            AssignmentFactory(task=task, unit=bureau["school"])
            AssignmentFactory(task=task, unit=UnitFactory(), role="co")


@pytest.mark.parametrize("role", ["supervisor", "unit_staff"])
def test_home_page_query_count_does_not_grow_with_plans_tasks_or_units(
    client, people, bureau, django_assert_num_queries, role
):
    client.force_login(people[role])
    _grow(bureau, plans=2, tasks_per_plan=3)
    client.get(reverse("core:home"))  # warm the session and content types

    # session, user, the user's unit for the header and the unread count; then for the bureau the plan
    # list, its light counts and the queue's four counts, for a unit the workbench's assignments, escalations
    # and instructions.
    expected = {"supervisor": 10, "unit_staff": 7}[role]
    with django_assert_num_queries(expected):
        small = client.get(reverse("core:home"))
    _grow(bureau, plans=5, tasks_per_plan=8)
    with django_assert_num_queries(expected):
        large = client.get(reverse("core:home"))

    assert small.status_code == large.status_code == 200
