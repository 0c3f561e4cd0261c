from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin, ReadOnlyAdminMixin
from plans.models import (
    Assignment,
    Attachment,
    Comment,
    CompletionRequest,
    Escalation,
    EscalationResponse,
    ExtensionRequest,
    Instruction,
    InstructionAcknowledgement,
    Milestone,
    Plan,
    PlanImport,
    ProgressReport,
    Reminder,
    ReportApproval,
    Section,
    Task,
)


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("path", "number", "title", "parent", "position")
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(AuditedModelAdmin):
    list_display = ("title", "doc_number", "issuer", "issued_on", "plan_year", "status", "reporting_cycle")
    list_filter = ("status", "plan_year", "reporting_cycle")
    search_fields = ("title", "doc_number", "issuer")
    date_hierarchy = "issued_on"
    readonly_fields = ("created_by", "created_at", "updated_at", "published_at")
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(AuditedModelAdmin):
    list_display = ("path", "title", "plan", "position")
    list_filter = ("plan",)
    search_fields = ("title", "path", "plan__title")
    list_select_related = ("plan",)
    autocomplete_fields = ("plan", "parent")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("unit", "role", "status", "percent", "due_on")
    autocomplete_fields = ("unit",)
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ("position", "text", "due_on", "due_text")
    extra = 0


@admin.register(Task)
class TaskAdmin(AuditedModelAdmin):
    list_display = ("path", "headline", "plan", "section", "deadline", "deadline_text", "reporting_cycle")
    list_filter = ("plan", "reporting_cycle")
    search_fields = ("headline", "text", "path", "owner_text")
    list_select_related = ("plan", "section")
    autocomplete_fields = ("plan", "section", "parent")
    inlines = [AssignmentInline, MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(AuditedModelAdmin):
    list_display = ("task", "position", "text", "due_on")
    search_fields = ("text", "task__headline")
    list_select_related = ("task",)
    autocomplete_fields = ("task",)


@admin.register(Assignment)
class AssignmentAdmin(AuditedModelAdmin):
    list_display = ("task", "unit", "role", "status", "percent", "due_on", "acknowledged_at", "completed_at")
    list_filter = ("role", "status", "unit__kind", "task__plan")
    search_fields = ("task__headline", "task__path", "unit__name", "unit__short_name")
    list_select_related = ("task", "unit")
    autocomplete_fields = ("task", "unit")
    readonly_fields = ("created_at", "updated_at")


class HistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only records: browsable, never edited here."""


@admin.register(ProgressReport)
class ProgressReportAdmin(HistoryAdmin):
    list_display = ("assignment", "period_key", "percent", "status", "is_no_change", "author", "created_at")
    list_filter = ("status", "cycle", "is_no_change", "assignment__task__plan")
    search_fields = ("text", "assignment__task__headline", "assignment__unit__name", "author__full_name")
    list_select_related = ("assignment__task", "assignment__unit", "author")
    date_hierarchy = "created_at"


@admin.register(Attachment)
class AttachmentAdmin(HistoryAdmin):
    list_display = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    search_fields = ("original_name", "sha256")
    list_select_related = ("uploaded_by",)


@admin.register(Reminder)
class ReminderAdmin(HistoryAdmin):
    list_display = ("assignment", "kind", "period_key", "created_by", "created_at")
    list_filter = ("kind", "assignment__task__plan")
    search_fields = ("message", "assignment__unit__name", "assignment__task__headline")
    list_select_related = ("assignment__task", "assignment__unit", "created_by")
    date_hierarchy = "created_at"


@admin.register(Escalation)
class EscalationAdmin(HistoryAdmin):
    list_display = ("assignment", "level", "period_key", "response_due", "created_by", "created_at", "closed_at")
    list_filter = ("level", "assignment__task__plan")
    search_fields = ("reason", "assignment__unit__name", "assignment__task__headline")
    list_select_related = ("assignment__task", "assignment__unit", "created_by")


@admin.register(EscalationResponse)
class EscalationResponseAdmin(HistoryAdmin):
    list_display = ("escalation", "author", "created_at")
    search_fields = ("text", "author__full_name")
    list_select_related = ("escalation", "author")


@admin.register(Instruction)
class InstructionAdmin(HistoryAdmin):
    list_display = ("task", "author", "created_at")
    search_fields = ("text", "task__headline", "author__full_name")
    list_select_related = ("task", "author")


@admin.register(InstructionAcknowledgement)
class InstructionAcknowledgementAdmin(HistoryAdmin):
    list_display = ("instruction", "unit", "acknowledged_by", "acknowledged_at")
    list_select_related = ("instruction", "unit", "acknowledged_by")


@admin.register(CompletionRequest)
class CompletionRequestAdmin(HistoryAdmin):
    list_display = ("assignment", "decision", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("decision", "assignment__task__plan")
    search_fields = ("summary", "decision_reason", "assignment__unit__name", "assignment__task__headline")
    list_select_related = ("assignment__task", "assignment__unit", "requested_by", "decided_by")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(HistoryAdmin):
    list_display = (
        "assignment",
        "current_due",
        "requested_due",
        "decision",
        "granted_due",
        "requested_at",
        "decided_at",
    )
    list_filter = ("decision", "assignment__task__plan")
    search_fields = ("reason", "decision_reason", "assignment__unit__name", "assignment__task__headline")
    list_select_related = ("assignment__task", "assignment__unit", "requested_by", "decided_by")


@admin.register(ReportApproval)
class ReportApprovalAdmin(HistoryAdmin):
    list_display = ("report", "approved", "reviewer", "created_at")
    list_filter = ("approved",)
    list_select_related = ("report", "reviewer")


@admin.register(Comment)
class CommentAdmin(HistoryAdmin):
    list_display = ("task", "author", "created_at", "__str__")
    search_fields = ("text", "task__headline", "author__full_name")
    list_select_related = ("task", "author")


@admin.register(PlanImport)
class PlanImportAdmin(HistoryAdmin):
    list_display = ("__str__", "source_format", "status", "progress", "plan_year", "created_by", "created_at", "plan")
    list_filter = ("status", "source_format")
    search_fields = ("source_name", "error")
    list_select_related = ("created_by", "plan")
    exclude = ("review", "pasted_text")
