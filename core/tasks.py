"""Background tasks of the system itself."""

from celery import shared_task

from core.services import heartbeat_record


@shared_task(name="core.tasks.heartbeat", ignore_result=True, soft_time_limit=50, time_limit=60)
def heartbeat(name: str) -> None:
    """Record that a worker ran a task sent under this name (beat sends 'beat' every 30 seconds)."""
    hostname = heartbeat.request.hostname or ""
    heartbeat_record(name=name, hostname=hostname)
