"""Working days by China's official calendar, and deadlines on days off marked as such."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from core import clock, workdays
from plans.models import PlanStatus
from plans.services.plans import plan_publish
from plans.templatetags.supervision import nonworking_note
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory

D = datetime.date
NATIONAL_DAY_2020 = [D(2020, 10, day) for day in range(1, 9)]


@pytest.fixture(autouse=True)
def no_extra_days(settings):
    """Start every test from the package's calendar alone, whatever the environment lists."""
    settings.WORKING_CALENDAR_EXTRA_HOLIDAYS = []
    settings.WORKING_CALENDAR_EXTRA_WORKDAYS = []


@pytest.fixture(autouse=True)
def in_chinese():
    with translation.override("zh-hans"):
        yield


class TestOfficialCalendar:
    def test_the_2020_national_day_and_mid_autumn_holiday_is_eight_days_off(self):
        assert [workdays.is_working_day(day) for day in NATIONAL_DAY_2020] == [False] * 8
        assert workdays.is_working_day(D(2020, 9, 30))
        assert workdays.is_working_day(D(2020, 10, 9))

    def test_adjusted_weekends_around_national_day_2020_are_working_days(self):
        assert D(2020, 9, 27).weekday() == 6
        assert D(2020, 10, 10).weekday() == 5
        assert workdays.is_working_day(D(2020, 9, 27))
        assert workdays.is_working_day(D(2020, 10, 10))

    def test_national_day_2026(self):
        assert [workdays.is_working_day(D(2026, 10, day)) for day in range(1, 8)] == [False] * 7
        assert workdays.is_working_day(D(2026, 10, 8))
        assert workdays.is_working_day(D(2026, 10, 10))  # Saturday, adjusted
        assert workdays.is_working_day(D(2026, 9, 20))  # Sunday, adjusted

    def test_a_plain_weekend_is_off_and_the_weekdays_around_it_work(self):
        assert [workdays.is_working_day(D(2020, 11, day)) for day in range(13, 17)] == [True, False, False, True]

    def test_datetimes_are_read_as_their_date(self):
        assert not workdays.is_working_day(datetime.datetime(2020, 10, 3, 9, 30))

    def test_years_covered(self):
        assert workdays.covered(2020)
        assert workdays.covered(2026)
        assert not workdays.covered(2027)


class TestYearTheOfficialCalendarDoesNotCover:
    def test_weekdays_work_and_weekends_do_not(self):
        assert [workdays.is_working_day(D(2027, 10, day)) for day in range(1, 8)] == [
            True,  # Friday
            False,  # Saturday
            False,  # Sunday
            True,
            True,
            True,
            True,
        ]
        assert workdays.day_note(D(2027, 10, 1)) == ""
        assert workdays.day_note(D(2027, 10, 2)) == "周六"

    def test_settings_list_holidays_and_adjusted_working_days(self, settings):
        settings.WORKING_CALENDAR_EXTRA_HOLIDAYS = ["2027-10-01", "2027-10-04"]
        settings.WORKING_CALENDAR_EXTRA_WORKDAYS = ["2027-09-25"]

        assert not workdays.is_working_day(D(2027, 10, 1))
        assert not workdays.is_working_day(D(2027, 10, 4))
        assert workdays.is_working_day(D(2027, 9, 25))  # a Saturday
        assert workdays.is_working_day(D(2027, 10, 5))
        assert workdays.covered(2027)
        assert not workdays.covered(2028)

    def test_a_holiday_from_the_settings_has_no_name(self, settings):
        settings.WORKING_CALENDAR_EXTRA_HOLIDAYS = ["2027-10-01"]

        assert workdays.holiday_name(D(2027, 10, 1)) == ""
        assert workdays.day_note(D(2027, 10, 1)) == "节假日"
        assert nonworking_note(D(2027, 10, 1)) == "（节假日）"

    def test_the_settings_are_read_at_each_call(self, settings):
        assert workdays.is_working_day(D(2027, 10, 1))
        settings.WORKING_CALENDAR_EXTRA_HOLIDAYS = ["2027-10-01"]
        assert not workdays.is_working_day(D(2027, 10, 1))
        settings.WORKING_CALENDAR_EXTRA_HOLIDAYS = []
        assert workdays.is_working_day(D(2027, 10, 1))

    def test_the_settings_correct_a_covered_year(self, settings):
        settings.WORKING_CALENDAR_EXTRA_HOLIDAYS = ["2020-10-09"]
        settings.WORKING_CALENDAR_EXTRA_WORKDAYS = ["2020-10-08"]

        assert not workdays.is_working_day(D(2020, 10, 9))
        assert workdays.is_working_day(D(2020, 10, 8))
        assert workdays.day_note(D(2020, 10, 8)) == ""

    def test_a_setting_that_is_not_a_date_fails_loudly(self, settings):
        settings.WORKING_CALENDAR_EXTRA_HOLIDAYS = ["2027-13-01"]

        with pytest.raises(ImproperlyConfigured, match="WORKING_CALENDAR_EXTRA_HOLIDAYS"):
            workdays.is_working_day(D(2027, 10, 1))


class TestStepping:
    def test_previous_working_day_across_national_day_2020(self):
        assert workdays.previous_working_day(D(2020, 10, 5)) == D(2020, 9, 30)
        assert workdays.previous_working_day(D(2020, 10, 9)) == D(2020, 10, 9)
        assert workdays.previous_working_day(D(2020, 10, 9), inclusive=False) == D(2020, 9, 30)
        assert workdays.previous_working_day(D(2020, 10, 1), inclusive=False) == D(2020, 9, 30)

    def test_next_working_day_across_national_day_2020(self):
        assert workdays.next_working_day(D(2020, 10, 1)) == D(2020, 10, 9)
        assert workdays.next_working_day(D(2020, 9, 30)) == D(2020, 9, 30)
        assert workdays.next_working_day(D(2020, 9, 30), inclusive=False) == D(2020, 10, 9)
        assert workdays.next_working_day(D(2020, 10, 9), inclusive=False) == D(2020, 10, 10)  # adjusted Saturday

    def test_working_days_between_counts_after_the_start_up_to_the_end(self):
        assert workdays.working_days_between(D(2020, 9, 30), D(2020, 10, 9)) == 1
        assert workdays.working_days_between(D(2020, 9, 25), D(2020, 10, 12)) == 7
        assert workdays.working_days_between(D(2020, 10, 9), D(2020, 10, 9)) == 0
        assert workdays.working_days_between(D(2020, 10, 9), D(2020, 9, 30)) == -1

    def test_add_working_days_skips_the_holiday_and_uses_the_adjusted_saturday(self):
        assert workdays.add_working_days(D(2020, 9, 30), 1) == D(2020, 10, 9)
        assert workdays.add_working_days(D(2020, 9, 30), 2) == D(2020, 10, 10)
        assert workdays.add_working_days(D(2020, 9, 30), 3) == D(2020, 10, 12)
        assert workdays.add_working_days(D(2020, 10, 3), 0) == D(2020, 10, 3)
        assert workdays.add_working_days(D(2020, 10, 9), -1) == D(2020, 9, 30)
        assert workdays.add_working_days(D(2020, 10, 3), 1) == D(2020, 10, 9)  # raised on a holiday

    @pytest.mark.parametrize("count", [0, 1, 5, 10, 30])
    def test_add_working_days_and_working_days_between_agree(self, count):
        for start in (D(2020, 9, 26), D(2020, 9, 30), D(2020, 10, 4), D(2027, 1, 1)):
            assert workdays.working_days_between(start, workdays.add_working_days(start, count)) == count


class TestNotes:
    @pytest.mark.parametrize(
        ("day", "note"),
        [
            (D(2020, 10, 1), "国庆节"),
            (D(2020, 10, 3), "国庆节"),
            (D(2020, 10, 8), "国庆节"),
            (D(2020, 10, 10), ""),  # adjusted Saturday
            (D(2020, 10, 9), ""),
            (D(2020, 11, 14), "周六"),
            (D(2020, 11, 15), "周日"),
            (D(2020, 1, 1), "元旦"),
            (D(2020, 1, 27), "春节"),
            (D(2020, 4, 4), "清明节"),
            (D(2020, 5, 1), "劳动节"),
            (D(2020, 6, 25), "端午节"),
            (D(2026, 9, 25), "中秋节"),
            (D(2026, 10, 1), "国庆节"),
        ],
    )
    def test_day_note(self, day, note):
        assert workdays.day_note(day) == note

    def test_notes_follow_the_language(self):
        with translation.override("en"):
            assert workdays.day_note(D(2020, 11, 14)) == translation.gettext("周六")

    @pytest.mark.parametrize(
        ("day", "weekday_shown", "note"),
        [
            (D(2020, 10, 3), False, "（国庆节假期）"),
            (D(2020, 10, 3), "weekday_shown", "（国庆节假期）"),
            (D(2020, 11, 14), False, "（周六）"),
            (D(2020, 11, 14), "weekday_shown", ""),
            (D(2020, 10, 10), False, ""),
            (D(2020, 10, 9), False, ""),
            (None, False, ""),
        ],
    )
    def test_the_template_filter(self, day, weekday_shown, note):
        assert nonworking_note(day, weekday_shown) == note


@pytest.mark.django_db
def test_a_deadline_on_a_national_day_holiday_is_marked_on_the_task_page(client, people, bureau):
    with clock.frozen_at(datetime.datetime(2020, 7, 2, 10)):
        plan = PlanFactory(status=PlanStatus.DRAFT, published_at=None)
        task = TaskFactory(plan=plan, deadline=D(2020, 10, 3), deadline_text="")
        AssignmentFactory(task=task, unit=bureau["school"])
    with clock.frozen_at(datetime.datetime(2020, 7, 3, 10)):
        plan_publish(actor=people["admin"], plan=plan)
    client.force_login(people["supervisor"])

    with clock.frozen_at(datetime.datetime(2020, 9, 20, 10)):
        response = client.get(reverse("plans:task_detail", args=[task.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    note = '<span class="muted day-note" title="非工作日">（国庆节假期）</span>'
    assert f"2020年10月3日（周六）{note}" in page  # the facts
    assert f"2020年10月3日{note}" in page  # the units table
