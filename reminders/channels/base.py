"""The message every channel sends and the one error every channel raises."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

# Sent with every request and e-mail so receivers can drop the copies a retry may produce.
DELIVERY_KEY_HEADER = "X-Tracker-Delivery-Key"


@dataclass(frozen=True)
class OutgoingMessage:
    """One reminder as the channels see it: plain values, no models."""

    key: str  # stable delivery key, identical on every retry
    subject: str
    text: str  # plain Chinese text, may span several lines
    url: str = ""  # absolute link to the task
    level: str = ""  # "" or blue / yellow / red for escalations


class DeliveryFailed(Exception):
    """Raise when a message could not be handed over; `retryable` says whether trying again may help."""

    def __init__(self, detail: str, *, retryable: bool = True) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable

    def __repr__(self) -> str:
        return f"DeliveryFailed({self.detail!r}, retryable={self.retryable})"


def level_label(level: str) -> str:
    """Return the Chinese name of an escalation level ("红色督办"), or "" for an ordinary reminder."""
    labels = {"blue": _("蓝色督办"), "yellow": _("黄色督办"), "red": _("红色督办")}
    return labels.get(level, "")


def level_prefix(level: str) -> str:
    """Return the bracketed label put before a subject ("【红色督办】"), or ""."""
    label = level_label(level)
    return f"【{label}】" if label else ""


def truncate_utf8(text: str, max_bytes: int, *, ellipsis: str = "…") -> str:
    """Return `text` cut to at most `max_bytes` UTF-8 bytes, never inside a character, marked with `ellipsis`."""
    encoded = text.encode()
    if len(encoded) <= max_bytes:
        return text
    room = max_bytes - len(ellipsis.encode())
    if room <= 0:
        return ""
    return encoded[:room].decode("utf-8", "ignore") + ellipsis


def truncate_chars(text: str, max_chars: int, *, ellipsis: str = "…") -> str:
    """Return `text` cut to at most `max_chars` characters, marked with `ellipsis` when cut."""
    if len(text) <= max_chars:
        return text
    return text[: max(max_chars - len(ellipsis), 0)] + ellipsis
