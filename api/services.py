"""Issue and revoke API tokens; both are audited."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from api.models import ApiToken, TokenScope, token_digest
from audit.services import audit_created, audit_updated, model_snapshot
from core import clock
from plans.services.errors import WorkflowError


def _require_admin(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.ADMIN):
        raise PermissionDenied(_("只有系统管理员可以管理接口令牌。"))


@transaction.atomic
def api_token_issue(
    *, actor: User, user: User, name: str, scope: str = TokenScope.READ, rate: str = ""
) -> tuple[ApiToken, str]:
    """Create a token for the user; return it with its key, which is shown this once and never stored."""
    _require_admin(actor)
    if scope not in TokenScope.values:
        raise WorkflowError(_("权限范围只能是只读或读写。"))
    if not (name or "").strip():
        raise WorkflowError(_("请填写令牌名称。"))
    if not user.is_active:
        raise WorkflowError(_("停用的账号不能使用接口令牌。"))
    key = f"dbt_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=key[:12],
        digest=token_digest(key),
        scope=scope,
        rate=rate,
        created_by=actor,
    )
    audit_created(actor=actor, instance=token, verb="api_token.issue")
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once; requests with it are refused from now on."""
    _require_admin(actor)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise WorkflowError(_("该令牌已经吊销。"))
    before = model_snapshot(locked, ["revoked_at"])
    locked.revoked_at = clock.now()
    locked.save(update_fields=["revoked_at"])
    audit_updated(actor=actor, instance=locked, before=before, verb="api_token.revoke")
    return locked
