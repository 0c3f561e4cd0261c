"""The dashboard's figures on plans whose history is worked out by hand (see conftest.py)."""

from __future__ import annotations

import datetime

import pytest

from accounts.services import unit_update
from core import clock
from dashboard.charts import dashboard_for
from dashboard.selectors import completion_trend, light_breakdown, plan_months, unit_figures
from plans.services.plans import plan_publish
from plans.services.reports import report_review, report_submit
from tests.dashboard.conftest import TODAY
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _counts(red=0, yellow=0, green=0, grey=0, done=0) -> dict[str, int]:
    return {"red": red, "yellow": yellow, "green": green, "grey": grey, "done": done}


def _one_task_plan(people, unit, *, published: datetime.datetime, plan_year: int = 2020):
    with clock.frozen_at(published):
        plan = PlanFactory(status="draft", published_at=None, plan_year=plan_year)
        assignment = AssignmentFactory(task=TaskFactory(plan=plan), unit=unit)
        plan_publish(actor=people["admin"], plan=plan)
    plan.refresh_from_db()
    assignment.refresh_from_db()
    return plan, assignment


def _report(actor, assignment, moment: datetime.datetime, percent: int, period_key: str):
    with clock.frozen_at(moment):
        return report_submit(
            actor=actor,
            assignment=assignment,
            text="进展。",
            percent=percent,
            status="in_progress",
            period_key=period_key,
        )


def test_lights_count_every_held_assignment_once_and_leave_the_declined_out(small_plan):
    whole, parts = light_breakdown(plan=small_plan.plan, today=TODAY)

    assert whole.counts == _counts(red=1, yellow=1, green=1, grey=1, done=1)
    assert (whole.total, whole.completed, whole.completion_rate) == (5, 1, 20.0)
    # Part 一 gathers its own task (T2) and its sub-section's (T1); T4 has no section and comes last.
    assert [(part.section_id, part.label, part.counts, part.completion_rate) for part in parts] == [
        (small_plan.part_one.pk, "一、党建引领", _counts(red=1, yellow=1, green=1), 0.0),
        (small_plan.part_two.pk, "二、教育质量", _counts(done=1), 100.0),
        (None, "", _counts(grey=1), 0.0),
    ]


def test_trend_has_one_point_per_month_from_publication_to_today(small_plan):
    points = completion_trend(plan=small_plan.plan, today=TODAY)

    assert [(p.month, p.as_of, p.assignments, p.completed, p.completion_rate, p.mean_percent) for p in points] == [
        # a3 reported 10% in July; nobody else had reported: 10 / 4
        (datetime.date(2020, 7, 1), datetime.date(2020, 7, 31), 4, 0, 0.0, 2.5),
        # a1 60, a2 40, a3 10, a4 100: 210 / 4
        (datetime.date(2020, 8, 1), datetime.date(2020, 8, 31), 4, 0, 0.0, 52.5),
        # a1 60, a2 75 (its correction), a3 10, a4 completed 100, a6 handed out 10 Sep with nothing: 245 / 5
        (datetime.date(2020, 9, 1), datetime.date(2020, 9, 28), 5, 1, 20.0, 49.0),
    ]


def test_units_count_reports_on_time_late_missing_and_overdue_assignments(small_plan, bureau):
    units = unit_figures(plan=small_plan.plan, today=TODAY)

    # worst first: the school (1 overdue + 1 missing + 1 late), the department (2 missing), the other school
    assert [
        (u.unit_id, u.name, u.assignments, u.punctuality.on_time, u.punctuality.late, u.punctuality.missing, u.overdue)
        for u in units
    ] == [
        (bureau["school"].pk, "厦门市湖里区实验小学", 2, 2, 1, 1, 1),
        (bureau["department"].pk, "基教科", 1, 1, 0, 2, 0),
        (bureau["other_school"].pk, "厦门市湖里区金山小学", 2, 1, 0, 0, 0),
    ]
    assert [u.punctuality.on_time_rate for u in units] == [50.0, 33.3, 100.0]
    # The declined office holds nothing.
    assert bureau["office"].pk not in {u.unit_id for u in units}


def test_heat_map_has_a_cell_per_unit_and_month_with_on_time_late_and_missing(small_plan):
    dashboard = dashboard_for(plan=small_plan.plan, today=TODAY)

    assert dashboard.months == [datetime.date(2020, 7, 1), datetime.date(2020, 8, 1), datetime.date(2020, 9, 1)]
    cells = [
        [None if cell.empty else (cell.on_time, cell.late, cell.missing, cell.rate) for cell in row["cells"]]
        for row in dashboard.heat_rows()
    ]
    assert cells == [
        [None, (1, 1, 0, 50.0), (1, 0, 1, 50.0)],  # school
        [(1, 0, 0, 100.0), (0, 0, 1, 0.0), (0, 0, 1, 0.0)],  # department
        [None, (1, 0, 0, 100.0), None],  # other school
    ]
    assert (dashboard.on_time_total, dashboard.late_total, dashboard.missing_total, dashboard.overdue_total) == (
        4,
        1,
        3,
        1,
    )


def test_a_report_is_late_from_the_day_after_its_due_date_in_local_time(people, bureau):
    plan, assignment = _one_task_plan(people, bureau["school"], published=datetime.datetime(2020, 7, 3, 9, 0))
    staff = people["unit_staff"]
    _report(staff, assignment, datetime.datetime(2020, 8, 25, 23, 30), 30, "2020-08")  # 15:30 UTC, the due day
    _report(staff, assignment, datetime.datetime(2020, 9, 26, 0, 30), 50, "2020-09")  # 25 Sep 16:30 UTC: late

    [school] = unit_figures(plan=plan, today=datetime.date(2020, 9, 28))

    assert (school.punctuality.on_time, school.punctuality.late, school.punctuality.missing) == (1, 1, 0)
    assert {month: (p.on_time, p.late) for month, p in school.months.items()} == {
        datetime.date(2020, 8, 1): (1, 0),
        datetime.date(2020, 9, 1): (0, 1),
    }


def test_a_report_counts_in_the_trend_only_from_its_approval(people, bureau):
    unit_update(actor=None, unit=bureau["school"], reports_need_approval=True)
    plan, assignment = _one_task_plan(people, bureau["school"], published=datetime.datetime(2020, 7, 3, 9, 0))
    report = _report(people["unit_staff"], assignment, datetime.datetime(2020, 8, 10, 9, 0), 40, "2020-08")
    with clock.frozen_at(datetime.datetime(2020, 9, 2, 9, 0)):
        report_review(actor=people["unit_manager"], report=report, approve=True)

    points = completion_trend(plan=plan, today=datetime.date(2020, 9, 28))

    assert [(p.month.month, p.mean_percent) for p in points] == [(7, 0.0), (8, 0.0), (9, 40.0)]
    # Filed on time all the same: punctuality is about when the unit filed.
    [school] = unit_figures(plan=plan, today=datetime.date(2020, 9, 28))
    assert (school.punctuality.on_time, school.punctuality.missing) == (1, 1)  # September not filed


def test_a_completed_assignment_owes_no_report_for_periods_due_after_completion(small_plan, bureau):
    # a4 completed on 5 Sep: September's report (due 25 Sep) is not missing; a6, handed out on
    # 10 Sep, owes nothing for September, which began before it arrived.
    units = {u.unit_id: u for u in unit_figures(plan=small_plan.plan, today=TODAY)}

    assert units[bureau["other_school"].pk].punctuality.missing == 0
    assert units[bureau["other_school"].pk].months.get(datetime.date(2020, 9, 1)) is None


def test_a_plan_whose_year_has_not_begun_has_no_months(people, bureau):
    plan, _assignment = _one_task_plan(
        people, bureau["school"], published=datetime.datetime(2020, 12, 20, 9, 0), plan_year=2021
    )

    assert plan_months(plan, today=datetime.date(2020, 12, 28)) == []
    assert completion_trend(plan=plan, today=datetime.date(2020, 12, 28)) == []
    [school] = unit_figures(plan=plan, today=datetime.date(2020, 12, 28))
    assert (school.assignments, school.punctuality.expected, school.months) == (1, 0, {})
