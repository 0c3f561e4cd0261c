"""A work plan, its section tree and its tasks."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from plans.models.choices import PlanStatus, ReportingCycle


class Plan(models.Model):
    """An annual work plan (工作要点) published by a bureau as an official document."""

    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True, help_text=_("如 厦湖教〔2020〕132号"))
    issuer = models.CharField(_("发布机构"), max_length=100, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    recipients = models.CharField(_("主送单位"), max_length=300, blank=True)
    plan_year = models.PositiveSmallIntegerField(
        _("计划年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(_("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    reporting_cycle = models.CharField(
        _("报送周期"), max_length=12, choices=ReportingCycle.choices, default=ReportingCycle.MONTHLY
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("月报截止日"), default=25, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    source_file = models.FileField(_("原始文件"), upload_to="plans/sources/%Y/", blank=True)
    source_name = models.CharField(_("原始文件名"), max_length=200, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作计划")
        verbose_name_plural = _("工作计划")
        ordering = ["-plan_year", "-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_number"], condition=~models.Q(doc_number=""), name="plan_doc_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(plan_year__gte=2000, plan_year__lte=2100), name="plan_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(report_due_day__gte=1, report_due_day__lte=31), name="plan_report_due_day_range"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="plan_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.doc_number}）" if self.doc_number else self.title


class Section(models.Model):
    """A heading above the tasks: a part (一、) or a section ((一)), nested to any depth."""

    plan = models.ForeignKey(Plan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级标题"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField(_("序号"), max_length=20, blank=True, help_text=_("原文序号，不含标点，如 三"))
    path = models.CharField(_("完整编号"), max_length=100, help_text=_("自顶向下的序号，以点分隔，如 三.(一)"))
    title = models.CharField(_("标题"), max_length=300)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("篇章")
        verbose_name_plural = _("篇章")
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "path"], name="section_path_unique_in_plan")]

    def __str__(self) -> str:
        return f"{self.number}、{self.title}" if self.number else self.title


class Task(models.Model):
    """A numbered item of a plan that units must carry out (事项); sub-tasks hang under a parent task."""

    plan = models.ForeignKey(Plan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section, verbose_name=_("所属篇章"), null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级任务"), null=True, blank=True, on_delete=models.CASCADE, related_name="subtasks"
    )
    number = models.CharField(_("序号"), max_length=20, blank=True, help_text=_("原文序号，如 11；无序号段落留空"))
    path = models.CharField(_("完整编号"), max_length=100, help_text=_("如 三.11"))
    headline = models.CharField(_("任务名称"), max_length=300)
    text = models.TextField(_("任务内容"), blank=True)
    owner_text = models.CharField(_("责任单位原文"), max_length=300, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("时限原文"), max_length=100, blank=True, help_text=_("如 2024年6月底前、年内"))
    reporting_cycle = models.CharField(
        _("报送周期"), max_length=12, choices=ReportingCycle.choices, blank=True, help_text=_("留空则沿用计划的周期")
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "path"], name="task_path_unique_in_plan")]
        indexes = [models.Index(fields=["plan", "deadline"], name="task_plan_deadline_idx")]

    def __str__(self) -> str:
        return f"{self.path} {self.headline}"

    @property
    def effective_reporting_cycle(self) -> str:
        """Return the task's own reporting cycle, or the plan's when the task has none."""
        return self.reporting_cycle or self.plan.reporting_cycle


class Milestone(models.Model):
    """A dated step of a task, as task tables list them (①3月底前，完成…)."""

    task = models.ForeignKey(Task, verbose_name=_("工作任务"), on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    text = models.CharField(_("节点内容"), max_length=500)
    due_on = models.DateField(_("节点时限"), null=True, blank=True)
    due_text = models.CharField(_("时限原文"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")
        ordering = ["task", "position"]

    def __str__(self) -> str:
        return self.text
