"""Rate limits per client: each token has its own budget, each signed-in person theirs."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class ClientRateThrottle(SimpleRateThrottle):
    """Limit requests per token (its own `rate`, else API_TOKEN_RATE) or per user (API_USER_RATE)."""

    scope = "client"

    def allow_request(self, request, view) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None:
            self.rate = token.rate or settings.API_TOKEN_RATE
        elif request.user and request.user.is_authenticated:
            self.rate = settings.API_USER_RATE
        else:
            self.rate = settings.API_ANONYMOUS_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str:
        return settings.API_USER_RATE  # replaced per request in allow_request

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
