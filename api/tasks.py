"""Celery tasks of the API app."""

from celery import shared_task

from api.webhooks import collect_webhook_events


@shared_task(name="api.collect_webhooks", ignore_result=True)
def collect_webhooks() -> int:
    """Turn new events into webhook deliveries (beat, every minute); a second run writes nothing new."""
    return collect_webhook_events()
