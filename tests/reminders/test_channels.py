"""Delivery channels against a real HTTP server on 127.0.0.1 and Django's in-memory mail outbox."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import re
import smtplib
import socket
import threading
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend

from core import clock
from reminders.channels import DeliveryFailed, OutgoingMessage, robot_url_allowed, send_message, validate_robot_url
from reminders.channels import sms as sms_module

MESSAGE = OutgoingMessage(
    key="reminder-42-7-wecom",
    subject="请于3日内报送“课后服务”进展",
    text="任务：推进课后服务全覆盖\n截止日期：2025年6月30日（剩余3天）",
    url="https://duban.example.cn/plans/tasks/42/",
)
RED_MESSAGE = OutgoingMessage(
    key="escalation-42-red",
    subject="“课后服务”已逾期20天",
    text="责任单位：实验小学",
    url="https://duban.example.cn/plans/tasks/42/",
    level="red",
)
DINGTALK_SECRET = "SEC0123456789abcdef+/="


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode())


Reply = tuple[int, Any]


@dataclass
class FakeRemote:
    """A robot / SMS gateway on 127.0.0.1 that records requests and answers with `reply(received)`."""

    base_url: str = ""
    received: list[Received] = field(default_factory=list)
    reply: Callable[[Received], Reply] = lambda received: (200, {"errcode": 0, "errmsg": "ok"})
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture
def remote(settings) -> Iterator[FakeRemote]:
    settings.ROBOT_WEBHOOK_ALLOWED_HOSTS = [*settings.ROBOT_WEBHOOK_ALLOWED_HOSTS, "127.0.0.1"]
    fake = FakeRemote()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.answer()

        def do_POST(self) -> None:
            self.answer()

        def answer(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received = Received(
                method=self.command,
                path=parts.path,
                query=dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)),
                raw_query=parts.query,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
            )
            fake.received.append(received)
            status, payload = fake.reply(received)
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            try:
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", fake.url("/elsewhere"))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def sms_outbox() -> Iterator[list[sms_module.SentSms]]:
    sms_module.outbox.clear()
    yield sms_module.outbox
    sms_module.outbox.clear()


def failure(callable_: Callable[[], Any]) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as caught:
        callable_()
    return caught.value


# --- WeCom ---------------------------------------------------------------------------------------


def test_wecom_posts_markdown_with_subject_text_link_and_delivery_key(remote):
    receipt = send_message("wecom", address=remote.url("/cgi-bin/webhook/send?key=abc"), message=MESSAGE)

    assert receipt == "企业微信机器人已接收"
    [request] = remote.received
    assert request.method == "POST"
    assert request.path == "/cgi-bin/webhook/send"
    assert request.query == {"key": "abc"}
    assert request.headers["x-tracker-delivery-key"] == "reminder-42-7-wecom"
    assert request.headers["content-type"].startswith("application/json")
    assert request.json() == {
        "msgtype": "markdown",
        "markdown": {
            "content": "**请于3日内报送“课后服务”进展**\n\n"
            "任务：推进课后服务全覆盖\n截止日期：2025年6月30日（剩余3天）\n\n"
            "[查看任务](https://duban.example.cn/plans/tasks/42/)"
        },
    }


def test_wecom_marks_an_escalation_with_its_level(remote):
    send_message("wecom", address=remote.url("/send?key=abc"), message=RED_MESSAGE)

    content = remote.received[0].json()["markdown"]["content"]
    assert content.startswith('**<font color="warning">【红色督办】</font>“课后服务”已逾期20天**')


def test_wecom_cuts_long_text_to_4096_bytes_but_keeps_the_link(remote):
    long_message = OutgoingMessage(key="k", subject="逾期任务汇总", text="一所学校逾期。\n" * 2000, url=MESSAGE.url)

    send_message("wecom", address=remote.url("/send?key=abc"), message=long_message)

    content = remote.received[0].json()["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert len(content.encode()) > 4000
    assert content.startswith("**逾期任务汇总**\n\n一所学校逾期。")
    assert content.endswith("…\n\n[查看任务](https://duban.example.cn/plans/tasks/42/)")


@pytest.mark.parametrize("errcode", [93000, 93004])
def test_wecom_invalid_key_is_not_retried(remote, errcode):
    remote.reply = lambda received: (200, {"errcode": errcode, "errmsg": "invalid webhook url, hint: [xyz]"})

    error = failure(lambda: send_message("wecom", address=remote.url("/send?key=bad"), message=MESSAGE))

    assert error.retryable is False
    assert error.detail == f"企业微信返回错误 {errcode}：invalid webhook url, hint: [xyz]"


@pytest.mark.parametrize("errcode", [-1, 45009, 123456])
def test_wecom_busy_throttled_or_unknown_errcode_is_retried(remote, errcode):
    remote.reply = lambda received: (200, {"errcode": errcode, "errmsg": "system busy"})

    error = failure(lambda: send_message("wecom", address=remote.url("/send?key=abc"), message=MESSAGE))

    assert error.retryable is True
    assert str(errcode) in error.detail


def test_wecom_answer_that_is_not_json_is_retried(remote):
    remote.reply = lambda received: (200, b"<html>gateway</html>")

    error = failure(lambda: send_message("wecom", address=remote.url("/send?key=abc"), message=MESSAGE))

    assert error.retryable is True
    assert "JSON" in error.detail


# --- DingTalk ------------------------------------------------------------------------------------


def expected_dingtalk_sign(timestamp: str, secret: str) -> str:
    """DingTalk's server side: base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_server(secret: str) -> Callable[[Received], Reply]:
    def reply(received: Received) -> Reply:
        # parse_qsl has already URL-decoded the sign, as DingTalk does.
        if received.query.get("sign") != expected_dingtalk_sign(received.query.get("timestamp", ""), secret):
            return 200, {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/...]"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    return reply


def test_dingtalk_signs_the_request_with_the_real_time_so_the_robot_accepts_it(remote, monkeypatch):
    remote.reply = dingtalk_server(DINGTALK_SECRET)
    moment = datetime.datetime(2025, 6, 27, 9, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    # DingTalk rejects timestamps an hour off real time, so the site's clock (frozen here) is not used.
    with clock.frozen_at(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)):
        receipt = send_message(
            "dingtalk", address=remote.url("/robot/send?access_token=tok"), secret=DINGTALK_SECRET, message=RED_MESSAGE
        )

    assert receipt == "钉钉机器人已接收"
    [request] = remote.received
    assert request.query["access_token"] == "tok"
    assert request.query["timestamp"] == str(int(moment.timestamp() * 1000))
    assert request.headers["x-tracker-delivery-key"] == "escalation-42-red"
    assert request.json() == {
        "msgtype": "markdown",
        "markdown": {
            "title": "【红色督办】“课后服务”已逾期20天",
            "text": "**【红色督办】“课后服务”已逾期20天**\n\n责任单位：实验小学\n\n"
            "[查看任务](https://duban.example.cn/plans/tasks/42/)",
        },
    }


def test_dingtalk_sign_is_url_encoded_and_starts_the_query_when_the_url_has_none(remote):
    remote.reply = dingtalk_server(DINGTALK_SECRET)

    send_message("dingtalk", address=remote.url("/robot/send"), secret=DINGTALK_SECRET, message=MESSAGE)

    [request] = remote.received
    assert set(request.query) == {"timestamp", "sign"}
    assert request.raw_query.startswith("timestamp=")
    # base64's "+", "/" and "=" travel percent-encoded; an unencoded "+" would arrive as a space.
    raw_sign = request.raw_query.split("&sign=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9%]+", raw_sign)


def test_dingtalk_with_a_wrong_secret_fails_for_good_with_the_robot_message(remote):
    remote.reply = dingtalk_server(DINGTALK_SECRET)

    error = failure(
        lambda: send_message(
            "dingtalk", address=remote.url("/robot/send?access_token=tok"), secret="SECwrong", message=MESSAGE
        )
    )

    assert error.retryable is False
    assert error.detail.startswith("钉钉返回错误 310000：sign not match")


def test_dingtalk_without_a_secret_sends_unsigned(remote):
    send_message("dingtalk", address=remote.url("/robot/send?access_token=tok"), secret="", message=MESSAGE)

    assert remote.received[0].query == {"access_token": "tok"}


def test_dingtalk_rate_limit_is_retried(remote):
    remote.reply = lambda received: (200, {"errcode": 410100, "errmsg": "send too fast"})

    error = failure(lambda: send_message("dingtalk", address=remote.url("/robot/send"), message=MESSAGE))

    assert error.retryable is True


# --- HTTP failures -------------------------------------------------------------------------------


def test_server_slower_than_the_timeout_fails_retryably(remote, settings):
    settings.DELIVERY_HTTP_TIMEOUT = 1

    def slow(received: Received) -> Reply:
        remote.release.wait(5)
        return 200, {"errcode": 0, "errmsg": "ok"}

    remote.reply = slow

    error = failure(lambda: send_message("wecom", address=remote.url("/send?key=abc"), message=MESSAGE))

    assert error.retryable is True
    assert error.detail == "连接超时（1秒）"


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(500, True), (502, True), (503, True), (429, True), (400, False), (403, False), (404, False)],
)
@pytest.mark.parametrize("channel", ["wecom", "dingtalk"])
def test_http_errors_are_retried_only_for_5xx_and_429(remote, channel, status, retryable):
    remote.reply = lambda received: (status, {"errcode": 0, "errmsg": "ok"})

    error = failure(lambda: send_message(channel, address=remote.url("/send?key=abc"), message=MESSAGE))

    assert error.retryable is retryable
    assert error.detail == f"HTTP {status}"


def test_redirects_are_not_followed(remote):
    remote.reply = lambda received: (302, b"")

    error = failure(lambda: send_message("wecom", address=remote.url("/send?key=abc"), message=MESSAGE))

    assert error.retryable is False
    assert error.detail == "HTTP 302"
    assert [request.path for request in remote.received] == ["/send"]


def test_refused_connection_is_retried(settings):
    settings.ROBOT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with socket.socket() as probe:  # a port that nobody listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    error = failure(lambda: send_message("wecom", address=f"http://127.0.0.1:{port}/send", message=MESSAGE))

    assert error.retryable is True
    assert error.detail.startswith("连接失败")


def test_robot_url_outside_the_allowed_hosts_is_refused_without_a_request(remote):
    error = failure(
        lambda: send_message("wecom", address="https://internal.example.net/cgi-bin/webhook/send", message=MESSAGE)
    )

    assert error.retryable is False
    assert error.detail == "机器人地址不在允许范围内"
    assert remote.received == []


# --- Robot address guard -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", True),
        ("https://oapi.dingtalk.com/robot/send?access_token=abc", True),
        ("https://QYAPI.weixin.qq.com:443/cgi-bin/webhook/send?key=abc", True),
        ("https://evil.example.com/cgi-bin/webhook/send?key=abc", False),
        ("https://qyapi.weixin.qq.com.evil.example.com/send", False),
        ("https://qyapi.weixin.qq.com@evil.example.com/send", False),
        ("https://evil.example.com\\@qyapi.weixin.qq.com/send", False),
        ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", False),
        ("file:///etc/passwd", False),
        ("ftp://qyapi.weixin.qq.com/send", False),
        ("http://127.0.0.1:8080/send", False),  # loopback, but not in the list
        ("qyapi.weixin.qq.com/cgi-bin/webhook/send", False),
        ("", False),
    ],
)
def test_robot_url_allowed_only_for_https_to_listed_hosts(url, allowed):
    assert robot_url_allowed(url) is allowed


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8080/send", True),
        ("https://127.0.0.1/send", True),
        ("http://localhost:8080/send", True),
        ("http://10.0.0.5/send", False),
        ("http://qyapi.weixin.qq.com/send", False),
    ],
)
def test_robot_url_allows_plain_http_only_for_a_listed_loopback_host(settings, url, allowed):
    settings.ROBOT_WEBHOOK_ALLOWED_HOSTS = ["qyapi.weixin.qq.com", "127.0.0.1", "localhost", "10.0.0.5"]

    assert robot_url_allowed(url) is allowed


def test_validate_robot_url_explains_in_chinese():
    validate_robot_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")

    with pytest.raises(ValidationError) as caught:
        validate_robot_url("http://192.168.1.10/hook")

    assert caught.value.code == "robot_url_not_allowed"
    assert caught.value.messages == [
        "机器人地址须以 https:// 开头，且域名须为以下之一：qyapi.weixin.qq.com、oapi.dingtalk.com。"
        "请从群机器人设置中复制完整的 Webhook 地址。"
    ]


# --- E-mail --------------------------------------------------------------------------------------


def test_email_has_subject_plain_and_html_parts_and_the_delivery_key(mailoutbox):
    receipt = send_message("email", address="zhang.san@school.example.cn", message=MESSAGE)

    assert receipt == "已投递至邮件服务器"
    [email] = mailoutbox
    assert email.to == ["zhang.san@school.example.cn"]
    assert email.subject == "请于3日内报送“课后服务”进展"
    assert email.extra_headers["X-Tracker-Delivery-Key"] == "reminder-42-7-wecom"
    assert email.message()["X-Tracker-Delivery-Key"] == "reminder-42-7-wecom"
    assert "截止日期：2025年6月30日（剩余3天）" in email.body
    assert "查看任务：https://duban.example.cn/plans/tasks/42/" in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert '<a href="https://duban.example.cn/plans/tasks/42/"' in html
    assert "任务：推进课后服务全覆盖<br>截止日期：2025年6月30日（剩余3天）" in html
    assert "查看任务" in html


def test_email_shows_the_escalation_level_in_words(mailoutbox):
    send_message("email", address="zhang.san@school.example.cn", message=RED_MESSAGE)

    [email] = mailoutbox
    html = email.alternatives[0][0]
    assert ">红色督办</span>" in html
    assert email.body.startswith("【红色督办】\n“课后服务”已逾期20天")


def test_email_escapes_markup_in_the_html_part(mailoutbox):
    message = OutgoingMessage(key="k", subject="测试", text="<script>alert(1)</script>", url=MESSAGE.url)

    send_message("email", address="zhang.san@school.example.cn", message=message)

    [email] = mailoutbox
    assert "<script>" not in email.alternatives[0][0]
    assert "&lt;script&gt;" in email.alternatives[0][0]
    assert "<script>alert(1)</script>" in email.body


def test_email_subject_is_kept_on_one_line(mailoutbox):
    message = OutgoingMessage(key="k", subject="第一行\n第二行", text="正文", url="")

    send_message("email", address="zhang.san@school.example.cn", message=message)

    assert mailoutbox[0].subject == "第一行 第二行"


def test_email_to_an_invalid_address_is_not_retried(mailoutbox):
    error = failure(lambda: send_message("email", address="not-an-address", message=MESSAGE))

    assert error.retryable is False
    assert mailoutbox == []


class FailingEmailBackend(BaseEmailBackend):
    """Raise the exception put in `error` (set by the test) the way the SMTP backend would."""

    error: Exception = OSError()

    def send_messages(self, email_messages):
        raise FailingEmailBackend.error


@pytest.mark.parametrize(
    ("error", "retryable", "detail"),
    [
        (
            smtplib.SMTPRecipientsRefused({"a@b.cn": (550, b"5.1.1 User unknown")}),
            False,
            "邮件服务器拒绝收件人（550 5.1.1 User unknown）",
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@b.cn": (450, b"4.2.0 Greylisted")}),
            True,
            "邮件服务器拒绝收件人（450 4.2.0 Greylisted）",
        ),
        (smtplib.SMTPDataError(554, b"5.7.1 Rejected as spam"), False, "邮件服务器拒绝（554 5.7.1 Rejected as spam）"),
        (
            smtplib.SMTPSenderRefused(451, b"4.3.0 Try later", "noreply@x"),
            True,
            "邮件服务器拒绝（451 4.3.0 Try later）",
        ),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True, None),
        (ConnectionRefusedError(111, "Connection refused"), True, None),
        (TimeoutError(), True, "连接邮件服务器超时"),
    ],
)
def test_email_smtp_failures_are_retried_only_when_temporary(settings, error, retryable, detail):
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
    FailingEmailBackend.error = error

    failed = failure(lambda: send_message("email", address="a@b.cn", message=MESSAGE))

    assert failed.retryable is retryable
    if detail is not None:
        assert failed.detail == detail


# --- SMS -----------------------------------------------------------------------------------------


def test_sms_without_a_gateway_is_not_retried(settings):
    settings.SMS_BACKEND = ""

    error = failure(lambda: send_message("sms", address="13800138000", message=MESSAGE))

    assert error.retryable is False
    assert error.detail == "未配置短信网关"


def test_sms_with_a_misspelt_gateway_is_not_retried(settings):
    settings.SMS_BACKEND = "reminders.channels.sms.NoSuchBackend"

    error = failure(lambda: send_message("sms", address="13800138000", message=MESSAGE))

    assert error.retryable is False


def test_sms_locmem_backend_records_phone_text_and_key(settings, sms_outbox):
    settings.SMS_BACKEND = "reminders.channels.sms.LocmemSmsBackend"

    receipt = send_message("sms", address=" 138-0013-8000 ", message=RED_MESSAGE)

    assert receipt == "短信已记入本机发件箱"
    assert sms_outbox == [
        sms_module.SentSms(
            phone="13800138000", text="【红色督办】“课后服务”已逾期20天：责任单位：实验小学", key="escalation-42-red"
        )
    ]


ALIYUN_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def rfc3986(value: str) -> str:
    """Percent-encode byte by byte as Alibaba Cloud's signature document describes (not the adapter's code)."""
    return "".join(chr(byte) if chr(byte) in ALIYUN_UNRESERVED else f"%{byte:02X}" for byte in value.encode())


def aliyun_server(*, access_key_secret: str, code: str = "OK") -> Callable[[Received], Reply]:
    def reply(received: Received) -> Reply:
        params = dict(received.query)
        signature = params.pop("Signature", "")
        canonical = "&".join(f"{rfc3986(name)}={rfc3986(params[name])}" for name in sorted(params))
        string_to_sign = "GET&" + rfc3986("/") + "&" + rfc3986(canonical)
        digest = hmac.new((access_key_secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
        if base64.b64encode(digest).decode() != signature:
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."}
        if code != "OK":
            return 200, {"Code": code, "Message": "invalid mobile number", "RequestId": "R1"}
        return 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "R1"}

    return reply


@pytest.fixture
def aliyun(settings, remote) -> FakeRemote:
    settings.SMS_BACKEND = "reminders.channels.sms.AliyunSmsBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tTestKeyId"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "s3cr*t~ with/+= and 中文"
    settings.SMS_ALIYUN_SIGN_NAME = "湖里区教育局"
    settings.SMS_ALIYUN_TEMPLATE_CODE = "SMS_123456789"
    settings.SMS_ALIYUN_ENDPOINT = remote.url("/")
    remote.reply = aliyun_server(access_key_secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET)
    return remote


def test_sms_aliyun_sends_a_signed_sendsms_request(aliyun, monkeypatch):
    moment = datetime.datetime(2025, 6, 27, 17, 5, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    with clock.frozen_at(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)):
        receipt = send_message("sms", address="13800138000", message=RED_MESSAGE)

    assert receipt == "短信平台已受理（900619746936498440^0）"
    [request] = aliyun.received
    assert request.method == "GET"
    assert request.path == "/"
    assert request.headers["x-tracker-delivery-key"] == "escalation-42-red"
    query = request.query
    uuid.UUID(query.pop("SignatureNonce"))
    assert query.pop("Signature")
    assert query == {
        "Action": "SendSms",
        "Version": "2017-05-25",
        "Format": "JSON",
        "AccessKeyId": "LTAI5tTestKeyId",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "Timestamp": "2025-06-27T09:05:09Z",
        "PhoneNumbers": "13800138000",
        "SignName": "湖里区教育局",
        "TemplateCode": "SMS_123456789",
        "TemplateParam": json.dumps(
            {"content": "【红色督办】“课后服务”已逾期20天：责任单位：实验小学"}, ensure_ascii=False
        ),
        "OutId": "escalation-42-red",
    }


def test_sms_aliyun_cuts_the_content_to_the_template_variable_limit(aliyun):
    send_message("sms", address="13800138000", message=MESSAGE)

    content = json.loads(aliyun.received[0].query["TemplateParam"])["content"]
    assert len(content) == 35
    assert content.startswith("请于3日内报送“课后服务”进展：任务：推进课后服务全覆盖")
    assert content.endswith("…")


def test_sms_aliyun_illegal_number_is_not_retried(aliyun, settings):
    aliyun.reply = aliyun_server(
        access_key_secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET, code="isv.MOBILE_NUMBER_ILLEGAL"
    )

    error = failure(lambda: send_message("sms", address="12345", message=MESSAGE))

    assert error.retryable is False
    assert error.detail == "短信平台返回错误 isv.MOBILE_NUMBER_ILLEGAL：invalid mobile number"


@pytest.mark.parametrize("code", ["isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR"])
def test_sms_aliyun_throttling_and_platform_errors_are_retried(aliyun, settings, code):
    aliyun.reply = aliyun_server(access_key_secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET, code=code)

    error = failure(lambda: send_message("sms", address="13800138000", message=MESSAGE))

    assert error.retryable is True
    assert code in error.detail


def test_sms_aliyun_without_credentials_is_not_retried(aliyun, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ""

    error = failure(lambda: send_message("sms", address="13800138000", message=MESSAGE))

    assert error.retryable is False
    assert aliyun.received == []


# --- Dispatch ------------------------------------------------------------------------------------


def test_unknown_channel_is_not_retried():
    error = failure(lambda: send_message("fax", address="0592-1234567", message=MESSAGE))

    assert error.retryable is False
    assert error.detail == "未知的送达渠道：fax"


@pytest.mark.parametrize("channel", ["email", "wecom", "dingtalk", "sms"])
def test_empty_address_is_not_retried(channel):
    error = failure(lambda: send_message(channel, address="  ", message=MESSAGE))

    assert error.retryable is False
    assert error.detail == "未填写接收地址"
