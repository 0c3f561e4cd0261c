"""The in-app inbox: one row per message to one person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("新交办")
    TASK_CHANGED = "task_changed", _("任务变更")
    DECLINED = "declined", _("任务退回")
    REMINDER = "reminder", _("催办")
    ESCALATION = "escalation", _("督办")
    ESCALATION_RESPONSE = "escalation_response", _("督办反馈")
    INSTRUCTION = "instruction", _("领导批示")
    REPORT_TO_APPROVE = "report_to_approve", _("待审核填报")
    REPORT_REVIEWED = "report_reviewed", _("填报审核结果")
    COMPLETION = "completion", _("办结")
    EXTENSION = "extension", _("延期")
    COMMENT = "comment", _("留言")
    OBJECTION = "objection", _("考核异议")


class Notification(models.Model):
    """A message in one person's inbox, with a link to what it is about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=NotificationKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    task = models.ForeignKey(
        "plans.Task", verbose_name=_("工作任务"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reminder = models.ForeignKey(
        "plans.Reminder", verbose_name=_("催办"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    escalation = models.ForeignKey(
        "plans.Escalation", verbose_name=_("督办"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=clock.now, editable=False)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox_idx")]
        constraints = [
            # A reminder or escalation reaches each person's inbox once, however many scans run at once.
            models.UniqueConstraint(
                fields=["recipient", "reminder"],
                condition=models.Q(reminder__isnull=False),
                name="notification_once_per_reminder",
            ),
            models.UniqueConstraint(
                fields=["recipient", "escalation"],
                condition=models.Q(escalation__isnull=False),
                name="notification_once_per_escalation",
            ),
        ]

    def __str__(self) -> str:
        return self.title
