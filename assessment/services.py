"""Write the assessment: change the weights (admins), file an objection (the unit), answer it (supervisors)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import Role, Unit, User
from assessment import selectors
from assessment.models import SETTING_FIELDS, WEIGHT_FIELDS, Objection, ScoreWeights
from assessment.periods import AssessmentPeriod, custom_period, period_from_key
from audit.models import AuditAction
from audit.services import audit_created, audit_record, audit_updated, model_snapshot, snapshot_diff
from core import clock
from notifications.services import notify_roles, notify_units
from plans.policies import UNIT_ROLES, can_decide_requests, can_manage_plans
from plans.services.errors import WorkflowError

# The inbox kind of assessment messages; notifications.models.NotificationKind should list it (see the report).
OBJECTION_KIND = "objection"
MAX_OBJECTION_LENGTH = 2000


def can_edit_weights(user: User) -> bool:
    """Return whether the user may change the assessment weights (admins)."""
    return can_manage_plans(user)


def can_answer_objections(user: User) -> bool:
    """Return whether the user may read and answer objections (supervisors and admins)."""
    return can_decide_requests(user)


def can_object_for(user: User, unit: Unit) -> bool:
    """Return whether the user may file an objection for the unit (its manager or staff)."""
    return bool(user.is_authenticated and user.is_active and user.role in UNIT_ROLES and user.unit_id == unit.pk)


def unit_page_url(unit_id: int, period: AssessmentPeriod) -> str:
    """Return the address of a unit's explanation page for a period."""
    url = reverse("assessment:unit_detail", args=[unit_id])
    return f"{url}?{urlencode(period.query)}" if period.query else url


def _settings_snapshot(row: ScoreWeights) -> dict[str, str | int]:
    """Return the settings as plain values, decimals written with their field's places (30.00, 0.50)."""
    snapshot: dict[str, str | int] = {}
    for name in SETTING_FIELDS:
        value = getattr(row, name)
        if isinstance(value, Decimal):
            places = ScoreWeights._meta.get_field(name).decimal_places
            snapshot[name] = f"{value:.{places}f}"
        else:
            snapshot[name] = value
    return snapshot


@transaction.atomic
def score_weights_change(*, actor: User, note: str = "", **values) -> ScoreWeights:
    """Put new assessment weights in force: a new row (the old ones stay as history), audited with the change.

    `values` are the fields of SETTING_FIELDS; a field left out keeps its current value.
    """
    if not can_edit_weights(actor):
        raise PermissionDenied(_("只有系统管理员可以修改考核权重。"))
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise TypeError(f"unknown weight settings: {sorted(unknown)}")
    current = selectors.current_weights()
    before = _settings_snapshot(current)
    new = ScoreWeights(note=(note or "").strip()[:300], created_by=actor, created_at=clock.now())
    for name in SETTING_FIELDS:
        value = values.get(name, getattr(current, name))
        try:
            value = Decimal(value) if name in (*WEIGHT_FIELDS, "late_report_credit") else int(value)
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise WorkflowError(_("请填写数字。")) from exc
        setattr(new, name, value)
    if any(getattr(new, name) < 0 or getattr(new, name) > 100 for name in WEIGHT_FIELDS):
        raise WorkflowError(_("每项权重应在 0 到 100 之间。"))
    if new.total_weight > 100:
        raise WorkflowError(
            _("五项权重合计不能超过 100 分（现为 %(total)s 分）。") % {"total": f"{new.total_weight.normalize():f}"}
        )
    if not 0 <= new.late_report_credit <= 1:
        raise WorkflowError(_("逾期报送折算应在 0 到 1 之间。"))
    if min(new.overdue_days_cap, new.escalation_cap, new.response_days_cap) < 1:
        raise WorkflowError(_("上限至少为 1。"))
    changes = snapshot_diff(before, _settings_snapshot(new))
    if not changes:
        raise WorkflowError(_("权重没有变化。"))
    new.save()
    audit_record(
        actor=actor,
        instance=new,
        verb="score_weights.change",
        action=AuditAction.UPDATE if current.pk else AuditAction.CREATE,
        changes=changes,
        note=new.note,
    )
    return new


@transaction.atomic
def objection_file(*, actor: User, unit: Unit, period: AssessmentPeriod, text: str) -> Objection:
    """File the unit's objection (异议) to its score for a period; the supervisors are told.

    The score recorded is the one the unit sees now, computed here, not taken from the form.
    """
    if not can_object_for(actor, unit):
        raise PermissionDenied(_("只有本单位的人员可以对本单位的考核结果提出异议。"))
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("请写明异议的内容和理由。"))
    if len(text) > MAX_OBJECTION_LENGTH:
        raise WorkflowError(_("异议请控制在 2000 字以内。"))
    if period.to_date:  # "this year so far" moves with the days: keep the days the score was about
        period = custom_period(period.start, period.end)
    locked_unit = Unit.objects.select_for_update().get(pk=unit.pk)  # one open objection per unit and period
    if Objection.objects.filter(
        unit=locked_unit, period_start=period.start, period_end=period.end, answered_at__isnull=True
    ).exists():
        raise WorkflowError(_("本单位对这一期间的异议尚未答复，请等待答复后再提出。"))
    now = clock.now()
    weights = selectors.current_weights()
    found = selectors.explanation(period.window(now=now), unit=locked_unit, weights=weights)
    objection = Objection.objects.create(
        unit=locked_unit,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        score=found.score.total,
        weights=weights if weights.pk else None,
        text=text,
        filed_by=actor,
        filed_at=now,
    )
    audit_created(actor=actor, instance=objection, verb="objection.file", note=period.label)
    notify_roles(
        roles=[Role.SUPERVISOR],
        kind=OBJECTION_KIND,
        title=_("考核异议：%(unit)s（%(period)s）") % {"unit": locked_unit.name, "period": period.label},
        body=text,
        url=reverse("assessment:objections"),
    )
    return objection


@transaction.atomic
def objection_answer(*, actor: User, objection: Objection, answer: str) -> Objection:
    """Answer an open objection; the unit's people are told, and the answer, who and when are kept."""
    if not can_answer_objections(actor):
        raise PermissionDenied(_("只有督查人员和系统管理员可以答复考核异议。"))
    answer = (answer or "").strip()
    if not answer:
        raise WorkflowError(_("请填写答复内容。"))
    locked = Objection.objects.select_for_update().select_related("unit").get(pk=objection.pk)
    if locked.answered_at is not None:
        raise WorkflowError(_("这条异议已经答复过了。"))
    before = model_snapshot(locked, ["answer", "answered_by", "answered_at"])
    locked.answer = answer
    locked.answered_by = actor
    locked.answered_at = clock.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_updated(actor=actor, instance=locked, before=before, verb="objection.answer")
    period = objection_period(locked)
    notify_units(
        unit_ids=[locked.unit_id],
        kind=OBJECTION_KIND,
        title=_("考核异议已答复：%(period)s") % {"period": period.label},
        body=answer,
        url=unit_page_url(locked.unit_id, period),
    )
    return locked


def objection_period(objection: Objection) -> AssessmentPeriod:
    """Return the period an objection is about."""
    try:
        return period_from_key(objection.period_key)
    except ValueError:
        return custom_period(objection.period_start, objection.period_end)
