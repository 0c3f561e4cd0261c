"""API tokens in the admin: issued through the service (the key is shown once), revoked with an action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken, WebhookEndpoint
from api.services import api_token_revoke
from plans.services.errors import WorkflowError


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "scope", "rate", "created_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    readonly_fields = (
        "name",
        "prefix",
        "user",
        "scope",
        "rate",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("digest",)
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are issued with `manage.py api_token issue`, which shows the key once

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            try:
                api_token_revoke(actor=request.user, token=token)
            except WorkflowError as exc:
                self.message_user(request, f"{token}：{exc}", messages.WARNING)
            else:
                self.message_user(request, _("已吊销 %(token)s") % {"token": token})


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("token", "url", "events", "is_active", "created_at")
    list_filter = ("is_active",)
    fields = ("token", "url", "events", "is_active", "created_at")
    readonly_fields = ("token", "url", "events", "created_at")

    def has_add_permission(self, request) -> bool:
        return False  # set up with `manage.py api_token webhook`, which shows the signing secret once

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deliveries refer to it; switch it off instead
