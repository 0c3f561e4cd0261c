"""Token authentication for machines: `Authorization: Bearer <token>`; the browser keeps its session."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.models import ApiToken, token_digest
from core import clock

LAST_USED_EVERY = datetime.timedelta(minutes=1)  # write last_used_at at most once a minute per token


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticate `Authorization: Bearer <token>` (or `Token <token>`) as the token's user."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确：应为 Authorization: Bearer <令牌>。"))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。")) from exc
        token = ApiToken.objects.select_related("user", "user__unit").filter(digest=token_digest(key)).first()
        if token is None or not token.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效或已吊销。"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌所属账号已停用。"))
        now = clock.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
