"""Filters shared by the collections: `updated_since` for incremental sync."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend


class UpdatedSinceFilter(BaseFilterBackend):
    """Keep rows changed (or, for append-only records, created) at or after `updated_since` (ISO 8601).

    The view names the field with `updated_field` ("updated_at" by default). Another system keeps the
    newest value it has seen and asks again with it: nothing is missed, some rows may come twice.
    """

    param = "updated_since"

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.param)
        if not raw:
            return queryset
        moment = parse_datetime(raw.strip().replace(" ", "+"))
        if moment is None:
            try:
                moment = datetime.datetime.combine(datetime.date.fromisoformat(raw.strip()), datetime.time())
            except ValueError:
                raise ValidationError(
                    {self.param: _("时间格式应为 ISO 8601，如 2020-09-30T08:00:00+08:00。")}
                ) from None
        try:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            # in UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts
            moment = moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise ValidationError({self.param: _("时间超出范围。")}) from None
        field = getattr(view, "updated_field", "updated_at")
        return queryset.filter(**{f"{field}__gte": moment})

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "只返回此时刻之后变更的记录（增量同步）/ Only rows changed at or after this moment (ISO 8601).",
                "schema": {"type": "string", "format": "date-time"},
            }
        ]
