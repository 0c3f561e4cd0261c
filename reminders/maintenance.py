"""Nightly cleanup: only transient data goes; reminders, escalations, deliveries and attempts stay as history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session

from core import clock
from notifications.models import Notification


@dataclass(frozen=True)
class CleanupResult:
    sessions: int
    notifications: int


def cleanup(*, now: datetime.datetime | None = None) -> CleanupResult:
    """Delete expired sessions and inbox messages read more than NOTIFICATION_RETENTION_DAYS ago."""
    now = now or clock.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    cutoff = now - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    notifications, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return CleanupResult(sessions=sessions, notifications=notifications)
