"""Errors as the API returns them: a workflow refusal is a 400 with its reason, like the pages' messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from plans.services.errors import WorkflowError


def api_exception_handler(exc, context):
    """Return DRF's response, and a 400 {"detail": …} for WorkflowError and Django's ValidationError."""
    if isinstance(exc, WorkflowError):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
