"""Assessment periods: keys, labels and the cut-offs a period is read with."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessment.periods import custom_period, period_choices, period_from_key, year_to_date

D = datetime.date


@pytest.mark.parametrize(
    ("key", "start", "end", "label"),
    [
        ("2020", D(2020, 1, 1), D(2020, 12, 31), "2020年"),
        ("2020-Q3", D(2020, 7, 1), D(2020, 9, 30), "2020年第3季度"),
        ("2020-02", D(2020, 2, 1), D(2020, 2, 29), "2020年2月"),
        ("2020-07-01~2020-09-15", D(2020, 7, 1), D(2020, 9, 15), "2020年7月1日至2020年9月15日"),
    ],
)
def test_a_key_names_a_period(key, start, end, label):
    period = period_from_key(key)

    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("key", ["", "2020-Q5", "2020-13", "20-09", "1999", "2020-09-30~2020-09-01", "next year"])
def test_a_key_that_names_no_period_is_refused(key):
    with pytest.raises(ValueError):
        period_from_key(key)


def test_the_default_is_this_year_to_today():
    period = year_to_date(D(2020, 9, 20))

    assert (period.start, period.end, period.label, period.query) == (
        D(2020, 1, 1),
        D(2020, 9, 20),
        "2020年（1月1日至9月20日）",
        {},
    )


def test_a_finished_period_is_read_as_of_the_end_of_its_last_day():
    now = timezone.make_aware(datetime.datetime(2020, 11, 3, 15, 0))

    window = period_from_key("2020-09").window(now=now)

    assert (window.start, window.last_day, window.reports_through, window.running) == (
        D(2020, 9, 1),
        D(2020, 9, 30),
        D(2020, 9, 30),
        False,
    )
    assert window.as_of == timezone.make_aware(datetime.datetime(2020, 10, 1, 0, 0))


def test_a_running_period_is_read_as_of_now_with_reports_due_before_today():
    now = timezone.make_aware(datetime.datetime(2020, 9, 20, 15, 0))

    window = period_from_key("2020-Q3").window(now=now)

    assert (window.last_day, window.reports_through, window.as_of, window.running) == (
        D(2020, 9, 20),
        D(2020, 9, 19),
        now,
        True,
    )


def test_a_custom_period_round_trips_through_its_query():
    period = custom_period(D(2020, 7, 1), D(2020, 9, 15))

    assert period.query == {"from": "2020-07-01", "to": "2020-09-15"}
    assert period_from_key(period.key) == period


def test_choices_offer_only_periods_that_have_begun():
    groups = period_choices(first_year=2019, today=D(2020, 2, 10))

    assert [label for label, _ in groups] == ["2020年", "2019年"]
    assert groups[0][1] == [
        ("2020", "2020年全年"),
        ("2020-Q1", "2020年第1季度"),
        ("2020-02", "2020年2月"),
        ("2020-01", "2020年1月"),
    ]
    assert len(groups[1][1]) == 1 + 4 + 12
