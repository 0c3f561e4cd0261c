from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import DirectoryImport, Unit, UnitAlias, User
from audit.admin_mixins import AuditedAdminMixin, AuditedModelAdmin, ReadOnlyAdminMixin


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ("name", "short_name", "kind", "stage", "ownership", "parent", "sort_order", "is_active")
    list_filter = ("kind", "stage", "ownership", "is_active")
    search_fields = ("name", "short_name", "code", "aliases__alias")
    list_select_related = ("parent",)
    list_editable = ("sort_order", "is_active")
    autocomplete_fields = ("parent",)
    inlines = [UnitAliasInline]


@admin.register(UnitAlias)
class UnitAliasAdmin(AuditedModelAdmin):
    list_display = ("alias", "unit")
    search_fields = ("alias", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


class PersonCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "unit", "role")


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    list_display = ("username", "full_name", "unit", "role", "phone", "is_active", "last_login")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "full_name", "phone", "email", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    ordering = ("unit__sort_order", "username")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "unit", "role", "title", "phone", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "unit", "role", "password1", "password2")}),
    )


@admin.register(DirectoryImport)
class DirectoryImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("original_name", "uploaded_by", "uploaded_at", "status", "applied_at")
    list_filter = ("status",)
    list_select_related = ("uploaded_by",)
    readonly_fields = ("file", "original_name", "uploaded_by", "uploaded_at", "status", "summary", "applied_at")
