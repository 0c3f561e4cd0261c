"""Send deliveries: claim a row, send it once, record the attempt, and retry with backoff on failure.

The life of a Delivery row:

    pending ──claim──▶ sending ──2xx──▶ sent
       ▲                  │
       └──retry later─────┤ (a retryable failure, attempts left: not_before = now + backoff)
                          └──▶ failed (a permanent failure, or no attempts left)

A claim is a committed UPDATE of one pending row (under a row lock, skipping rows another worker
holds), so two workers never send the same delivery at once and a duplicate task is a no-op. The
attempt row is written with the claim, before anything leaves. If a worker dies after claiming,
the row stays `sending`; once its lease (DELIVERY_LEASE_SECONDS) expires the sweep marks that
attempt interrupted and makes the row pending again. Every outside request carries the delivery's
key (X-Tracker-Delivery-Key, the SMS OutId), identical on every attempt, so a receiver can tell
the retry of a request it did get (a worker killed, or a timeout, after the remote accepted it)
from a new message.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_updated, model_snapshot
from core import clock
from plans.policies import can_supervise
from plans.services.errors import WorkflowError
from reminders import rules
from reminders.channels import DeliveryFailed, OutgoingMessage, send_message
from reminders.channels.base import level_prefix
from reminders.fanout import default_quiet_hours, quiet_hours_of
from reminders.models import AttemptOutcome, Channel, ChannelPreference, Delivery, DeliveryAttempt, DeliveryState

logger = logging.getLogger(__name__)
REQUEUE_AFTER = datetime.timedelta(minutes=5)  # a queued delivery not claimed by then is queued again


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one delivery: its state afterwards and, when it will be retried, when."""

    delivery_id: int
    state: str
    detail: str = ""
    retry_at: datetime.datetime | None = None


def worker_name() -> str:
    """Return a name for this process in attempt records: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> datetime.timedelta:
    """Return the wait before the next attempt after `attempts` failures: 1, 2, 4, 8… times the base."""
    return datetime.timedelta(seconds=settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def _quiet_hours_for(delivery: Delivery) -> tuple[datetime.time, datetime.time] | None:
    if delivery.channel == Channel.WEBHOOK:
        return None  # machines have no quiet hours
    if delivery.recipient_id is None:
        return default_quiet_hours()  # a group robot
    return quiet_hours_of(ChannelPreference.objects.filter(user_id=delivery.recipient_id).first())


def _claim(delivery_id: int, worker: str) -> tuple[Delivery, DeliveryAttempt] | SendOutcome | None:
    """Claim a pending, due delivery and open an attempt; None when there is nothing to do."""
    now = clock.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, state=DeliveryState.PENDING, not_before__lte=now)
            .first()
        )
        if delivery is None:
            return None
        # A retry may fall in the recipient's quiet hours or on a day off: hold it until allowed.
        allowed = rules.release_time(
            timezone.localtime(now),
            _quiet_hours_for(delivery),
            working_days_only=settings.REMINDER_WORKING_DAYS_ONLY and delivery.channel != Channel.WEBHOOK,
        )
        if allowed > now:
            Delivery.objects.filter(pk=delivery.pk).update(not_before=allowed, queued_at=None)
            return SendOutcome(delivery.pk, DeliveryState.PENDING, _("免打扰时段，顺延发送"), allowed)
        delivery.attempts += 1
        delivery.state = DeliveryState.SENDING
        delivery.claimed_at = now
        delivery.save(update_fields=["attempts", "state", "claimed_at"])
        attempt = DeliveryAttempt.objects.create(
            delivery=delivery, number=delivery.attempts, worker=worker[:200], started_at=now
        )
    return delivery, attempt


def _address_and_secret(delivery: Delivery) -> tuple[str, str]:
    if delivery.channel in (Channel.WECOM, Channel.DINGTALK):
        robot = delivery.robot
        if robot is None or not robot.is_active:
            raise DeliveryFailed(_("群机器人已停用或已删除"), retryable=False)
        return robot.webhook_url, robot.secret
    if delivery.channel == Channel.WEBHOOK:
        endpoint = delivery.webhook
        if endpoint is None or not endpoint.is_active or endpoint.token.revoked_at is not None:
            raise DeliveryFailed(_("推送地址已停用或令牌已吊销"), retryable=False)
        return endpoint.url, endpoint.secret
    return delivery.address, ""


def _finish(delivery: Delivery, attempt: DeliveryAttempt, *, ok: bool, detail: str, retryable: bool) -> SendOutcome:
    now = clock.now()
    detail = (detail or "")[:300]
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(
            finished_at=now, outcome=AttemptOutcome.OK if ok else AttemptOutcome.FAILED, detail=detail
        )
        if locked.state != DeliveryState.SENDING or locked.attempts != attempt.number:
            # The sweep took the claim back (the send outlived the lease); its decision stands.
            return SendOutcome(locked.pk, locked.state, detail)
        retry_at = None
        if ok:
            locked.state, locked.sent_at, locked.last_error = DeliveryState.SENT, now, ""
        elif retryable and locked.attempts < settings.DELIVERY_MAX_ATTEMPTS:
            retry_at = now + backoff(locked.attempts)
            locked.state, locked.not_before, locked.last_error = DeliveryState.PENDING, retry_at, detail
            locked.queued_at = None
        else:
            locked.state, locked.last_error = DeliveryState.FAILED, detail
        locked.save(update_fields=["state", "sent_at", "last_error", "not_before", "queued_at"])
    return SendOutcome(locked.pk, locked.state, detail, retry_at)


def delivery_send(*, delivery_id: int, worker: str = "") -> SendOutcome | None:
    """Send one delivery if it is pending and due; return what happened, or None if it was not ours to send.

    Idempotent: a delivery already sent, failed, held by another worker or not yet due is left alone.
    """
    claimed = _claim(delivery_id, worker or worker_name())
    if claimed is None or isinstance(claimed, SendOutcome):
        return claimed
    delivery, attempt = claimed
    # The channels put the level's label before the subject themselves (in colour where they can).
    subject = delivery.subject.removeprefix(level_prefix(delivery.level))
    message = OutgoingMessage(
        key=delivery.key, subject=subject, text=delivery.text, url=delivery.url, level=delivery.level
    )
    try:
        address, secret = _address_and_secret(delivery)
        detail = send_message(delivery.channel, address=address, secret=secret, message=message)
    except DeliveryFailed as exc:
        return _finish(delivery, attempt, ok=False, detail=exc.detail, retryable=exc.retryable)
    except SoftTimeLimitExceeded:
        # The task ran out of time mid-send: close this attempt as retryable, then let the task stop.
        _finish(delivery, attempt, ok=False, detail=_("发送任务超时，稍后重试"), retryable=True)
        raise
    except Exception as exc:  # an unexpected bug or library error: record it and retry, never lose the row
        logger.exception("delivery %s failed unexpectedly", delivery.pk)
        return _finish(delivery, attempt, ok=False, detail=f"{type(exc).__name__}: {exc}", retryable=True)
    return _finish(delivery, attempt, ok=True, detail=detail, retryable=False)


def deliveries_recover(*, now: datetime.datetime | None = None) -> int:
    """Take back claims whose worker died (older than the lease): mark the attempt interrupted, retry the row.

    Return how many deliveries were taken back.
    """
    now = now or clock.now()
    stale_before = now - datetime.timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    recovered = 0
    with transaction.atomic():
        stale = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(state=DeliveryState.SENDING, claimed_at__lt=stale_before)
            .order_by("pk")[:1000]
        )
        for delivery in stale:
            DeliveryAttempt.objects.filter(
                delivery=delivery, number=delivery.attempts, outcome=AttemptOutcome.IN_FLIGHT
            ).update(
                finished_at=now,
                outcome=AttemptOutcome.INTERRUPTED,
                detail=_("发送进程中断，未能确认是否送达；将以同一送达编号重发"),
            )
            delivery.queued_at = None
            delivery.not_before = now
            delivery.last_error = _("发送进程中断")
            delivery.state = (
                DeliveryState.PENDING if delivery.attempts < settings.DELIVERY_MAX_ATTEMPTS else DeliveryState.FAILED
            )
            delivery.save(update_fields=["state", "queued_at", "not_before", "last_error"])
            recovered += 1
    return recovered


def due_delivery_ids(
    *, now: datetime.datetime | None = None, limit: int = 5000, include_queued: bool = False
) -> list[int]:
    """Return pending deliveries that are due and not queued recently (lost or held messages), marking them queued.

    With `include_queued`, recently queued ones are returned too (for sending in-process, without a worker).
    """
    now = now or clock.now()
    with transaction.atomic():
        due = Delivery.objects.filter(state=DeliveryState.PENDING, not_before__lte=now)
        if not include_queued:
            due = due.exclude(queued_at__gt=now - REQUEUE_AFTER)
        ids = list(due.order_by("not_before", "pk").values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


@transaction.atomic
def delivery_retry(*, actor: User, delivery: Delivery) -> Delivery:
    """Send a failed delivery again (a supervisor, after fixing an address or a robot); audited."""
    if not can_supervise(actor):
        raise PermissionDenied(_("只有督查人员可以重发消息。"))
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.state != DeliveryState.FAILED:
        raise WorkflowError(_("只有发送失败的消息可以重发。"))
    before = model_snapshot(locked, ["state", "not_before"])
    locked.state = DeliveryState.PENDING
    locked.not_before = clock.now()
    locked.queued_at = None
    locked.save(update_fields=["state", "not_before", "queued_at"])
    audit_updated(actor=actor, instance=locked, before=before, verb="delivery.retry")
    from reminders.fanout import enqueue_deliveries

    enqueue_deliveries([locked.pk], mark_queued=True)
    return locked
