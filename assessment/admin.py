from django.contrib import admin

from assessment.models import Objection, ScoreWeights
from audit.admin_mixins import ReadOnlyAdminMixin


@admin.register(ScoreWeights)
class ScoreWeightsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history of the assessment weights; a change is made on the weights page, which audits it."""

    list_display = (
        "created_at",
        "reports_weight",
        "completion_weight",
        "overdue_weight",
        "escalation_weight",
        "response_weight",
        "late_report_credit",
        "overdue_days_cap",
        "escalation_cap",
        "response_days_cap",
        "created_by",
        "note",
    )
    list_select_related = ("created_by",)
    date_hierarchy = "created_at"


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Objections and their answers; they are filed and answered on the assessment pages, which notify and audit."""

    list_display = ("unit", "period_key", "score", "filed_by", "filed_at", "answered_by", "answered_at")
    list_filter = ("answered_at", "unit__kind")
    search_fields = ("unit__name", "text", "answer")
    list_select_related = ("unit", "filed_by", "answered_by")
    date_hierarchy = "filed_at"
