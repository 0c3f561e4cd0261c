"""Archived reports reject UPDATE in the database; the monthly archive and cleanup schedules are created."""

from django.db import migrations

from core.append_only import install_update_guard


def create_schedules(apps, schema_editor):
    from reminders.schedules import ensure_default_schedules

    ensure_default_schedules(apps)


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=["每月月报存档", "导出文件清理"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("reminders", "0002_default_schedules"),
    ]

    operations = [
        migrations.RunPython(*install_update_guard("exports_archivedreport")),
        migrations.RunPython(create_schedules, remove_schedules),
    ]
