"""API views: inbox (filled in by its owner)."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Register this group's viewsets on the router."""
