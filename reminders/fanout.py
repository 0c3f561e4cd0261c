"""Turn a reminder or escalation into inbox messages and outside deliveries, in the caller's transaction.

The caller has just written the Reminder or Escalation rows; this writes, in the same transaction,
one inbox message per recipient and one Delivery row per outside channel and recipient (e-mail and
SMS as each person chose, the unit's group robots). Nothing is sent here: the sender tasks deliver
from the rows once the transaction commits, so a rolled-back decision sends nothing and a committed
one cannot be lost.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Role, User
from core import clock
from notifications.models import Notification
from notifications.services import UNIT_ROLES
from reminders import rules
from reminders.models import Channel, ChannelPreference, Delivery, DeliveryState, UnitRobot

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Person:
    """What delivery needs to know about one recipient."""

    id: int
    email: str
    phone: str
    wants_email: bool
    wants_sms: bool
    quiet: tuple[datetime.time, datetime.time] | None


@dataclass(frozen=True)
class Robot:
    id: int
    kind: str


@dataclass(frozen=True)
class Notice:
    """One reminder or escalation to tell its unit (and, for higher escalations, the bureau) about."""

    unit_id: int
    task_id: int
    notification_kind: str
    subject: str
    text: str
    url: str
    reminder_id: int | None = None
    escalation_id: int | None = None
    level: str = ""
    copy_roles: tuple[str, ...] = ()
    managers_only: bool = False


def default_quiet_hours() -> tuple[datetime.time, datetime.time] | None:
    """Return the site's default quiet hours (DEFAULT_QUIET_HOURS), used for robots and people without a choice."""
    return rules.parse_quiet_hours(settings.DEFAULT_QUIET_HOURS)


def quiet_hours_of(preference: ChannelPreference | None) -> tuple[datetime.time, datetime.time] | None:
    """Return a person's quiet hours: their own choice, or the site's default when they have not chosen."""
    if preference is None:
        return default_quiet_hours()
    if preference.quiet_start is None or preference.quiet_start == preference.quiet_end:
        return None
    return preference.quiet_start, preference.quiet_end


def _person(user: User, preference: ChannelPreference | None) -> Person:
    if preference is None:
        return Person(user.pk, user.email, user.phone, bool(user.email), False, quiet_hours_of(None))
    return Person(user.pk, user.email, user.phone, preference.email, preference.sms, quiet_hours_of(preference))


@dataclass
class Audience:
    """Who hears about what, loaded once per scan and per unit, so a batch costs a fixed number of queries."""

    _units: dict[int, list[tuple[Person, str]]] = field(default_factory=dict)
    _roles: dict[str, list[Person]] = field(default_factory=dict)
    _robots: dict[int, list[Robot]] = field(default_factory=dict)

    def load_units(self, unit_ids: Iterable[int]) -> None:
        """Load the active members and active robots of the units not loaded yet (two queries)."""
        missing = {unit_id for unit_id in unit_ids if unit_id not in self._units}
        if not missing:
            return
        for unit_id in missing:
            self._units[unit_id] = []
            self._robots[unit_id] = []
        members = (
            User.objects.filter(unit_id__in=missing, is_active=True, role__in=UNIT_ROLES)
            .select_related("channel_preference")
            .order_by("unit_id", "pk")
        )
        for user in members:
            preference = getattr(user, "channel_preference", None)
            self._units[user.unit_id].append((_person(user, preference), user.role))
        for robot in UnitRobot.objects.filter(unit_id__in=missing, is_active=True).order_by("pk"):
            self._robots[robot.unit_id].append(Robot(robot.pk, robot.kind))

    def unit_members(self, unit_id: int, *, managers_only: bool = False) -> list[Person]:
        """Return the unit's active members (managers first is not promised; order is stable)."""
        self.load_units([unit_id])
        return [person for person, role in self._units[unit_id] if not managers_only or role == Role.UNIT_MANAGER]

    def role_members(self, role: str) -> list[Person]:
        """Return the active people with a bureau role."""
        if role not in self._roles:
            users = User.objects.filter(role=role, is_active=True).select_related("channel_preference").order_by("pk")
            self._roles[role] = [_person(user, getattr(user, "channel_preference", None)) for user in users]
        return self._roles[role]

    def robots(self, unit_id: int) -> list[Robot]:
        """Return the unit's active group robots."""
        self.load_units([unit_id])
        return self._robots[unit_id]


def absolute_url(path: str) -> str:
    """Return a link for outside channels (e-mail, robots), based on SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


def _delivery_key(notice: Notice, channel: str, target: str) -> str:
    source = f"r{notice.reminder_id}" if notice.reminder_id is not None else f"e{notice.escalation_id}"
    return f"{source}:{channel}:{target}"


def fan_out(notices: Sequence[Notice], *, audience: Audience | None = None) -> tuple[int, list[int]]:
    """Write the inbox messages and outside deliveries for the notices; return (messages, delivery ids).

    Call inside the transaction that created the reminders or escalations; queue the returned
    deliveries with `enqueue_deliveries`, which sends them once that transaction commits.
    """
    audience = audience or Audience()
    audience.load_units({notice.unit_id for notice in notices})
    now = clock.now()
    local_now = timezone.localtime(now)
    working_days_only = settings.REMINDER_WORKING_DAYS_ONLY
    sms_enabled = bool(settings.SMS_BACKEND)
    robot_quiet = default_quiet_hours()
    release_cache: dict[object, datetime.datetime] = {}

    def release(quiet: tuple[datetime.time, datetime.time] | None) -> datetime.datetime:
        if quiet not in release_cache:
            release_cache[quiet] = rules.release_time(local_now, quiet, working_days_only=working_days_only)
        return release_cache[quiet]

    messages: list[dict] = []
    deliveries: list[dict] = []
    for notice in notices:
        recipients: dict[int, Person] = {}
        for person in audience.unit_members(notice.unit_id, managers_only=notice.managers_only):
            recipients.setdefault(person.id, person)
        for role in notice.copy_roles:
            for person in audience.role_members(role):
                recipients.setdefault(person.id, person)
        common = {
            "reminder_id": notice.reminder_id,
            "escalation_id": notice.escalation_id,
            "subject": notice.subject[:200],
            "text": notice.text,
            "url": absolute_url(notice.url)[:300],
            "level": notice.level,
            "state": DeliveryState.PENDING,
            "attempts": 0,
            "last_error": "",
            "created_at": now,
        }
        for person in recipients.values():
            messages.append(
                {
                    "recipient_id": person.id,
                    "kind": notice.notification_kind,
                    "title": notice.subject[:200],
                    "body": notice.text,
                    "url": notice.url,
                    "task_id": notice.task_id,
                    "reminder_id": notice.reminder_id,
                    "escalation_id": notice.escalation_id,
                    "created_at": now,
                }
            )
            if person.email and person.wants_email:
                key = _delivery_key(notice, Channel.EMAIL, f"u{person.id}")
                deliveries.append(
                    {
                        **common,
                        "key": key,
                        "channel": Channel.EMAIL,
                        "recipient_id": person.id,
                        "robot_id": None,
                        "address": person.email,
                        "not_before": release(person.quiet),
                    }
                )
            if sms_enabled and person.phone and person.wants_sms:
                deliveries.append(
                    {
                        **common,
                        "key": _delivery_key(notice, Channel.SMS, f"u{person.id}"),
                        "channel": Channel.SMS,
                        "recipient_id": person.id,
                        "robot_id": None,
                        "address": person.phone,
                        "not_before": release(person.quiet),
                    }
                )
        for robot in audience.robots(notice.unit_id):
            deliveries.append(
                {
                    **common,
                    "key": _delivery_key(notice, robot.kind, f"robot{robot.id}"),
                    "channel": robot.kind,
                    "recipient_id": None,
                    "robot_id": robot.id,
                    "address": "",
                    "not_before": release(robot_quiet),
                }
            )
    for delivery in deliveries:
        # Due ones are queued on commit by the caller (enqueue_deliveries); held ones by the sweep later.
        delivery["queued_at"] = now if delivery["not_before"] <= now else None
    insert_rows(Notification, messages)
    insert_rows(Delivery, deliveries)
    due_keys = [delivery["key"] for delivery in deliveries if delivery["queued_at"] is not None]
    due_now = list(Delivery.objects.filter(key__in=due_keys).values_list("pk", flat=True)) if due_keys else []
    return len(messages), due_now


def insert_rows(model: type[models.Model], rows: list[dict], *, batch_size: int = 2000) -> None:
    """Insert plain rows (column name → value, every row with the same columns) as fast as the database allows.

    A scan writes hundreds of thousands of inbox messages and deliveries; on PostgreSQL COPY takes them
    several times faster than INSERT, and neither needs a model instance per row.
    """
    if not rows:
        return
    columns = list(rows[0])
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])
        return
    model.objects.bulk_create([model(**row) for row in rows], batch_size=batch_size)


def enqueue_deliveries(delivery_ids: Sequence[int], *, chunk_size: int = 50, mark_queued: bool = False) -> None:
    """Queue the deliveries for sending once the current transaction commits.

    `fan_out` marks the rows it returns as queued when it writes them; pass `mark_queued` for others.

    If the broker cannot take them, the every-minute sweep (`dispatch_due_deliveries`) queues them
    again later; nothing is lost.
    """
    if not delivery_ids:
        return
    ids = list(delivery_ids)
    if mark_queued:
        Delivery.objects.filter(pk__in=ids).update(queued_at=clock.now())

    def publish() -> None:
        from reminders.tasks import send_deliveries

        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            try:
                send_deliveries.apply_async(
                    args=[chunk],
                    queue=settings.REMINDER_QUEUE,
                    retry=True,
                    retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
                )
            except Exception:  # the broker is down: the sweep will queue these again
                logger.exception("could not queue deliveries %s; the sweep will retry", chunk[:5])
                return

    transaction.on_commit(publish)
