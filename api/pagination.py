"""Cursor pagination: stable pages over large collections that change while another system reads them."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Pages of 50 (up to 500 with `page_size`), in a fixed order with the primary key as tie-breaker."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-id",)
