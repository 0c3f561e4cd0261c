"""Reporting periods (报送期次): monthly, ten-day (旬报) and quarterly. Pure functions of dates."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTHLY = "monthly"
TEN_DAY = "ten_day"
QUARTERLY = "quarterly"
TEN_DAY_NAMES = {1: "上旬", 2: "中旬", 3: "下旬"}


@dataclass(frozen=True)
class Period:
    """One reporting period: its key (2020-09, 2020-09-2, 2020-Q3), first and last day, and report due date."""

    cycle: str
    key: str
    start: datetime.date
    end: datetime.date
    due: datetime.date

    @property
    def label(self) -> str:
        """Return the period as people write it: 2020年9月, 2020年9月中旬, 2020年第3季度."""
        if self.cycle == TEN_DAY:
            index = _ten_day_index(self.start)
            if index == 1:
                text = _("%(year)s年%(month)s月上旬")
            elif index == 2:
                text = _("%(year)s年%(month)s月中旬")
            else:
                text = _("%(year)s年%(month)s月下旬")
            return text % {"year": self.start.year, "month": self.start.month}
        if self.cycle == QUARTERLY:
            return _("%(year)s年第%(quarter)s季度") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        return _("%(year)s年%(month)s月") % {"year": self.start.year, "month": self.start.month}


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _capped_day(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _ten_day_index(day: datetime.date) -> int:
    return 1 if day.day <= 10 else 2 if day.day <= 20 else 3


def period_containing(cycle: str, day: datetime.date, *, due_day: int = 25) -> Period:
    """Return the period of the cycle that contains the day.

    Monthly reports are due on `due_day` of the month (the last day when the month is shorter);
    旬报 at the end of each ten days (the 10th, the 20th, the last day); quarterly reports on
    `due_day` of the quarter's last month.
    """
    if cycle == TEN_DAY:
        index = _ten_day_index(day)
        start = day.replace(day=(index - 1) * 10 + 1)
        end = day.replace(day=index * 10) if index < 3 else _month_end(day.year, day.month)
        return Period(TEN_DAY, f"{day:%Y-%m}-{index}", start, end, end)
    if cycle == QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        start = datetime.date(day.year, quarter * 3 - 2, 1)
        end = _month_end(day.year, quarter * 3)
        return Period(QUARTERLY, f"{day.year}-Q{quarter}", start, end, _capped_day(day.year, quarter * 3, due_day))
    start = day.replace(day=1)
    return Period(
        MONTHLY, f"{day:%Y-%m}", start, _month_end(day.year, day.month), _capped_day(day.year, day.month, due_day)
    )


def previous_period(period: Period, *, due_day: int = 25) -> Period:
    """Return the period just before the given one."""
    return period_containing(period.cycle, period.start - datetime.timedelta(days=1), due_day=due_day)


def next_period(period: Period, *, due_day: int = 25) -> Period:
    """Return the period just after the given one."""
    return period_containing(period.cycle, period.end + datetime.timedelta(days=1), due_day=due_day)


def last_closed_period(cycle: str, today: datetime.date, *, due_day: int = 25) -> Period:
    """Return the latest period whose report due date is before today (its report is late if missing)."""
    period = period_containing(cycle, today, due_day=due_day)
    while period.due >= today:
        period = previous_period(period, due_day=due_day)
    return period


def period_by_key(cycle: str, key: str, *, due_day: int = 25) -> Period:
    """Return the period with the given key; raise ValueError for a key that is not one of the cycle's."""
    try:
        if cycle == TEN_DAY:
            year, month, index = (int(part) for part in key.split("-"))
            if index not in (1, 2, 3):
                raise ValueError(key)
            day = datetime.date(year, month, (index - 1) * 10 + 1)
        elif cycle == QUARTERLY:
            year_text, quarter_text = key.split("-Q")
            quarter = int(quarter_text)
            if not 1 <= quarter <= 4:
                raise ValueError(key)
            day = datetime.date(int(year_text), quarter * 3 - 2, 1)
        else:
            year, month = (int(part) for part in key.split("-"))
            day = datetime.date(year, month, 1)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"不是有效的报送期次：{key}") from exc
    period = period_containing(cycle, day, due_day=due_day)
    if period.key != key:
        raise ValueError(f"不是有效的报送期次：{key}")
    return period


def periods_between(cycle: str, first: datetime.date, last: datetime.date, *, due_day: int = 25) -> list[Period]:
    """Return the periods from the one containing `first` to the one containing `last`, in order."""
    periods = []
    period = period_containing(cycle, first, due_day=due_day)
    while period.start <= last:
        periods.append(period)
        period = next_period(period, due_day=due_day)
    return periods
