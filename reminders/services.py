"""Write the settings of reminder delivery: a person's channels and quiet hours, a unit's group robots."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from audit.models import AuditAction
from audit.services import audit_created, audit_record, audit_updated, model_snapshot, snapshot_diff
from core import clock
from core.dates import chinese_date
from plans.services.errors import WorkflowError
from reminders.channels import DeliveryFailed, OutgoingMessage, send_message, validate_robot_url
from reminders.fanout import absolute_url
from reminders.models import ChannelPreference, RobotKind, UnitRobot
from reminders.policies import can_manage_robots

PREFERENCE_FIELDS = ["email", "sms", "quiet_start", "quiet_end"]


@transaction.atomic
def channel_preference_update(
    *,
    actor: User,
    email: bool,
    sms: bool,
    quiet_start: datetime.time | None,
    quiet_end: datetime.time | None,
) -> ChannelPreference:
    """Save the actor's own choice of channels and quiet hours (both ends, or neither); audited."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_("请先登录。"))
    if (quiet_start is None) != (quiet_end is None):
        raise WorkflowError(_("免打扰时段请同时填写开始和结束时间，或两项都留空。"))
    if quiet_start is not None and quiet_start == quiet_end:
        raise WorkflowError(_("免打扰的开始和结束时间不能相同；不需要免打扰请两项都留空。"))
    sms = bool(sms and settings.SMS_BACKEND and actor.phone)  # nothing to choose without a gateway or a number
    preference = ChannelPreference.objects.select_for_update().filter(user=actor).first()
    values = {"email": bool(email), "sms": sms, "quiet_start": quiet_start, "quiet_end": quiet_end}
    if preference is None:
        preference = ChannelPreference.objects.create(user=actor, **values)
        audit_created(actor=actor, instance=preference, verb="channel_preference.create")
        return preference
    before = model_snapshot(preference, PREFERENCE_FIELDS)
    for name, value in values.items():
        setattr(preference, name, value)
    preference.save(update_fields=[*PREFERENCE_FIELDS, "updated_at"])
    audit_updated(actor=actor, instance=preference, before=before, verb="channel_preference.update")
    return preference


def _robot_snapshot(robot: UnitRobot) -> dict[str, object]:
    """Return what the audit log keeps of a robot: never the access token or the signing secret."""
    return {
        "unit": robot.unit_id,
        "kind": robot.kind,
        "webhook_url": robot.masked_url,
        "secret": _("已设置") if robot.secret else "",
        "is_active": robot.is_active,
    }


@transaction.atomic
def unit_robot_save(
    *,
    actor: User,
    unit: Unit,
    kind: str,
    webhook_url: str | None,
    secret: str | None,
    is_active: bool,
) -> UnitRobot:
    """Add or change the unit's group robot of a kind (one per kind); audited without its credentials.

    `webhook_url` and `secret` None keep the stored values (forms never show them back); a secret ""
    removes it. A WeCom robot has no secret.
    """
    if not can_manage_robots(actor, unit):
        raise PermissionDenied(_("只有本单位负责人可以设置本单位的群机器人。"))
    if kind not in RobotKind.values:
        raise WorkflowError(_("未知的机器人类型。"))
    robot = UnitRobot.objects.select_for_update().filter(unit=unit, kind=kind).first()
    webhook_url = (webhook_url or "").strip() or None
    if webhook_url is None and robot is None:
        raise WorkflowError(_("请填写机器人的 Webhook 地址。"))
    if webhook_url is not None:
        try:
            validate_robot_url(webhook_url)
        except ValidationError as exc:
            raise WorkflowError("".join(exc.messages)) from None
    if kind == RobotKind.WECOM:
        secret = ""
    elif secret is not None:
        secret = secret.strip()
    if robot is None:
        robot = UnitRobot.objects.create(
            unit=unit,
            kind=kind,
            webhook_url=webhook_url,
            secret=secret or "",
            is_active=is_active,
            updated_by=actor,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            instance=robot,
            verb="unit_robot.create",
            action=AuditAction.CREATE,
            changes={name: [None, value] for name, value in _robot_snapshot(robot).items() if value not in ("", None)},
        )
        return robot
    before = _robot_snapshot(robot)
    replaced = {
        "webhook_url": webhook_url is not None and webhook_url != robot.webhook_url,
        "secret": bool(secret) and secret != robot.secret,
    }
    if webhook_url is not None:
        robot.webhook_url = webhook_url
    if secret is not None:
        robot.secret = secret
    robot.is_active = is_active
    robot.updated_by = actor
    robot.save(update_fields=["webhook_url", "secret", "is_active", "updated_by", "updated_at"])
    changes = snapshot_diff(before, _robot_snapshot(robot))
    for name, was_replaced in replaced.items():
        if was_replaced and name not in changes:  # a new token or secret behind the same mask
            changes[name] = [before[name], _("已更换")]
    if changes:
        audit_record(actor=actor, instance=robot, verb="unit_robot.update", action=AuditAction.UPDATE, changes=changes)
    return robot


def unit_robot_send_test(*, actor: User, robot: UnitRobot) -> str:
    """Send a test message to the robot's group now (synchronously) and return the receipt.

    Raise DeliveryFailed with the channel's explanation when it does not arrive. Nothing is stored.
    """
    if not can_manage_robots(actor, robot.unit):
        raise PermissionDenied(_("只有本单位负责人可以测试本单位的群机器人。"))
    now = clock.now()
    local = timezone.localtime(now)
    message = OutgoingMessage(
        key=f"test:{robot.pk}:{now:%Y%m%dT%H%M%S%f}",
        subject=_("督查督办系统测试消息"),
        text=_(
            "这是一条测试消息，由%(person)s于%(when)s发送。收到即表示本群机器人设置正确，以后的催办、督办会发到本群。"
        )
        % {"person": actor, "when": f"{chinese_date(local.date())} {local:%H:%M}"},
        url=absolute_url("/"),
    )
    if not robot.webhook_url:
        raise DeliveryFailed(_("未填写接收地址"), retryable=False)
    return send_message(robot.kind, address=robot.webhook_url, secret=robot.secret, message=message)
