"""The one place that says what time it is, so tests and the demo history can set it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[datetime.datetime | None] = ContextVar("frozen_now", default=None)
_for_all_threads: datetime.datetime | None = None


def now() -> datetime.datetime:
    """Return the current aware datetime, or the one set by `frozen_at` or `set_for_all_threads`."""
    return _frozen.get() or _for_all_threads or timezone.now()


def today() -> datetime.date:
    """Return today's date in the site's time zone (Asia/Shanghai)."""
    return timezone.localdate(now())


@contextmanager
def frozen_at(moment: datetime.datetime) -> Iterator[datetime.datetime]:
    """Make `now()` return `moment` inside the block (naive moments are read in the site's time zone)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)


def set_for_all_threads(moment: datetime.datetime | None) -> None:
    """Make `now()` return `moment` in every thread until reset with None (browser tests drive a live server).

    Only Django's own clock (sessions, caches) keeps real time, so logins do not expire as the
    site's days go by.
    """
    global _for_all_threads
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    _for_all_threads = moment


def start_of_day_after(day: datetime.date) -> datetime.datetime:
    """Return the aware midnight that ends the day in the site's time zone (for "on or before this day" in SQL)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
