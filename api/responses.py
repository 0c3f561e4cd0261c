"""What the schema says about errors, shared by every group of views."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """An error as the API returns it: {"detail": "…"}, in the language of the request."""

    detail = serializers.CharField(help_text="原因 / Reason")
