"""Reporting periods (报送期次): monthly, ten-day (旬报) and quarterly keys, labels and due dates."""

from __future__ import annotations

import datetime
import itertools

import pytest

from plans import periods
from plans.periods import MONTHLY, QUARTERLY, TEN_DAY, Period

D = datetime.date


class TestMonthly:
    def test_the_month_containing_a_day_is_due_on_the_plans_due_day(self):
        period = periods.period_containing(MONTHLY, D(2020, 9, 15), due_day=20)

        assert period == Period(MONTHLY, "2020-09", D(2020, 9, 1), D(2020, 9, 30), D(2020, 9, 20))
        assert period.label == "2020年9月"

    def test_the_due_day_defaults_to_the_25th(self):
        assert periods.period_containing(MONTHLY, D(2020, 9, 1)).due == D(2020, 9, 25)

    @pytest.mark.parametrize(
        ("day", "due"),
        [
            (D(2020, 2, 3), D(2020, 2, 29)),  # leap year
            (D(2021, 2, 3), D(2021, 2, 28)),
            (D(2020, 4, 30), D(2020, 4, 30)),
            (D(2020, 5, 31), D(2020, 5, 31)),
        ],
    )
    def test_a_due_day_past_the_end_of_a_short_month_falls_on_its_last_day(self, day, due):
        period = periods.period_containing(MONTHLY, day, due_day=31)

        assert period.due == due
        assert period.end == due

    def test_the_last_and_first_day_of_a_month_belong_to_different_periods(self):
        assert periods.period_containing(MONTHLY, D(2020, 12, 31)).key == "2020-12"
        assert periods.period_containing(MONTHLY, D(2021, 1, 1)).key == "2021-01"

    def test_previous_and_next_cross_the_year(self):
        january = periods.period_containing(MONTHLY, D(2021, 1, 15), due_day=10)

        assert periods.previous_period(january, due_day=10) == Period(
            MONTHLY, "2020-12", D(2020, 12, 1), D(2020, 12, 31), D(2020, 12, 10)
        )
        assert periods.next_period(january, due_day=10).key == "2021-02"


class TestTenDay:
    @pytest.mark.parametrize(
        ("day", "key", "start", "end", "label"),
        [
            (D(2020, 9, 1), "2020-09-1", D(2020, 9, 1), D(2020, 9, 10), "2020年9月上旬"),
            (D(2020, 9, 10), "2020-09-1", D(2020, 9, 1), D(2020, 9, 10), "2020年9月上旬"),
            (D(2020, 9, 11), "2020-09-2", D(2020, 9, 11), D(2020, 9, 20), "2020年9月中旬"),
            (D(2020, 9, 15), "2020-09-2", D(2020, 9, 11), D(2020, 9, 20), "2020年9月中旬"),
            (D(2020, 9, 21), "2020-09-3", D(2020, 9, 21), D(2020, 9, 30), "2020年9月下旬"),
            (D(2020, 10, 31), "2020-10-3", D(2020, 10, 21), D(2020, 10, 31), "2020年10月下旬"),
            (D(2020, 2, 29), "2020-02-3", D(2020, 2, 21), D(2020, 2, 29), "2020年2月下旬"),
        ],
    )
    def test_each_ten_days_is_a_period_due_on_its_last_day(self, day, key, start, end, label):
        period = periods.period_containing(TEN_DAY, day)

        assert (period.key, period.start, period.end, period.due, period.label) == (key, start, end, end, label)

    def test_the_plans_due_day_does_not_move_a_ten_day_report(self):
        assert periods.period_containing(TEN_DAY, D(2020, 9, 15), due_day=3).due == D(2020, 9, 20)

    def test_previous_of_the_first_ten_days_is_the_last_ten_days_of_the_month_before(self):
        first = periods.period_containing(TEN_DAY, D(2021, 3, 5))

        previous = periods.previous_period(first)

        assert previous == Period(TEN_DAY, "2021-02-3", D(2021, 2, 21), D(2021, 2, 28), D(2021, 2, 28))
        assert periods.next_period(previous) == first


class TestQuarterly:
    @pytest.mark.parametrize(
        ("day", "key", "start", "end", "label"),
        [
            (D(2020, 1, 1), "2020-Q1", D(2020, 1, 1), D(2020, 3, 31), "2020年第1季度"),
            (D(2020, 5, 20), "2020-Q2", D(2020, 4, 1), D(2020, 6, 30), "2020年第2季度"),
            (D(2020, 8, 5), "2020-Q3", D(2020, 7, 1), D(2020, 9, 30), "2020年第3季度"),
            (D(2020, 12, 31), "2020-Q4", D(2020, 10, 1), D(2020, 12, 31), "2020年第4季度"),
        ],
    )
    def test_the_quarter_containing_a_day(self, day, key, start, end, label):
        period = periods.period_containing(QUARTERLY, day)

        assert (period.key, period.start, period.end, period.label) == (key, start, end, label)

    def test_a_quarterly_report_is_due_on_the_due_day_of_the_quarters_last_month(self):
        assert periods.period_containing(QUARTERLY, D(2020, 8, 5), due_day=10).due == D(2020, 9, 10)

    def test_the_quarterly_due_day_is_capped_in_a_short_last_month(self):
        assert periods.period_containing(QUARTERLY, D(2020, 4, 2), due_day=31).due == D(2020, 6, 30)

    def test_previous_of_the_first_quarter_is_last_years_fourth(self):
        first = periods.period_containing(QUARTERLY, D(2021, 2, 1), due_day=10)

        assert periods.previous_period(first, due_day=10) == Period(
            QUARTERLY, "2020-Q4", D(2020, 10, 1), D(2020, 12, 31), D(2020, 12, 10)
        )


class TestLastClosedPeriod:
    @pytest.mark.parametrize(
        ("cycle", "today", "due_day", "key"),
        [
            # monthly: this month's report closes the day after its due day
            (MONTHLY, D(2020, 9, 10), 10, "2020-08"),
            (MONTHLY, D(2020, 9, 11), 10, "2020-09"),
            (MONTHLY, D(2020, 9, 25), 25, "2020-08"),
            (MONTHLY, D(2020, 9, 26), 25, "2020-09"),
            (MONTHLY, D(2021, 1, 5), 10, "2020-12"),
            # a due day of 31 in a 30-day month is its last day, so the month never closes within itself
            (MONTHLY, D(2020, 6, 30), 31, "2020-05"),
            (MONTHLY, D(2020, 7, 1), 31, "2020-06"),
            (MONTHLY, D(2020, 2, 29), 31, "2020-01"),
            # ten-day: a period closes the day after its last day
            (TEN_DAY, D(2020, 9, 10), 25, "2020-08-3"),
            (TEN_DAY, D(2020, 9, 11), 25, "2020-09-1"),
            (TEN_DAY, D(2020, 9, 20), 25, "2020-09-1"),
            (TEN_DAY, D(2020, 9, 21), 25, "2020-09-2"),
            (TEN_DAY, D(2020, 3, 1), 25, "2020-02-3"),
            # quarterly: only after the due day of the quarter's last month
            (QUARTERLY, D(2020, 9, 10), 10, "2020-Q2"),
            (QUARTERLY, D(2020, 9, 11), 10, "2020-Q3"),
            (QUARTERLY, D(2020, 8, 31), 10, "2020-Q2"),
            (QUARTERLY, D(2020, 10, 1), 10, "2020-Q3"),
            (QUARTERLY, D(2021, 1, 1), 10, "2020-Q4"),
            (QUARTERLY, D(2020, 6, 30), 31, "2020-Q1"),
        ],
    )
    def test_the_latest_period_whose_due_date_is_before_today(self, cycle, today, due_day, key):
        period = periods.last_closed_period(cycle, today, due_day=due_day)

        assert period.key == key
        assert period.due < today
        assert periods.next_period(period, due_day=due_day).due >= today


class TestPeriodByKey:
    @pytest.mark.parametrize(
        ("cycle", "key", "start", "due"),
        [
            (MONTHLY, "2020-09", D(2020, 9, 1), D(2020, 9, 20)),
            (MONTHLY, "2021-02", D(2021, 2, 1), D(2021, 2, 20)),
            (TEN_DAY, "2020-09-2", D(2020, 9, 11), D(2020, 9, 20)),
            (TEN_DAY, "2020-02-3", D(2020, 2, 21), D(2020, 2, 29)),
            (QUARTERLY, "2020-Q3", D(2020, 7, 1), D(2020, 9, 20)),
        ],
    )
    def test_a_valid_key_gives_back_its_period(self, cycle, key, start, due):
        period = periods.period_by_key(cycle, key, due_day=20)

        assert (period.key, period.start, period.due) == (key, start, due)
        assert periods.period_containing(cycle, start, due_day=20) == period

    @pytest.mark.parametrize(
        ("cycle", "key"),
        [
            (MONTHLY, "2020-13"),
            (MONTHLY, "2020-00"),
            (MONTHLY, "2020-9"),  # not the canonical spelling
            (MONTHLY, "2020"),
            (MONTHLY, "2020-09-2"),
            (MONTHLY, "2020-Q3"),
            (MONTHLY, ""),
            (MONTHLY, "九月"),
            (TEN_DAY, "2020-09-4"),
            (TEN_DAY, "2020-09-0"),
            (TEN_DAY, "2020-09"),
            (TEN_DAY, "2020-9-2"),
            (QUARTERLY, "2020-Q5"),
            (QUARTERLY, "2020-Q0"),
            (QUARTERLY, "2020-09"),
            (QUARTERLY, "2020Q3"),
        ],
    )
    def test_a_key_that_is_not_one_of_the_cycles_is_refused(self, cycle, key):
        with pytest.raises(ValueError, match=f"不是有效的报送期次：{key}"):
            periods.period_by_key(cycle, key)


class TestPeriodsBetween:
    def test_monthly_periods_across_a_year_end_in_order(self):
        found = periods.periods_between(MONTHLY, D(2020, 11, 15), D(2021, 2, 3), due_day=10)

        assert [p.key for p in found] == ["2020-11", "2020-12", "2021-01", "2021-02"]
        assert [p.due for p in found] == [D(2020, 11, 10), D(2020, 12, 10), D(2021, 1, 10), D(2021, 2, 10)]

    def test_ten_day_periods_across_a_month_end(self):
        found = periods.periods_between(TEN_DAY, D(2020, 2, 15), D(2020, 3, 11))

        assert [p.key for p in found] == ["2020-02-2", "2020-02-3", "2020-03-1", "2020-03-2"]

    def test_quarterly_periods_across_a_year_end(self):
        found = periods.periods_between(QUARTERLY, D(2020, 8, 1), D(2021, 1, 1))

        assert [p.key for p in found] == ["2020-Q3", "2020-Q4", "2021-Q1"]

    def test_two_days_of_one_period_give_that_period_once(self):
        found = periods.periods_between(MONTHLY, D(2020, 9, 1), D(2020, 9, 30))

        assert [p.key for p in found] == ["2020-09"]

    def test_consecutive_periods_leave_no_gap_and_do_not_overlap(self):
        for cycle in (MONTHLY, TEN_DAY, QUARTERLY):
            found = periods.periods_between(cycle, D(2019, 12, 20), D(2021, 3, 5))
            for earlier, later in itertools.pairwise(found):
                assert later.start == earlier.end + datetime.timedelta(days=1)
