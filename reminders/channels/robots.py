"""Group robots: WeCom (企业微信) and DingTalk (钉钉) webhooks, and the guard on their addresses."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from reminders.channels.base import (
    DeliveryFailed,
    OutgoingMessage,
    level_prefix,
    truncate_chars,
    truncate_utf8,
)
from reminders.channels.transport import HttpResponse, http_request, raise_for_status

# Plain http only for a robot simulator on this machine (tests, demos), never across a network.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

WECOM_MARKDOWN_MAX_BYTES = 4096
# DingTalk documents no hard limit for markdown; long messages are cut by the clients anyway.
DINGTALK_MARKDOWN_MAX_BYTES = 20000
SUBJECT_MAX_CHARS = 200

# Error codes that mean the robot itself is unusable (wrong key, removed, message rejected):
# the same message will fail again. Any other code (busy, rate limited, unknown) is retried.
WECOM_PERMANENT_ERRCODES = frozenset(
    {
        93000,  # invalid webhook url (key wrong or robot deleted)
        93004,  # robot disabled
        93008,  # robot no longer in the group
        40008,  # invalid message type
        40058,  # invalid parameter (e.g. content too long)
        44004,  # empty content
    }
)
DINGTALK_PERMANENT_ERRCODES = frozenset(
    {
        310000,  # keyword not matched, signature wrong, IP not allowed
        300001,  # token invalid
        300005,  # token does not exist
        400101,  # access_token does not exist
        400102,  # robot disabled
        400105,  # message type not supported
        400106,  # robot does not exist
        430101,  # content rejected by the security check
        430102,
        430103,
        430104,
    }
)


def robot_url_allowed(url: str) -> bool:
    """Return whether `url` may be used as a robot webhook.

    The host must be listed in ROBOT_WEBHOOK_ALLOWED_HOSTS and the scheme must be https;
    plain http only for a loopback host that is itself in the list (a local simulator).
    """
    if not isinstance(url, str) or any(char in url for char in "\\\r\n\t "):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    host = parts.hostname
    # user:password@host hides the real host from a quick look; robots never need it.
    if not host or "@" in parts.netloc:
        return False
    allowed = {name.strip().lower() for name in settings.ROBOT_WEBHOOK_ALLOWED_HOSTS}
    if host not in allowed:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and host in LOOPBACK_HOSTS


def validate_robot_url(url: str) -> None:
    """Raise ValidationError unless `url` is an allowed robot webhook address (for forms)."""
    if not robot_url_allowed(url):
        raise ValidationError(
            _(
                "机器人地址须以 https:// 开头，且域名须为以下之一：%(hosts)s。请从群机器人设置中复制完整的 Webhook 地址。"
            ),
            code="robot_url_not_allowed",
            params={"hosts": "、".join(settings.ROBOT_WEBHOOK_ALLOWED_HOSTS)},
        )


def robot_markdown(message: OutgoingMessage, *, max_bytes: int, highlight: str = "") -> str:
    """Return the markdown for a robot: the subject in bold, the text, a link; cut to `max_bytes`.

    `highlight` wraps the escalation label (WeCom: `<font color="warning">…</font>`), "%s" style.
    """
    prefix = level_prefix(message.level)
    if prefix and highlight:
        prefix = highlight % prefix
    heading = f"**{prefix}{truncate_chars(message.subject.strip(), SUBJECT_MAX_CHARS)}**"
    link = f"[{_('查看任务')}]({message.url})" if message.url else ""
    fixed = "\n\n".join(part for part in (heading, link) if part)
    text = message.text.strip()
    if text:
        # The link always survives; the text gives way.
        room = max_bytes - len(fixed.encode()) - len(b"\n\n")
        text = truncate_utf8(text, room) if room > 0 else ""
    return truncate_utf8("\n\n".join(part for part in (heading, text, link) if part), max_bytes)


def send_wecom(*, address: str, message: OutgoingMessage) -> str:
    """Post `message` to a WeCom group robot; return a short Chinese receipt."""
    _refuse_unless_allowed(address)
    content = robot_markdown(message, max_bytes=WECOM_MARKDOWN_MAX_BYTES, highlight=_WECOM_HIGHLIGHT)
    payload = {"msgtype": "markdown", "markdown": {"content": content}}
    response = http_request(address, key=message.key, payload=payload)
    _check_errcode(response, permanent=WECOM_PERMANENT_ERRCODES, remote=_("企业微信"))
    return _("企业微信机器人已接收")


def send_dingtalk(*, address: str, secret: str, message: OutgoingMessage) -> str:
    """Post `message` to a DingTalk group robot, signed when the robot has a secret; return a receipt."""
    _refuse_unless_allowed(address)
    title = truncate_chars(level_prefix(message.level) + message.subject.strip(), SUBJECT_MAX_CHARS)
    text = robot_markdown(message, max_bytes=DINGTALK_MARKDOWN_MAX_BYTES)
    payload = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    url = dingtalk_signed_url(address, secret=secret) if secret else address
    response = http_request(url, key=message.key, payload=payload)
    _check_errcode(response, permanent=DINGTALK_PERMANENT_ERRCODES, remote=_("钉钉"))
    return _("钉钉机器人已接收")


def dingtalk_signed_url(address: str, *, secret: str, timestamp_ms: int | None = None) -> str:
    """Return `address` with DingTalk's `timestamp` and `sign` parameters appended."""
    if timestamp_ms is None:
        timestamp_ms = int(timezone.now().timestamp() * 1000)
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    if "?" not in address:
        separator = "?"
    elif address.endswith(("?", "&")):
        separator = ""
    else:
        separator = "&"
    return f"{address}{separator}timestamp={timestamp_ms}&sign={sign}"


_WECOM_HIGHLIGHT = '<font color="warning">%s</font>'


def _refuse_unless_allowed(address: str) -> None:
    if not robot_url_allowed(address):
        raise DeliveryFailed(_("机器人地址不在允许范围内"), retryable=False)


def _check_errcode(response: HttpResponse, *, permanent: frozenset[int], remote: str) -> None:
    raise_for_status(response)
    data: Any = response.json()
    errcode = data.get("errcode") if isinstance(data, dict) else None
    try:
        errcode = int(errcode)
    except (TypeError, ValueError):
        raise DeliveryFailed(_("%(remote)s的应答缺少 errcode") % {"remote": remote}) from None
    if errcode == 0:
        return
    errmsg = truncate_chars(str(data.get("errmsg") or ""), 200)
    raise DeliveryFailed(
        _("%(remote)s返回错误 %(code)s：%(message)s") % {"remote": remote, "code": errcode, "message": errmsg},
        retryable=errcode not in permanent,
    )
