"""The reminder rules as pure functions of dates, on the real 2020 official calendar."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from plans import periods
from reminders import rules

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OFFSETS = (7, 3, 1, 0)
LADDER = (("blue", 3), ("yellow", 10), ("red", 20))


def weekdays_only(day: datetime.date) -> bool:
    return day.weekday() < 5


class TestBeforeDeadline:
    # 2020-12-31 is a Thursday; D-7 = Thu 12-24, D-3 = Mon 12-28, D-1 = Wed 12-30, D-0 = Thu 12-31.
    @pytest.mark.parametrize(
        ("today", "rung"),
        [
            (D(2020, 12, 23), None),
            (D(2020, 12, 24), 7),
            (D(2020, 12, 25), 7),
            (D(2020, 12, 28), 3),
            (D(2020, 12, 29), 3),
            (D(2020, 12, 30), 1),
            (D(2020, 12, 31), 0),
            (D(2021, 1, 1), None),
        ],
    )
    def test_the_latest_offset_reached_is_due(self, today, rung):
        assert rules.deadline_rung(D(2020, 12, 31), today, OFFSETS) == rung

    def test_an_offset_falling_on_a_weekend_moves_to_the_friday_before(self):
        # Deadline Tue 2020-09-15: D-3 is Sat 09-12, so that reminder goes out on Fri 09-11.
        assert rules.deadline_rung(D(2020, 9, 15), D(2020, 9, 10), OFFSETS) == 7
        assert rules.deadline_rung(D(2020, 9, 15), D(2020, 9, 11), OFFSETS) == 3

    def test_an_offset_in_the_national_day_holiday_moves_to_the_last_working_day_before_it(self):
        # Deadline Fri 2020-10-09 (first working day after the 10-01..08 holiday): D-7 = 10-02 and
        # D-3 = 10-06 and D-1 = 10-08 are holidays, so all three are due on Wed 09-30.
        assert rules.deadline_rung(D(2020, 10, 9), D(2020, 9, 29), OFFSETS) is None
        assert rules.deadline_rung(D(2020, 10, 9), D(2020, 9, 30), OFFSETS) == 1
        assert rules.deadline_rung(D(2020, 10, 9), D(2020, 10, 9), OFFSETS) == 0

    def test_an_adjusted_working_sunday_counts_as_a_working_day(self):
        # Sun 2020-09-27 was a working day (调休). Deadline Wed 09-30: D-3 = 09-27 stays on that Sunday.
        assert rules.deadline_rung(D(2020, 9, 30), D(2020, 9, 26), OFFSETS) == 7
        assert rules.deadline_rung(D(2020, 9, 30), D(2020, 9, 27), OFFSETS) == 3

    def test_a_deadline_on_a_holiday_is_reminded_on_the_working_day_before(self):
        # Deadline Sat 2020-10-03 (holiday): D-0 goes on Wed 09-30, the last working day before.
        assert rules.deadline_rung(D(2020, 10, 3), D(2020, 9, 30), OFFSETS) == 0

    def test_the_rungs_map_lists_exactly_the_deadlines_due_today(self):
        rungs = rules.before_deadline_rungs(D(2020, 12, 28), OFFSETS)
        assert rungs[D(2020, 12, 28)] == 0
        assert rungs[D(2020, 12, 29)] == 1
        assert rungs[D(2020, 12, 31)] == 3
        assert rungs[D(2021, 1, 4)] == 7
        assert D(2021, 1, 5) not in rungs  # its D-7 is 12-29, not reached yet
        assert all(deadline >= D(2020, 12, 28) for deadline in rungs)

    def test_the_rungs_map_agrees_with_the_single_rule_for_every_deadline(self):
        today = D(2020, 9, 28)
        rungs = rules.before_deadline_rungs(today, OFFSETS)
        for ahead in range(60):
            deadline = today + datetime.timedelta(days=ahead)
            assert rungs.get(deadline) == rules.deadline_rung(deadline, today, OFFSETS), deadline

    def test_the_key_names_the_deadline_so_an_extension_starts_again(self):
        assert rules.before_deadline_key(D(2020, 12, 31), 3) == "D-3@2020-12-31"
        assert rules.before_deadline_key(D(2021, 1, 31), 3) != rules.before_deadline_key(D(2020, 12, 31), 3)


class TestOverdue:
    @pytest.mark.parametrize(
        ("today", "round_number"),
        [
            (D(2020, 12, 31), None),
            (D(2021, 1, 1), 0),
            (D(2021, 1, 3), 0),
            (D(2021, 1, 4), 1),
            (D(2021, 1, 6), 1),
            (D(2021, 1, 7), 2),
        ],
    )
    def test_overdue_reminders_repeat_every_n_days(self, today, round_number):
        assert rules.overdue_round(D(2020, 12, 31), today, 3) == round_number

    def test_overdue_keys_differ_per_round_and_deadline(self):
        assert rules.overdue_key(D(2020, 12, 31), 2) == "overdue-2@2020-12-31"


class TestLadder:
    @pytest.mark.parametrize(
        ("days_over", "level"),
        [(0, None), (2, None), (3, "blue"), (9, "blue"), (10, "yellow"), (19, "yellow"), (20, "red"), (90, "red")],
    )
    def test_the_highest_rung_reached_is_the_level(self, days_over, level):
        deadline = D(2020, 9, 1)
        assert rules.ladder_level(deadline, deadline + datetime.timedelta(days=days_over), LADDER) == level

    def test_the_ladder_order_in_settings_does_not_matter(self):
        assert rules.ladder_level(D(2020, 9, 1), D(2020, 9, 30), tuple(reversed(LADDER))) == "red"


class TestReportingCycles:
    def test_a_monthly_report_is_reminded_three_days_before_the_25th(self):
        # 2020-09-25 is a Friday; 09-22 a Tuesday.
        assert rules.report_reminder_period("monthly", D(2020, 9, 21), due_day=25, days_before=3) is None
        period = rules.report_reminder_period("monthly", D(2020, 9, 22), due_day=25, days_before=3)
        assert period is not None and period.key == "2020-09"
        assert rules.report_reminder_period("monthly", D(2020, 9, 25), due_day=25, days_before=3).key == "2020-09"

    def test_after_the_due_day_the_next_months_report_is_the_one_reminded(self):
        assert rules.report_reminder_period("monthly", D(2020, 9, 26), due_day=25, days_before=3) is None
        assert rules.report_reminder_period("monthly", D(2020, 10, 22), due_day=25, days_before=3).key == "2020-10"

    def test_a_reminder_day_on_a_weekend_moves_to_the_friday_before(self):
        # 2020-11-25 is a Wednesday; three days before is Sun 11-22, so the reminder goes on Fri 11-20.
        assert rules.report_reminder_period("monthly", D(2020, 11, 19), due_day=25, days_before=3) is None
        assert rules.report_reminder_period("monthly", D(2020, 11, 20), due_day=25, days_before=3).key == "2020-11"

    def test_a_plans_own_due_day_is_used(self):
        assert rules.report_reminder_period("monthly", D(2020, 9, 7), due_day=10, days_before=3).key == "2020-09"

    @pytest.mark.parametrize(
        ("today", "key"),
        [
            (D(2020, 9, 7), "2020-09-1"),  # 上旬 due Thu 09-10, reminded Mon 09-07
            (D(2020, 9, 17), "2020-09-2"),  # 中旬 due Sun 09-20, three days before = Thu 09-17
            (D(2020, 9, 28), "2020-09-3"),  # 下旬 due Wed 09-30 (the last day), reminded Sun 09-27 (调休)
        ],
    )
    def test_ten_day_reports_are_due_on_the_10th_20th_and_last_day(self, today, key):
        assert rules.report_reminder_period("ten_day", today, due_day=25, days_before=3).key == key

    def test_a_missing_report_is_escalated_on_its_due_day(self):
        assert rules.report_escalation_period("monthly", D(2020, 9, 24), due_day=25) is not None  # August's
        assert rules.report_escalation_period("monthly", D(2020, 9, 24), due_day=25).key == "2020-08"
        assert rules.report_escalation_period("monthly", D(2020, 9, 25), due_day=25).key == "2020-09"

    def test_a_due_day_in_a_holiday_escalates_on_the_next_working_day(self):
        # 旬报: 2020-10 上旬 is due Sat 10-10, an adjusted working day, so it escalates that day;
        # the September 下旬 report is due Wed 09-30. A monthly plan with due day 3 is due in the holiday:
        # October's report (due 10-03) is escalated on Fri 10-09, the first working day after.
        assert rules.report_escalation_period("monthly", D(2020, 10, 8), due_day=3) is None
        assert rules.report_escalation_period("monthly", D(2020, 10, 9), due_day=3).key == "2020-10"
        assert rules.report_escalation_period("ten_day", D(2020, 10, 10), due_day=25).key == "2020-10-1"

    def test_quarterly_reports_are_due_in_the_quarters_last_month(self):
        assert rules.report_reminder_period("quarterly", D(2020, 9, 22), due_day=25, days_before=3).key == "2020-Q3"
        assert rules.report_reminder_period("quarterly", D(2020, 8, 22), due_day=25, days_before=3) is None

    def test_keys_name_the_period(self):
        period = periods.period_by_key("monthly", "2020-09")
        assert rules.report_reminder_key(period) == "2020-09"
        assert rules.report_escalation_key(period) == "report@2020-09"


class TestQuietHours:
    QUIET = (datetime.time(21, 0), datetime.time(8, 0))

    def at(self, *parts: int) -> datetime.datetime:
        return datetime.datetime(*parts, tzinfo=SHANGHAI)

    def test_reading_the_setting(self):
        assert rules.parse_quiet_hours("21:00-08:00") == self.QUIET
        assert rules.parse_quiet_hours("") is None
        assert rules.parse_quiet_hours("08:00-08:00") is None
        with pytest.raises(ValueError):
            rules.parse_quiet_hours("nine to five")

    @pytest.mark.parametrize(
        ("clock_time", "quiet"),
        [((20, 59), False), ((21, 0), True), ((23, 30), True), ((0, 0), True), ((7, 59), True), ((8, 0), False)],
    )
    def test_quiet_hours_span_midnight(self, clock_time, quiet):
        assert rules.in_quiet_hours(datetime.time(*clock_time), self.QUIET) is quiet

    def test_daytime_quiet_hours(self):
        lunch = (datetime.time(12, 0), datetime.time(14, 0))
        assert rules.in_quiet_hours(datetime.time(13, 0), lunch)
        assert not rules.in_quiet_hours(datetime.time(14, 0), lunch)

    def test_a_message_in_working_hours_goes_at_once(self):
        moment = self.at(2020, 9, 15, 10, 0)
        assert rules.release_time(moment, self.QUIET, working_days_only=True) == moment

    def test_a_late_evening_message_waits_for_the_morning(self):
        released = rules.release_time(self.at(2020, 9, 15, 22, 30), self.QUIET, working_days_only=True)
        assert released == self.at(2020, 9, 16, 8, 0)

    def test_an_early_morning_message_waits_until_the_quiet_hours_end(self):
        released = rules.release_time(self.at(2020, 9, 16, 6, 0), self.QUIET, working_days_only=True)
        assert released == self.at(2020, 9, 16, 8, 0)

    def test_a_friday_night_message_waits_for_monday_morning(self):
        released = rules.release_time(self.at(2020, 9, 18, 22, 0), self.QUIET, working_days_only=True)
        assert released == self.at(2020, 9, 21, 8, 0)

    def test_a_message_in_the_national_day_holiday_waits_for_the_first_working_day(self):
        released = rules.release_time(self.at(2020, 10, 2, 10, 0), None, working_days_only=True)
        assert released == self.at(2020, 10, 9, 8, 0)

    def test_an_adjusted_working_saturday_is_a_sending_day(self):
        moment = self.at(2020, 10, 10, 10, 0)
        assert rules.release_time(moment, self.QUIET, working_days_only=True) == moment

    def test_without_the_working_day_rule_only_quiet_hours_hold_a_message(self):
        moment = self.at(2020, 9, 19, 10, 0)  # a Saturday
        assert rules.release_time(moment, self.QUIET, working_days_only=False) == moment

    def test_a_custom_calendar_can_be_given(self):
        assert rules.deadline_rung(D(2020, 10, 9), D(2020, 10, 2), OFFSETS, is_working=weekdays_only) == 7
