"""Template helpers for lights, days left and Chinese dates with weekdays and days off."""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock, workdays
from plans.lights import LIGHT_ICONS, Light

register = template.Library()
WEEKDAYS = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]


@register.simple_tag
def light_badge(light: str, reason: str = "") -> str:
    """Render a status light as colour, shape and word (and the reason, when given)."""
    try:
        label = Light(light).label
    except ValueError:
        return ""
    return format_html(
        '<span class="light {}"><span class="light-icon" aria-hidden="true">{}</span>{}{}</span>',
        light,
        LIGHT_ICONS.get(light, ""),
        label,
        format_html('<span class="light-reason">{}</span>', reason) if reason else "",
    )


@register.filter
def days_left(day: datetime.date | None, today: datetime.date | None = None) -> str:
    """Return 剩余3天 / 今天到期 / 逾期5天 for a deadline, or an empty string when there is none."""
    if not day:
        return ""
    today = today or clock.today()
    days = (day - today).days
    if days > 0:
        return _("剩余%(days)s天") % {"days": days}
    if days == 0:
        return _("今天到期")
    return _("逾期%(days)s天") % {"days": -days}


@register.filter
def weekday(day: datetime.date | None) -> str:
    """Return （周三） for a date, to go beside deadlines that are near."""
    if not day:
        return ""
    return _("（%(weekday)s）") % {"weekday": WEEKDAYS[day.weekday()]}


@register.filter
def nonworking_note(day: datetime.date | None, weekday_shown: bool | str = False) -> str:
    """Return （国庆节假期） or （周六） for a deadline that falls on a day off, or "" for a working day.

    Where the weekday is already shown beside the date, pass a true value ("weekday_shown", or the
    condition that shows it) so a plain weekend is not named twice:
    {{ day|weekday }}{{ day|nonworking_note:"weekday_shown" }}.
    """
    if not day or workdays.is_working_day(day):
        return ""
    if workdays.is_official_holiday(day):
        name = workdays.holiday_name(day)
        return _("（%(holiday)s假期）") % {"holiday": name} if name else _("（节假日）")
    if weekday_shown:
        return ""
    return _("（%(weekday)s）") % {"weekday": workdays.day_note(day)}


@register.filter
def is_near(day: datetime.date | None, today: datetime.date | None = None) -> bool:
    """Return whether a deadline is within the next two weeks (show its weekday)."""
    if not day:
        return False
    today = today or clock.today()
    return 0 <= (day - today).days <= 14


@register.filter
def get_item(mapping: dict, key: str):
    """Return mapping[key], or None (templates cannot index a dict by a variable)."""
    return mapping.get(key) if mapping else None
