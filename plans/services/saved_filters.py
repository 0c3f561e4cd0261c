"""Write a person's saved filters of the review list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_created, audit_deleted
from plans.models import SavedFilter
from plans.policies import require_see_all_units
from plans.services.errors import WorkflowError

KEPT_PARAMETERS = ("plan", "section", "unit", "kind", "light", "due_from", "due_to", "missing", "sort")


def clean_query(query) -> str:
    """Return only the review list's own parameters of a QueryDict, re-encoded (no page number, no junk)."""
    pairs = [(name, value) for name in KEPT_PARAMETERS for value in query.getlist(name) if value]
    return urlencode(pairs)


@transaction.atomic
def saved_filter_save(*, actor: User, name: str, query) -> SavedFilter:
    """Save the current filter under a name; saving again under the same name replaces it."""
    require_see_all_units(actor)
    name = (name or "").strip()
    if not name:
        raise WorkflowError(_("请给这个筛选起个名字，例如“逾期的学校”。"))
    if len(name) > 60:
        raise WorkflowError(_("名称请控制在 60 字以内。"))
    existing = SavedFilter.objects.filter(owner=actor, name=name).first()
    if existing is not None:
        audit_deleted(actor=actor, instance=existing, verb="saved_filter.replace")
        existing.delete()
    saved = SavedFilter.objects.create(owner=actor, name=name, query=clean_query(query))
    audit_created(actor=actor, instance=saved, verb="saved_filter.save")
    return saved


@transaction.atomic
def saved_filter_delete(*, actor: User, saved: SavedFilter) -> None:
    """Delete one of the actor's saved filters."""
    if saved.owner_id != actor.pk:
        raise WorkflowError(_("只能删除自己保存的筛选。"))
    audit_deleted(actor=actor, instance=saved, verb="saved_filter.delete")
    saved.delete()
