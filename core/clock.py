"""The one place that says what time it is, so tests can freeze it."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """Return the current aware datetime."""
    return timezone.now()


def today() -> datetime.date:
    """Return today's date in the site's time zone (Asia/Shanghai)."""
    return timezone.localdate(now())
