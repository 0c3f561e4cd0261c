"""Assignments (承办): a task given to one unit, as lead or co-unit."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from plans.models.choices import AssignmentRole, AssignmentStatus
from plans.models.plan import Task


class Assignment(models.Model):
    """One unit's share of a task, with its own status, percent and (granted) deadline."""

    task = models.ForeignKey(Task, verbose_name=_("工作任务"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("承办方式"), max_length=8, choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    status = models.CharField(
        _("办理状态"), max_length=24, choices=AssignmentStatus.choices, default=AssignmentStatus.NEW
    )
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"), default=0, validators=[MaxValueValidator(100)])
    due_on = models.DateField(
        _("现行时限"), null=True, blank=True, help_text=_("获准延期后的时限；留空则以任务的完成时限为准")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decline_reason = models.TextField(_("退回理由"), blank=True)
    declined_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("改派给"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("退回后改派的新承办"),
    )
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("交办时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("承办")
        verbose_name_plural = _("承办")
        ordering = ["task__plan", "task__position", "role", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_unit_once_per_task"),
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(role="lead") & ~models.Q(status="declined"),
                name="assignment_one_lead_per_task",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100), name="assignment_percent_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_at__isnull=False),
                name="assignment_completed_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="assignment_declined_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="assignment_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.task.path} {self.unit.name}（{self.get_role_display()}）"

    @property
    def handed_out_at(self):
        """Return when the unit received the assignment: its creation or the plan's publication, whichever is later."""
        published = self.task.plan.published_at
        return max(self.created_at, published) if published else self.created_at

    @property
    def effective_deadline(self):
        """Return the granted deadline if there is one, else the task's."""
        return self.due_on or self.task.deadline
