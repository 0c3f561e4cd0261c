"""Office days and hours for the demo history: when a clerk would have done something."""

from __future__ import annotations

import datetime

from django.utils import timezone


def office_time(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """Return the aware moment of the day at the given time in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def is_workday(day: datetime.date) -> bool:
    """Return whether the day is a weekday (public holidays are not modelled)."""
    return day.weekday() < 5


def workday_on_or_before(day: datetime.date) -> datetime.date:
    """Return the day itself when it is a weekday, else the Friday before."""
    while not is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def workday_on_or_after(day: datetime.date) -> datetime.date:
    """Return the day itself when it is a weekday, else the Monday after."""
    while not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def add_workdays(day: datetime.date, count: int) -> datetime.date:
    """Return the day `count` weekdays after the given one (0 keeps a weekday, moves a weekend to Monday)."""
    day = workday_on_or_after(day)
    for _ in range(count):
        day = workday_on_or_after(day + datetime.timedelta(days=1))
    return day


def first_working_day_of_january(year: int) -> datetime.date:
    """Return the first weekday after New Year's Day, when a bureau publishes its annual plan."""
    return workday_on_or_after(datetime.date(year, 1, 2))
