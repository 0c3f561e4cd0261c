"""Read the reminder log (催办记录), a person's channel settings and a unit's robots.

The log has two lists with the same layout, reminders (催办) and escalations (督办). A page of either
costs a fixed number of queries: the rows, then one grouped query for their deliveries and one for
their inbox copies, whatever the number of rows, channels or recipients.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import clock
from core.ids import parse_id
from notifications.models import Notification
from plans.models import Escalation, EscalationLevel, Reminder, ReminderKind
from reminders.fanout import default_quiet_hours
from reminders.models import (
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    ScanKind,
    ScanRun,
    UnitRobot,
)

REMINDERS = "reminders"
ESCALATIONS = "escalations"
TABS = (REMINDERS, ESCALATIONS)
# Short names for the dense summary column; the models' labels (企业微信群…) are for forms and the admin.
CHANNEL_SHORT_NAMES = {
    Channel.INBOX: gettext_lazy("站内消息"),
    Channel.EMAIL: gettext_lazy("邮件"),
    Channel.WECOM: gettext_lazy("企业微信"),
    Channel.DINGTALK: gettext_lazy("钉钉"),
    Channel.SMS: gettext_lazy("短信"),
}
CHANNEL_ORDER = [Channel.INBOX, Channel.EMAIL, Channel.WECOM, Channel.DINGTALK, Channel.SMS]
STATE_FILTERS = {
    "failed": gettext_lazy("有失败"),
    "pending": gettext_lazy("待发送"),
    "sent": gettext_lazy("全部送达"),
}
SOURCE_FILTERS = {"system": gettext_lazy("系统自动"), "manual": gettext_lazy("人工")}
WAITING_STATES = (DeliveryState.PENDING, DeliveryState.SENDING)


def kind_choices(tab: str) -> list[tuple[str, str]]:
    """Return the types one tab can be narrowed to: the reminder kinds, or the escalation levels."""
    return list(ReminderKind.choices if tab == REMINDERS else EscalationLevel.choices)


@dataclass
class LogFilters:
    """What the reminder log is narrowed to; every field comes from the URL so a filter can be shared."""

    tab: str = REMINDERS
    kind: str = ""
    channel: str = ""
    state: str = ""
    unit: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    source: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query) -> LogFilters:
        """Read filters from a QueryDict, ignoring (and noting) values that make no sense."""
        filters = cls()
        tab = query.get("tab") or REMINDERS
        filters.tab = tab if tab in TABS else REMINDERS
        choices = {
            "kind": {value for value, _label in kind_choices(filters.tab)},
            "channel": set(Channel.values),
            "state": set(STATE_FILTERS),
            "source": set(SOURCE_FILTERS),
        }
        for name, allowed in choices.items():
            value = (query.get(name) or "").strip()
            if value in allowed:
                setattr(filters, name, value)
            elif value:
                filters.errors.append(name)
        unit = (query.get("unit") or "").strip()
        if unit:
            filters.unit = parse_id(unit)
            if filters.unit is None:
                filters.errors.append("unit")
        for name in ("date_from", "date_to"):
            value = (query.get(name) or "").strip()
            if value:
                try:
                    setattr(filters, name, datetime.date.fromisoformat(value))
                except ValueError:
                    filters.errors.append(name)
        return filters

    def as_query(self, *, tab: str | None = None) -> str:
        """Return the filters as a query string (without the page), for pagination and the other tab."""
        pairs = [("tab", tab or self.tab)]
        if tab is None or tab == self.tab:  # a type belongs to its own tab
            pairs.append(("kind", self.kind))
        pairs += [
            ("channel", self.channel),
            ("state", self.state),
            ("unit", str(self.unit) if self.unit else ""),
            ("date_from", self.date_from.isoformat() if self.date_from else ""),
            ("date_to", self.date_to.isoformat() if self.date_to else ""),
            ("source", self.source),
        ]
        return urlencode([(name, value) for name, value in pairs if value])


def _source_field(tab: str) -> str:
    return "reminder_id" if tab == REMINDERS else "escalation_id"


def _start_of(day: datetime.date) -> datetime.datetime:
    return clock.start_of_day_after(day - datetime.timedelta(days=1))


def log_queryset(filters: LogFilters) -> QuerySet[Reminder] | QuerySet[Escalation]:
    """Return the reminders or escalations (by the filters' tab) matching the filters, newest first."""
    if filters.tab == REMINDERS:
        queryset = Reminder.objects.all()
        if filters.kind:
            queryset = queryset.filter(kind=filters.kind)
    else:
        queryset = Escalation.objects.all()
        if filters.kind:
            queryset = queryset.filter(level=filters.kind)
    if filters.unit:
        queryset = queryset.filter(assignment__unit_id=filters.unit)
    if filters.date_from:
        queryset = queryset.filter(created_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(created_at__lt=clock.start_of_day_after(filters.date_to))
    if filters.source:
        queryset = queryset.filter(created_by__isnull=filters.source == "system")
    source = _source_field(filters.tab)
    if filters.channel == Channel.INBOX:
        queryset = queryset.filter(Exists(Notification.objects.filter(**{source: OuterRef("pk")})))
        if filters.state in ("failed", "pending"):  # an inbox copy is delivered as it is written
            queryset = queryset.none()
    else:
        deliveries = Delivery.objects.filter(**{source: OuterRef("pk")})
        if filters.channel:
            deliveries = deliveries.filter(channel=filters.channel)
            queryset = queryset.filter(Exists(deliveries))
        if filters.state == "failed":
            queryset = queryset.filter(Exists(deliveries.filter(state=DeliveryState.FAILED)))
        elif filters.state == "pending":
            queryset = queryset.filter(Exists(deliveries.filter(state__in=WAITING_STATES)))
        elif filters.state == "sent":
            queryset = queryset.exclude(Exists(deliveries.exclude(state=DeliveryState.SENT)))
    return queryset.select_related("assignment__task", "assignment__unit", "created_by").order_by("-created_at", "-pk")


@dataclass
class ChannelSummary:
    """How one reminder or escalation went on one channel: messages, how many arrived, failed, wait, tries."""

    channel: str
    total: int = 0
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    attempts: int = 0
    read: int = 0  # inbox only

    @property
    def label(self) -> str:
        return str(CHANNEL_SHORT_NAMES[self.channel])

    @property
    def is_inbox(self) -> bool:
        return self.channel == Channel.INBOX

    @property
    def text(self) -> str:
        """Return the compact summary: 站内消息 3人（已读 1）, 邮件 2/3 已送达，1 失败, 企业微信 已送达."""
        if self.is_inbox:
            return _("%(channel)s %(total)s人（已读 %(read)s）") % {
                "channel": self.label,
                "total": self.total,
                "read": self.read,
            }
        if self.total == 1:
            state = (
                DeliveryState.FAILED if self.failed else DeliveryState.PENDING if self.waiting else DeliveryState.SENT
            )
            return f"{self.label} {state.label}"
        text = _("%(channel)s %(sent)s/%(total)s 已送达") % {
            "channel": self.label,
            "sent": self.sent,
            "total": self.total,
        }
        if self.failed:
            text += _("，%(count)s 失败") % {"count": self.failed}
        if self.waiting:
            text += _("，%(count)s 待发送") % {"count": self.waiting}
        return text

    @property
    def attempts_text(self) -> str:
        """Return 尝试3次 for outside channels once tried (the inbox is never tried)."""
        if self.is_inbox or not self.attempts:
            return ""
        return _("尝试%(count)s次") % {"count": self.attempts}


def attach_channel_summaries(rows: list, tab: str) -> None:
    """Give each row `channels` (a ChannelSummary per channel used, inbox first) and `has_failure`; two queries."""
    source = _source_field(tab)
    ids = [row.pk for row in rows]
    by_row: dict[int, dict[str, ChannelSummary]] = {pk: {} for pk in ids}
    if ids:
        inbox = (
            Notification.objects.filter(**{f"{source}__in": ids})
            .values(source)
            .annotate(n=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)))
            .order_by()
        )
        for item in inbox:
            by_row[item[source]][Channel.INBOX] = ChannelSummary(Channel.INBOX, total=item["n"], read=item["read"])
        grouped = (
            Delivery.objects.filter(**{f"{source}__in": ids})
            .values(source, "channel", "state")
            .annotate(n=Count("pk"), tries=Sum("attempts"))
            .order_by()
        )
        for item in grouped:
            summary = by_row[item[source]].setdefault(item["channel"], ChannelSummary(item["channel"]))
            summary.total += item["n"]
            summary.attempts += item["tries"] or 0
            if item["state"] == DeliveryState.SENT:
                summary.sent += item["n"]
            elif item["state"] == DeliveryState.FAILED:
                summary.failed += item["n"]
            else:
                summary.waiting += item["n"]
    for row in rows:
        found = by_row[row.pk]
        row.channels = [found[channel] for channel in CHANNEL_ORDER if channel in found]
        row.has_failure = any(summary.failed for summary in row.channels)


@dataclass(frozen=True)
class StateCounts:
    """Deliveries written in a period, by state."""

    sent: int
    waiting: int
    failed: int

    @property
    def total(self) -> int:
        return self.sent + self.waiting + self.failed


def delivery_counts(*, today: datetime.date) -> dict[str, StateCounts]:
    """Return today's and this month's outside deliveries by state (one query)."""
    day_start = _start_of(today)
    month_start = _start_of(today.replace(day=1))
    tomorrow = clock.start_of_day_after(today)  # rows stamped later (a scan run "as of" a future moment) wait
    aggregates = {}
    for period, start in (("today", day_start), ("month", month_start)):
        since = Q(created_at__gte=start)
        aggregates[f"{period}_sent"] = Count("pk", filter=since & Q(state=DeliveryState.SENT))
        aggregates[f"{period}_waiting"] = Count("pk", filter=since & Q(state__in=WAITING_STATES))
        aggregates[f"{period}_failed"] = Count("pk", filter=since & Q(state=DeliveryState.FAILED))
    counts = Delivery.objects.filter(created_at__gte=month_start, created_at__lt=tomorrow).aggregate(**aggregates)
    return {
        period: StateCounts(counts[f"{period}_sent"], counts[f"{period}_waiting"], counts[f"{period}_failed"])
        for period in ("today", "month")
    }


def latest_scan_runs() -> list[tuple[str, ScanRun | None]]:
    """Return each scan kind's label with its latest run, or None when it never ran (one query)."""
    newest = ScanRun.objects.filter(kind=OuterRef("kind")).order_by("-started_at", "-pk").values("pk")[:1]
    runs = {run.kind: run for run in ScanRun.objects.filter(pk=Subquery(newest))}
    return [(label, runs.get(kind)) for kind, label in ScanKind.choices]


def log_record(tab: str, pk: int) -> Reminder | Escalation | None:
    """Return one reminder or escalation with what its detail shows, or None."""
    model = Reminder if tab == REMINDERS else Escalation
    return (
        model.objects.select_related("assignment__task", "assignment__unit", "created_by", "scan_run")
        .filter(pk=pk)
        .first()
    )


def record_deliveries(tab: str, record: Reminder | Escalation) -> list[Delivery]:
    """Return a record's outside deliveries with their recipients, robots and attempts (two queries)."""
    return list(
        Delivery.objects.filter(**{_source_field(tab): record.pk})
        .select_related("recipient", "robot__unit")
        .prefetch_related(Prefetch("tries", queryset=DeliveryAttempt.objects.order_by("number")))
        .order_by("channel", "pk")
    )


def record_inbox_copies(tab: str, record: Reminder | Escalation) -> list[Notification]:
    """Return a record's inbox messages with their recipients (who has read it)."""
    return list(
        Notification.objects.filter(**{_source_field(tab): record.pk})
        .select_related("recipient")
        .order_by("read_at", "recipient__username")
    )


def mask_phone(phone: str) -> str:
    """Return a phone number with its middle digits hidden: 138****5678 (short numbers entirely)."""
    phone = (phone or "").strip()
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def delivery_target(delivery: Delivery) -> str:
    """Return who a delivery went to, safe to show: the person and address, phone masked; a robot's unit and kind."""
    if delivery.robot_id is not None:
        robot = delivery.robot
        return _("%(unit)s %(kind)s") % {"unit": robot.unit.display_name, "kind": robot.get_kind_display()}
    address = mask_phone(delivery.address) if delivery.channel == Channel.SMS else delivery.address
    if delivery.recipient is not None:
        return _("%(person)s（%(address)s）") % {"person": delivery.recipient, "address": address}
    return address


@dataclass(frozen=True)
class PreferenceView:
    """A person's channel settings as the page shows them, with the defaults when nothing was chosen yet."""

    email: bool
    sms: bool
    quiet_start: datetime.time | None
    quiet_end: datetime.time | None
    chosen: bool  # False: no ChannelPreference row yet, the defaults apply


def preference_for(user: User) -> PreferenceView:
    """Return the user's channel settings, or the defaults the delivery engine applies without a choice."""
    preference = ChannelPreference.objects.filter(user=user).first()
    if preference is not None:
        return PreferenceView(preference.email, preference.sms, preference.quiet_start, preference.quiet_end, True)
    start, end = default_quiet_hours() or (None, None)
    return PreferenceView(bool(user.email), False, start, end, False)


def unit_robots(unit_id: int) -> dict[str, UnitRobot]:
    """Return the unit's group robots by kind."""
    return {robot.kind: robot for robot in UnitRobot.objects.filter(unit_id=unit_id)}
