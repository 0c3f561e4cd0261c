"""Integration webhooks: the event as JSON, signed so the receiver can check it came from us."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from django.utils.translation import gettext as _

from reminders.channels.base import DeliveryFailed, OutgoingMessage
from reminders.channels.transport import http_request, json_body, raise_for_status

EVENT_HEADER = "X-Tracker-Event"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"
SIGNATURE_HEADER = "X-Tracker-Signature"


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header's value: sha256=HMAC-SHA256(secret, "<timestamp>.<body>") in hex."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def send_webhook(*, address: str, secret: str, message: OutgoingMessage) -> str:
    """POST the event (message.text holds its JSON, message.subject its name) to the integration; return a receipt.

    Headers: X-Tracker-Event, X-Tracker-Timestamp (Unix seconds, real time), X-Tracker-Signature, and the
    delivery key, which stays the same on every retry so the receiver can drop a copy.
    """
    try:
        payload = json.loads(message.text)
    except ValueError:
        raise DeliveryFailed(_("推送内容不是有效的 JSON"), retryable=False) from None
    timestamp = str(int(time.time()))  # receivers compare it with their own clock
    headers = {
        EVENT_HEADER: message.subject,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: webhook_signature(secret, timestamp, json_body(payload)),
    }
    response = http_request(address, key=message.key, payload=payload, extra_headers=headers)
    raise_for_status(response)
    return _("对方已接收（HTTP %(status)s）") % {"status": response.status}
