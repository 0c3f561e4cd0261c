"""Choice lists shared by the plan models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已归档")


class ReportingCycle(models.TextChoices):
    MONTHLY = "monthly", _("月报")
    TEN_DAY = "ten_day", _("旬报")
    QUARTERLY = "quarterly", _("季报")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    CO = "co", _("配合")


class AssignmentStatus(models.TextChoices):
    NEW = "new", _("待签收")
    DECLINED = "declined", _("已退回")
    IN_PROGRESS = "in_progress", _("办理中")
    COMPLETION_REQUESTED = "completion_requested", _("办结审核中")
    COMPLETED = "completed", _("已办结")


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    DELAYED = "delayed", _("滞后")


class ReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "before_deadline", _("临期提醒")
    OVERDUE = "overdue", _("逾期催办")
    REPORT_DUE = "report_due", _("填报提醒")
    MANUAL = "manual", _("人工催办")


class EscalationLevel(models.TextChoices):
    MANUAL = "manual", _("人工督办")
    BLUE = "blue", _("蓝色督办")
    YELLOW = "yellow", _("黄色督办")
    RED = "red", _("红色督办")


class CompletionDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("同意办结")
    RETURNED = "returned", _("退回")


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    GRANTED = "granted", _("同意延期")
    REFUSED = "refused", _("不同意延期")
