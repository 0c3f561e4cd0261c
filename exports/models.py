"""Export jobs (long exports made in the background) and the monthly report archive (月报存档)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from core.append_only import AppendOnlyModel


class ExportKind(models.TextChoices):
    MONTHLY = "monthly", _("月度推进情况表")
    LEDGER = "ledger", _("工作台账")
    TASKS = "tasks", _("任务清单")
    REPORTS = "reports", _("进展报告")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel（.xlsx）")
    DOCX = "docx", _("Word（.docx）")
    PDF = "pdf", _("PDF")
    CSV = "csv", _("CSV")
    JSON = "json", _("JSON")


class ExportSplit(models.TextChoices):
    NONE = "", _("一张表")
    PART = "part", _("每个部分一张工作表")
    UNIT = "unit", _("每个牵头单位一张工作表")


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """One export someone asked for: what, for whom, and the file once it is made."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="export_jobs"
    )
    kind = models.CharField(_("报表"), max_length=12, choices=ExportKind.choices)
    fmt = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("工作计划"), on_delete=models.PROTECT, related_name="export_jobs"
    )
    month = models.DateField(_("月份"), null=True, blank=True, help_text=_("该月第一天；台账为截至月份"))
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("单位范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("只导出该单位承办的任务；留空为全部"),
    )
    split = models.CharField(_("分表"), max_length=8, choices=ExportSplit.choices, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=60, blank=True)
    file = models.FileField(_("文件"), upload_to="exports/jobs/%Y/%m/", blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小(字节)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=clock.now, editable=False, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="export_job_progress_range"),
            models.CheckConstraint(
                condition=~models.Q(state="done") | ~models.Q(file=""), name="export_job_done_has_file"
            ),
        ]

    def __str__(self) -> str:
        return self.filename or f"{self.get_kind_display()} #{self.pk}"


class ArchivedReport(AppendOnlyModel):
    """A monthly report kept as it was generated; a re-generation is a new version beside it, never a replacement."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("工作计划"), on_delete=models.PROTECT, related_name="archived_reports"
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    fmt = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    file = models.FileField(_("文件"), upload_to="exports/archive/%Y/")
    filename = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    content_digest = models.CharField(
        _("内容摘要"), max_length=64, help_text=_("报表数字和文字的SHA-256；相同则内容相同，与文件格式无关")
    )
    as_of = models.DateTimeField(_("数据截至"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("每月自动存档时为空"),
    )
    reason = models.TextField(_("重新生成理由"), blank=True)
    generated_at = models.DateTimeField(_("生成时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("月报存档")
        verbose_name_plural = _("月报存档")
        ordering = ["plan", "-month", "fmt", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month", "fmt", "version"], name="archived_report_version_once"),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(reason=""), name="archived_report_regeneration_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename}（第{self.version}版）"
