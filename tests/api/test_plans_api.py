"""The directory and plan collections of the API: who sees what, filters, ordering, pages and the two actions."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, UnitKind
from api.models import TokenScope
from api.services import api_token_issue
from core import clock
from plans.lights import annotate_lights
from plans.models import Assignment, AssignmentStatus, PlanStatus, Task
from tests.exports.conftest import on
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    SchoolFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
LONG_AGO = datetime.datetime(2020, 12, 31, tzinfo=datetime.UTC)
BUREAU_ROLES = ("admin", "supervisor", "leader")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def every_id(client, url: str) -> list[int]:
    """Follow the cursor links from the first page to the last; return the ids in page order."""
    seen: list[int] = []
    while url:
        response = client.get(url)
        seen += ids(response)
        url = response.json()["next"]
    return seen


def add_rows(bureau, count: int) -> None:
    """Add a published plan with `count` sections and tasks held by the school and the department."""
    plan = PlanFactory(status=PlanStatus.PUBLISHED)
    for _ in range(count):
        section = SectionFactory(plan=plan)
        task = TaskFactory(plan=plan, section=section, deadline=D(2020, 12, 31))
        AssignmentFactory(task=task, unit=bureau["school"])
        AssignmentFactory(task=task, unit=bureau["department"], role="co")
        UnitFactory()
        UserFactory(unit=bureau["school"])


def query_count(client, url: str) -> int:
    client.get(url)  # the token's first use records its last-used time; measure the calls after it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


class TestSignIn:
    @pytest.mark.parametrize("path", ["units", "people", "plans", "sections", "tasks", "assignments"])
    def test_a_request_without_a_token_is_refused(self, anonymous, path):
        assert anonymous.get(f"/api/v1/{path}/").status_code in (401, 403)


class TestUnits:
    @pytest.mark.parametrize("role", ["admin", "unit_staff", "other_staff"])
    def test_every_signed_in_user_lists_every_unit(self, api, bureau, people, role):
        listed = ids(api(role).get("/api/v1/units/"))
        assert sorted(listed) == sorted(unit.pk for unit in bureau.values())

    def test_a_unit_shows_its_kind_with_its_label_and_its_parent(self, api, bureau):
        row = api("unit_staff").get(f"/api/v1/units/{bureau['department'].pk}/").json()
        assert row["kind"] == "department" and row["kind_label"] == "机关科室"
        assert row["short_name"] == "基教科" and row["parent"] == bureau["bureau"].pk
        assert row["updated_at"].endswith("+08:00")

    def test_units_filter_by_kind_and_parent(self, api, bureau):
        client = api("supervisor")
        schools = ids(client.get("/api/v1/units/", {"kind": UnitKind.SCHOOL}))
        assert sorted(schools) == sorted([bureau["school"].pk, bureau["other_school"].pk])
        children = ids(client.get("/api/v1/units/", {"parent": bureau["bureau"].pk}))
        assert bureau["bureau"].pk not in children and len(children) == 4

    def test_units_come_in_their_sort_order(self, api, bureau):
        listed = ids(api("supervisor").get("/api/v1/units/"))
        expected = sorted(bureau.values(), key=lambda unit: (unit.sort_order, unit.pk))
        assert listed == [unit.pk for unit in expected]


class TestPeople:
    @pytest.mark.parametrize("role", BUREAU_ROLES)
    def test_bureau_roles_see_everyone(self, api, people, role):
        assert sorted(ids(api(role).get("/api/v1/people/"))) == sorted(person.pk for person in people.values())

    def test_a_school_sees_only_its_own_people(self, api, people):
        listed = ids(api("unit_staff").get("/api/v1/people/"))
        assert sorted(listed) == sorted([people["unit_staff"].pk, people["unit_manager"].pk])

    def test_a_person_of_another_unit_is_not_found_for_a_school(self, api, people):
        assert api("unit_staff").get(f"/api/v1/people/{people['other_staff'].pk}/").status_code == 404

    def test_a_person_shows_no_password_and_no_contact_details(self, api, people):
        row = api("admin").get(f"/api/v1/people/{people['unit_staff'].pk}/").json()
        assert row["role"] == Role.UNIT_STAFF and row["role_label"] == "单位经办人"
        assert row["unit_name"] == "厦门市湖里区实验小学"
        assert not {"password", "email", "phone"} & set(row)

    def test_people_filter_by_unit_and_role(self, api, people, bureau):
        client = api("supervisor")
        school = ids(client.get("/api/v1/people/", {"unit": bureau["school"].pk}))
        assert sorted(school) == sorted([people["unit_staff"].pk, people["unit_manager"].pk])
        assert ids(client.get("/api/v1/people/", {"role": Role.LEADER})) == [people["leader"].pk]


class TestPlans:
    def test_a_school_sees_the_plans_with_its_tasks_and_the_bureau_sees_drafts_too(self, api, history, bureau):
        draft = PlanFactory(status=PlanStatus.DRAFT, published_at=None)
        AssignmentFactory(task=TaskFactory(plan=draft), unit=bureau["school"])
        assert ids(api("unit_staff").get("/api/v1/plans/")) == [history.plan.pk]
        assert sorted(ids(api("leader").get("/api/v1/plans/"))) == sorted([history.plan.pk, draft.pk])
        assert api("unit_staff").get(f"/api/v1/plans/{draft.pk}/").status_code == 404

    def test_a_plan_of_other_units_only_is_not_found_for_a_school(self, api, history, bureau):
        other = PlanFactory()
        AssignmentFactory(task=TaskFactory(plan=other), unit=bureau["other_school"])
        assert api("unit_staff").get(f"/api/v1/plans/{other.pk}/").status_code == 404
        assert api("other_staff").get(f"/api/v1/plans/{other.pk}/").status_code == 200

    def test_a_plan_shows_its_fields_labels_and_task_count(self, api, history):
        row = api("unit_staff").get(f"/api/v1/plans/{history.plan.pk}/").json()
        assert row["doc_number"] == "厦湖教〔2020〕132号" and row["plan_year"] == 2020
        assert (row["status"], row["status_label"]) == ("published", "已发布")
        assert (row["reporting_cycle"], row["report_due_day"], row["task_count"]) == ("monthly", 25, 3)
        assert row["published_at"] == "2020-07-03T09:00:00+08:00"

    def test_plans_filter_by_status_and_year(self, api, history):
        draft = PlanFactory(status=PlanStatus.DRAFT, published_at=None, plan_year=2021)
        client = api("supervisor")
        assert ids(client.get("/api/v1/plans/", {"status": "draft"})) == [draft.pk]
        assert ids(client.get("/api/v1/plans/", {"plan_year": 2020})) == [history.plan.pk]
        assert client.get("/api/v1/plans/", {"status": "nonsense"}).status_code == 400


class TestSections:
    def test_a_school_sees_the_sections_of_its_plans_only(self, api, history, bureau):
        other = SectionFactory(plan=PlanFactory())
        AssignmentFactory(task=TaskFactory(plan=other.plan), unit=bureau["other_school"])
        listed = ids(api("unit_staff").get("/api/v1/sections/"))
        assert len(listed) == 3 and other.pk not in listed
        assert api("unit_staff").get(f"/api/v1/sections/{other.pk}/").status_code == 404

    def test_sections_filter_by_plan_and_come_in_position_order(self, api, history):
        rows = api("supervisor").get("/api/v1/sections/", {"plan": history.plan.pk}).json()["results"]
        assert [row["path"] for row in rows] == ["一", "二", "二.一"]
        assert rows[2]["parent"] == rows[1]["id"]


class TestTasks:
    def test_a_school_sees_the_tasks_given_to_it(self, api, history):
        task1, task2, task3 = history.tasks
        assert ids(api("unit_staff").get("/api/v1/tasks/")) == [task1.pk, task2.pk]
        assert ids(api("other_staff").get("/api/v1/tasks/")) == [task3.pk]
        assert ids(api("supervisor").get("/api/v1/tasks/")) == [task1.pk, task2.pk, task3.pk]

    def test_another_units_task_is_not_found_for_a_school(self, api, history):
        assert api("unit_staff").get(f"/api/v1/tasks/{history.tasks[2].pk}/").status_code == 404

    def test_a_task_names_its_lead_and_co_units(self, api, history, bureau):
        row = api("unit_staff").get(f"/api/v1/tasks/{history.tasks[1].pk}/").json()
        assert row["headline"] == "全面加强基层党组织建设" and row["path"] == "一.2"
        assert row["lead_units"] == [{"id": bureau["department"].pk, "name": "基础教育科", "short_name": "基教科"}]
        assert [unit["id"] for unit in row["co_units"]] == [bureau["school"].pk]

    def test_tasks_filter_by_plan_section_and_deadline_range(self, api, history):
        _task1, task2, task3 = history.tasks
        client = api("supervisor")
        assert ids(client.get("/api/v1/tasks/", {"section": task3.section_id})) == [task3.pk]
        assert ids(client.get("/api/v1/tasks/", {"plan": history.plan.pk + 1000})) == []
        within = ids(client.get("/api/v1/tasks/", {"deadline_after": "2020-11-30", "deadline_before": "2020-11-30"}))
        assert within == [task2.pk]

    def test_tasks_order_by_deadline_with_undated_ones_last(self, api, history):
        undated = TaskFactory(plan=history.plan, deadline=None)
        listed = ids(api("supervisor").get("/api/v1/tasks/", {"ordering": "deadline"}))
        assert listed[0] == history.tasks[1].pk and listed[-1] == undated.pk

    def test_tasks_filter_by_updated_since(self, api, history):
        Task.objects.update(updated_at=LONG_AGO)
        since = timezone.now().isoformat()
        task1 = history.tasks[0]
        task1.save()  # touched after `since`
        assert ids(api("supervisor").get("/api/v1/tasks/", {"updated_since": since})) == [task1.pk]
        assert api("supervisor").get("/api/v1/tasks/", {"updated_since": "yesterday"}).status_code == 400


class TestAssignments:
    def test_each_role_lists_the_assignments_it_may_see(self, api, history):
        h = history
        assert sorted(ids(api("unit_staff").get("/api/v1/assignments/"))) == sorted([h.lead1.pk, h.co2.pk])
        assert sorted(ids(api("unit_manager").get("/api/v1/assignments/"))) == sorted([h.lead1.pk, h.co2.pk])
        assert ids(api("other_staff").get("/api/v1/assignments/")) == [h.lead3.pk]
        everything = sorted(a.pk for a in (h.lead1, h.co1, h.lead2, h.co2, h.lead3))
        for role in BUREAU_ROLES:
            assert sorted(ids(api(role).get("/api/v1/assignments/"))) == everything

    def test_another_units_assignment_is_not_found_for_a_school(self, api, history):
        assert api("unit_staff").get(f"/api/v1/assignments/{history.lead3.pk}/").status_code == 404

    def test_an_assignment_shows_its_light_reason_and_effective_due(self, api, history, bureau):
        with on(D(2020, 12, 10)):
            row = api("unit_staff").get(f"/api/v1/assignments/{history.lead1.pk}/").json()
        assert row["task"] == {
            "id": history.tasks[0].pk,
            "plan": history.plan.pk,
            "path": "一.1",
            "headline": "深入学习贯彻十九大精神",
        }
        assert row["unit"]["id"] == bureau["school"].pk and row["unit"]["name"] == "厦门市湖里区实验小学"
        assert (row["role"], row["role_label"], row["status"], row["status_label"]) == (
            "lead",
            "牵头",
            "in_progress",
            "办理中",
        )
        assert row["effective_due"] == "2021-01-31" and row["due_on"] == "2021-01-31"
        assert (row["light"], row["light_label"], row["light_reason"]) == ("yellow", "黄灯", "上期未报")
        assert row["acknowledged_at"] == "2020-07-06T10:00:00+08:00" and row["percent"] == 60

    def test_assignments_filter_by_light_as_the_lights_module_computes_it(self, api, history):
        with on(D(2020, 12, 10)):
            lights = dict(annotate_lights(Assignment.objects.all(), today=clock.today()).values_list("pk", "light"))
            client = api("supervisor")
            by_light = {
                light: sorted(ids(client.get("/api/v1/assignments/", {"light": light}))) for light in lights.values()
            }
        assert len(by_light) >= 2
        for light, listed in by_light.items():
            assert listed == sorted(pk for pk, value in lights.items() if value == light)

    def test_assignments_filter_by_unit_plan_role_and_status(self, api, history, bureau):
        h = history
        client = api("supervisor")
        department = ids(client.get("/api/v1/assignments/", {"unit": bureau["department"].pk}))
        assert sorted(department) == sorted([h.co1.pk, h.lead2.pk])
        assert len(ids(client.get("/api/v1/assignments/", {"plan": h.plan.pk}))) == 5
        assert ids(client.get("/api/v1/assignments/", {"plan": h.plan.pk + 1000})) == []
        assert sorted(ids(client.get("/api/v1/assignments/", {"role": "co"}))) == sorted([h.co1.pk, h.co2.pk])
        assert ids(client.get("/api/v1/assignments/", {"status": AssignmentStatus.NEW})) == [h.co2.pk]

    def test_assignments_filter_by_effective_due_range(self, api, history):
        client = api("supervisor")
        extended = ids(client.get("/api/v1/assignments/", {"due_after": "2021-01-01"}))
        assert extended == [history.lead1.pk]
        november = ids(client.get("/api/v1/assignments/", {"due_after": "2020-11-01", "due_before": "2020-11-30"}))
        assert sorted(november) == sorted([history.lead2.pk, history.co2.pk])

    def test_a_school_filtering_by_another_unit_finds_nothing(self, api, history, bureau):
        assert ids(api("unit_staff").get("/api/v1/assignments/", {"unit": bureau["other_school"].pk})) == []

    def test_assignments_filter_by_updated_since(self, api, history):
        Assignment.objects.update(updated_at=LONG_AGO)
        since = timezone.now().isoformat()
        Assignment.objects.get(pk=history.co1.pk).save()
        assert ids(api("supervisor").get("/api/v1/assignments/", {"updated_since": since})) == [history.co1.pk]

    def test_assignments_order_by_effective_due_then_id(self, api, history):
        rows = api("supervisor").get("/api/v1/assignments/", {"ordering": "effective_due"}).json()["results"]
        keys = [(row["effective_due"], row["id"]) for row in rows]
        assert keys == sorted(keys) and rows[-1]["id"] == history.lead1.pk
        descending = ids(api("supervisor").get("/api/v1/assignments/", {"ordering": "-effective_due"}))
        assert descending == [row["id"] for row in reversed(rows)]

    def test_the_default_order_is_newest_first(self, api, history):
        listed = ids(api("supervisor").get("/api/v1/assignments/"))
        assert listed == sorted(listed, reverse=True)


class TestCursorPages:
    def test_the_next_link_walks_every_row_once_in_a_small_page_size(self, api, history, bureau):
        add_rows(bureau, 6)
        client = api("supervisor")
        first = client.get("/api/v1/assignments/", {"page_size": 4}).json()
        assert len(first["results"]) == 4 and first["next"] and first["previous"] is None
        walked = every_id(client, "/api/v1/assignments/?page_size=4")
        assert sorted(walked) == sorted(Assignment.objects.values_list("pk", flat=True))
        assert len(walked) == len(set(walked))

    @pytest.mark.parametrize(
        ("path", "ordering"),
        [
            ("assignments", "effective_due"),
            ("assignments", "-effective_due"),
            ("assignments", "updated_at"),
            ("tasks", "deadline"),
            ("tasks", "position"),
            ("sections", "-position"),
            ("units", "sort_order"),
        ],
    )
    def test_pages_over_many_equal_values_never_repeat_or_skip_a_row(self, api, history, bureau, path, ordering):
        add_rows(bureau, 7)  # seven tasks share one deadline: more than a page of ties
        client = api("supervisor")
        whole = ids(client.get(f"/api/v1/{path}/", {"ordering": ordering, "page_size": 500}))
        walked = every_id(client, f"/api/v1/{path}/?ordering={ordering}&page_size=3")
        assert walked == whole

    def test_the_page_size_is_capped(self, api, history):
        response = api("supervisor").get("/api/v1/assignments/", {"page_size": 100000})
        assert response.status_code == 200 and len(response.json()["results"]) == 5


class TestQueryCounts:
    @pytest.mark.parametrize("path", ["units", "people", "plans", "sections", "tasks", "assignments"])
    def test_a_list_makes_as_many_queries_with_twice_the_rows(self, api, history, bureau, path):
        client = api("supervisor")
        add_rows(bureau, 3)
        fewer = query_count(client, f"/api/v1/{path}/")
        add_rows(bureau, 6)
        assert query_count(client, f"/api/v1/{path}/") == fewer

    def test_a_schools_assignment_list_makes_as_many_queries_with_twice_the_rows(self, api, history, bureau):
        client = api("unit_staff")
        add_rows(bureau, 3)
        fewer = query_count(client, "/api/v1/assignments/")
        add_rows(bureau, 6)
        assert query_count(client, "/api/v1/assignments/") == fewer


class TestAcknowledge:
    def test_the_units_staff_acknowledge_a_new_assignment(self, api, history, people):
        response = api("unit_staff").post(f"/api/v1/assignments/{history.co2.pk}/acknowledge/")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "in_progress" and response.json()["acknowledged_at"]
        assert Assignment.objects.get(pk=history.co2.pk).acknowledged_by == people["unit_staff"]

    def test_acknowledging_twice_is_refused_with_the_services_reason(self, api, history):
        response = api("unit_manager").post(f"/api/v1/assignments/{history.lead1.pk}/acknowledge/")
        assert response.status_code == 400
        assert response.json() == {"detail": "这项任务已签收或已退回，无需再次签收。"}

    @pytest.mark.parametrize("role", BUREAU_ROLES)
    def test_bureau_roles_may_not_acknowledge_for_a_unit(self, api, history, role):
        response = api(role).post(f"/api/v1/assignments/{history.co2.pk}/acknowledge/")
        assert response.status_code == 403
        assert response.json()["detail"] == "只有承办单位的人员可以办理这项任务。"

    def test_another_unit_does_not_find_the_assignment(self, api, history):
        assert api("other_staff").post(f"/api/v1/assignments/{history.co2.pk}/acknowledge/").status_code == 404

    def test_a_read_only_token_may_not_acknowledge(self, api, history):
        response = api("unit_staff", TokenScope.READ).post(f"/api/v1/assignments/{history.co2.pk}/acknowledge/")
        assert response.status_code == 403
        assert Assignment.objects.get(pk=history.co2.pk).status == AssignmentStatus.NEW


class TestDecline:
    def test_the_unit_declines_a_new_assignment_within_the_allowed_days(self, api, history):
        with on(D(2020, 7, 7)):
            response = api("unit_staff").post(
                f"/api/v1/assignments/{history.co2.pk}/decline/", {"reason": "不属于本单位职责。"}, format="json"
            )
        assert response.status_code == 200, response.content
        row = response.json()
        assert (row["status"], row["decline_reason"], row["light"]) == ("declined", "不属于本单位职责。", "grey")

    def test_declining_without_a_reason_is_refused_with_the_services_reason(self, api, history):
        with on(D(2020, 7, 7)):
            response = api("unit_staff").post(f"/api/v1/assignments/{history.co2.pk}/decline/", {}, format="json")
        assert response.status_code == 400
        assert response.json()["detail"].startswith("请写明退回理由")

    def test_declining_after_the_allowed_days_is_refused(self, api, history):
        with on(D(2020, 7, 20)):
            response = api("unit_staff").post(
                f"/api/v1/assignments/{history.co2.pk}/decline/", {"reason": "不属于本单位职责。"}, format="json"
            )
        assert response.status_code == 400 and response.json()["detail"].startswith("退回期限已过")

    def test_an_acknowledged_assignment_cannot_be_declined(self, api, history):
        response = api("unit_staff").post(
            f"/api/v1/assignments/{history.lead1.pk}/decline/", {"reason": "不属于本单位职责。"}, format="json"
        )
        assert response.status_code == 400 and response.json()["detail"].startswith("只有尚未签收的任务可以退回")

    def test_the_bureau_may_not_decline_for_a_unit(self, api, history):
        with on(D(2020, 7, 7)):
            response = api("supervisor").post(
                f"/api/v1/assignments/{history.co2.pk}/decline/", {"reason": "代为退回。"}, format="json"
            )
        assert response.status_code == 403

    def test_another_unit_and_a_read_only_token_are_refused(self, api, history):
        url = f"/api/v1/assignments/{history.co2.pk}/decline/"
        assert api("other_staff").post(url, {"reason": "不属于本单位职责。"}, format="json").status_code == 404
        read_only = api("unit_staff", TokenScope.READ)
        assert read_only.post(url, {"reason": "不属于本单位职责。"}, format="json").status_code == 403
        assert Assignment.objects.get(pk=history.co2.pk).status == AssignmentStatus.NEW


class TestSchema:
    def test_the_schema_documents_filters_ordering_and_the_actions_answers(self, client):
        schema = client.get("/api/schema/?format=json").json()
        assignments = schema["paths"]["/api/v1/assignments/"]["get"]
        names = {param["name"] for param in assignments["parameters"]}
        assert {"light", "unit", "plan", "due_after", "due_before", "updated_since", "cursor", "page_size"} <= names
        ordering = next(param for param in assignments["parameters"] if param["name"] == "ordering")
        assert "-effective_due" in ordering["schema"]["enum"]
        decline = schema["paths"]["/api/v1/assignments/{id}/decline/"]["post"]
        assert {"200", "400", "403", "404"} <= set(decline["responses"])
        assert " / " in decline["summary"]


def test_a_school_of_its_own_sees_nothing_of_the_others(api, history, bureau):
    """A new school with its own person sees no plan, task or assignment until it is given one."""
    newcomer = SchoolFactory(name="厦门市湖里区新建小学", parent=bureau["bureau"])
    person = UserFactory(username="t_new", role=Role.UNIT_STAFF, unit=newcomer)
    _token, key = api_token_issue(actor=UserFactory(role=Role.ADMIN, unit=bureau["office"]), user=person, name="新校")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for path in ("plans", "sections", "tasks", "assignments"):
        assert ids(client.get(f"/api/v1/{path}/")) == []
    assert ids(client.get("/api/v1/people/")) == [person.pk]
