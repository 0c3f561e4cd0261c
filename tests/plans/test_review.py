"""The review list (督查台): which assignments it shows, how its filters, sorts and bulk actions behave, who may use it.

The bureau below is built through the services on the dates a real summer would have them; the list is read on
20 September 2020, when August is the last closed monthly period (September's report is not due until the 25th).

Plan 2020 (published 3 July; sections 一 > 一.(一), 二):
  一.(一) 1 逾期任务     deadline 10 Sep   school (lead, reported Aug 10)            red
                                          department (co, never received)          red, August missing
                                          other school (co, declined at once)       not on the list
  一    2 临期任务     deadline 25 Sep   other school (lead, reported Aug 20)       yellow (due soon)
  二    3 漏报任务     deadline 31 Dec   school (lead, received, nothing reported)  yellow, August missing
                                          other school (co, reported Aug 12, escalated, no answer)  red
  二    4 延期任务     deadline 10 Sep   school (lead, reported; granted 31 Oct)    green
  二    5 办结任务     deadline 10 Sep   school (lead, completed)                  done
  二    6 申请办结任务 deadline 10 Sep   school (lead, nothing reported, asks to close) green
Plan 2020 special (published 1 September, so no August report is due):
        1 幼儿园任务   deadline 15 Sep   kindergarten (lead, never received)       red
        2 科室任务     deadline 31 Dec   department (lead, never received)         grey
A draft plan's overdue task is never listed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.messages import get_messages
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Unit
from audit.models import AuditEvent
from audit.selectors import audit_events_for
from core import clock
from notifications.models import Notification
from plans.models import Assignment, Escalation, Plan, ProgressReport, Reminder, SavedFilter, Section, Task
from plans.services import supervision
from plans.services.assignments import assignment_acknowledge, assignment_decline
from plans.services.errors import WorkflowError
from plans.services.plans import plan_publish
from plans.services.reports import report_submit
from plans.services.requests import (
    completion_decide,
    completion_request_submit,
    extension_decide,
    extension_request_submit,
)
from plans.services.saved_filters import saved_filter_save
from plans.services.supervision import escalation_raise
from tests.factories import AssignmentFactory, PlanFactory, SectionFactory, TaskFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2020, 9, 20, 10, 0)
PUBLISHED = datetime.datetime(2020, 7, 3, 9, 0)
SPECIAL_PUBLISHED = datetime.datetime(2020, 9, 1, 9, 0)
PAGE_SIZE = 50

OVERDUE, SOON, MISSING, EXTENDED, DONE, ASKING = (
    "逾期任务",
    "临期任务",
    "漏报任务",
    "延期任务",
    "办结任务",
    "申请办结任务",
)
KINDERGARTEN_TASK, DEPARTMENT_TASK = "幼儿园任务", "科室任务"
SCHOOL, OTHER, DEPARTMENT, KINDERGARTEN = (
    "厦门市湖里区实验小学",
    "厦门市湖里区金山小学",
    "基础教育科",
    "湖里区海湾幼儿园",
)

# What the list shows by default: red (by deadline, then the open escalation) before yellow, each by deadline.
DEFAULT_ROWS = [
    (OVERDUE, DEPARTMENT),
    (OVERDUE, SCHOOL),
    (KINDERGARTEN_TASK, KINDERGARTEN),
    (MISSING, OTHER),
    (SOON, OTHER),
    (MISSING, SCHOOL),
]


@dataclass
class Bureau:
    """The plans, their parts and the people of the review's bureau."""

    plan: Plan
    special: Plan
    draft: Plan
    part_one: Section
    part_one_first: Section
    part_two: Section
    kindergarten: Unit
    units: dict[str, Unit]
    assignments: dict[tuple[str, str], Assignment] = field(default_factory=dict)

    def assignment(self, task: str, unit: str) -> Assignment:
        return self.assignments[(task, unit)]


def _report(actor, assignment: Assignment, period_key: str, percent: int = 30):
    return report_submit(
        actor=actor,
        assignment=assignment,
        text=f"{period_key}进展",
        percent=percent,
        status="in_progress",
        period_key=period_key,
    )


@pytest.fixture
def review_bureau(people, bureau) -> Bureau:
    """Build the plans of the module docstring through the services."""
    school, other, department = bureau["school"], bureau["other_school"], bureau["department"]
    kindergarten = UnitFactory(name=KINDERGARTEN, kind="kindergarten")
    # people in each unit, so reminders and escalations have someone to tell
    UserFactory(username="t_dept_staff", role=Role.UNIT_STAFF, unit=department)
    UserFactory(username="t_kg_staff", role=Role.UNIT_STAFF, unit=kindergarten)
    admin, supervisor = people["admin"], people["supervisor"]
    staff, other_staff = people["unit_staff"], people["other_staff"]
    units = {SCHOOL: school, OTHER: other, DEPARTMENT: department, KINDERGARTEN: kindergarten}
    made: dict[tuple[str, str], Assignment] = {}

    def task(plan, section, headline, deadline, holders):
        created = TaskFactory(plan=plan, section=section, headline=headline, deadline=deadline)
        for index, unit in enumerate(holders):
            made[(headline, unit)] = AssignmentFactory(
                task=created, unit=units[unit], role="lead" if index == 0 else "co"
            )

    with clock.frozen_at(PUBLISHED):
        plan = PlanFactory(title="湖里区教育局2020年工作要点", status="draft", published_at=None)
        part_one = SectionFactory(plan=plan, number="一", path="一", title="第一部分")
        part_one_first = SectionFactory(plan=plan, parent=part_one, number="一", path="一.(一)", title="第一方面")
        part_two = SectionFactory(plan=plan, number="二", path="二", title="第二部分")
        task(plan, part_one_first, OVERDUE, datetime.date(2020, 9, 10), [SCHOOL, DEPARTMENT, OTHER])
        task(plan, part_one, SOON, datetime.date(2020, 9, 25), [OTHER])
        task(plan, part_two, MISSING, datetime.date(2020, 12, 31), [SCHOOL, OTHER])
        task(plan, part_two, EXTENDED, datetime.date(2020, 9, 10), [SCHOOL])
        task(plan, part_two, DONE, datetime.date(2020, 9, 10), [SCHOOL])
        task(plan, part_two, ASKING, datetime.date(2020, 9, 10), [SCHOOL])
        plan_publish(actor=admin, plan=plan)
        draft = PlanFactory(title="湖里区教育局2021年工作要点（草稿）", status="draft", published_at=None)
        AssignmentFactory(
            task=TaskFactory(plan=draft, headline="草稿任务", deadline=datetime.date(2020, 8, 1)), unit=school
        )
    with clock.frozen_at(PUBLISHED + datetime.timedelta(days=1)):
        assignment_decline(actor=other_staff, assignment=made[(OVERDUE, OTHER)], reason="不属于本单位职责。")
        assignment_acknowledge(actor=staff, assignment=made[(MISSING, SCHOOL)])
        assignment_acknowledge(actor=staff, assignment=made[(ASKING, SCHOOL)])
    with clock.frozen_at(datetime.datetime(2020, 8, 5, 9, 0)):
        _report(staff, made[(EXTENDED, SCHOOL)], "2020-07")
        _report(staff, made[(DONE, SCHOOL)], "2020-07")
    with clock.frozen_at(datetime.datetime(2020, 8, 10, 9, 0)):
        _report(staff, made[(OVERDUE, SCHOOL)], "2020-08")
    with clock.frozen_at(datetime.datetime(2020, 8, 12, 9, 0)):
        _report(other_staff, made[(MISSING, OTHER)], "2020-08")
    with clock.frozen_at(datetime.datetime(2020, 8, 20, 9, 0)):
        _report(other_staff, made[(SOON, OTHER)], "2020-08", percent=60)
        _report(staff, made[(EXTENDED, SCHOOL)], "2020-08", percent=50)
    with clock.frozen_at(datetime.datetime(2020, 9, 5, 9, 0)):
        extension = extension_request_submit(
            actor=staff,
            assignment=made[(EXTENDED, SCHOOL)],
            requested_due=datetime.date(2020, 10, 31),
            reason="场地改造推迟。",
        )
        extension_decide(actor=supervisor, request=extension, grant=True)
        finished = completion_request_submit(actor=staff, assignment=made[(DONE, SCHOOL)], summary="已完成。")
        completion_decide(actor=supervisor, request=finished, approve=True)
        completion_request_submit(actor=staff, assignment=made[(ASKING, SCHOOL)], summary="申请办结。")
        escalation_raise(actor=supervisor, assignment=made[(MISSING, OTHER)], reason="请说明进度。")
    with clock.frozen_at(SPECIAL_PUBLISHED):
        special = PlanFactory(title="湖里区教育局2020年专项工作", status="draft", published_at=None)
        task(special, None, KINDERGARTEN_TASK, datetime.date(2020, 9, 15), [KINDERGARTEN])
        task(special, None, DEPARTMENT_TASK, datetime.date(2020, 12, 31), [DEPARTMENT])
        plan_publish(actor=admin, plan=special)
    for assignment in made.values():
        assignment.refresh_from_db()
    return Bureau(
        plan=plan,
        special=special,
        draft=draft,
        part_one=part_one,
        part_one_first=part_one_first,
        part_two=part_two,
        kindergarten=kindergarten,
        units=units,
        assignments=made,
    )


def _open(client, query: str = "", *, user=None):
    if user is not None:
        client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(reverse("plans:review") + (f"?{query}" if query else ""))


def _rows(response) -> list[tuple[str, str]]:
    assert response.status_code == 200
    return [(row.task.headline, row.unit.name) for row in response.context["page"].object_list]


def _messages(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def supervisor_client(client, people):
    client.force_login(people["supervisor"])
    return client


# ---- what the list shows ----------------------------------------------------------------------------------


def test_by_default_the_list_shows_red_then_yellow_assignments_of_published_plans(supervisor_client, review_bureau):
    response = _open(supervisor_client)

    assert _rows(response) == DEFAULT_ROWS
    page = response.content.decode()
    shown = re.findall(r'<td data-label="状态灯" class="nowrap"><span class="light (\w+)">', page)
    assert shown == ["red", "red", "red", "red", "yellow", "yellow"]
    assert "草稿任务" not in page
    assert "<title>督查台（6）" in page
    assert response.context["filters"].lights == ("red", "yellow")


def test_each_row_shows_the_escalation_and_the_missing_report(supervisor_client, review_bureau):
    rows = {(row.task.headline, row.unit.name): row for row in _open(supervisor_client).context["page"].object_list}

    assert [key for key, row in rows.items() if row.has_open_escalation] == [(MISSING, OTHER)]
    missing = [key for key, row in rows.items() if row.report_required and not row.reported_last_period]
    assert missing == [(OVERDUE, DEPARTMENT), (MISSING, SCHOOL)]
    assert {key: row.last_report_at for key, row in rows.items()} == {
        (OVERDUE, DEPARTMENT): None,
        (OVERDUE, SCHOOL): timezone.make_aware(datetime.datetime(2020, 8, 10, 9, 0)),
        (KINDERGARTEN_TASK, KINDERGARTEN): None,
        (MISSING, OTHER): timezone.make_aware(datetime.datetime(2020, 8, 12, 9, 0)),
        (SOON, OTHER): timezone.make_aware(datetime.datetime(2020, 8, 20, 9, 0)),
        (MISSING, SCHOOL): None,
    }


def test_light_counts_cover_every_light_of_published_plans_without_declined_assignments(
    supervisor_client, review_bureau
):
    counts = _open(supervisor_client).context["light_counts"]

    assert counts == {"red": 4, "yellow": 2, "green": 2, "grey": 1, "done": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("plan={plan}", [row for row in DEFAULT_ROWS if row[0] != KINDERGARTEN_TASK], id="plan"),
        pytest.param("plan={special}", [(KINDERGARTEN_TASK, KINDERGARTEN)], id="other-plan"),
        # a part matches the tasks of its sections too
        pytest.param(
            "section={part_one}", [(OVERDUE, DEPARTMENT), (OVERDUE, SCHOOL), (SOON, OTHER)], id="part-with-sections"
        ),
        pytest.param("section={part_one_first}", [(OVERDUE, DEPARTMENT), (OVERDUE, SCHOOL)], id="section"),
        pytest.param("section={part_two}", [(MISSING, OTHER), (MISSING, SCHOOL)], id="other-part"),
        pytest.param("unit={school}", [(OVERDUE, SCHOOL), (MISSING, SCHOOL)], id="unit"),
        pytest.param("kind=kindergarten", [(KINDERGARTEN_TASK, KINDERGARTEN)], id="kind"),
        pytest.param("kind=department", [(OVERDUE, DEPARTMENT)], id="other-kind"),
        pytest.param("light=red", DEFAULT_ROWS[:4], id="one-light"),
        pytest.param(
            "light=green&light=grey",
            [(DEPARTMENT_TASK, DEPARTMENT), (ASKING, SCHOOL), (EXTENDED, SCHOOL)],
            id="repeated-light",
        ),
        pytest.param("light=done", [(DONE, SCHOOL)], id="done"),
        # the granted deadline counts, not the task's: 延期任务 was due 10 September, granted 31 October
        pytest.param("light=green&due_from=2020-10-01", [(EXTENDED, SCHOOL)], id="due-from-granted"),
        pytest.param("light=green&due_to=2020-09-30", [(ASKING, SCHOOL)], id="due-to-granted"),
        pytest.param(
            "due_from=2020-09-15&due_to=2020-09-25",
            [(KINDERGARTEN_TASK, KINDERGARTEN), (SOON, OTHER)],
            id="due-range",
        ),
        # August's report is missing while the unit holds the task; the one asking to close is not held
        pytest.param("missing=1", [(OVERDUE, DEPARTMENT), (MISSING, SCHOOL)], id="missing"),
        pytest.param("missing=1&light=green&light=grey&light=done", [], id="missing-only-while-held"),
        pytest.param("unit={school}&section={part_two}&missing=1", [(MISSING, SCHOOL)], id="combined"),
    ],
)
def test_each_filter_narrows_the_list(supervisor_client, review_bureau, query, expected):
    values = {
        "plan": review_bureau.plan.pk,
        "special": review_bureau.special.pk,
        "part_one": review_bureau.part_one.pk,
        "part_one_first": review_bureau.part_one_first.pk,
        "part_two": review_bureau.part_two.pk,
        "school": review_bureau.units[SCHOOL].pk,
    }

    response = _open(supervisor_client, query.format(**values))

    assert _rows(response) == expected
    assert response.context["error_fields"] == []
    assert "部分筛选条件无法识别" not in response.content.decode()


def test_a_part_matches_the_tasks_of_its_sections_at_any_depth(supervisor_client, people, bureau):
    with clock.frozen_at(PUBLISHED):
        plan = PlanFactory(status="draft", published_at=None)
        part = SectionFactory(plan=plan, number="三", path="三", title="第三部分")
        section = SectionFactory(plan=plan, parent=part, number="一", path="三.(一)", title="第一方面")
        deeper = SectionFactory(plan=plan, parent=section, number="1", path="三.(一).1", title="第一小节")
        other = SectionFactory(plan=plan, number="四", path="四", title="第四部分")
        for where, headline in ((part, "部分下的任务"), (deeper, "小节下的任务"), (other, "别的部分的任务")):
            task = TaskFactory(plan=plan, section=where, headline=headline, deadline=datetime.date(2020, 9, 1))
            AssignmentFactory(task=task, unit=bureau["school"])
        plan_publish(actor=people["admin"], plan=plan)

    assert _rows(_open(supervisor_client, f"section={part.pk}")) == [("部分下的任务", SCHOOL), ("小节下的任务", SCHOOL)]
    assert _rows(_open(supervisor_client, f"section={section.pk}")) == [("小节下的任务", SCHOOL)]


def test_an_archived_plan_is_listed_only_when_chosen(supervisor_client, review_bureau):
    Plan.objects.filter(pk=review_bureau.special.pk).update(status="archived")  # no service archives a plan yet

    default = _open(supervisor_client)
    chosen = _open(supervisor_client, f"plan={review_bureau.special.pk}")

    assert _rows(default) == [row for row in DEFAULT_ROWS if row[0] != KINDERGARTEN_TASK]
    assert _rows(chosen) == [(KINDERGARTEN_TASK, KINDERGARTEN)]
    assert chosen.context["light_counts"] == {"red": 1, "yellow": 0, "green": 0, "grey": 1, "done": 0}
    assert [plan.title for plan in chosen.context["plans"]] == [
        "湖里区教育局2020年专项工作",
        "湖里区教育局2020年工作要点",
    ]


def test_a_draft_plan_is_never_listed_even_when_chosen(supervisor_client, review_bureau):
    response = _open(supervisor_client, f"plan={review_bureau.draft.pk}&light=red&light=yellow&light=grey")

    assert _rows(response) == []
    assert response.context["light_counts"] == {"red": 0, "yellow": 0, "green": 0, "grey": 0, "done": 0}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        pytest.param("light", DEFAULT_ROWS, id="light"),
        # by the (granted) deadline; on the same day, red before yellow
        pytest.param(
            "deadline",
            [
                (OVERDUE, DEPARTMENT),
                (OVERDUE, SCHOOL),
                (KINDERGARTEN_TASK, KINDERGARTEN),
                (SOON, OTHER),
                (MISSING, OTHER),
                (MISSING, SCHOOL),
            ],
            id="deadline",
        ),
        pytest.param(
            "-deadline",
            [
                (MISSING, OTHER),
                (MISSING, SCHOOL),
                (SOON, OTHER),
                (KINDERGARTEN_TASK, KINDERGARTEN),
                (OVERDUE, DEPARTMENT),
                (OVERDUE, SCHOOL),
            ],
            id="latest-deadline",
        ),
        # by the units' order (department, school, other school, kindergarten), red first within a unit
        pytest.param(
            "unit",
            [
                (OVERDUE, DEPARTMENT),
                (OVERDUE, SCHOOL),
                (MISSING, SCHOOL),
                (MISSING, OTHER),
                (SOON, OTHER),
                (KINDERGARTEN_TASK, KINDERGARTEN),
            ],
            id="unit",
        ),
        # by plan, then the task's place in it
        pytest.param(
            "task",
            [
                (OVERDUE, DEPARTMENT),
                (OVERDUE, SCHOOL),
                (SOON, OTHER),
                (MISSING, SCHOOL),
                (MISSING, OTHER),
                (KINDERGARTEN_TASK, KINDERGARTEN),
            ],
            id="task",
        ),
        # never reported first (red before yellow), then the longest since the last report
        pytest.param(
            "last_report",
            [
                (OVERDUE, DEPARTMENT),
                (KINDERGARTEN_TASK, KINDERGARTEN),
                (MISSING, SCHOOL),
                (OVERDUE, SCHOOL),
                (MISSING, OTHER),
                (SOON, OTHER),
            ],
            id="last-report",
        ),
    ],
)
def test_each_sort_orders_the_list(supervisor_client, review_bureau, sort, expected):
    response = _open(supervisor_client, f"sort={sort}")

    assert _rows(response) == expected
    assert response.context["filters"].sort == sort


def test_tasks_without_a_deadline_come_after_those_with_one(supervisor_client, people, bureau):
    with clock.frozen_at(PUBLISHED):
        plan = PlanFactory(status="draft", published_at=None)
        ongoing = TaskFactory(plan=plan, headline="持续推进的任务", deadline=None, deadline_text="持续推进")
        soon = TaskFactory(plan=plan, headline="临期任务", deadline=datetime.date(2020, 9, 24))
        AssignmentFactory(task=ongoing, unit=bureau["school"])
        AssignmentFactory(task=soon, unit=bureau["school"])
        plan_publish(actor=people["admin"], plan=plan)

    for sort in ("light", "deadline"):
        # both yellow: one due in four days, one with its August report missing
        assert _rows(_open(supervisor_client, f"sort={sort}")) == [(soon.headline, SCHOOL), (ongoing.headline, SCHOOL)]


def test_an_unknown_sort_falls_back_to_the_lights(supervisor_client, review_bureau):
    response = _open(supervisor_client, "sort=secret")

    assert _rows(response) == DEFAULT_ROWS
    assert response.context["filters"].sort == "light"


def test_bad_filter_values_are_ignored_with_a_notice(supervisor_client, review_bureau):
    response = _open(supervisor_client, "plan=abc&section=一&unit=-3&kind=training&due_from=2020-02-30&due_to=tomorrow")

    assert _rows(response) == DEFAULT_ROWS
    assert response.context["error_fields"] == ["plan", "section", "unit", "kind", "due_from", "due_to"]
    assert '<p class="error-text" role="alert">部分筛选条件无法识别，已忽略。</p>' in response.content.decode()


def test_filters_naming_nothing_show_an_empty_list(supervisor_client, review_bureau):
    response = _open(supervisor_client, "plan=999999&unit=999999&due_from=2020-10-01&due_to=2020-09-01")

    assert _rows(response) == []
    assert "没有符合条件的承办。" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("plan=%C2%B2", id="superscript-digit"),
        pytest.param("section=%D9%A3", id="arabic-indic-digit"),
        pytest.param("unit=99999999999999999999999", id="too-large"),
        pytest.param("plan=0", id="zero"),
    ],
)
def test_a_strange_number_is_ignored_with_a_notice_not_an_error(supervisor_client, review_bureau, query):
    response = _open(supervisor_client, query)

    assert response.status_code == 200
    assert _rows(response) == DEFAULT_ROWS
    assert "部分筛选条件无法识别，已忽略。" in response.content.decode()


def test_an_unknown_light_is_ignored_with_a_notice(supervisor_client, review_bureau):
    response = _open(supervisor_client, "light=purple")

    assert _rows(response) == DEFAULT_ROWS
    assert "部分筛选条件无法识别，已忽略。" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("unit={school}", {"red": 1, "yellow": 1, "green": 2, "grey": 0, "done": 1}, id="unit"),
        # the chosen lights do not change the counts on the light tabs
        pytest.param(
            "unit={school}&light=green", {"red": 1, "yellow": 1, "green": 2, "grey": 0, "done": 1}, id="unit-green"
        ),
        pytest.param("plan={special}", {"red": 1, "yellow": 0, "green": 0, "grey": 1, "done": 0}, id="plan"),
        pytest.param("missing=1", {"red": 1, "yellow": 1, "green": 0, "grey": 0, "done": 0}, id="missing"),
        pytest.param("due_from=2020-10-01", {"red": 1, "yellow": 1, "green": 1, "grey": 1, "done": 0}, id="due-from"),
    ],
)
def test_light_counts_follow_the_other_filters(supervisor_client, review_bureau, query, expected):
    values = {"school": review_bureau.units[SCHOOL].pk, "special": review_bureau.special.pk}

    response = _open(supervisor_client, query.format(**values))

    assert response.context["light_counts"] == expected
    page = response.content.decode()
    shown = re.findall(r'<span class="light (\w+)">.*?</span> <span class="muted">(\d+)</span>', page)
    assert dict(shown) == {light: str(count) for light, count in expected.items()}


def test_pages_of_fifty_keep_the_filters(supervisor_client, people, bureau):
    schools = [UnitFactory(name=f"湖里区第{n}分页小学", kind="school") for n in range(PAGE_SIZE + 5)]
    with clock.frozen_at(PUBLISHED):
        plan = PlanFactory(status="draft", published_at=None)
        task = TaskFactory(plan=plan, headline="全区学校都逾期的任务", deadline=datetime.date(2020, 9, 1))
        for school in schools:
            AssignmentFactory(task=task, unit=school, role="co")
        AssignmentFactory(task=task, unit=bureau["department"])
        plan_publish(actor=people["admin"], plan=plan)
    query = f"plan={plan.pk}&kind=school&light=red"

    first = _open(supervisor_client, query)
    page = first.content.decode()
    next_link = f'href="?plan={plan.pk}&amp;kind=school&amp;light=red&amp;page=2"'
    second = _open(supervisor_client, query + "&page=2")

    assert [unit for _, unit in _rows(first)] == [school.name for school in schools[:PAGE_SIZE]]
    assert next_link in page
    assert "1 / 2" in page
    assert [unit for _, unit in _rows(second)] == [school.name for school in schools[PAGE_SIZE:]]
    assert f'href="?plan={plan.pk}&amp;kind=school&amp;light=red&amp;page=1"' in second.content.decode()
    assert "<title>督查台（55）" in page


# ---- who may use it -----------------------------------------------------------------------------------------

BUREAU_ROLES = ("admin", "supervisor", "leader")
UNIT_ROLES = ("unit_manager", "unit_staff", "other_staff")


def _state() -> dict:
    """Return everything the review's actions could change, to compare before and after a refused one."""
    return {
        "reminders": list(Reminder.objects.order_by("pk").values_list("pk", flat=True)),
        "escalations": list(Escalation.objects.order_by("pk").values_list("pk", "reason", "closed_at")),
        "saved": list(SavedFilter.objects.order_by("pk").values_list("pk", "owner", "name", "query")),
        "notifications": Notification.objects.count(),
        "audit": AuditEvent.objects.count(),
        "assignments": list(Assignment.objects.order_by("pk").values_list("pk", "status", "due_on")),
    }


def _post(client, name: str, data: dict, *args):
    with clock.frozen_at(NOW):
        return client.post(reverse(f"plans:{name}", args=args), data)


def _review_urls(saved: SavedFilter) -> list[tuple[str, str, dict]]:
    """Return (method, url, data) for every address of the review list."""
    return [
        ("get", reverse("plans:review"), {}),
        ("post", reverse("plans:review_bulk"), {"action": "remind", "assignment": []}),
        ("post", reverse("plans:saved_filter_create"), {"name": "逾期", "light": "red"}),
        ("post", reverse("plans:saved_filter_delete", args=[saved.pk]), {}),
    ]


@pytest.fixture
def leaders_filter(people) -> SavedFilter:
    with clock.frozen_at(NOW):
        return saved_filter_save(actor=people["leader"], name="领导关注", query=QueryDict("light=red"))


@pytest.mark.parametrize("index", range(4), ids=["review", "review_bulk", "saved_filter_create", "saved_filter_delete"])
def test_anonymous_visitors_are_sent_to_sign_in_from_every_review_address(client, review_bureau, leaders_filter, index):
    method, url, data = _review_urls(leaders_filter)[index]
    before = _state()

    with clock.frozen_at(NOW):
        response = getattr(client, method)(url, data)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"
    assert _state() == before


@pytest.mark.parametrize("role", UNIT_ROLES)
@pytest.mark.parametrize("index", range(4), ids=["review", "review_bulk", "saved_filter_create", "saved_filter_delete"])
def test_unit_people_are_refused_every_review_address(client, people, review_bureau, leaders_filter, role, index):
    client.force_login(people[role])
    method, url, data = _review_urls(leaders_filter)[index]
    if index == 1:
        data = {"action": "remind", "assignment": [review_bureau.assignment(OVERDUE, SCHOOL).pk]}
    before = _state()

    with clock.frozen_at(NOW):
        response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize("role", BUREAU_ROLES)
def test_bureau_people_open_the_review_and_may_remind_and_escalate(client, people, review_bureau, role):
    response = _open(client, user=people[role])

    assert _rows(response) == DEFAULT_ROWS
    page = response.content.decode()
    assert response.context["can_supervise"] is True
    assert page.count('name="assignment"') == len(DEFAULT_ROWS)
    assert 'name="action" value="remind"' in page
    assert 'name="action" value="escalate"' in page


@pytest.mark.parametrize("role", BUREAU_ROLES)
def test_bureau_people_remind_from_the_review(client, people, review_bureau, role):
    client.force_login(people[role])
    chosen = review_bureau.assignment(OVERDUE, SCHOOL)

    response = _post(client, "review_bulk", {"action": "remind", "assignment": [chosen.pk]})

    assert response.status_code == 302
    assert _messages(response) == [("success", "已催办 1 个承办单位。")]
    assert list(Reminder.objects.values_list("assignment", "created_by")) == [(chosen.pk, people[role].pk)]


@pytest.mark.parametrize("role", BUREAU_ROLES)
def test_bureau_people_escalate_from_the_review(client, people, review_bureau, role):
    client.force_login(people[role])
    chosen = review_bureau.assignment(OVERDUE, SCHOOL)

    response = _post(client, "review_bulk", {"action": "escalate", "assignment": [chosen.pk], "reason": "请说明。"})

    assert response.status_code == 302
    assert _messages(response) == [("success", "已向 1 个承办单位发出督办单。")]
    assert list(Escalation.objects.filter(reason="请说明。").values_list("assignment", "created_by")) == [
        (chosen.pk, people[role].pk)
    ]


# ---- bulk actions -------------------------------------------------------------------------------------------


def test_bulk_remind_reminds_each_ticked_open_assignment_once_and_skips_completed_ones(
    supervisor_client, people, review_bureau
):
    ticked = [
        review_bureau.assignment(OVERDUE, SCHOOL),
        review_bureau.assignment(OVERDUE, DEPARTMENT),
        review_bureau.assignment(DONE, SCHOOL),
    ]
    notifications = Notification.objects.count()

    response = _post(
        supervisor_client,
        "review_bulk",
        {
            "action": "remind",
            "assignment": [str(a.pk) for a in ticked] + [str(ticked[0].pk), "abc"],
            "message": "请于本周内报送进展。",
            "unit": "",
            "light": ["red", "yellow"],
            "sort": "deadline",
            "page": "2",
        },
    )

    assert response.status_code == 302
    # back to the same filters and the same page the rows were ticked on
    assert response.url == reverse("plans:review") + "?light=red&light=yellow&sort=deadline&page=2"
    assert _messages(response) == [("success", "已催办 2 个承办单位。")]
    reminders = Reminder.objects.order_by("assignment_id")
    assert [(r.assignment_id, r.kind, r.message, r.created_by_id) for r in reminders] == [
        (ticked[0].pk, "manual", "请于本周内报送进展。", people["supervisor"].pk),
        (ticked[1].pk, "manual", "请于本周内报送进展。", people["supervisor"].pk),
    ]
    assert Notification.objects.count() - notifications == 3  # the school's manager and staff, the department's staff


def test_bulk_remind_of_only_completed_assignments_is_refused_and_changes_nothing(supervisor_client, review_bureau):
    before = _state()

    response = _post(
        supervisor_client,
        "review_bulk",
        {"action": "remind", "assignment": [review_bureau.assignment(DONE, SCHOOL).pk]},
    )

    assert response.status_code == 302
    assert _messages(response) == [("error", "所选任务都已办结、已退回或尚未发布，没有需要催办的。")]
    assert _state() == before


@pytest.mark.parametrize("action", ["remind", "escalate"])
def test_bulk_action_without_a_ticked_row_is_refused_and_changes_nothing(supervisor_client, review_bureau, action):
    before = _state()

    response = _post(supervisor_client, "review_bulk", {"action": action, "reason": "请说明。", "light": "red"})

    assert response.url == reverse("plans:review") + "?light=red"
    assert _messages(response) == [("error", "请先勾选要催办或督办的任务。")]
    assert _state() == before


def test_bulk_remind_ignores_ticked_values_that_are_not_ids(supervisor_client, review_bureau):
    chosen = review_bureau.assignment(OVERDUE, SCHOOL)

    response = _post(
        supervisor_client,
        "review_bulk",
        {"action": "remind", "assignment": [str(chosen.pk), "²", "99999999999999999999999", "-1", "x"]},
    )

    assert _messages(response) == [("success", "已催办 1 个承办单位。")]
    assert list(Reminder.objects.values_list("assignment", flat=True)) == [chosen.pk]


def test_bulk_escalate_escalates_each_ticked_open_assignment_with_reason_and_response_date(
    supervisor_client, people, review_bureau
):
    ticked = [
        review_bureau.assignment(OVERDUE, SCHOOL),
        review_bureau.assignment(KINDERGARTEN_TASK, KINDERGARTEN),
        review_bureau.assignment(DONE, SCHOOL),
    ]
    existing = set(Escalation.objects.values_list("pk", flat=True))

    response = _post(
        supervisor_client,
        "review_bulk",
        {
            "action": "escalate",
            "assignment": [a.pk for a in ticked],
            "reason": "逾期未完成，请书面说明原因。",
            "response_due": "2020-09-25",
        },
    )

    assert _messages(response) == [("success", "已向 2 个承办单位发出督办单。")]
    made = Escalation.objects.exclude(pk__in=existing).order_by("assignment_id")
    assert [(e.assignment_id, e.level, e.reason, e.response_due, e.created_by_id) for e in made] == [
        (ticked[0].pk, "manual", "逾期未完成，请书面说明原因。", datetime.date(2020, 9, 25), people["supervisor"].pk),
        (ticked[1].pk, "manual", "逾期未完成，请书面说明原因。", datetime.date(2020, 9, 25), people["supervisor"].pk),
    ]
    assert [event.verb for event in audit_events_for(made[0])] == ["escalation.raise"]
    # escalated and not yet answered: red on the list, with its tag
    rows = {(r.task.headline, r.unit.name): r for r in _open(supervisor_client).context["page"].object_list}
    assert rows[(OVERDUE, SCHOOL)].has_open_escalation is True


def test_bulk_escalate_without_a_response_date_gives_the_default_three_days(supervisor_client, review_bureau):
    chosen = review_bureau.assignment(SOON, OTHER)

    _post(supervisor_client, "review_bulk", {"action": "escalate", "assignment": [chosen.pk], "reason": "请说明。"})

    assert Escalation.objects.get(assignment=chosen, reason="请说明。").response_due == datetime.date(2020, 9, 23)


def test_bulk_escalate_failing_on_a_later_row_undoes_the_earlier_ones(supervisor_client, review_bureau, monkeypatch):
    ticked = [review_bureau.assignment(OVERDUE, SCHOOL), review_bureau.assignment(SOON, OTHER)]
    told = []

    real_fan_out = supervision.fan_out

    def notify_once(notices, **kwargs):
        told.append([notice.unit_id for notice in notices])
        if len(told) == 2:
            raise WorkflowError("第二个单位通知失败。")
        return real_fan_out(notices, **kwargs)

    monkeypatch.setattr(supervision, "fan_out", notify_once)
    before = _state()

    response = _post(
        supervisor_client,
        "review_bulk",
        {"action": "escalate", "assignment": [a.pk for a in ticked], "reason": "请说明。"},
    )

    assert len(told) == 2  # the first escalation was written before the second failed
    assert _messages(response) == [("error", "第二个单位通知失败。")]
    assert _state() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"reason": ""}, "督办事由：该字段是必填项。", id="empty-reason"),
        pytest.param({"reason": "   "}, "督办事由：该字段是必填项。", id="blank-reason"),
        # the date is refused by the service on the first assignment: none of the others is escalated either
        pytest.param({"reason": "请说明。", "response_due": "2020-09-19"}, "反馈时限不能早于今天。", id="past-date"),
        pytest.param(
            {"reason": "请说明。", "response_due": "2020-09-31"}, "反馈时限：输入一个有效的日期。", id="bad-date"
        ),
    ],
)
def test_bulk_escalate_refused_escalates_none_of_the_ticked(supervisor_client, review_bureau, data, message):
    ticked = [review_bureau.assignment(OVERDUE, SCHOOL), review_bureau.assignment(SOON, OTHER)]
    before = _state()

    response = _post(
        supervisor_client, "review_bulk", {"action": "escalate", "assignment": [a.pk for a in ticked], **data}
    )

    assert response.status_code == 302
    assert _messages(response) == [("error", message)]
    assert _state() == before


# ---- saved filters ------------------------------------------------------------------------------------------


def _save(client, name: str, **params):
    return _post(client, "saved_filter_create", {"name": name, **params})


def test_saving_a_filter_keeps_only_the_review_parameters(supervisor_client, people, review_bureau):
    plan = review_bureau.plan.pk

    response = _save(
        supervisor_client,
        " 逾期的学校 ",
        plan=str(plan),
        section="",
        kind="school",
        light=["red", "yellow"],
        due_from="2020-09-01",
        missing="1",
        sort="deadline",
        page="3",
        csrfmiddlewaretoken="x" * 32,
        action="remind",
        assignment=["1", "2"],
        next="https://example.com/",
    )

    saved = SavedFilter.objects.get()
    query = f"plan={plan}&kind=school&light=red&light=yellow&due_from=2020-09-01&missing=1&sort=deadline"
    assert (saved.owner, saved.name, saved.query) == (people["supervisor"], "逾期的学校", query)
    assert response.status_code == 302
    assert response.url == f"{reverse('plans:review')}?{query}"
    assert _messages(response) == [("success", "已保存筛选“逾期的学校”。")]
    assert [(e.verb, e.actor) for e in audit_events_for(saved)] == [("saved_filter.save", people["supervisor"])]


def test_saving_under_the_same_name_replaces_the_filter(supervisor_client, people, review_bureau):
    _save(supervisor_client, "逾期的学校", light="red", kind="school")
    first = SavedFilter.objects.get()

    _save(supervisor_client, "逾期的学校", light="yellow")

    saved = SavedFilter.objects.get()
    assert (saved.name, saved.query) == ("逾期的学校", "light=yellow")
    assert [e.verb for e in audit_events_for(SavedFilter(pk=first.pk))] == ["saved_filter.replace", "saved_filter.save"]
    assert [e.verb for e in audit_events_for(saved)] == ["saved_filter.save"]


def test_two_people_may_use_the_same_name(client, people, review_bureau):
    client.force_login(people["leader"])
    _save(client, "逾期的学校", light="red")
    client.force_login(people["supervisor"])
    _save(client, "逾期的学校", light="yellow")

    assert list(SavedFilter.objects.order_by("owner__username").values_list("owner__username", "query")) == [
        ("t_leader", "light=red"),
        ("t_supervisor", "light=yellow"),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("", "请给这个筛选起个名字，例如“逾期的学校”。", id="empty"),
        pytest.param("   ", "请给这个筛选起个名字，例如“逾期的学校”。", id="blank"),
        pytest.param("长" * 61, "名称请控制在 60 字以内。", id="too-long"),
    ],
)
def test_a_filter_without_a_fitting_name_is_refused_and_nothing_saved(supervisor_client, review_bureau, name, message):
    before = _state()

    response = _save(supervisor_client, name, light="red", unit="3")

    assert response.url == f"{reverse('plans:review')}?unit=3&light=red"
    assert _messages(response) == [("error", message)]
    assert _state() == before


def test_the_list_offers_only_the_users_own_saved_filters(supervisor_client, people, review_bureau):
    with clock.frozen_at(NOW):
        saved_filter_save(actor=people["leader"], name="领导关注", query=QueryDict("light=red"))
        saved_filter_save(actor=people["supervisor"], name="逾期的学校", query=QueryDict("kind=school&light=red"))
        saved_filter_save(actor=people["supervisor"], name="漏报", query=QueryDict("missing=1&page=2"))

    response = _open(supervisor_client)

    assert [saved.name for saved in response.context["saved_filters"]] == ["漏报", "逾期的学校"]
    page = response.content.decode()
    assert '<a href="/plans/review/?kind=school&amp;light=red">逾期的学校</a>' in page
    assert '<a href="/plans/review/?missing=1">漏报</a>' in page
    assert "领导关注" not in page


def test_a_saved_filter_reopens_the_same_rows(supervisor_client, review_bureau):
    school = review_bureau.units[SCHOOL].pk
    _save(supervisor_client, "本校", unit=str(school), light=["red", "yellow"], sort="light")
    saved = SavedFilter.objects.get()

    assert _rows(_open(supervisor_client, saved.query)) == [(OVERDUE, SCHOOL), (MISSING, SCHOOL)]


def test_deleting_a_saved_filter_removes_it_and_is_audited(supervisor_client, people, review_bureau):
    with clock.frozen_at(NOW):
        saved = saved_filter_save(actor=people["supervisor"], name="逾期的学校", query=QueryDict("light=red"))

    response = _post(supervisor_client, "saved_filter_delete", {}, saved.pk)

    assert response.url == reverse("plans:review")
    assert _messages(response) == [("success", "已删除筛选“逾期的学校”。")]
    assert SavedFilter.objects.count() == 0
    events = audit_events_for(SavedFilter(pk=saved.pk))
    assert [(e.verb, e.actor) for e in events] == [
        ("saved_filter.delete", people["supervisor"]),
        ("saved_filter.save", people["supervisor"]),
    ]


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_another_persons_saved_filter_cannot_be_deleted(client, people, review_bureau, leaders_filter, role):
    client.force_login(people[role])
    before = _state()

    response = _post(client, "saved_filter_delete", {}, leaders_filter.pk)

    assert response.status_code == 404
    assert _state() == before


def test_deleting_a_saved_filter_needs_a_post(supervisor_client, people):
    with clock.frozen_at(NOW):
        saved = SavedFilter.objects.create(owner=people["supervisor"], name="逾期", query="light=red")
        response = supervisor_client.get(reverse("plans:saved_filter_delete", args=[saved.pk]))

    assert response.status_code == 405
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


# ---- query counts -------------------------------------------------------------------------------------------


@dataclass
class GrowingBureau:
    """Adds rounds of plans, units, assignments, reports and escalations through the services."""

    people: dict
    units: dict
    round: int = 0
    plans: list[Plan] = field(default_factory=list)
    parts: list[Section] = field(default_factory=list)

    def grow(self, *, tasks: int, units: int) -> None:
        """Add a published plan of `tasks` tasks, each led by the school and helped by two of `units` new units."""
        self.round += 1
        admin, supervisor = self.people["admin"], self.people["supervisor"]
        school, staff = self.units["school"], self.people["unit_staff"]
        kinds = ("school", "kindergarten", "department")
        helpers = []
        for number in range(units):
            unit = UnitFactory(name=f"第{self.round}轮单位{number}", kind=kinds[number % 3])
            helpers.append((unit, UserFactory(unit=unit, role=Role.UNIT_STAFF)))
        deadlines = (datetime.date(2020, 9, 10), datetime.date(2020, 9, 25), datetime.date(2020, 12, 31), None)
        with clock.frozen_at(PUBLISHED):
            plan = PlanFactory(status="draft", published_at=None, title=f"第{self.round}轮工作要点")
            part = SectionFactory(plan=plan, number="一", path="一", title="第一部分")
            section = SectionFactory(plan=plan, parent=part, number="一", path="一.(一)", title="第一方面")
            rows = []
            for number in range(tasks):
                task = TaskFactory(
                    plan=plan,
                    section=(part, section)[number % 2],
                    headline=f"第{self.round}轮任务{number}",
                    deadline=deadlines[number % len(deadlines)],
                )
                lead = AssignmentFactory(task=task, unit=school)
                co = [
                    (AssignmentFactory(task=task, unit=unit, role="co"), person)
                    for unit, person in (helpers[number % units], helpers[(number + 1) % units])
                ]
                rows.append((number, lead, co))
            plan_publish(actor=admin, plan=plan)
        for number, lead, co in rows:
            with clock.frozen_at(datetime.datetime(2020, 8, 10, 9, 0) + datetime.timedelta(minutes=number)):
                if number % 3 == 0:
                    _report(staff, lead, "2020-07")
                    _report(staff, lead, "2020-08")
                elif number % 3 == 1:
                    assignment_acknowledge(actor=staff, assignment=lead)  # received; August's report missing
                first, person = co[0]
                _report(person, first, "2020-07")
                _report(person, first, "2020-08")
            if number % 4 == 0:
                with clock.frozen_at(datetime.datetime(2020, 9, 1, 9, 0) + datetime.timedelta(minutes=number)):
                    escalation_raise(actor=supervisor, assignment=co[1][0], reason="请说明进度。")
        self.plans.append(plan)
        self.parts.append(part)


# The page's queries, whatever the size: the session, the user, the user's unit (header) and the unread count
# (header); then the light counts, the paginator's count, the page of rows (lights, last report and escalation flag
# as subqueries, task, plan and unit joined), the published plans, the units and the user's saved filters.
REVIEW_QUERIES = 10
# a chosen plan lists its sections as well, and a chosen section looks up the sections under it (once a request)
REVIEW_QUERIES_WITH_PLAN = 12

FILTERS = {
    "none": lambda bureau, units: "",
    "plan-and-part": lambda bureau, units: f"plan={bureau.plans[-1].pk}&section={bureau.parts[-1].pk}&sort=deadline",
    "everything-else": lambda bureau, units: (
        f"unit={units['school'].pk}&kind=school&light=red&light=yellow&light=green&light=grey"
        "&due_from=2020-09-01&due_to=2020-12-31&missing=1&sort=last_report"
    ),
}


@pytest.mark.parametrize("filters", sorted(FILTERS))
def test_review_query_count_does_not_grow_with_the_bureaus_work(
    client, people, bureau, django_assert_num_queries, filters
):
    client.force_login(people["supervisor"])
    growing = GrowingBureau(people=people, units=bureau)
    with clock.frozen_at(NOW):
        SavedFilter.objects.create(owner=people["supervisor"], name="逾期", query="light=red")
    expected = REVIEW_QUERIES_WITH_PLAN if filters == "plan-and-part" else REVIEW_QUERIES
    growing.grow(tasks=4, units=3)
    _open(client, FILTERS[filters](growing, bureau))  # warm up: the session and the content types

    with django_assert_num_queries(expected):
        small = _open(client, FILTERS[filters](growing, bureau))
    small_rows = small.context["page"].paginator.count
    growing.grow(tasks=40, units=30)
    with django_assert_num_queries(expected):
        large = _open(client, FILTERS[filters](growing, bureau))
    large_rows = large.context["page"].paginator.count

    assert 0 < len(_rows(small)) == small_rows < 10
    assert large_rows > small_rows * 5
    assert len(_rows(large)) == min(large_rows, PAGE_SIZE)
    assert large.content.decode().count('name="assignment"') == min(large_rows, PAGE_SIZE)


def test_the_query_counts_grow_the_data_tenfold(people, bureau):
    growing = GrowingBureau(people=people, units=bureau)
    counts = []
    for tasks, units in ((4, 3), (40, 30)):
        before = (Task.objects.count(), Unit.objects.count(), Assignment.objects.count())
        reports = ProgressReport.objects.count()
        growing.grow(tasks=tasks, units=units)
        counts.append(
            (
                Task.objects.count() - before[0],
                Unit.objects.count() - before[1],
                Assignment.objects.count() - before[2],
                ProgressReport.objects.count() - reports,
            )
        )

    assert counts == [(4, 3, 12, 12), (40, 30, 120, 108)]
