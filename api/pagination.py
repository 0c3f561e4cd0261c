"""Cursor pagination: stable pages over large collections that change while another system reads them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Pages of 50 (up to 500 with `page_size`), in a fixed order with the primary key as tie-breaker."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-id",)

    def paginate_queryset(self, queryset, request, view=None):
        """Page the queryset; a cursor whose position does not fit the ordering is an invalid cursor (404), not a 500."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, ValidationError) as exc:
            raise NotFound(self.invalid_cursor_message) from exc
