"""Send one reminder over one channel: e-mail, WeCom robot, DingTalk robot or SMS.

Pure sending code: no models, no database. The delivery engine decides what to send, to whom
and when, calls `send_message`, and records the receipt or the DeliveryFailed it raises.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from reminders.channels.base import DELIVERY_KEY_HEADER, DeliveryFailed, OutgoingMessage
from reminders.channels.mail import send_email
from reminders.channels.robots import robot_url_allowed, send_dingtalk, send_wecom, validate_robot_url
from reminders.channels.sms import send_sms
from reminders.channels.webhook import send_webhook

__all__ = [
    "DELIVERY_KEY_HEADER",
    "DeliveryFailed",
    "OutgoingMessage",
    "robot_url_allowed",
    "send_message",
    "validate_robot_url",
]


def send_message(channel: str, *, address: str, secret: str = "", message: OutgoingMessage) -> str:
    """Send `message` over `channel` ("email", "wecom", "dingtalk", "sms", "webhook") to `address`; return a receipt.

    `secret` is the DingTalk robot's or the webhook's signing secret (ignored elsewhere). Raise DeliveryFailed on
    any failure, with `retryable=False` when trying again cannot help.
    """
    address = (address or "").strip()
    if not address:
        raise DeliveryFailed(_("未填写接收地址"), retryable=False)
    if channel == "email":
        return send_email(address=address, message=message)
    if channel == "wecom":
        return send_wecom(address=address, message=message)
    if channel == "dingtalk":
        return send_dingtalk(address=address, secret=(secret or "").strip(), message=message)
    if channel == "sms":
        return send_sms(address=address, message=message)
    if channel == "webhook":
        return send_webhook(address=address, secret=(secret or "").strip(), message=message)
    raise DeliveryFailed(_("未知的送达渠道：%(channel)s") % {"channel": channel}, retryable=False)
