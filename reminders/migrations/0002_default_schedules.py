"""Create the default beat schedules (scans, sweep, cleanup, heartbeat) in django-celery-beat's tables."""

from django.db import migrations


def create_schedules(apps, schema_editor):
    from reminders.schedules import ensure_default_schedules

    ensure_default_schedules(apps)


def remove_schedules(apps, schema_editor):
    from reminders.schedules import DEFAULT_SCHEDULES

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[schedule.name for schedule in DEFAULT_SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
