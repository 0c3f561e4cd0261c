"""E-mail through Django's configured backend: plain text with an HTML alternative."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reminders.channels.base import (
    DELIVERY_KEY_HEADER,
    DeliveryFailed,
    OutgoingMessage,
    level_label,
    truncate_chars,
)

SUBJECT_MAX_CHARS = 200


def send_email(*, address: str, message: OutgoingMessage) -> str:
    """Hand `message` to the mail server for `address`; return a short Chinese receipt."""
    try:
        validate_email(address)
    except ValidationError:
        raise DeliveryFailed(_("邮件地址无效"), retryable=False) from None
    email = build_email(address=address, message=message)
    try:
        sent = email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _reply in error.recipients.values()]
        # Only a temporary refusal (4xx, e.g. greylisting) is worth another try.
        retryable = bool(codes) and all(400 <= code < 500 for code in codes)
        raise DeliveryFailed(
            _smtp_detail(_("邮件服务器拒绝收件人"), *_first_reply(error)), retryable=retryable
        ) from None
    except smtplib.SMTPResponseException as error:
        # Reply codes say it themselves: 4xx is temporary, 5xx is permanent.
        retryable = not 500 <= error.smtp_code < 600
        raise DeliveryFailed(
            _smtp_detail(_("邮件服务器拒绝"), error.smtp_code, error.smtp_error), retryable=retryable
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        if isinstance(error, TimeoutError):
            raise DeliveryFailed(_("连接邮件服务器超时")) from None
        raise DeliveryFailed(_("连接邮件服务器失败：%(reason)s") % {"reason": error}) from None
    except ValueError:  # Django's address sanitising
        raise DeliveryFailed(_("邮件地址无效"), retryable=False) from None
    if not sent:
        raise DeliveryFailed(_("邮件未能发出"))
    return _("已投递至邮件服务器")


def build_email(*, address: str, message: OutgoingMessage) -> EmailMultiAlternatives:
    """Return the e-mail for `message`: plain text body, HTML alternative, delivery key header."""
    context = {
        "subject": message.subject,
        "text": message.text,
        "url": message.url,
        "level": message.level,
        "level_label": level_label(message.level),
        "site_name": settings.SITE_NAME,
    }
    # Header values must stay on one line.
    subject = truncate_chars(" ".join(message.subject.split()), SUBJECT_MAX_CHARS)
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reminders/email/reminder.txt", context),
        to=[address],
        headers={DELIVERY_KEY_HEADER: message.key},
    )
    email.attach_alternative(render_to_string("reminders/email/reminder.html", context), "text/html")
    return email


def _first_reply(error: smtplib.SMTPRecipientsRefused) -> tuple[int, bytes | str]:
    for code, reply in error.recipients.values():
        return code, reply
    return 0, b""


def _smtp_detail(what: str, code: int, reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return f"{what}（{code} {truncate_chars(reply.strip(), 160)}）"
