"""Make every change made through the Django admin leave an audit event with before and after."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from audit.services import audit_created, audit_deleted, audit_updated, model_snapshot


class AuditedAdminMixin:
    """ModelAdmin mixin: audit saves and deletes made through the admin, in the same transaction."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change and obj.pk:
                stored = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = model_snapshot(stored) if stored is not None else {}
                super().save_model(request, obj, form, change)
                audit_updated(
                    actor=request.user, instance=obj, before=before, verb=f"{obj._meta.model_name}.admin_update"
                )
            else:
                super().save_model(request, obj, form, change)
                audit_created(actor=request.user, instance=obj, verb=f"{obj._meta.model_name}.admin_create")

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            befores = {}
            for inline_form in formset.initial_forms:
                stored = inline_form.instance
                if stored.pk is not None:
                    fresh = type(stored)._default_manager.filter(pk=stored.pk).first()
                    if fresh is not None:
                        befores[stored.pk] = model_snapshot(fresh)
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                audit_deleted(actor=request.user, instance=obj, verb=f"{obj._meta.model_name}.admin_delete")
                obj.delete()
            for obj in instances:
                created = obj.pk is None
                obj.save()
                if created:
                    audit_created(actor=request.user, instance=obj, verb=f"{obj._meta.model_name}.admin_create")
                else:
                    audit_updated(
                        actor=request.user,
                        instance=obj,
                        before=befores.get(obj.pk, {}),
                        verb=f"{obj._meta.model_name}.admin_update",
                    )
            formset.save_m2m()

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_deleted(actor=request.user, instance=obj, verb=f"{obj._meta.model_name}.admin_delete")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_deleted(actor=request.user, instance=obj, verb=f"{obj._meta.model_name}.admin_delete")
            super().delete_queryset(request, queryset)


class ReadOnlyAdminMixin:
    """ModelAdmin mixin for append-only history: it can be browsed but not added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose changes are audited."""
