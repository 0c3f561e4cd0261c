"""Unit assessment (考核): the score weights an admin sets, and the objections units raise against a score."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from core.append_only import AppendOnlyModel

WEIGHT_FIELDS = ("reports_weight", "completion_weight", "overdue_weight", "escalation_weight", "response_weight")
SETTING_FIELDS = (*WEIGHT_FIELDS, "late_report_credit", "overdue_days_cap", "escalation_cap", "response_days_cap")


def _weight(verbose_name, default: int, help_text):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=help_text,
    )


class ScoreWeights(AppendOnlyModel):
    """One version of the assessment settings; the newest row is in force, older rows are the history.

    A change is a new row (never an update), so every score can say which weights made it.
    """

    reports_weight = _weight(_("报送及时"), 30, _("应报期次未按时报送的比例乘以此分值扣分"))
    completion_weight = _weight(_("按时办结"), 30, _("逾期办结、逾期未办结的比例乘以此分值扣分"))
    overdue_weight = _weight(_("逾期天数"), 20, _("逾期天数合计达到上限时扣满此分值"))
    escalation_weight = _weight(_("被督办次数"), 10, _("被督办次数达到上限时扣满此分值"))
    response_weight = _weight(_("督办反馈用时"), 10, _("平均反馈天数达到上限时扣满此分值"))
    late_report_credit = models.DecimalField(
        _("逾期报送折算"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("逾期报送的一期按几期按时报送计算：0 表示与缺报相同，1 表示与按时相同"),
    )
    overdue_days_cap = models.PositiveIntegerField(
        _("逾期天数上限"), default=60, validators=[MinValueValidator(1)], help_text=_("合计逾期天数达到此数时扣满")
    )
    escalation_cap = models.PositiveIntegerField(
        _("被督办次数上限"), default=5, validators=[MinValueValidator(1)], help_text=_("被督办次数达到此数时扣满")
    )
    response_days_cap = models.PositiveIntegerField(
        _("反馈天数上限"), default=10, validators=[MinValueValidator(1)], help_text=_("平均反馈天数达到此数时扣满")
    )
    note = models.CharField(_("调整说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("设置时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    reports_weight__gte=0,
                    completion_weight__gte=0,
                    overdue_weight__gte=0,
                    escalation_weight__gte=0,
                    response_weight__gte=0,
                ),
                name="score_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    reports_weight__lte=Decimal(100)
                    - models.F("completion_weight")
                    - models.F("overdue_weight")
                    - models.F("escalation_weight")
                    - models.F("response_weight")
                ),
                name="score_weights_total_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(late_report_credit__gte=0, late_report_credit__lte=1),
                name="score_weights_late_credit_range",
            ),
            models.CheckConstraint(
                condition=models.Q(overdue_days_cap__gte=1, escalation_cap__gte=1, response_days_cap__gte=1),
                name="score_weights_caps_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.weights_text}"

    @property
    def weights_text(self) -> str:
        """Return the five weights in one line, e.g. 30/30/20/10/10."""
        return "/".join(f"{getattr(self, name).normalize():f}" for name in WEIGHT_FIELDS)

    @property
    def total_weight(self) -> Decimal:
        """Return the sum of the five weights: the most a unit can lose."""
        return sum((getattr(self, name) for name in WEIGHT_FIELDS), Decimal(0))


class Objection(models.Model):
    """A unit's objection (异议) to its score for a period, and a supervisor's answer."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="score_objections"
    )
    period_key = models.CharField(
        _("考核期间"), max_length=40, help_text=_("如 2020、2020-Q3、2020-09、2020-07-01~2020-09-15")
    )
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    score = models.DecimalField(_("提出时得分"), max_digits=5, decimal_places=2)
    weights = models.ForeignKey(
        ScoreWeights,
        verbose_name=_("所用权重"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示当时使用默认权重"),
    )
    text = models.TextField(_("异议内容"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("提出时间"), default=clock.now, editable=False)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核异议")
        verbose_name_plural = _("考核异议")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(answered_at__isnull=True) & models.Q(answer=""))
                | (models.Q(answered_at__isnull=False) & ~models.Q(answer="")),
                name="objection_answer_has_time",
            ),
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end"],
                condition=models.Q(answered_at__isnull=True),
                name="objection_one_open_per_unit_period",
            ),
        ]
        indexes = [models.Index(fields=["answered_at", "filed_at"], name="objection_queue_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_key} {self.text[:30]}"

    @property
    def is_open(self) -> bool:
        """Return whether the objection still waits for an answer."""
        return self.answered_at is None
