"""Dates as the UI writes them in sentences: 2020年7月2日."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _


def chinese_date(day: datetime.date) -> str:
    """Return a date as 2020年7月2日 (or its translation)."""
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}
