"""Read the audit trail: of one object, of a task and everything under it, of one person."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from audit.models import AuditEvent


def audit_events_for(instance: models.Model) -> models.QuerySet[AuditEvent]:
    """Return the audit events of one object, newest first, with their actors."""
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    return (
        AuditEvent.objects.filter(content_type=content_type, object_id=str(instance.pk))
        .select_related("actor")
        .order_by("-at", "-id")
    )


def audit_for_task(task, *, related: dict[str, list[int]]) -> QuerySet[AuditEvent]:
    """Return the events about a task and the records under it ({model name: ids}), newest first."""
    condition = Q(content_type__app_label="plans", content_type__model="task", object_id=str(task.pk))
    for model, ids in related.items():
        if ids:
            condition |= Q(
                content_type__app_label="plans", content_type__model=model, object_id__in=[str(i) for i in ids]
            )
    return AuditEvent.objects.filter(condition).select_related("actor", "content_type").order_by("-at", "-id")


def audit_for_user(user) -> QuerySet[AuditEvent]:
    """Return the events a person caused, newest first."""
    return AuditEvent.objects.filter(actor=user).select_related("content_type").order_by("-at", "-id")
