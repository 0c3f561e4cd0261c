"""The dashboard page: who may see it, which plan it shows, and the links behind its charts and tables."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from core import clock
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
ALL_LIGHTS = ["red", "yellow", "green", "grey", "done"]
READ_AT = datetime.datetime(2020, 9, 28, 10, 0)


def _get(client, url=URL, **params):
    with clock.frozen_at(READ_AT):
        return client.get(url, params)


def _filters(url: str | None) -> dict[str, list[str]]:
    """Return the review list's filters in a URL (asserting it is the review list)."""
    parts = urlsplit(url)
    assert parts.path == reverse("plans:review")
    return parse_qs(parts.query)


def test_dashboard_url_is_named():
    assert reverse("dashboard:index") == URL


@pytest.mark.parametrize("role", ["admin", "supervisor", "leader"])
def test_bureau_roles_see_the_dashboard(client, people, small_plan, role):
    client.force_login(people[role])

    response = _get(client)

    assert response.status_code == 200
    assert response.context["plan"] == small_plan.plan
    assert "领导驾驶舱" in response.content.decode()


@pytest.mark.parametrize("role", ["unit_manager", "unit_staff", "other_staff"])
def test_unit_roles_are_refused(client, people, small_plan, role):
    client.force_login(people[role])

    response = _get(client)

    assert response.status_code == 403
    assert "dashboard-data" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, small_plan):
    response = _get(client)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_the_newest_published_plan_is_shown_by_default_and_another_can_be_chosen(client, people):
    older = PlanFactory(plan_year=2019, title="2019年工作要点")
    newer = PlanFactory(plan_year=2020, title="2020年工作要点")
    archived = PlanFactory(plan_year=2021, status="archived", title="2021年工作要点（已归档）")
    draft = PlanFactory(plan_year=2021, status="draft", published_at=None, title="2021年工作要点（草稿）")
    client.force_login(people["leader"])

    assert _get(client).context["plan"] == newer
    assert [plan.pk for plan in _get(client).context["plans"]] == [archived.pk, newer.pk, older.pk]
    assert _get(client, plan=older.pk).context["plan"] == older
    assert _get(client, plan=archived.pk).context["plan"] == archived
    assert _get(client, plan=draft.pk).status_code == 404
    assert _get(client, plan="x").status_code == 404


def test_without_a_published_plan_the_page_says_so(client, people):
    PlanFactory(status="draft", published_at=None)
    client.force_login(people["supervisor"])

    response = _get(client)

    assert response.status_code == 200
    assert response.context["dashboard"] is None
    assert "还没有已发布的工作计划" in response.content.decode()


def test_chart_items_link_to_the_review_list_with_their_filters(client, people, bureau, small_plan):
    client.force_login(people["leader"])
    data = _get(client).context["chart_data"]
    plan = str(small_plan.plan.pk)
    school, department = str(bureau["school"].pk), str(bureau["department"].pk)

    # the plan's segments: one light each
    assert [(item["key"], item["value"], _filters(item["url"])) for item in data["plan"]["items"]] == [
        (light, count, {"plan": [plan], "light": [light]})
        for light, count in zip(ALL_LIGHTS, [1, 1, 1, 1, 1], strict=True)
    ]
    # a part's bar segment: plan, part and light; tasks outside any part have nothing to filter on
    part_one = data["parts"]["series"]["red"][0]
    assert (part_one["value"], _filters(part_one["url"])) == (
        1,
        {"plan": [plan], "section": [str(small_plan.part_one.pk)], "light": ["red"]},
    )
    assert data["parts"]["series"]["grey"][2] == {"value": 1, "url": None}
    # a month of the trend: the assignments due that month, whatever their light
    august = data["trend"]["completion"][1]
    assert _filters(august["url"]) == {
        "plan": [plan],
        "light": ALL_LIGHTS,
        "due_from": ["2020-08-01"],
        "due_to": ["2020-08-31"],
    }
    assert data["trend"]["months"] == ["7月", "8月", "9月"]
    # a unit's bars: all its assignments; missing reports; overdue = red with a deadline before today
    assert data["units"]["names"] == ["厦门市湖里区实验小学", "基教科", "厦门市湖里区金山小学"]
    assert _filters(data["units"]["onTime"][0]["url"]) == {"plan": [plan], "unit": [school], "light": ALL_LIGHTS}
    assert _filters(data["units"]["late"][0]["url"]) == {"plan": [plan], "unit": [school], "light": ALL_LIGHTS}
    assert _filters(data["units"]["missing"][1]["url"]) == {
        "plan": [plan],
        "unit": [department],
        "light": ALL_LIGHTS,
        "missing": ["1"],
    }
    assert _filters(data["units"]["overdue"][0]["url"]) == {
        "plan": [plan],
        "unit": [school],
        "light": ["red"],
        "due_to": ["2020-09-27"],
    }
    assert [item["value"] for item in data["units"]["overdue"]] == [1, 0, 0]
    # the heat map: [month, unit row, on-time rate, on time, late, missing]; a cell opens its unit's list
    assert data["heatmap"]["cells"] == [
        [1, 0, 50.0, 1, 1, 0],
        [2, 0, 50.0, 1, 0, 1],
        [0, 1, 100.0, 1, 0, 0],
        [1, 1, 0.0, 0, 0, 1],
        [2, 1, 0.0, 0, 0, 1],
        [1, 2, 100.0, 1, 0, 0],
    ]
    assert _filters(data["heatmap"]["urls"][1]) == {"plan": [plan], "unit": [department], "light": ALL_LIGHTS}


def test_the_figures_are_readable_without_script_in_the_tables(client, people, bureau, small_plan):
    client.force_login(people["supervisor"])

    html = _get(client).content.decode()

    assert '<script id="dashboard-data" type="application/json">' in html
    assert html.count('<details class="dash-table">') == 5
    assert "全部承办 5 项，已办结 1 项，办结率 20.0%。" in html
    overdue = (
        f"{reverse('plans:review')}?plan={small_plan.plan.pk}&amp;unit={bureau['school'].pk}"
        f"&amp;light=red&amp;due_to=2020-09-27"
    )
    assert f'<a href="{overdue}">1</a>' in html
    assert "1 / 0 / 1" in html  # the school's September cell: on time / late / missing


def _grow(people, bureau, *, tasks: int, units: int) -> None:
    """Add a published plan's worth of tasks, units and monthly reports through the services."""
    from accounts.models import Role
    from plans.services.plans import plan_publish
    from plans.services.reports import report_submit
    from tests.factories import SchoolFactory, UserFactory

    holders = []
    for _ in range(units):
        unit = SchoolFactory()
        holders.append((unit, UserFactory(unit=unit, role=Role.UNIT_STAFF)))
    with clock.frozen_at(datetime.datetime(2020, 7, 1, 8, 0)):
        plan = PlanFactory(status="draft", published_at=None, plan_year=2020)
        assignments = []
        for index in range(tasks):
            task = TaskFactory(plan=plan, reporting_cycle="ten_day" if index % 5 == 0 else "")
            for offset in (0, 1):
                unit, person = holders[(index + offset) % units]
                assignments.append((AssignmentFactory(task=task, unit=unit, role=("lead", "co")[offset]), person))
        plan_publish(actor=people["admin"], plan=plan)
    for number, (assignment, person) in enumerate(assignments):
        for month in (7, 8, 9)[: 1 + number % 3]:
            with clock.frozen_at(datetime.datetime(2020, month, 20 + number % 10, 9, 0)):
                report_submit(
                    actor=person, assignment=assignment, text="进展。", percent=10 * month, status="in_progress"
                )


def test_query_count_does_not_grow_with_tasks_units_and_reports(client, people, bureau, django_assert_num_queries):
    client.force_login(people["leader"])
    _grow(people, bureau, tasks=3, units=3)
    _get(client)

    # session, user, unread messages (header), the plans, and the dashboard's six: sections,
    # lights, trend, reporting cycles, units with missing reports, filings by unit and month
    with django_assert_num_queries(10):
        small = _get(client)
    _grow(people, bureau, tasks=30, units=30)  # the newest plan now has ten times the tasks, units and reports
    with django_assert_num_queries(10):
        large = _get(client)

    assert len(small.context["chart_data"]["units"]["names"]) == 3
    assert len(large.context["chart_data"]["units"]["names"]) == 30
