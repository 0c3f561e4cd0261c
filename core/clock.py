"""The one place that says what time it is, so tests and the demo history can set it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[datetime.datetime | None] = ContextVar("frozen_now", default=None)


def now() -> datetime.datetime:
    """Return the current aware datetime, or the one set by `frozen_at`."""
    return _frozen.get() or timezone.now()


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
