"""The every-minute webhook collector joins the default beat schedules."""

from django.db import migrations


def create_schedules(apps, schema_editor):
    from reminders.schedules import ensure_default_schedules

    ensure_default_schedules(apps)


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="接口推送").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_webhooks"),
        ("exports", "0002_archive_guard_and_schedules"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
