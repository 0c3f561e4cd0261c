"""SMS backends, chosen by settings.SMS_BACKEND like Django's e-mail backends."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from reminders.channels.base import DeliveryFailed, OutgoingMessage, level_prefix, truncate_chars
from reminders.channels.transport import http_request, raise_for_status

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str
    key: str


# What LocmemSmsBackend "sent", oldest first; tests clear it.
outbox: list[SentSms] = []


class BaseSmsBackend:
    """Send one text message; subclasses implement `send`."""

    def send(self, phone: str, text: str, key: str) -> str:
        """Send `text` to `phone` (`key` identifies the delivery); return a short receipt or raise DeliveryFailed."""
        raise NotImplementedError


class LocmemSmsBackend(BaseSmsBackend):
    """Keep messages in the module's `outbox` list (tests and development)."""

    def send(self, phone: str, text: str, key: str) -> str:
        outbox.append(SentSms(phone=phone, text=text, key=key))
        return _("短信已记入本机发件箱")


class ConsoleSmsBackend(BaseSmsBackend):
    """Write messages to the log instead of sending them."""

    def send(self, phone: str, text: str, key: str) -> str:
        logger.info("SMS to %s (delivery %s): %s", phone, key, text)
        return _("短信已写入日志")


class AliyunSmsBackend(BaseSmsBackend):
    """Send through Alibaba Cloud SMS (dysmsapi SendSms, RPC style, signature version 1.0).

    The template (SMS_ALIYUN_TEMPLATE_CODE) must have one variable `${content}`; Alibaba Cloud
    limits a notification variable's length, so the text is cut to `content_max_chars`.
    """

    content_max_chars = 35
    # Alibaba's throttling code; the other isv.* codes mean the request itself is wrong.
    retryable_isv_codes = frozenset({"isv.BUSINESS_LIMIT_CONTROL"})

    def __init__(self) -> None:
        self.access_key_id = settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.access_key_secret = settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        self.sign_name = settings.SMS_ALIYUN_SIGN_NAME
        self.template_code = settings.SMS_ALIYUN_TEMPLATE_CODE
        self.endpoint = settings.SMS_ALIYUN_ENDPOINT

    def send(self, phone: str, text: str, key: str) -> str:
        if not all((self.access_key_id, self.access_key_secret, self.sign_name, self.template_code, self.endpoint)):
            raise DeliveryFailed(_("阿里云短信未配置完整（AccessKey、签名或模板）"), retryable=False)
        params = {
            "Action": "SendSms",
            "Version": "2017-05-25",
            "Format": "JSON",
            "AccessKeyId": self.access_key_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "SignatureNonce": str(uuid.uuid4()),
            "Timestamp": timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "PhoneNumbers": phone,
            "SignName": self.sign_name,
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps({"content": self.template_content(text)}, ensure_ascii=False),
            "OutId": key,
        }
        separator = "&" if "?" in self.endpoint else "?"
        url = f"{self.endpoint}{separator}{aliyun_signed_query(params, secret=self.access_key_secret)}"
        response = http_request(url, key=key, method="GET")
        data: Any = None
        try:
            data = response.json()
        except DeliveryFailed:
            raise_for_status(response)
            raise
        code = str(data.get("Code") or "") if isinstance(data, dict) else ""
        if not code:
            raise_for_status(response)
            raise DeliveryFailed(_("短信平台的应答缺少 Code"))
        if code == "OK":
            return _("短信平台已受理（%(biz_id)s）") % {"biz_id": data.get("BizId") or "-"}
        retryable = code in self.retryable_isv_codes or not code.startswith("isv.")
        message = truncate_chars(str(data.get("Message") or ""), 200)
        raise DeliveryFailed(
            _("短信平台返回错误 %(code)s：%(message)s") % {"code": code, "message": message}, retryable=retryable
        )

    def template_content(self, text: str) -> str:
        """Return the value of the template's `${content}`: one line, cut to the variable's limit."""
        return truncate_chars(" ".join(text.split()), self.content_max_chars)


def aliyun_percent_encode(value: str) -> str:
    """Percent-encode as Alibaba Cloud's RPC signature requires (RFC 3986, spaces as %20)."""
    return urllib.parse.quote(value, safe="~").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def aliyun_signed_query(params: dict[str, str], *, secret: str) -> str:
    """Return the query string for `params` with its `Signature` (HMAC-SHA1 of the GET string to sign)."""
    canonical = "&".join(
        f"{aliyun_percent_encode(name)}={aliyun_percent_encode(value)}" for name, value in sorted(params.items())
    )
    string_to_sign = f"GET&{aliyun_percent_encode('/')}&{aliyun_percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    signature = base64.b64encode(digest).decode()
    return f"Signature={aliyun_percent_encode(signature)}&{canonical}"


def sms_text(message: OutgoingMessage) -> str:
    """Return the one-line text of an SMS: the level label, the subject, then the text."""
    parts = [level_prefix(message.level) + " ".join(message.subject.split())]
    text = " ".join(message.text.split())
    if text:
        parts.append(text)
    return "：".join(parts)


def send_sms(*, address: str, message: OutgoingMessage) -> str:
    """Send `message` to the phone number `address` through the configured backend; return its receipt."""
    backend_path = settings.SMS_BACKEND
    if not backend_path:
        raise DeliveryFailed(_("未配置短信网关"), retryable=False)
    try:
        backend_class = import_string(backend_path)
    except ImportError:
        raise DeliveryFailed(_("短信网关配置有误：%(path)s") % {"path": backend_path}, retryable=False) from None
    phone = "".join(address.split()).replace("-", "")
    return backend_class().send(phone, sms_text(message), message.key)
