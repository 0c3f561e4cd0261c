"""The words of automatic reminders and escalations (subject and text), in the active language."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import workdays
from core.dates import chinese_date
from plans import periods
from plans.models import EscalationLevel

LEVEL_TAGS = {
    EscalationLevel.BLUE: gettext_noop("【蓝色督办】"),
    EscalationLevel.YELLOW: gettext_noop("【黄色督办】"),
    EscalationLevel.RED: gettext_noop("【红色督办】"),
}


def _deadline(day: datetime.date) -> str:
    note = workdays.day_note(day)
    return _("%(date)s（%(note)s）") % {"date": chinese_date(day), "note": note} if note else chinese_date(day)


def _task(path: str, headline: str) -> str:
    return f"{path} {headline}".strip()


def before_deadline(*, path: str, headline: str, deadline: datetime.date, today: datetime.date) -> tuple[str, str]:
    """Return the subject and text of a reminder before a deadline."""
    days_left = (deadline - today).days
    subject = _("临期提醒：%(task)s") % {"task": _task(path, headline)}
    if days_left <= 0:
        text = _("任务“%(task)s”的完成时限是今天（%(deadline)s）。请按时办结并申请办结；确有困难的，请及时申请延期。")
    else:
        text = _(
            "任务“%(task)s”的完成时限为%(deadline)s，还有%(days)s天。请抓紧办理，按时办结；确有困难的，请及时申请延期。"
        )
    return subject, text % {"task": _task(path, headline), "deadline": _deadline(deadline), "days": days_left}


def overdue(*, path: str, headline: str, deadline: datetime.date, today: datetime.date) -> tuple[str, str]:
    """Return the subject and text of an overdue reminder."""
    days_over = (today - deadline).days
    subject = _("逾期催办：%(task)s") % {"task": _task(path, headline)}
    text = _("任务“%(task)s”的完成时限为%(deadline)s，已逾期%(days)s天。请尽快办结，或说明原因并申请延期。") % {
        "task": _task(path, headline),
        "deadline": chinese_date(deadline),
        "days": days_over,
    }
    return subject, text


def report_due(*, path: str, headline: str, period: periods.Period) -> tuple[str, str]:
    """Return the subject and text of a reminder to report a period's progress."""
    subject = _("填报提醒：%(period)s进展 %(task)s") % {"period": period.label, "task": _task(path, headline)}
    text = _("请于%(due)s前报送任务“%(task)s”%(period)s的工作进展。") % {
        "due": _deadline(period.due),
        "task": _task(path, headline),
        "period": period.label,
    }
    return subject, text


def report_missing(
    *, path: str, headline: str, period: periods.Period, response_due: datetime.date
) -> tuple[str, str, str]:
    """Return the subject, text and escalation reason for a report still missing on its due day."""
    reason = _("任务“%(task)s”%(period)s的进展截至%(due)s仍未报送。") % {
        "task": _task(path, headline),
        "period": period.label,
        "due": chinese_date(period.due),
    }
    subject = _(LEVEL_TAGS[EscalationLevel.BLUE]) + _("进展未报送：%(task)s") % {"task": _task(path, headline)}
    text = reason + _("请立即补报，并于%(respond)s前书面反馈未按时报送的原因。") % {
        "respond": chinese_date(response_due)
    }
    return subject, text, reason


def ladder(
    *, level: str, path: str, headline: str, deadline: datetime.date, today: datetime.date, response_due: datetime.date
) -> tuple[str, str, str]:
    """Return the subject, text and escalation reason for a rung of the escalation ladder."""
    days_over = (today - deadline).days
    reason = _("任务“%(task)s”的完成时限为%(deadline)s，已逾期%(days)s天仍未办结。") % {
        "task": _task(path, headline),
        "deadline": chinese_date(deadline),
        "days": days_over,
    }
    subject = (_(LEVEL_TAGS[level]) if level in LEVEL_TAGS else "") + _task(path, headline)
    text = reason + _("请于%(respond)s前书面反馈原因、已采取的措施和预计完成时间。") % {
        "respond": chinese_date(response_due)
    }
    return subject, text, reason
