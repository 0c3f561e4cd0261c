"""Webhooks out: events read from the records the services already write, pushed through the delivery engine.

The collector reads two sources past a cursor each, in one transaction with the deliveries it writes:
- the audit trail: an assignment's status change (`task.status_changed`), a report the bureau can
  now see — filed without approval, or approved (`report.filed`);
- escalations, automatic and by hand (`escalation.raised`).
For each event and each active endpoint subscribed to it whose token's user may see the assignment, it
writes one `reminders.Delivery` (channel "webhook", key webhook:<endpoint>:<source>:<id>, unique), which
the senders claim, sign (`reminders.channels.webhook`), retry with backoff and record attempt by attempt,
exactly as they do for robots. A second run writes nothing new.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from api.models import ApiToken, WebhookCursor, WebhookEndpoint, WebhookEvent
from audit.models import AuditEvent
from audit.services import audit_created
from plans.models import Assignment, Escalation, ProgressReport
from plans.selectors.scoping import assignments_visible_to
from plans.services.errors import WorkflowError
from reminders.fanout import enqueue_deliveries
from reminders.models import Channel, Delivery

BATCH = 1000


@dataclass(frozen=True)
class Event:
    """One thing that happened, ready to push."""

    name: str
    source: str  # "audit" or "escalation"
    source_id: int
    assignment_id: int
    escalation_id: int | None
    at: datetime.datetime
    payload: dict[str, Any]


def webhook_endpoint_create(
    *, actor: User, token: ApiToken, url: str, events: Iterable[str]
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for an integration's token; return it with its signing secret (shown this once)."""
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.ADMIN):
        raise PermissionDenied(_("只有系统管理员可以设置推送地址。"))
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError as exc:
        raise WorkflowError(_("推送地址无效。")) from exc
    chosen = sorted(set(events))
    if not chosen or not set(chosen) <= set(WebhookEvent.values):
        raise WorkflowError(_("请选择要订阅的事件：%(events)s") % {"events": "、".join(WebhookEvent.values)})
    secret = secrets.token_hex(24)
    endpoint = WebhookEndpoint.objects.create(token=token, url=url, secret=secret, events=chosen)
    audit_created(actor=actor, instance=endpoint, verb="webhook.create")
    return endpoint, secret


def _moment(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _audit_events(after: int) -> tuple[list[Event], int]:
    assignment_type = ContentType.objects.get_for_model(Assignment)
    report_type = ContentType.objects.get_for_model(ProgressReport)
    rows = list(
        AuditEvent.objects.filter(pk__gt=after, content_type__in=[assignment_type, report_type])
        .order_by("pk")
        .values("pk", "content_type_id", "object_id", "verb", "changes", "at")[:BATCH]
    )
    last = max((row["pk"] for row in rows), default=after)
    report_ids = [int(row["object_id"]) for row in rows if row["content_type_id"] == report_type.pk]
    reports = {
        report["id"]: report
        for report in ProgressReport.objects.filter(pk__in=report_ids).values(
            "id",
            "assignment_id",
            "assignment__task_id",
            "period_key",
            "percent",
            "status",
            "needs_approval",
            "created_at",
        )
    }
    events = []
    for row in rows:
        if row["content_type_id"] == assignment_type.pk:
            status = (row["changes"] or {}).get("status")
            if not status:
                continue
            payload = {
                "assignment": int(row["object_id"]),
                "status": {"before": status[0], "after": status[1]},
                "verb": row["verb"],
                "at": _moment(row["at"]),
            }
            events.append(
                Event(
                    WebhookEvent.TASK_STATUS_CHANGED,
                    "audit",
                    row["pk"],
                    int(row["object_id"]),
                    None,
                    row["at"],
                    payload,
                )
            )
            continue
        report = reports.get(int(row["object_id"]))
        if report is None:
            continue
        visible_now = (row["verb"] in ("report.submit", "report.correct") and not report["needs_approval"]) or row[
            "verb"
        ] == "report.approve"
        if not visible_now:
            continue
        payload = {
            "report": report["id"],
            "assignment": report["assignment_id"],
            "task": report["assignment__task_id"],
            "period": report["period_key"],
            "percent": report["percent"],
            "progress_status": report["status"],
            "filed_at": _moment(report["created_at"]),
            "correction": row["verb"] == "report.correct",
        }
        events.append(
            Event(WebhookEvent.REPORT_FILED, "audit", row["pk"], report["assignment_id"], None, row["at"], payload)
        )
    return events, last


def _escalation_events(after: int) -> tuple[list[Event], int]:
    rows = list(
        Escalation.objects.filter(pk__gt=after)
        .order_by("pk")
        .values(
            "pk",
            "assignment_id",
            "assignment__task_id",
            "level",
            "period_key",
            "reason",
            "response_due",
            "created_at",
            "created_by_id",
        )[:BATCH]
    )
    events = [
        Event(
            WebhookEvent.ESCALATION_RAISED,
            "escalation",
            row["pk"],
            row["assignment_id"],
            row["pk"],
            row["created_at"],
            {
                "escalation": row["pk"],
                "assignment": row["assignment_id"],
                "task": row["assignment__task_id"],
                "level": row["level"],
                "reason": row["reason"],
                "response_due": row["response_due"].isoformat() if row["response_due"] else None,
                "automatic": row["created_by_id"] is None,
                "raised_at": _moment(row["created_at"]),
            },
        )
        for row in rows
    ]
    return events, max((row["pk"] for row in rows), default=after)


def _deliveries_for(events: list[Event], endpoints: list[WebhookEndpoint]) -> list[Delivery]:
    rows = []
    assignment_ids = {event.assignment_id for event in events}
    for endpoint in endpoints:
        # what happened before the endpoint was registered is not pushed to it
        wanted = [event for event in events if event.name in endpoint.events and event.at >= endpoint.created_at]
        if not wanted:
            continue
        visible = set(
            assignments_visible_to(endpoint.token.user).filter(pk__in=assignment_ids).values_list("pk", flat=True)
        )
        for event in wanted:
            if event.assignment_id not in visible:
                continue
            body = {"event": event.name, "id": f"{event.source}-{event.source_id}", "data": event.payload}
            rows.append(
                Delivery(
                    key=f"webhook:{endpoint.pk}:{event.source}:{event.source_id}",
                    escalation_id=event.escalation_id,
                    channel=Channel.WEBHOOK,
                    webhook=endpoint,
                    subject=event.name,
                    text=json.dumps(body, ensure_ascii=False),
                )
            )
    return rows


def _first_cursor(model, since: datetime.datetime) -> int:
    """Return where a new cursor starts: just before the first row of the earliest endpoint's time."""
    field = "at" if model is AuditEvent else "created_at"
    first = model.objects.filter(**{f"{field}__gte": since}).order_by("pk").values_list("pk", flat=True).first()
    if first is not None:
        return first - 1
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def collect_webhook_events() -> int:
    """Read new events past the cursors and write one delivery per subscribed endpoint; return how many were written."""
    endpoints = list(
        WebhookEndpoint.objects.filter(is_active=True, token__revoked_at__isnull=True).select_related("token__user")
    )
    written = 0
    if not endpoints:
        return 0
    sources = (("audit", _audit_events, AuditEvent), ("escalation", _escalation_events, Escalation))
    for source, read, model in sources:
        while True:
            with transaction.atomic():
                cursor, _created = WebhookCursor.objects.select_for_update().get_or_create(
                    source=source, defaults={"last_id": _first_cursor(model, min(e.created_at for e in endpoints))}
                )
                events, last = read(cursor.last_id)
                if last == cursor.last_id:
                    break
                rows = Delivery.objects.bulk_create(_deliveries_for(events, endpoints), ignore_conflicts=True)
                cursor.last_id = last
                cursor.save(update_fields=["last_id"])
                ids = list(
                    Delivery.objects.filter(key__in=[row.key for row in rows], queued_at__isnull=True).values_list(
                        "pk", flat=True
                    )
                )
                enqueue_deliveries(ids, mark_queued=True)
                written += len(ids)
    return written
