"""Fill the report due date of reports written before the column existed (a data migration)."""

from django.db import migrations

from core.append_only import forbid_updates_sql
from plans.periods import period_by_key

TABLE = "plans_progressreport"


def backfill(apps, schema_editor):
    report_model = apps.get_model("plans", "ProgressReport")
    missing = report_model.objects.filter(due_on__isnull=True).select_related("assignment__task__plan")
    if not missing.exists():
        return
    create, drop = forbid_updates_sql(TABLE, schema_editor.connection.vendor)
    for statement in drop:  # the guard refuses every UPDATE; lift it for this one backfill
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        for report in missing.iterator():
            due_day = report.assignment.task.plan.report_due_day
            due = period_by_key(report.cycle, report.period_key, due_day=due_day).due
            cursor.execute(f"UPDATE {TABLE} SET due_on = %s WHERE id = %s", [due, report.pk])
    for statement in create:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("plans", "0006_report_due_date")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
