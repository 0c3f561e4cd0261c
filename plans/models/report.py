"""Progress reports (填报) and their evidence files: append-only history."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from core.append_only import AppendOnlyModel
from plans.models.assignment import Assignment
from plans.models.choices import ProgressStatus, ReportingCycle


class ProgressReport(AppendOnlyModel):
    """What a unit reported for one reporting period. A correction is a new row that supersedes this one."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("承办"), on_delete=models.PROTECT, related_name="reports")
    cycle = models.CharField(_("报送周期"), max_length=12, choices=ReportingCycle.choices)
    period_key = models.CharField(_("报送期次"), max_length=16, help_text=_("如 2020-09、2020-09-2（中旬）、2020-Q3"))
    period_start = models.DateField(_("期次开始"))
    period_end = models.DateField(_("期次结束"))
    due_on = models.DateField(
        _("报送截止日"), null=True, blank=True, help_text=_("该期次的报送截止日；晚于此日填报即为逾期报送")
    )
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"), validators=[MaxValueValidator(100)])
    status = models.CharField(_("进展状态"), max_length=12, choices=ProgressStatus.choices)
    delay_reason = models.TextField(_("滞后原因"), blank=True)
    is_no_change = models.BooleanField(_("较上期无变化"), default=False)
    needs_approval = models.BooleanField(
        _("需负责人审核"), default=False, help_text=_("经办人填报、单位要求审核时为真；审核通过前局里看不到")
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    created_at = models.DateTimeField(_("填报时间"), default=clock.now, editable=False, db_index=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["assignment", "period_start", "created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__gte=0, percent__lte=100), name="report_percent_range"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="report_period_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="delayed") | ~models.Q(delay_reason=""), name="report_delay_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["assignment", "period_start", "created_at"], name="report_history_idx"),
            models.Index(fields=["period_key", "assignment"], name="report_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.period_key} {self.percent}%"


class ReportApproval(AppendOnlyModel):
    """A unit manager's decision on a staff report that needed approval before the bureau sees it."""

    report = models.OneToOneField(
        ProgressReport, verbose_name=_("进展报告"), on_delete=models.PROTECT, related_name="approval"
    )
    approved = models.BooleanField(_("审核通过"))
    note = models.TextField(_("审核意见"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("审核时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("填报审核")
        verbose_name_plural = _("填报审核")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved=True) | ~models.Q(note=""), name="report_approval_return_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {'通过' if self.approved else '退回'}"


class Attachment(AppendOnlyModel):
    """An evidence file attached to a progress report or a completion request."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    completion_request = models.ForeignKey(
        "plans.CompletionRequest",
        verbose_name=_("办结申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(report__isnull=False) & models.Q(completion_request__isnull=True))
                | (models.Q(report__isnull=True) & models.Q(completion_request__isnull=False)),
                name="attachment_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
