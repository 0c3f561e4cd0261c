"""The admin of reminder delivery: any unit's robots, people's settings, and the read-only scan and delivery logs."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedModelAdmin, ReadOnlyAdminMixin
from reminders.channels import validate_robot_url
from reminders.models import ChannelPreference, Delivery, DeliveryAttempt, RobotKind, ScanRun, UnitRobot
from reminders.services import unit_robot_save


class UnitRobotAdminForm(forms.ModelForm):
    """The robot form of the admin: the secret is write-only, the address checked against the allowed hosts."""

    webhook_url = forms.CharField(label=_("Webhook 地址"), max_length=500)
    secret = forms.CharField(
        label=_("加签密钥"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("仅钉钉机器人。留空则保留原密钥。"),
    )
    clear_secret = forms.BooleanField(label=_("清除加签密钥"), required=False)

    class Meta:
        model = UnitRobot
        fields = ["unit", "kind", "webhook_url", "secret", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "webhook_url" in self.fields:
            self.initial["webhook_url"] = ""  # the address carries the access token: never shown back in full
            self.fields["webhook_url"].required = False
            self.fields["webhook_url"].help_text = _("当前：%(url)s。留空则保留原地址。") % {
                "url": self.instance.masked_url
            }

    def clean_webhook_url(self) -> str:
        url = (self.cleaned_data.get("webhook_url") or "").strip()
        if url:
            validate_robot_url(url)
        return url


@admin.register(UnitRobot)
class UnitRobotAdmin(admin.ModelAdmin):
    form = UnitRobotAdminForm
    list_display = ["unit", "kind", "is_active", "masked_url", "has_secret", "updated_by", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["unit__name", "unit__short_name"]
    list_select_related = ["unit", "updated_by"]
    autocomplete_fields = ["unit"]

    @admin.display(description=_("Webhook 地址"))
    def masked_url(self, robot: UnitRobot) -> str:
        return robot.masked_url

    @admin.display(description=_("加签密钥"), boolean=True)
    def has_secret(self, robot: UnitRobot) -> bool:
        return bool(robot.secret)

    def get_fields(self, request, obj=None):
        fields = ["unit", "kind", "webhook_url", "secret", "is_active"]
        return [*fields[:4], "clear_secret", fields[4]] if obj is not None and obj.secret else fields

    def get_readonly_fields(self, request, obj=None):
        return ["unit", "kind"] if obj is not None else []  # one robot per unit and kind: add another instead

    def save_model(self, request, obj, form, change):
        """Save through unit_robot_save so the admin's changes are checked and audited like the page's."""
        data = form.cleaned_data
        secret = "" if data.get("clear_secret") else (data.get("secret") or None)
        saved = unit_robot_save(
            actor=request.user,
            unit=obj.unit,
            kind=obj.kind,
            webhook_url=data.get("webhook_url") or None,
            secret=secret if obj.kind == RobotKind.DINGTALK else "",
            is_active=data.get("is_active", False),
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        return False  # its deliveries refer to it; disable it instead


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(AuditedModelAdmin):
    list_display = ["user", "email", "sms", "quiet_start", "quiet_end", "updated_at"]
    list_filter = ["email", "sms"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "started_at",
        "kind",
        "as_of",
        "finished_at",
        "reminders_created",
        "escalations_created",
        "deliveries_created",
        "skipped_reason",
    ]
    list_filter = ["kind"]
    date_hierarchy = "started_at"


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["number", "started_at", "finished_at", "worker", "outcome", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "robot", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel"]
    search_fields = ["key", "subject", "address", "recipient__username", "recipient__full_name"]
    list_select_related = ["recipient", "robot__unit"]
    exclude = ["url"]
    raw_id_fields = ["reminder", "escalation", "recipient", "robot"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
