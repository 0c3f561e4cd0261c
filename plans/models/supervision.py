"""Supervision records: reminders (催办), escalations (督办), instructions (批示) and completion requests (办结)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from core.append_only import AppendOnlyModel
from plans.models.assignment import Assignment
from plans.models.choices import CompletionDecision, EscalationLevel, ExtensionDecision, ReminderKind
from plans.models.plan import Task


class Reminder(models.Model):
    """A reminder about one assignment; at most one per (assignment, kind, period)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("承办"), on_delete=models.PROTECT, related_name="reminders"
    )
    kind = models.CharField(_("催办类型"), max_length=20, choices=ReminderKind.choices)
    period_key = models.CharField(
        _("期次"), max_length=40, help_text=_("同一承办、同一类型、同一期次只催办一次，如 D-7、2020-09")
    )
    message = models.TextField(_("催办内容"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("催办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("系统自动催办时为空"),
    )
    scan_run = models.ForeignKey(
        "reminders.ScanRun",
        verbose_name=_("所属扫描"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reminders",
        help_text=_("自动催办由哪一次扫描产生"),
    )
    created_at = models.DateTimeField(_("催办时间"), default=clock.now, editable=False, db_index=True)

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "period_key"], name="reminder_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_key}"


class Escalation(models.Model):
    """A formal escalation (督办单) that requires a written response from the unit."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("承办"), on_delete=models.PROTECT, related_name="escalations"
    )
    level = models.CharField(_("督办等级"), max_length=10, choices=EscalationLevel.choices)
    period_key = models.CharField(_("期次"), max_length=40)
    reason = models.TextField(_("督办事由"))
    response_due = models.DateField(_("反馈时限"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scan_run = models.ForeignKey(
        "reminders.ScanRun",
        verbose_name=_("所属扫描"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
        help_text=_("自动督办由哪一次扫描产生"),
    )
    created_at = models.DateTimeField(_("督办时间"), default=clock.now, editable=False, db_index=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "level", "period_key"], name="escalation_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.period_key}"


class EscalationResponse(AppendOnlyModel):
    """A unit's written response to an escalation."""

    escalation = models.ForeignKey(
        Escalation, verbose_name=_("督办"), on_delete=models.PROTECT, related_name="responses"
    )
    text = models.TextField(_("反馈内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("反馈人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("反馈时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("督办反馈")
        verbose_name_plural = _("督办反馈")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class Instruction(AppendOnlyModel):
    """A leader's instruction (批示) on a task, which the task's units must acknowledge."""

    task = models.ForeignKey(Task, verbose_name=_("工作任务"), on_delete=models.PROTECT, related_name="instructions")
    text = models.TextField(_("批示内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批示人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("批示时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class InstructionAcknowledgement(AppendOnlyModel):
    """A unit's acknowledgement that it has read an instruction."""

    instruction = models.ForeignKey(
        Instruction, verbose_name=_("领导批示"), on_delete=models.PROTECT, related_name="acknowledgements"
    )
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("批示确认")
        verbose_name_plural = _("批示确认")
        constraints = [models.UniqueConstraint(fields=["instruction", "unit"], name="instruction_ack_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.acknowledged_at:%Y-%m-%d}"


class CompletionRequest(models.Model):
    """A unit's request to close its assignment (申请办结) and the supervisor's decision on it."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("承办"), on_delete=models.PROTECT, related_name="completion_requests"
    )
    summary = models.TextField(_("办结说明"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now, editable=False)
    decision = models.CharField(
        _("审核结果"), max_length=10, choices=CompletionDecision.choices, default=CompletionDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("办结申请")
        verbose_name_plural = _("办结申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(decision="pending"),
                name="completion_one_pending_per_assignment",
            ),
            models.CheckConstraint(
                condition=(models.Q(decision="pending") & models.Q(decided_at__isnull=True))
                | (~models.Q(decision="pending") & models.Q(decided_at__isnull=False)),
                name="completion_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="returned") | ~models.Q(decision_reason=""),
                name="completion_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.get_decision_display()}"


class ExtensionRequest(models.Model):
    """A unit's request to move its deadline (申请延期) and the supervisor's decision on it."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("承办"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    current_due = models.DateField(_("原时限"), null=True, blank=True, help_text=_("申请时有效的时限"))
    requested_due = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now, editable=False)
    decision = models.CharField(
        _("审核结果"), max_length=10, choices=ExtensionDecision.choices, default=ExtensionDecision.PENDING
    )
    granted_due = models.DateField(_("批准延至"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(decision="pending"),
                name="extension_one_pending_per_assignment",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="granted") | models.Q(granted_due__isnull=False),
                name="extension_granted_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="refused") | ~models.Q(decision_reason=""),
                name="extension_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} → {self.requested_due} {self.get_decision_display()}"


class Comment(AppendOnlyModel):
    """A message on a task between the bureau and its units."""

    task = models.ForeignKey(Task, verbose_name=_("工作任务"), on_delete=models.PROTECT, related_name="comments")
    text = models.TextField(_("内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发言人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("交流留言")
        verbose_name_plural = _("交流留言")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]
