"""Assessment periods (考核期间): a year, a quarter, a month, a custom range, or this year to date.

Pure functions of dates. A period is read as of its last day, or as of now when it has not
ended yet; `AssessmentWindow` carries the cut-offs every measure uses.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import chinese_date

YEAR = re.compile(r"^(\d{4})$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})~(\d{4}-\d{2}-\d{2})$")
EARLIEST_YEAR = 2000


@dataclass(frozen=True)
class AssessmentPeriod:
    """A date range to assess, with the key that names it in links and objections."""

    key: str  # "2020", "2020-Q3", "2020-09", "2020-07-01~2020-09-15"
    start: datetime.date
    end: datetime.date
    to_date: bool = False  # the default: this year from 1 January to today

    @property
    def label(self) -> str:
        """Return the period as people write it: 2020年, 2020年第3季度, 2020年9月, 2020年7月1日至9月15日."""
        if self.to_date:
            return _("%(year)s年（1月1日至%(month)s月%(day)s日）") % {
                "year": self.start.year,
                "month": self.end.month,
                "day": self.end.day,
            }
        if YEAR.match(self.key):
            return _("%(year)s年") % {"year": self.start.year}
        if match := QUARTER.match(self.key):
            return _("%(year)s年第%(quarter)s季度") % {"year": match[1], "quarter": match[2]}
        if MONTH.match(self.key):
            return _("%(year)s年%(month)s月") % {"year": self.start.year, "month": self.start.month}
        return _("%(start)s至%(end)s") % {"start": chinese_date(self.start), "end": chinese_date(self.end)}

    @property
    def query(self) -> dict[str, str]:
        """Return the GET parameters that select this period again (empty for the default)."""
        if self.to_date:
            return {}
        if CUSTOM.match(self.key):
            return {"from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"period": self.key}

    def window(self, *, now: datetime.datetime) -> AssessmentWindow:
        """Return the cut-offs for reading this period at the given moment."""
        today = timezone.localdate(now)
        if self.end < today:
            as_of = start_of_day(self.end + datetime.timedelta(days=1))
            last_day = self.end
            reports_through = self.end
        else:
            as_of = now
            last_day = today
            reports_through = today - datetime.timedelta(days=1)  # a report due today may still come today
        return AssessmentWindow(
            period=self,
            start=self.start,
            last_day=last_day,
            reports_through=reports_through,
            as_of=as_of,
            running=self.end >= today,
        )


@dataclass(frozen=True)
class AssessmentWindow:
    """What a period's measures read: facts before `as_of`, deadlines up to `last_day`.

    - start: the first day of the period.
    - last_day: the period's last day, or today while it runs (overdue days count up to it).
    - reports_through: reports due on or before this day count (yesterday while the period runs).
    - as_of: the moment facts are read at (reports filed, completions, responses); the end of the
      period's last day, or now.
    - running: whether the period has not ended yet.
    """

    period: AssessmentPeriod
    start: datetime.date
    last_day: datetime.date
    reports_through: datetime.date
    as_of: datetime.datetime
    running: bool = False  # the period has not ended: facts are read as of now

    @property
    def starts_at(self) -> datetime.datetime:
        """Return the first moment of the period."""
        return start_of_day(self.start)

    @property
    def is_empty(self) -> bool:
        """Return whether the period has not begun yet."""
        return self.last_day < self.start


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Return the first moment of a day in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def year_to_date(today: datetime.date) -> AssessmentPeriod:
    """Return this plan year from 1 January to today (the default period)."""
    return AssessmentPeriod(key=f"{today.year}", start=datetime.date(today.year, 1, 1), end=today, to_date=True)


def period_from_key(key: str) -> AssessmentPeriod:
    """Return the period a key names; raise ValueError for a key that names none."""
    key = (key or "").strip()
    if match := YEAR.match(key):
        year = int(match[1])
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    elif match := QUARTER.match(key):
        year, quarter = int(match[1]), int(match[2])
        start = datetime.date(year, quarter * 3 - 2, 1)
        end = datetime.date(year, quarter * 3, calendar.monthrange(year, quarter * 3)[1])
    elif match := MONTH.match(key):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(key)
        start = datetime.date(year, month, 1)
        end = datetime.date(year, month, calendar.monthrange(year, month)[1])
    elif match := CUSTOM.match(key):
        return custom_period(datetime.date.fromisoformat(match[1]), datetime.date.fromisoformat(match[2]))
    else:
        raise ValueError(key)
    if start.year < EARLIEST_YEAR:
        raise ValueError(key)
    return AssessmentPeriod(key=key, start=start, end=end)


def custom_period(start: datetime.date, end: datetime.date) -> AssessmentPeriod:
    """Return a period from one day to another; raise ValueError when they are in the wrong order."""
    if end < start or start.year < EARLIEST_YEAR:
        raise ValueError(f"{start}~{end}")
    return AssessmentPeriod(key=f"{start.isoformat()}~{end.isoformat()}", start=start, end=end)


def period_choices(*, first_year: int, today: datetime.date) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the selectable periods grouped by year, newest first: the year, its quarters, its months.

    Only periods that have begun by today are offered.
    """
    groups = []
    for year in range(today.year, min(first_year, today.year) - 1, -1):
        options = [(f"{year}", _("%(year)s年全年") % {"year": year})]
        for quarter in range(4, 0, -1):
            if datetime.date(year, quarter * 3 - 2, 1) <= today:
                options.append(
                    (f"{year}-Q{quarter}", _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter})
                )
        for month in range(12, 0, -1):
            if datetime.date(year, month, 1) <= today:
                options.append((f"{year}-{month:02d}", _("%(year)s年%(month)s月") % {"year": year, "month": month}))
        groups.append((_("%(year)s年") % {"year": year}, options))
    return groups
