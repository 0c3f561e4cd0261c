"""Write the liveness records."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from core import clock
from core.models import Heartbeat


@transaction.atomic
def heartbeat_record(*, name: str, hostname: str = "") -> Heartbeat:
    """Record that the named process is alive now; create the record on first beat."""
    heartbeat, created = Heartbeat.objects.select_for_update().get_or_create(
        name=name, defaults={"hostname": hostname, "beats": 1, "last_seen_at": clock.now()}
    )
    if not created:
        Heartbeat.objects.filter(pk=heartbeat.pk).update(
            hostname=hostname, beats=F("beats") + 1, last_seen_at=clock.now()
        )
        heartbeat.refresh_from_db()
    return heartbeat
