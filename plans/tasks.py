"""Celery tasks of the plans app: they take ids and call services."""

from celery import shared_task

from plans.services.imports import plan_import_parse


@shared_task(
    name="plans.tasks.parse_plan_import", ignore_result=True, acks_late=True, soft_time_limit=300, time_limit=330
)
def parse_plan_import(plan_import_id: int) -> None:
    """Parse an uploaded plan document; a second run on a parsed import does nothing."""
    plan_import_parse(plan_import_id=plan_import_id)
