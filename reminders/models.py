"""Delivery of reminders and escalations beyond the inbox, and the settings people choose for it.

A scan decides that a reminder (plans.Reminder) or escalation (plans.Escalation) is due and, in the
same transaction, writes the inbox messages and one Delivery row per outside channel and recipient.
Sender tasks then deliver from those rows; every try is a DeliveryAttempt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群")
    DINGTALK = "dingtalk", _("钉钉群")
    SMS = "sms", _("短信")
    WEBHOOK = "webhook", _("接口推送")


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("发送失败")


class AttemptOutcome(models.TextChoices):
    IN_FLIGHT = "in_flight", _("发送中")
    OK = "ok", _("成功")
    FAILED = "failed", _("失败")
    INTERRUPTED = "interrupted", _("中断")


class ScanKind(models.TextChoices):
    DEADLINES = "deadlines", _("完成时限扫描")
    CYCLES = "cycles", _("报送周期扫描")


class UnitRobot(models.Model):
    """A unit's group robot (企业微信 or 钉钉 webhook) that receives the unit's reminders."""

    unit = models.ForeignKey("accounts.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="robots")
    kind = models.CharField(_("类型"), max_length=10, choices=RobotKind.choices)
    webhook_url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True, help_text=_("钉钉机器人“加签”安全设置的密钥"))
    is_active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["unit__sort_order", "kind"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="robot_one_per_kind_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"

    @property
    def masked_url(self) -> str:
        """Return the webhook address with its access token hidden (it is a credential)."""
        head, _sep, token = self.webhook_url.partition("=")
        return f"{head}={token[:4]}…" if token else self.webhook_url


class ChannelPreference(models.Model):
    """One person's choice of channels and quiet hours; without a row the defaults apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="channel_preference",
    )
    email = models.BooleanField(_("电子邮件"), default=True)
    sms = models.BooleanField(_("短信"), default=False)
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息接收设置")
        verbose_name_plural = _("消息接收设置")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | models.Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="preference_quiet_hours_both_or_none",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class ScanRun(models.Model):
    """One run of a scan: when, for which moment, and what it created."""

    kind = models.CharField(_("扫描"), max_length=10, choices=ScanKind.choices)
    as_of = models.DateTimeField(_("扫描时点"))
    started_at = models.DateTimeField(_("开始时间"), default=clock.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    skipped_reason = models.CharField(_("未扫描原因"), max_length=100, blank=True)
    reminders_created = models.PositiveIntegerField(_("新增催办"), default=0)
    escalations_created = models.PositiveIntegerField(_("新增督办"), default=0)
    deliveries_created = models.PositiveIntegerField(_("新增外发"), default=0)

    class Meta:
        verbose_name = _("催办扫描")
        verbose_name_plural = _("催办扫描")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.as_of:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """One message to one recipient on one outside channel, about one reminder or escalation."""

    key = models.CharField(
        _("送达编号"), max_length=120, unique=True, help_text=_("同一催办、同一渠道、同一接收人只有一条；重试时不变")
    )
    reminder = models.ForeignKey(
        "plans.Reminder",
        verbose_name=_("催办"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    escalation = models.ForeignKey(
        "plans.Escalation",
        verbose_name=_("督办"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    robot = models.ForeignKey(
        UnitRobot, verbose_name=_("群机器人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    webhook = models.ForeignKey(
        "api.WebhookEndpoint",
        verbose_name=_("推送地址"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    address = models.CharField(_("地址"), max_length=254, blank=True, help_text=_("邮箱或手机号；群机器人不记地址"))
    subject = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    level = models.CharField(_("督办等级"), max_length=10, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    not_before = models.DateTimeField(_("最早发送时间"), default=clock.now)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    queued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reminder__isnull=False, escalation__isnull=True)
                | models.Q(reminder__isnull=True, escalation__isnull=False)
                | models.Q(channel="webhook", reminder__isnull=True),
                name="delivery_about_reminder_or_escalation",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "not_before"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return self.key


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: when, by which worker, and what came back."""

    delivery = models.ForeignKey(Delivery, verbose_name=_("外发消息"), on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField(_("第几次"))
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=12, choices=AttemptOutcome.choices, default=AttemptOutcome.IN_FLIGHT
    )
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="attempt_number_once")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number} {self.outcome}"
