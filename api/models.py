"""API tokens: one per integration, acting as its user, read-only or read-write, revocable."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock


class TokenScope(models.TextChoices):
    READ = "read", _("只读")
    WRITE = "write", _("读写")


def token_digest(key: str) -> str:
    """Return the SHA-256 kept in place of a token (the token itself is shown once and never stored)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A machine's key to the API. It acts as its user, so it sees and may do exactly what that user may."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("所属账号"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, help_text=_("如 市教育局OA对接"))
    prefix = models.CharField(_("前缀"), max_length=12, unique=True, help_text=_("令牌开头几位，用于辨认"))
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    scope = models.CharField(_("权限范围"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    rate = models.CharField(
        _("调用频率上限"), max_length=20, blank=True, help_text=_("如 120/min；留空用默认值 API_TOKEN_RATE")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        """Return whether the token may still be used."""
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    TASK_STATUS_CHANGED = "task.status_changed", _("任务状态变化")
    REPORT_FILED = "report.filed", _("报送进展")
    ESCALATION_RAISED = "escalation.raised", _("发出督办")


class WebhookEndpoint(models.Model):
    """Where an integration wants events pushed: signed with its secret, retried, every attempt recorded."""

    token = models.ForeignKey(ApiToken, verbose_name=_("接口令牌"), on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("推送地址"), max_length=300)
    secret = models.CharField(_("签名密钥"), max_length=100, help_text=_("HMAC-SHA256 签名用；只在创建时显示"))
    events = models.JSONField(_("订阅事件"), default=list)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("推送地址")
        verbose_name_plural = _("推送地址")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.token.name} → {self.url}"


class WebhookCursor(models.Model):
    """How far the collector has read a source (audit events, escalations), so each event is pushed once."""

    source = models.CharField(_("来源"), max_length=30, unique=True)
    last_id = models.BigIntegerField(_("已读到"), default=0)

    class Meta:
        verbose_name = _("推送游标")
        verbose_name_plural = _("推送游标")

    def __str__(self) -> str:
        return f"{self.source}: {self.last_id}"
