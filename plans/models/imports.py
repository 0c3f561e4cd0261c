"""An import session (立项): the uploaded document, its parsed tree under review, and what it became."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from plans.models.plan import Plan


class ImportStatus(models.TextChoices):
    PARSING = "parsing", _("解析中")
    READY = "ready", _("待审核")
    FAILED = "failed", _("解析失败")
    CONFIRMED = "confirmed", _("已立项")
    CANCELLED = "cancelled", _("已取消")


class PlanImport(models.Model):
    """A document being turned into a plan: parsed, reviewed and corrected, then confirmed once."""

    source_file = models.FileField(_("原始文件"), upload_to="imports/plans/%Y/%m/", blank=True)
    source_name = models.CharField(_("文件名"), max_length=200, blank=True)
    pasted_text = models.TextField(_("粘贴的文本"), blank=True)
    source_format = models.CharField(_("格式"), max_length=10, blank=True)
    plan_year = models.PositiveSmallIntegerField(_("计划年度"), null=True, blank=True)
    previous_plan = models.ForeignKey(
        Plan,
        verbose_name=_("替换的计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reimports",
        help_text=_("作为该计划的新版本导入时填写"),
    )
    status = models.CharField(_("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PARSING)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0, validators=[MaxValueValidator(100)])
    error = models.TextField(_("错误信息"), blank=True)
    review = models.JSONField(_("审核数据"), default=dict, blank=True)
    plan = models.OneToOneField(
        Plan,
        verbose_name=_("生成的计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_import",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="plan_imports"
    )
    created_at = models.DateTimeField(_("上传时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("计划导入")
        verbose_name_plural = _("计划导入")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="plan_import_progress_range"),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | models.Q(plan__isnull=False),
                name="plan_import_confirmed_has_plan",
            ),
        ]

    def __str__(self) -> str:
        return self.source_name or str(_("粘贴的文本"))
