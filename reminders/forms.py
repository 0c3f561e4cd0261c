"""Forms of the message settings page: a person's channels and quiet hours, a unit's group robots."""

from __future__ import annotations

import urllib.parse

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from reminders.channels import validate_robot_url
from reminders.models import RobotKind, UnitRobot

# The public robot services; a robot pasted into the other kind's box is almost always a slip.
ROBOT_HOSTS = {"qyapi.weixin.qq.com": RobotKind.WECOM, "oapi.dingtalk.com": RobotKind.DINGTALK}
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ChannelPreferenceForm(forms.Form):
    """Which outside channels a person wants, and when not to be disturbed."""

    email = forms.BooleanField(label=_("电子邮件"), required=False)
    sms = forms.BooleanField(label=_("短信"), required=False)
    quiet_start = forms.TimeField(
        label=_("免打扰开始"),
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": _("请按“时:分”填写，如 21:00。")},
    )
    quiet_end = forms.TimeField(
        label=_("免打扰结束"),
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": _("请按“时:分”填写，如 08:00。")},
    )

    def __init__(self, *args, user: User, sms_available: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A channel without an address (or without a gateway) cannot be chosen; its stored value is kept.
        self.fields["email"].disabled = not user.email
        self.fields["sms"].disabled = not (sms_available and user.phone)

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if "quiet_start" in self.errors or "quiet_end" in self.errors:
            return cleaned
        if start is not None and end is None:
            self.add_error("quiet_end", _("请填写免打扰结束时间，或把开始时间也清空。"))
        elif end is not None and start is None:
            self.add_error("quiet_start", _("请填写免打扰开始时间，或把结束时间也清空。"))
        elif start is not None and start == end:
            self.add_error("quiet_end", _("结束时间不能与开始时间相同；不需要免打扰请两项都留空。"))
        return cleaned


class UnitRobotForm(forms.Form):
    """Add or change one of the unit's group robots; stored credentials are never shown back."""

    webhook_url = forms.CharField(
        label=_("Webhook 地址"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}),
        error_messages={"required": _("请填写机器人的 Webhook 地址，在群机器人设置中复制。")},
    )
    secret = forms.CharField(
        label=_("加签密钥（可选）"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("机器人安全设置选了“加签”时，填写以 SEC 开头的密钥。"),
    )
    clear_secret = forms.BooleanField(label=_("清除已保存的加签密钥"), required=False)
    is_active = forms.BooleanField(label=_("启用：催办、督办同时发到本群"), required=False, initial=True)

    def __init__(self, *args, kind: str, robot: UnitRobot | None = None, **kwargs) -> None:
        kwargs.setdefault("prefix", f"robot-{kind}")
        if robot is not None:
            kwargs.setdefault("initial", {"is_active": robot.is_active})
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.label = RobotKind(kind).label
        self.robot = robot
        if robot is not None:
            self.fields["webhook_url"].required = False
            self.fields["webhook_url"].help_text = _("留空则保留现在的地址。")
            self.fields["webhook_url"].widget.attrs["placeholder"] = robot.masked_url
        else:
            self.fields["webhook_url"].widget.attrs["placeholder"] = (
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
                if kind == RobotKind.WECOM
                else "https://oapi.dingtalk.com/robot/send?access_token=…"
            )
        if kind == RobotKind.WECOM:
            del self.fields["secret"]
            del self.fields["clear_secret"]
        elif robot is None or not robot.secret:
            del self.fields["clear_secret"]
        else:
            self.fields["secret"].help_text = _("已设置。留空则保留原密钥；填写则替换。")

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"].strip()
        if not url:
            return url
        validate_robot_url(url)
        other = ROBOT_HOSTS.get((urllib.parse.urlsplit(url).hostname or "").lower())
        if other is not None and other != self.kind:
            raise forms.ValidationError(
                _("这是%(other)s的地址，请填在%(other)s一栏。") % {"other": RobotKind(other).label}
            )
        return url

    def service_values(self) -> dict:
        """Return the cleaned form as unit_robot_save's arguments (None keeps a stored value)."""
        data = self.cleaned_data
        secret = None
        if self.kind == RobotKind.DINGTALK:
            secret = "" if data.get("clear_secret") else (data.get("secret") or "").strip() or None
        return {
            "kind": self.kind,
            "webhook_url": data["webhook_url"] or None,
            "secret": secret,
            "is_active": data["is_active"],
        }
