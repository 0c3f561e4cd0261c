"""HTTP for the channels: urllib with a timeout, no redirects, and failures turned into DeliveryFailed."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from reminders.channels.base import DELIVERY_KEY_HEADER, DeliveryFailed

# Robots and SMS gateways answer with a few hundred bytes; anything longer is not worth reading.
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "duban-reminders/1.0"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes

    def json(self) -> Any:
        """Return the decoded JSON body, or raise a retryable DeliveryFailed if it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise DeliveryFailed(_("对方返回的不是有效的 JSON（HTTP %(status)s）") % {"status": self.status}) from None


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Leave 3xx answers as errors: a redirect could lead past the allowed-host check to an internal address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


def json_body(payload: Any) -> bytes:
    """Return a JSON payload as the bytes a request sends (and a signature covers)."""
    return json.dumps(payload, ensure_ascii=False).encode()


def http_request(
    url: str, *, key: str, method: str = "POST", payload: Any = None, extra_headers: dict[str, str] | None = None
) -> HttpResponse:
    """Send one request (JSON `payload` for POST) and return the answer, whatever its HTTP status.

    Raise DeliveryFailed for timeouts, refused connections and other network trouble (retryable)
    and for addresses urllib cannot use (not retryable).
    """
    timeout = settings.DELIVERY_HTTP_TIMEOUT
    headers = {DELIVERY_KEY_HEADER: key, "User-Agent": USER_AGENT, "Accept": "application/json"}
    data = None
    if payload is not None:
        data = json_body(payload)
        headers["Content-Type"] = "application/json; charset=utf-8"
    headers.update(extra_headers or {})
    try:
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
    except ValueError:
        raise DeliveryFailed(_("接收地址无效"), retryable=False) from None
    opener = urllib.request.build_opener(_RefuseRedirects)
    timed_out = DeliveryFailed(_("连接超时（%(seconds)s秒）") % {"seconds": timeout})
    try:
        with opener.open(request, timeout=timeout) as response:
            return HttpResponse(status=response.status, body=response.read(MAX_RESPONSE_BYTES))
    except urllib.error.HTTPError as error:
        with error:
            return HttpResponse(status=error.code, body=_read_quietly(error))
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise timed_out from None
        if isinstance(error.reason, str):  # urllib's own complaints, e.g. "unknown url type"
            raise DeliveryFailed(_("接收地址无效"), retryable=False) from None
        raise DeliveryFailed(_("连接失败：%(reason)s") % {"reason": error.reason}) from None
    except TimeoutError:
        raise timed_out from None
    except (http.client.HTTPException, OSError) as error:
        raise DeliveryFailed(_("连接中断：%(reason)s") % {"reason": error.__class__.__name__}) from None
    except ValueError:
        raise DeliveryFailed(_("接收地址无效"), retryable=False) from None


def raise_for_status(response: HttpResponse) -> None:
    """Raise DeliveryFailed unless the status is 2xx: 429 and 5xx may pass, other codes will not."""
    status = response.status
    if 200 <= status < 300:
        return
    retryable = status == 429 or status >= 500
    raise DeliveryFailed(_("HTTP %(status)s") % {"status": status}, retryable=retryable)


def _read_quietly(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read(MAX_RESPONSE_BYTES)
    except (OSError, http.client.HTTPException):
        return b""
