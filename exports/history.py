"""Rows as they stood at a past moment, rewound through the audit trail.

Every service that changes a task or an assignment records the change with its before and after
values in the same transaction (`audit.services`). Starting from today's values and undoing, newest
first, every audited change made at or after a cut-off gives the values at the cut-off exactly.
Append-only records (reports, reminders, escalations, responses) need no rewinding: they are read
with `created_at < cut-off`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from audit.models import AuditEvent

DATE_FIELDS = frozenset({"due_on", "deadline"})
MOMENT_FIELDS = frozenset({"completed_at", "acknowledged_at", "declined_at", "published_at"})


def _restored(field: str, raw: Any) -> Any:
    """Return an audited plain value as the model holds it (ISO strings back to dates and moments)."""
    if raw in (None, "") and (field in DATE_FIELDS or field in MOMENT_FIELDS):
        return None
    if field in DATE_FIELDS and isinstance(raw, str):
        return datetime.date.fromisoformat(raw)
    if field in MOMENT_FIELDS and isinstance(raw, str):
        return datetime.datetime.fromisoformat(raw)
    return raw


def rewind(
    rows: dict[int, dict[str, Any]],
    *,
    model: type[models.Model],
    keys: QuerySet,
    fields: Iterable[str],
    cutoff: datetime.datetime,
) -> int:
    """Set the given fields of each row back to their values just before `cutoff`; return the changes undone.

    `rows` maps primary keys to dicts of current values and is changed in place. `keys` is a
    queryset of the same model selecting those rows (it becomes a subquery, so any number of rows
    costs one query). Changes to rows not in `rows` are ignored.
    """
    wanted = frozenset(fields)
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    object_ids = keys.order_by().annotate(audit_key=Cast("pk", output_field=CharField())).values("audit_key")
    events = (
        AuditEvent.objects.filter(content_type=content_type, at__gte=cutoff, object_id__in=object_ids)
        .order_by("-at", "-id")
        .values_list("object_id", "changes")
    )
    undone = 0
    for object_id, changes in events.iterator(chunk_size=5000):
        row = rows.get(int(object_id))
        if row is None or not changes:
            continue
        for field, pair in changes.items():
            if field in wanted and isinstance(pair, list | tuple) and len(pair) == 2:
                row[field] = _restored(field, pair[0])
                undone += 1
    return undone
