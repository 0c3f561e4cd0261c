"""The plan page lists a plan's tasks with their units in a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AssignmentFactory, PlanFactory, SectionFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _grow(plan, bureau, tasks: int):
    section = SectionFactory(plan=plan)
    for _ in range(tasks):
        task = TaskFactory(plan=plan, section=section)
        AssignmentFactory(task=task, unit=bureau["school"])
        AssignmentFactory(task=task, unit=UnitFactory(), role="co")


@pytest.mark.parametrize("role", ["supervisor", "unit_staff"])
def test_plan_page_query_count_does_not_grow_with_tasks(client, people, bureau, django_assert_num_queries, role):
    plan = PlanFactory()
    _grow(plan, bureau, 3)
    client.force_login(people[role])
    url = reverse("plans:plan_detail", args=[plan.pk])
    client.get(url)

    # session, user, the unread count and the user's unit (header), the plan, its sections, its tasks,
    # their assignments with units and lights
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    _grow(plan, bureau, 25)
    with django_assert_num_queries(8):
        page = client.get(url)
    assert page.content.decode().count("测试任务") == 28


def test_publishing_is_for_admins_and_only_once(client, people, bureau):
    plan = PlanFactory(status="draft", published_at=None)
    _grow(plan, bureau, 1)
    client.force_login(people["supervisor"])
    client.post(reverse("plans:plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == "draft"

    client.force_login(people["admin"])
    client.post(reverse("plans:plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == "published" and plan.published_at is not None
    response = client.post(reverse("plans:plan_publish", args=[plan.pk]), follow=True)
    assert "只有草稿状态的计划可以发布" in response.content.decode()
