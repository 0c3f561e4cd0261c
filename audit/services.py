"""Write audit events. Every service that changes data calls these inside its own transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditAction, AuditEvent

Snapshot = dict[str, Any]


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def model_snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> Snapshot:
    """Return the instance's concrete field values as JSON-friendly plain values."""
    wanted = set(fields) if fields is not None else None
    snapshot: Snapshot = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"id", "created_at", "updated_at", "password", "last_login"}:
            continue
        if wanted is not None and field.name not in wanted:
            continue
        snapshot[field.name] = _plain(getattr(instance, field.attname))
    return snapshot


def snapshot_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Return {field: [before, after]} for every field whose value differs."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}


def audit_record(
    *,
    actor: Any,
    instance: models.Model,
    verb: str,
    action: str = AuditAction.EVENT,
    changes: Mapping[str, list[Any]] | None = None,
    note: str = "",
) -> AuditEvent:
    """Record one audit event about an instance."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        verb=verb,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=dict(changes or {}),
        note=note,
    )


def audit_created(*, actor: Any, instance: models.Model, verb: str, note: str = "") -> AuditEvent:
    """Record the creation of an instance with all its values as the 'after' side."""
    after = model_snapshot(instance)
    changes = {key: [None, value] for key, value in after.items() if value not in (None, "", [], {})}
    return audit_record(
        actor=actor, instance=instance, verb=verb, action=AuditAction.CREATE, changes=changes, note=note
    )


def audit_updated(
    *, actor: Any, instance: models.Model, before: Snapshot, verb: str, note: str = ""
) -> AuditEvent | None:
    """Record an update as the diff between a snapshot taken before and the instance now; skip no-ops."""
    changes = snapshot_diff(before, model_snapshot(instance, before.keys()))
    if not changes:
        return None
    return audit_record(
        actor=actor, instance=instance, verb=verb, action=AuditAction.UPDATE, changes=changes, note=note
    )


def audit_deleted(*, actor: Any, instance: models.Model, verb: str, note: str = "") -> AuditEvent:
    """Record the deletion of an instance with all its values as the 'before' side. Call before deleting."""
    before = model_snapshot(instance)
    changes = {key: [value, None] for key, value in before.items() if value not in (None, "", [], {})}
    return audit_record(
        actor=actor, instance=instance, verb=verb, action=AuditAction.DELETE, changes=changes, note=note
    )
