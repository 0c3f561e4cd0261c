"""Working days by China's official calendar: holidays, adjusted working weekends (调休) and notes for days off.

The calendar comes from the chinesecalendar package. Settings WORKING_CALENDAR_EXTRA_HOLIDAYS and
WORKING_CALENDAR_EXTRA_WORKDAYS (ISO dates) correct it, and fill in the years it does not cover yet;
a year neither of them covers counts Monday to Friday as working days. The settings are read at call
time, so tests and a running site can change them.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ONE_DAY = datetime.timedelta(days=1)

# The package's holiday names (chinese_calendar.Holiday values) in the words a Chinese notice uses.
HOLIDAY_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: gettext_lazy("元旦"),
    chinese_calendar.Holiday.spring_festival.value: gettext_lazy("春节"),
    chinese_calendar.Holiday.tomb_sweeping_day.value: gettext_lazy("清明节"),
    chinese_calendar.Holiday.labour_day.value: gettext_lazy("劳动节"),
    chinese_calendar.Holiday.dragon_boat_festival.value: gettext_lazy("端午节"),
    chinese_calendar.Holiday.national_day.value: gettext_lazy("国庆节"),
    chinese_calendar.Holiday.mid_autumn_festival.value: gettext_lazy("中秋节"),
    chinese_calendar.Holiday.anti_fascist_70th_day.value: gettext_lazy("抗战胜利70周年纪念日"),
}
WEEKEND_NAMES = {5: gettext_lazy("周六"), 6: gettext_lazy("周日")}


@lru_cache(maxsize=16)
def _parse_dates(values: tuple[str, ...], setting: str) -> frozenset[datetime.date]:
    """Return the ISO dates of a setting as a set, or fail loudly on one that is not a date."""
    days = set()
    for value in values:
        try:
            days.add(datetime.date.fromisoformat(str(value).strip()))
        except ValueError as error:
            raise ImproperlyConfigured(f"{setting}: {value!r} is not an ISO date (YYYY-MM-DD)") from error
    return frozenset(days)


def _extra_holidays() -> frozenset[datetime.date]:
    name = "WORKING_CALENDAR_EXTRA_HOLIDAYS"
    return _parse_dates(tuple(getattr(settings, name, ()) or ()), name)


def _extra_workdays() -> frozenset[datetime.date]:
    name = "WORKING_CALENDAR_EXTRA_WORKDAYS"
    return _parse_dates(tuple(getattr(settings, name, ()) or ()), name)


@lru_cache(maxsize=8192)
def _package_detail(day: datetime.date) -> tuple[bool, str | None] | None:
    """Return the package's (is a day off, holiday name) for the day, or None for a year it does not cover.

    Cached because the package checks the covered range by scanning all its dates on every call.
    """
    try:
        return chinese_calendar.get_holiday_detail(day)
    except (NotImplementedError, ValueError):
        return None


def _to_date(day: datetime.date) -> datetime.date:
    # A datetime is a date too, but it would miss the caches and the sets of dates.
    return day.date() if isinstance(day, datetime.datetime) else day


def is_working_day(day: datetime.date) -> bool:
    """Return whether offices work on the day: official holidays are off, adjusted weekends (调休) are on."""
    day = _to_date(day)
    if day in _extra_workdays():
        return True
    if day in _extra_holidays():
        return False
    detail = _package_detail(day)
    if detail is not None:
        return not detail[0]
    return day.weekday() < 5


def covered(year: int) -> bool:
    """Return whether the official calendar (the package or the extra settings) covers the year."""
    if _package_detail(datetime.date(year, 1, 1)) is not None:
        return True
    return any(day.year == year for day in _extra_holidays() | _extra_workdays())


def previous_working_day(day: datetime.date, *, inclusive: bool = True) -> datetime.date:
    """Return the last working day on or before the day (strictly before it when not inclusive)."""
    day = _to_date(day)
    if not inclusive:
        day -= ONE_DAY
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def next_working_day(day: datetime.date, *, inclusive: bool = True) -> datetime.date:
    """Return the first working day on or after the day (strictly after it when not inclusive)."""
    day = _to_date(day)
    if not inclusive:
        day += ONE_DAY
    while not is_working_day(day):
        day += ONE_DAY
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Return how many working days lie after start up to and including end (negative when end is earlier).

    This is how a response period is counted: raised on a Friday, answered the next Monday is one
    working day.
    """
    start, end = _to_date(start), _to_date(end)
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start + ONE_DAY
    while day <= end:
        count += is_working_day(day)
        day += ONE_DAY
    return count


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """Return the count-th working day after the day (before it when count is negative; the day itself for 0).

    The day itself is not counted, so `working_days_between(day, add_working_days(day, n)) == n`.
    """
    day = _to_date(day)
    step = ONE_DAY if count > 0 else -ONE_DAY
    remaining = abs(count)
    while remaining:
        day += step
        remaining -= is_working_day(day)
    return day


def is_official_holiday(day: datetime.date) -> bool:
    """Return whether the day is off because of an official holiday rather than an ordinary weekend."""
    day = _to_date(day)
    if day in _extra_workdays():
        return False
    if day in _extra_holidays():
        return True
    detail = _package_detail(day)
    return bool(detail and detail[0] and detail[1])


def holiday_name(day: datetime.date) -> str:
    """Return the Chinese name of the official holiday that gives the day off (国庆节), or "".

    "" also for a working day, a plain weekend, and a holiday known only from the settings (it has no name).
    """
    day = _to_date(day)
    if not is_official_holiday(day):
        return ""
    detail = _package_detail(day)
    name = detail[1] if detail and detail[0] else None
    if not name:
        return ""
    if name in HOLIDAY_NAMES:
        return str(HOLIDAY_NAMES[name])
    try:  # a holiday added by a newer package: its own Chinese name, untranslated
        return chinese_calendar.Holiday(name).chinese
    except ValueError:
        return ""


def day_note(day: datetime.date) -> str:
    """Return "" for a working day, else why it is off: the holiday's name (国庆节) or 周六 / 周日.

    A holiday known only from the settings has no name and reads 节假日.
    """
    day = _to_date(day)
    if is_working_day(day):
        return ""
    if is_official_holiday(day):
        return holiday_name(day) or _("节假日")
    return str(WEEKEND_NAMES[day.weekday()])
