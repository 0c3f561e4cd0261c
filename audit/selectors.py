"""Read the audit trail."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditEvent


def audit_events_for(instance: models.Model) -> models.QuerySet[AuditEvent]:
    """Return the audit events of one object, newest first, with their actors."""
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    return (
        AuditEvent.objects.filter(content_type=content_type, object_id=str(instance.pk))
        .select_related("actor")
        .order_by("-at", "-id")
    )
