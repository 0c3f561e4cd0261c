"""The audit trail: who changed what, when, and what it was before."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from core.append_only import AppendOnlyModel


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    EVENT = "event", _("业务操作")


class AuditEvent(AppendOnlyModel):
    """One recorded change. Rows are never updated or deleted."""

    at = models.DateTimeField(_("时间"), default=clock.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(_("操作类型"), max_length=10, choices=AuditAction.choices)
    verb = models.CharField(_("操作"), max_length=60, help_text=_("如 task.update、report.submit"))
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    changes = models.JSONField(
        _("变更内容"), default=dict, blank=True, encoder=DjangoJSONEncoder, help_text=_("{字段: [修改前, 修改后]}")
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.object_repr}"
