"""The score formula on plain numbers: no database."""

from __future__ import annotations

from decimal import Decimal

from assessment.scoring import Measures, Weights, score, shortfalls


def test_a_unit_with_nothing_wrong_keeps_all_100_points():
    result = score(Measures(reports_required=12, reports_on_time=12, completed_on_time=3), Weights())

    assert result.total == Decimal("100.00")
    assert [item.deduction for item in result.components] == [Decimal("0.00")] * 5


def test_a_unit_with_nothing_to_judge_keeps_all_100_points():
    assert score(Measures(), Weights()).total == Decimal("100.00")


def test_every_report_late_loses_half_the_report_weight_by_default():
    # 1 − (0 + 0.5 × 6) / 6 = 0.5 → 30 × 0.5 = 15
    assert score(Measures(reports_required=6, reports_late=6), Weights()).total == Decimal("85.00")


def test_late_report_credit_zero_treats_a_late_report_as_missing():
    measures = Measures(reports_required=4, reports_on_time=2, reports_late=2)

    assert shortfalls(measures, Weights(late_report_credit=Decimal(0)))["reports"] == Decimal("0.5")
    assert shortfalls(measures, Weights(late_report_credit=Decimal(1)))["reports"] == Decimal(0)


def test_overdue_days_escalations_and_response_time_stop_at_their_caps():
    measures = Measures(overdue_days=600, escalations=50, response_days_total=Decimal(5000))

    result = score(measures, Weights())

    assert {item.key: item.shortfall for item in result.components} == {
        "reports": Decimal(0),
        "completion": Decimal(0),
        "overdue": Decimal(1),
        "escalations": Decimal(1),
        "response": Decimal(1),
    }
    assert result.total == Decimal("60.00")


def test_completion_shortfall_counts_late_and_still_overdue_against_all_judged():
    measures = Measures(completed_on_time=1, completed_late=1, open_overdue=2)

    # (1 + 2) / 4 = 0.75 → 30 × 0.75 = 22.50
    assert score(measures, Weights()).component("completion").deduction == Decimal("22.50")


def test_each_deduction_is_rounded_half_up_to_cents_and_the_total_adds_them_up():
    # overdue: 20 × 1/60 = 0.333… → 0.33; escalations: 10 × 1/5 = 2.00
    # response: one escalation answered after a third of a day → 10 × (1/3) / 10 = 0.333… → 0.33
    measures = Measures(overdue_days=1, escalations=1, response_days_total=Decimal(1) / 3)

    result = score(measures, Weights())

    assert [item.deduction for item in result.components] == [
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.33"),
        Decimal("2.00"),
        Decimal("0.33"),
    ]
    assert result.total == Decimal("97.34")


def test_response_time_is_the_mean_over_the_escalations():
    measures = Measures(escalations=4, response_days_total=Decimal(10))

    assert measures.response_days_mean == Decimal("2.5")
    # 2.5 / 10 → 10 × 0.25 = 2.50, and 4 / 5 escalations → 10 × 0.8 = 8.00
    assert score(measures, Weights()).total == Decimal("89.50")


def test_missing_reports_are_the_required_not_filed():
    assert Measures(reports_required=5, reports_on_time=3, reports_late=1).reports_missing == 1
    assert Measures(reports_required=1, reports_on_time=2).reports_missing == 0
