"""Reject UPDATE on append-only tables at the database level, beside the ORM guard."""

from django.db import migrations

from core.append_only import install_update_guard

TABLES = [
    "audit_auditevent",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(*install_update_guard(table)) for table in TABLES]
