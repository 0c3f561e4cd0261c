from django.contrib import admin

from audit.admin_mixins import ReadOnlyAdminMixin
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor", "action", "verb", "content_type", "object_repr")
    list_filter = ("action", "content_type", "at")
    search_fields = ("object_repr", "verb", "actor__username", "actor__full_name", "object_id")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "at"
    readonly_fields = ("at", "actor", "action", "verb", "content_type", "object_id", "object_repr", "changes", "note")
