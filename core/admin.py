from django.contrib import admin

from audit.admin_mixins import ReadOnlyAdminMixin
from core.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "hostname", "beats", "last_seen_at")
    readonly_fields = ("name", "hostname", "beats", "last_seen_at")
