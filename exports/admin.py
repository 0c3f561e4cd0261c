"""The admin of exports: the jobs people asked for and the monthly archive, both read-only."""

from __future__ import annotations

from django.contrib import admin

from audit.admin_mixins import ReadOnlyAdminMixin
from exports.models import ArchivedReport, ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["filename", "requested_by", "state", "progress", "created_at"]
    list_filter = ["state", "kind", "fmt"]
    search_fields = ["filename", "requested_by__username", "requested_by__full_name"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"


@admin.register(ArchivedReport)
class ArchivedReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["plan", "month", "fmt", "version", "sha256", "generated_by", "generated_at"]
    list_filter = ["fmt", "plan"]
    search_fields = ["filename", "plan__title", "plan__doc_number", "reason"]
    list_select_related = ["plan", "generated_by"]
    date_hierarchy = "month"
