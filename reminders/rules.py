"""When reminders and escalations are due: pure functions of dates, so every rule is tested without a database.

Deadline reminders
    Before a deadline D, one reminder per offset (default 7, 3, 1 and 0 days before). The reminder for
    offset o is due on D - o, or on the working day before it when D - o is a weekend or holiday. On a
    given day only the latest rung reached is sent: a plan handed out five days before D gets the
    "7 days" rung at once (saying 5 days are left), and a scan that did not run for a week does not
    send stale rungs. Its key, "D-3@2020-12-31", names the deadline, so a granted extension (a new D)
    starts the reminders again.
Overdue reminders
    From the day after D, every N days (REMINDER_OVERDUE_EVERY_DAYS): round k covers days
    kN+1 … kN+N overdue, key "overdue-k@D".
Escalation ladder
    After M days overdue a blue escalation, after more days yellow, then red (REMINDER_ESCALATION_LADDER);
    only the highest rung reached is raised, once per deadline ("deadline@D").
Reporting cycles
    Each period's report is due on its due day (monthly: the plan's day, default the 25th; 旬报: the
    10th, 20th and last day; quarterly: the due day of the quarter's last month). Units that have not
    reported are reminded REPORT_REMINDER_DAYS_BEFORE days before (on the working day before, if that
    day is off); units still missing on the due day (or the next working day when it is off) are
    escalated, for the latest due period only.
Working days and quiet hours
    Scans send nothing on days off (REMINDER_WORKING_DAYS_ONLY). An outside message that would arrive
    in the recipient's quiet hours, or on a day off, waits for the next allowed moment.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence

from core import workdays
from plans import periods

DayTest = Callable[[datetime.date], bool]
ONE_DAY = datetime.timedelta(days=1)
WORKDAY_START = datetime.time(8, 0)  # when a message held over a day off goes out, without quiet hours


def _working_on_or_before(day: datetime.date, is_working: DayTest) -> datetime.date:
    while not is_working(day):
        day -= ONE_DAY
    return day


def _working_on_or_after(day: datetime.date, is_working: DayTest) -> datetime.date:
    while not is_working(day):
        day += ONE_DAY
    return day


def deadline_rung(
    deadline: datetime.date,
    today: datetime.date,
    offsets: Iterable[int],
    *,
    is_working: DayTest = workdays.is_working_day,
) -> int | None:
    """Return the before-deadline offset due today (the latest rung reached), or None."""
    if today > deadline:
        return None
    reached = [offset for offset in offsets if _working_on_or_before(deadline - offset * ONE_DAY, is_working) <= today]
    return min(reached) if reached else None


def before_deadline_rungs(
    today: datetime.date,
    offsets: Sequence[int],
    *,
    is_working: DayTest = workdays.is_working_day,
    slack_days: int = 21,
) -> dict[datetime.date, int]:
    """Map every deadline that has a before-deadline reminder due today to its rung.

    Deadlines further than the largest offset plus `slack_days` (room for the longest run of days
    off) cannot have a rung reached yet.
    """
    if not offsets:
        return {}
    rungs = {}
    for days_ahead in range(max(offsets) + slack_days + 1):
        deadline = today + days_ahead * ONE_DAY
        rung = deadline_rung(deadline, today, offsets, is_working=is_working)
        if rung is not None:
            rungs[deadline] = rung
    return rungs


def before_deadline_key(deadline: datetime.date, rung: int) -> str:
    """Return the period key of a before-deadline reminder."""
    return f"D-{rung}@{deadline.isoformat()}"


def overdue_round(deadline: datetime.date, today: datetime.date, every_days: int) -> int | None:
    """Return which overdue round today falls in (0 from the first day overdue), or None if not overdue."""
    days_over = (today - deadline).days
    if days_over < 1:
        return None
    return (days_over - 1) // max(every_days, 1)


def overdue_key(deadline: datetime.date, round_number: int) -> str:
    """Return the period key of an overdue reminder."""
    return f"overdue-{round_number}@{deadline.isoformat()}"


def ladder_level(deadline: datetime.date, today: datetime.date, ladder: Sequence[tuple[str, int]]) -> str | None:
    """Return the highest escalation level reached by the days overdue, or None."""
    days_over = (today - deadline).days
    reached = [(days, level) for level, days in ladder if days_over >= days]
    return max(reached)[1] if reached else None


def ladder_key(deadline: datetime.date) -> str:
    """Return the period key of an automatic escalation for lateness (one per level and deadline)."""
    return f"deadline@{deadline.isoformat()}"


def report_reminder_period(
    cycle: str,
    today: datetime.date,
    *,
    due_day: int,
    days_before: int,
    is_working: DayTest = workdays.is_working_day,
) -> periods.Period | None:
    """Return the period whose report units should be reminded of today, or None.

    That is the next period due (today or later) once its reminder day has come.
    """
    period = periods.period_containing(cycle, today, due_day=due_day)
    while period.due < today:
        period = periods.next_period(period, due_day=due_day)
    reminder_day = _working_on_or_before(period.due - days_before * ONE_DAY, is_working)
    return period if reminder_day <= today else None


def report_escalation_period(
    cycle: str,
    today: datetime.date,
    *,
    due_day: int,
    is_working: DayTest = workdays.is_working_day,
) -> periods.Period | None:
    """Return the latest period due on or before today whose missing reports are escalated today, or None."""
    period = periods.last_closed_period(cycle, today + ONE_DAY, due_day=due_day)
    escalation_day = _working_on_or_after(period.due, is_working)
    return period if escalation_day <= today else None


def report_reminder_key(period: periods.Period) -> str:
    """Return the period key of a report reminder: the period itself."""
    return period.key


def report_escalation_key(period: periods.Period) -> str:
    """Return the period key of an escalation for a missing report."""
    return f"report@{period.key}"


def parse_quiet_hours(text: str) -> tuple[datetime.time, datetime.time] | None:
    """Read "21:00-08:00" into (start, end); an empty text means no quiet hours."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        start_text, end_text = (part.strip() for part in text.split("-"))
        start = datetime.time.fromisoformat(start_text)
        end = datetime.time.fromisoformat(end_text)
    except ValueError as exc:
        raise ValueError(f"免打扰时段格式应为 21:00-08:00，而不是 {text!r}") from exc
    return (start, end) if start != end else None


def in_quiet_hours(moment: datetime.time, quiet: tuple[datetime.time, datetime.time] | None) -> bool:
    """Return whether a local time of day falls in the quiet hours (which may span midnight)."""
    if quiet is None:
        return False
    start, end = quiet
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def release_time(
    moment: datetime.datetime,
    quiet: tuple[datetime.time, datetime.time] | None,
    *,
    working_days_only: bool,
    is_working: DayTest = workdays.is_working_day,
) -> datetime.datetime:
    """Return the first moment at or after `moment` when an outside message may go out.

    `moment` is aware; the answer is in the same time zone. Quiet hours end at their end time;
    a day off moves the message to the next working day at the end of the quiet hours (or 08:00).
    """
    tz = moment.tzinfo
    local = moment
    for _guard in range(400):
        day_ok = is_working(local.date()) or not working_days_only
        if day_ok and not in_quiet_hours(local.timetz().replace(tzinfo=None), quiet):
            return local
        if not day_ok:
            next_day = _working_on_or_after(local.date() + ONE_DAY, is_working)
            opening = quiet[1] if quiet is not None else WORKDAY_START
            local = datetime.datetime.combine(next_day, opening, tzinfo=tz)
            continue
        _start, end = quiet  # in quiet hours
        end_day = local.date() if local.timetz().replace(tzinfo=None) < end else local.date() + ONE_DAY
        local = datetime.datetime.combine(end_day, end, tzinfo=tz)
    return local
