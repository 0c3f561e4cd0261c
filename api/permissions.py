"""What a request may do beyond being signed in: a read-only token only reads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.models import ApiToken, TokenScope


class TokenScopeAllows(BasePermission):
    """Refuse writes made with a read-only token; sessions and read-write tokens pass."""

    message = _("该令牌只读，不能修改数据。")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and token.scope != TokenScope.WRITE:
            return request.method in SAFE_METHODS
        return True
