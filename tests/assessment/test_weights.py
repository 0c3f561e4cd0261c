"""Weights: an admin changes them (a new row, audited, history kept), and the ranking follows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessment.models import ScoreWeights
from assessment.selectors import current_weights, ranking
from assessment.services import score_weights_change
from audit.models import AuditEvent
from core import clock
from plans.services.errors import WorkflowError

pytestmark = pytest.mark.django_db

D = datetime.datetime
NOW = D(2020, 9, 1, 10, 0)
SECOND_QUARTER = {"period": "2020-Q2"}
NEW_WEIGHTS = {
    "reports_weight": "5",
    "completion_weight": "30",
    "overdue_weight": "20",
    "escalation_weight": "40",
    "response_weight": "5",
    "late_report_credit": "0.5",
    "overdue_days_cap": "60",
    "escalation_cap": "5",
    "response_days_cap": "10",
    "note": "督办权重上调",
}


@pytest.fixture
def two_schools(world, bureau, people):
    """Two schools in the second quarter of 2020 (plan published 1 March, monthly reports due the 25th):

    - 实验小学 reports April on time and never May or June: 1 of 3 → shortfall 2/3; nothing else.
    - 金山小学 reports April–June on time, but is escalated twice (10 April, 10 May, 10:00) and answers
      each after exactly one day: 2 escalations, mean response 1 day.
    """
    school, other = world.plan(
        published=D(2020, 3, 1, 9, 0),
        tasks=[
            {"unit": bureau["school"], "deadline": datetime.date(2020, 12, 31), "headline": "课后服务"},
            {"unit": bureau["other_school"], "deadline": datetime.date(2020, 12, 31), "headline": "校园足球"},
        ],
    )
    world.report(school, "2020-04", D(2020, 4, 20, 9, 0))
    for month in (4, 5, 6):
        world.report(other, f"2020-{month:02d}", D(2020, month, 20, 9, 0), author=people["other_staff"])
    world.escalate(other, D(2020, 4, 10, 10, 0), D(2020, 4, 11, 10, 0), author=people["other_staff"])
    world.escalate(other, D(2020, 5, 10, 10, 0), D(2020, 5, 11, 10, 0), author=people["other_staff"])


def ranked(client, user) -> list[tuple[str, Decimal, int]]:
    client.force_login(user)
    with clock.frozen_at(NOW):
        response = client.get(reverse("assessment:ranking"), SECOND_QUARTER)
    assert response.status_code == 200
    return [(row.unit.name, row.score.total, row.rank) for row in response.context["rows"]]


def test_raising_the_escalation_weight_puts_the_school_that_missed_reports_first(client, two_schools, people):
    # default weights: 实验小学 loses 30 × 2/3 = 20.00; 金山小学 loses 10 × 2/5 + 10 × 1/10 = 5.00
    assert ranked(client, people["supervisor"]) == [
        ("厦门市湖里区金山小学", Decimal("95.00"), 1),
        ("厦门市湖里区实验小学", Decimal("80.00"), 2),
    ]
    client.force_login(people["admin"])
    with clock.frozen_at(NOW):
        response = client.post(reverse("assessment:weights"), NEW_WEIGHTS)
    assert response.status_code == 302

    # reports 5, escalations 40, response 5: 实验小学 loses 5 × 2/3 = 3.33; 金山小学 40 × 0.4 + 5 × 0.1 = 16.50
    assert ranked(client, people["supervisor"]) == [
        ("厦门市湖里区实验小学", Decimal("96.67"), 1),
        ("厦门市湖里区金山小学", Decimal("83.50"), 2),
    ]


def test_equal_scores_share_a_rank(world, bureau, people):
    school, other = world.plan(
        published=D(2020, 3, 1, 9, 0),
        tasks=[
            {"unit": bureau["school"], "deadline": datetime.date(2020, 12, 31)},
            {"unit": bureau["other_school"], "deadline": datetime.date(2020, 12, 31)},
        ],
    )
    world.report(school, "2020-04", D(2020, 4, 20, 9, 0))
    world.report(other, "2020-04", D(2020, 4, 20, 9, 0), author=people["other_staff"])
    with clock.frozen_at(NOW) as now:
        from assessment.periods import period_from_key

        rows = ranking(period_from_key("2020-04").window(now=now), weights=current_weights())

    assert [(row.unit.name, row.rank) for row in rows] == [("厦门市湖里区实验小学", 1), ("厦门市湖里区金山小学", 1)]


def test_a_weights_change_is_a_new_row_and_an_audited_change(people):
    with clock.frozen_at(D(2021, 1, 5, 9, 0)):
        first = score_weights_change(actor=people["admin"], reports_weight=40, completion_weight=20, note="2021年办法")
    with clock.frozen_at(D(2021, 2, 5, 9, 0)):
        second = score_weights_change(actor=people["admin"], late_report_credit=Decimal("0.25"))

    assert list(ScoreWeights.objects.values_list("pk", flat=True)) == [second.pk, first.pk]
    assert current_weights() == second
    assert (second.reports_weight, second.completion_weight, second.late_report_credit) == (
        Decimal("40"),
        Decimal("20"),
        Decimal("0.25"),
    )
    events = AuditEvent.objects.filter(verb="score_weights.change").order_by("at")
    assert [(e.actor_id, e.action, e.object_id, e.changes, e.note) for e in events] == [
        (
            people["admin"].pk,
            "create",
            str(first.pk),
            {"reports_weight": ["30.00", "40.00"], "completion_weight": ["30.00", "20.00"]},
            "2021年办法",
        ),
        (people["admin"].pk, "update", str(second.pk), {"late_report_credit": ["0.50", "0.25"]}, ""),
    ]


@pytest.mark.parametrize("role", ["supervisor", "leader", "unit_manager", "unit_staff"])
def test_only_an_admin_may_change_the_weights(people, role):
    with pytest.raises(PermissionDenied):
        score_weights_change(actor=people[role], reports_weight=10)

    assert ScoreWeights.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="score_weights.change").exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"reports_weight": 50}, "五项权重合计不能超过 100 分（现为 120 分）。"),
        ({"late_report_credit": Decimal("1.5")}, "逾期报送折算应在 0 到 1 之间。"),
        ({"escalation_cap": 0}, "上限至少为 1。"),
        ({"reports_weight": 30}, "权重没有变化。"),
    ],
)
def test_weights_that_break_the_rules_are_refused_and_nothing_changes(people, values, message):
    with pytest.raises(WorkflowError) as refused:
        score_weights_change(actor=people["admin"], **values)

    assert str(refused.value) == message
    assert ScoreWeights.objects.count() == 0


def test_the_weights_page_shows_the_form_error_and_keeps_the_weights(client, people):
    client.force_login(people["admin"])

    response = client.post(reverse("assessment:weights"), {**NEW_WEIGHTS, "escalation_weight": "50"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["五项权重合计不能超过 100 分（现为 110 分）。"]
    assert ScoreWeights.objects.count() == 0


def test_the_weights_page_lists_the_history_with_who_set_each(client, people):
    with clock.frozen_at(D(2021, 1, 5, 9, 0)):
        score_weights_change(actor=people["admin"], reports_weight=40, completion_weight=20, note="2021年办法")
    client.force_login(people["admin"])

    response = client.get(reverse("assessment:weights"))

    assert [(row.created_by, row.note) for row in response.context["history"]] == [(people["admin"], "2021年办法")]
    assert response.context["form"].initial["reports_weight"] == Decimal("40.00")
