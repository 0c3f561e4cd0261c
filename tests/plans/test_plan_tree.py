"""The plan overview (计划总览): parts → sections → tasks with lights and percent, scoped, in constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from core import clock
from plans.selectors import plan_tree
from tests.factories import AssignmentFactory, PlanFactory, SectionFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2020, 10, 10)


def _plan_with_parts(bureau):
    plan = PlanFactory()
    part = SectionFactory(plan=plan, path="一", number="一", title="推进党的全面领导", position=1)
    section = SectionFactory(plan=plan, parent=part, path="一.(一)", number="(一)", title="抓党建", position=2)
    other_part = SectionFactory(plan=plan, path="二", number="二", title="补短板", position=3)
    overdue = TaskFactory(plan=plan, section=section, path="一.(一).1", position=4, deadline=datetime.date(2020, 9, 30))
    done = TaskFactory(plan=plan, section=other_part, path="二.2", position=5, deadline=datetime.date(2020, 12, 31))
    AssignmentFactory(task=overdue, unit=bureau["school"], status="in_progress", percent=40)
    AssignmentFactory(
        task=done,
        unit=bureau["other_school"],
        status="completed",
        percent=100,
        completed_at=clock.now(),
    )
    return plan, overdue, done


def test_the_tree_nests_sections_under_parts_and_tallies_each_branch(people, bureau):
    plan, overdue, _done = _plan_with_parts(bureau)

    tree = plan_tree(plan=plan, user=people["supervisor"], today=TODAY)

    assert [node["section"].path for node in tree] == ["一", "二"]
    first, second = tree
    assert first["tasks"] == [] and [child["section"].path for child in first["children"]] == ["一.(一)"]
    assert [task.pk for task in first["children"][0]["tasks"]] == [overdue.pk]
    assert first["lights"] == {"red": 1}
    assert second["lights"] == {"done": 1}
    assert [(task.light, task.percent) for task in first["children"][0]["tasks"]] == [("red", 40)]


def test_a_school_sees_only_the_branches_of_its_own_tasks(client, people, bureau):
    plan, overdue, done = _plan_with_parts(bureau)
    client.force_login(people["unit_staff"])

    page = client.get(reverse("plans:plan_tree", args=[plan.pk])).content.decode()

    assert overdue.headline in page or "测试任务" in page
    assert "补短板" not in page  # the other school's branch is not there at all
    assert reverse("plans:task_detail", args=[done.pk]) not in page


def test_another_units_guess_at_a_plan_is_404(client, people, bureau):
    plan, *_ = _plan_with_parts(bureau)
    stranger = UnitFactory(name="厦门市湖里区殿前小学", kind="school")
    people["other_staff"].unit = stranger
    people["other_staff"].save()
    client.force_login(people["other_staff"])

    assert client.get(reverse("plans:plan_tree", args=[plan.pk])).status_code == 404


def test_the_tree_page_runs_the_same_queries_however_big_the_plan(client, people, bureau, django_assert_num_queries):
    plan, *_ = _plan_with_parts(bureau)
    url = reverse("plans:plan_tree", args=[plan.pk])
    client.force_login(people["supervisor"])
    client.get(url)

    # session, user, the user's unit and the unread count (header), the plan, its sections, its tasks with
    # roll-up, their assignments with lights
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    for index in range(30):
        section = SectionFactory(plan=plan, path=f"三.{index}", title=f"篇章{index}", position=10 + index)
        task = TaskFactory(plan=plan, section=section, path=f"三.{index}.1", position=100 + index)
        AssignmentFactory(task=task, unit=bureau["school"])
        AssignmentFactory(task=task, unit=UnitFactory(), role="co")
    with django_assert_num_queries(8):
        page = client.get(url)
    assert page.content.decode().count('class="tree-path"') == 32
