"""The score on hand-computed cases: a small world built through the plan services, each number worked out here."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assessment import scoring
from assessment.models import ScoreWeights
from assessment.periods import custom_period, period_from_key
from assessment.selectors import current_weights, explanation, ranking, unit_measures
from core import clock
from tests.assessment.world import World

pytestmark = pytest.mark.django_db

D = datetime.datetime
NOW = D(2020, 9, 1, 10, 0)
MARCH_TO_JULY = custom_period(datetime.date(2020, 3, 1), datetime.date(2020, 7, 31))


def window(period=MARCH_TO_JULY, now=NOW):
    with clock.frozen_at(now) as moment:
        return period.window(now=moment)


@pytest.fixture
def school_world(people, bureau):
    """The school's half-year, published 1 March 2020 (monthly reports due on the 25th):

    - 1 "课后服务" (deadline 31 Dec, monthly): March, April and June reported on time (June on the due day
      itself), May three days late, July never: 5 required, 3 on time, 1 late, 1 missing. Escalated on
      10 June at 10:00 and answered on 12 June at 10:00: 1 escalation, 2 days to respond.
    - 2 "校园安全" (deadline 31 May, quarterly): completion approved 4 June, 4 days late; the Q2 report was
      due 25 June, after completion, so none is required.
    - 3 "食堂改造" (deadline 30 June, quarterly): completion approved 20 June, on time.
    """
    world = World(people)
    school = bureau["school"]
    service, safety, canteen = world.plan(
        published=D(2020, 3, 1, 9, 0),
        tasks=[
            {"unit": school, "deadline": datetime.date(2020, 12, 31), "headline": "课后服务"},
            {"unit": school, "deadline": datetime.date(2020, 5, 31), "headline": "校园安全", "cycle": "quarterly"},
            {"unit": school, "deadline": datetime.date(2020, 6, 30), "headline": "食堂改造", "cycle": "quarterly"},
        ],
    )
    world.report(service, "2020-03", D(2020, 3, 20, 9, 0))
    world.report(service, "2020-04", D(2020, 4, 24, 9, 0))
    world.report(service, "2020-05", D(2020, 5, 28, 9, 0))
    world.report(service, "2020-06", D(2020, 6, 25, 23, 30))
    world.complete(safety, D(2020, 6, 1, 9, 0), D(2020, 6, 4, 15, 0))
    world.complete(canteen, D(2020, 6, 18, 9, 0), D(2020, 6, 20, 15, 0))
    world.escalate(service, D(2020, 6, 10, 10, 0), D(2020, 6, 12, 10, 0))
    return {"world": world, "service": service, "safety": safety, "canteen": canteen}


def test_measures_count_each_event_of_the_schools_half_year(school_world, bureau):
    measures = unit_measures(window())[bureau["school"].pk]

    assert measures == scoring.Measures(
        reports_required=5,
        reports_on_time=3,
        reports_late=1,
        completed_on_time=1,
        completed_late=1,
        open_overdue=0,
        overdue_days=4,
        escalations=1,
        response_days_total=Decimal(2),
    )
    assert measures.reports_missing == 1


def test_score_with_default_weights_is_worked_out_by_hand(school_world, bureau):
    # reports: 1 − (3 + 0.5 × 1) / 5 = 0.3 → 30 × 0.3 = 9.00
    # completion: 1 late of 2 judged = 0.5 → 30 × 0.5 = 15.00
    # overdue: 4 / 60 days → 20 × 4/60 = 1.333… → 1.33
    # escalations: 1 / 5 → 10 × 0.2 = 2.00
    # response: 2 days / 10 → 10 × 0.2 = 2.00
    # score: 100 − 29.33 = 70.67
    rows = ranking(window(), weights=current_weights())

    assert [(row.unit.name, row.score.total, row.rank) for row in rows] == [
        ("厦门市湖里区实验小学", Decimal("70.67"), 1)
    ]
    deductions = {item.key: item.deduction for item in rows[0].score.components}
    assert deductions == {
        "reports": Decimal("9.00"),
        "completion": Decimal("15.00"),
        "overdue": Decimal("1.33"),
        "escalations": Decimal("2.00"),
        "response": Decimal("2.00"),
    }


def test_explanation_lists_the_events_behind_each_component(school_world, bureau):
    found = explanation(window(), unit=bureau["school"], weights=current_weights())

    service, safety, canteen = school_world["service"], school_world["safety"], school_world["canteen"]
    assert found.score.total == Decimal("70.67")
    assert (found.rank, found.ranked_count) == (1, 1)
    assert [(e.assignment.pk, e.period.key, e.period.due, e.days_late) for e in found.late_reports] == [
        (service.pk, "2020-05", datetime.date(2020, 5, 25), 3)
    ]
    assert [(e.assignment.pk, e.period.key, e.period.due) for e in found.missing_reports] == [
        (service.pk, "2020-07", datetime.date(2020, 7, 25))
    ]
    assert [a.pk for a in found.on_time_completions] == [canteen.pk]
    assert [a.pk for a in found.late_completions] == [safety.pk]
    assert found.open_overdue == []
    assert [(a.pk, a.overdue_days) for a in found.overdue] == [(safety.pk, 4)]
    assert [(e.assignment_id, e.waited_days) for e in found.escalations] == [(service.pk, Decimal(2))]


def test_unanswered_escalation_counts_its_days_up_to_the_end_of_the_period(people, bureau):
    world = World(people)
    (assignment,) = world.plan(
        published=D(2020, 3, 1, 9, 0),
        tasks=[{"unit": bureau["school"], "deadline": datetime.date(2020, 12, 31), "cycle": "quarterly"}],
    )
    world.escalate(assignment, D(2020, 7, 29, 12, 0))

    measures = unit_measures(window())[bureau["school"].pk]

    # raised 29 July 12:00, still unanswered when July ends (1 August 00:00): half of the 29th, the 30th, the 31st
    assert (measures.escalations, measures.response_days_total) == (1, Decimal("2.5"))


def test_a_running_period_counts_overdue_days_to_today_and_reports_due_before_today(people, bureau):
    world = World(people)
    (assignment,) = world.plan(
        published=D(2020, 3, 1, 9, 0), tasks=[{"unit": bureau["school"], "deadline": datetime.date(2020, 8, 20)}]
    )
    world.report(assignment, "2020-08", D(2020, 8, 10, 9, 0))

    # on 25 September the September report is due today (not yet missing); the assignment is 36 days overdue
    measures = unit_measures(window(period_from_key("2020-09"), now=D(2020, 9, 25, 16, 0)))[bureau["school"].pk]

    assert (measures.reports_required, measures.reports_on_time) == (0, 0)
    assert (measures.open_overdue, measures.overdue_days) == (1, 25)  # 1–25 September, within the month


def test_a_report_filed_after_the_period_ended_counts_as_missing_for_that_period(school_world, bureau):
    school_world["world"].report(school_world["service"], "2020-07", D(2020, 8, 3, 9, 0))

    july = unit_measures(window(period_from_key("2020-07")))[bureau["school"].pk]
    march_to_august = unit_measures(window(custom_period(datetime.date(2020, 3, 1), datetime.date(2020, 8, 31))))

    assert (july.reports_required, july.reports_on_time, july.reports_late) == (1, 0, 0)
    # March–August: March, April, June on time; May and July late; August missing
    assert (
        march_to_august[bureau["school"].pk].reports_on_time,
        march_to_august[bureau["school"].pk].reports_late,
    ) == (
        3,
        2,
    )


def test_a_correction_does_not_change_when_the_period_was_filed(school_world, bureau):
    school_world["world"].report(school_world["service"], "2020-03", D(2020, 4, 2, 9, 0))  # corrects March, late

    measures = unit_measures(window())[bureau["school"].pk]

    assert (measures.reports_required, measures.reports_on_time, measures.reports_late) == (5, 3, 1)


def test_changing_a_weight_changes_the_score(school_world, bureau, people):
    from assessment.services import score_weights_change

    with clock.frozen_at(NOW):
        score_weights_change(actor=people["admin"], completion_weight=10, note="办结权重下调")

    rows = ranking(window(), weights=current_weights())

    # completion: 10 × 0.5 = 5.00 instead of 15.00 → 100 − 19.33
    assert rows[0].score.total == Decimal("80.67")
    assert ScoreWeights.objects.count() == 1


def test_the_events_listed_add_up_to_the_measures_of_every_unit(world, bureau, people):
    from tests.assessment.world import grow

    grow(world, explained_unit=bureau["school"], explained_author=people["unit_staff"], units=3, tasks=3, label="甲")
    current = window(custom_period(datetime.date(2020, 3, 1), datetime.date(2020, 6, 30)))
    rows = ranking(current, weights=current_weights())

    assert len(rows) == 4
    for row in rows:
        found = explanation(current, unit=row.unit, weights=current_weights())
        m = row.measures
        # each task: March on time, April late; May and June missing, except on the first task, completed
        # on 6 May before the May report was due: 2 + 4 + 4 required, 4 missing
        assert (m.reports_required, m.reports_on_time, m.reports_late) == (10, 3, 3)
        assert (len(found.late_reports), len(found.missing_reports)) == (m.reports_late, m.reports_missing) == (3, 4)
        assert (
            (len(found.on_time_completions), len(found.late_completions), len(found.open_overdue))
            == (
                m.completed_on_time,
                m.completed_late,
                m.open_overdue,
            )
            == (0, 1, 0)
        )
        assert sum(a.overdue_days for a in found.overdue) == m.overdue_days == 6  # due 30 April, done 6 May
        assert len(found.escalations) == m.escalations == 1
