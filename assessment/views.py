"""The assessment pages: the ranking (and its Excel export), a unit's explanation, the weights, the objections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Unit, UnitKind, User
from assessment import selectors, services
from assessment.exports import ranking_workbook, weights_line
from assessment.forms import AnswerForm, ObjectionForm, PeriodForm, WeightsForm
from assessment.models import SETTING_FIELDS, Objection
from assessment.periods import AssessmentPeriod
from core import clock
from plans.models import Plan
from plans.policies import can_see_all_units
from plans.services.errors import WorkflowError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _units_visible_to(user: User):
    """Return the units whose assessment the user may read: all for bureau roles, their own otherwise."""
    if can_see_all_units(user):
        return Unit.objects.all()
    if user.unit_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(pk=user.unit_id)


def _period_form(request: HttpRequest) -> PeriodForm:
    today = clock.today()
    first_year = Plan.objects.aggregate(first=Min("plan_year"))["first"] or today.year
    return PeriodForm(request.GET or None, today=today, first_year=first_year)


def _query(period: AssessmentPeriod, **extra: str) -> str:
    values = {**period.query, **{key: value for key, value in extra.items() if value}}
    return f"?{urlencode(values)}" if values else ""


def _require_bureau(user: User) -> None:
    if not can_see_all_units(user):
        raise PermissionDenied(_("考核排名只对局机关人员开放；各单位可查看本单位的得分说明。"))


def _sort_links(current: str, period: AssessmentPeriod, kind: str) -> dict[str, dict[str, str]]:
    """Return, for each sortable column, the address that sorts by it and the aria-sort of its header."""
    links = {}
    for key in ("rank", "name", "kind", "reports", "completion", "overdue", "escalations", "response"):
        active = current.removeprefix("-") == key
        descending = current.startswith("-")
        target = f"-{key}" if active and not descending else key
        links[key] = {
            "url": _query(period, kind=kind, sort=target) or "?",
            "aria": ("descending" if descending else "ascending") if active else "none",
        }
    return links


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """Show every unit's score for a period, ranked, filterable by unit kind and sortable by each measure."""
    _require_bureau(request.user)
    form = _period_form(request)
    period, kind, sort = form.selected_period(), form.selected_kind(), form.selected_sort()
    window = period.window(now=clock.now())
    weights = selectors.current_weights()
    rows = selectors.ranking(window, weights=weights, kind=kind, sort=sort)
    context = {
        "form": form,
        "period": period,
        "window": window,
        "kind": kind,
        "kind_label": UnitKind(kind).label if kind else "",
        "sort": sort,
        "sort_links": _sort_links(sort, period, kind),
        "rows": rows,
        "weights": weights,
        "weights_line": weights_line(weights),
        "export_url": reverse("assessment:ranking_export") + _query(period, kind=kind, sort=sort),
        "detail_query": _query(period),
        "can_edit_weights": services.can_edit_weights(request.user),
        "can_answer": services.can_answer_objections(request.user),
        "open_objections": selectors.open_objection_count() if services.can_answer_objections(request.user) else 0,
    }
    return render(request, "assessment/ranking.html", context)


@login_required
@require_GET
def ranking_export(request: HttpRequest) -> HttpResponse:
    """Download the ranking shown on the page as an Excel workbook."""
    _require_bureau(request.user)
    form = _period_form(request)
    period, kind, sort = form.selected_period(), form.selected_kind(), form.selected_sort()
    window = period.window(now=clock.now())
    weights = selectors.current_weights()
    rows = selectors.ranking(window, weights=weights, kind=kind, sort=sort)
    content = ranking_workbook(
        rows=rows,
        period=period,
        weights=weights,
        kind_label=str(UnitKind(kind).label) if kind else "",
        as_of=window.as_of,
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    days = f"{period.start.isoformat()}~{period.end.isoformat()}" if period.to_date else period.key
    filename = _("单位考核排名-%(period)s.xlsx") % {"period": days.replace("~", "至")}
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """Send a unit's people to their own unit's explanation, and the bureau to the ranking."""
    if can_see_all_units(request.user):
        return redirect("assessment:ranking")
    if request.user.unit_id is None:
        raise Http404
    return redirect(reverse("assessment:unit_detail", args=[request.user.unit_id]) + _query_string(request))


def _query_string(request: HttpRequest) -> str:
    return f"?{request.GET.urlencode()}" if request.GET else ""


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Explain how a unit's score was made: each component's measure, weight and points, and the events behind it."""
    unit = get_object_or_404(_units_visible_to(request.user), pk=pk)
    form = _period_form(request)
    period = form.selected_period()
    window = period.window(now=clock.now())
    weights = selectors.current_weights()
    found = selectors.explanation(window, unit=unit, weights=weights)
    bureau = can_see_all_units(request.user)
    open_for_period = any(
        o.is_open and o.period_start == period.start and o.period_end == period.end for o in found.objections
    )
    context = {
        "form": form,
        "period": period,
        "window": window,
        "unit": unit,
        "found": found,
        "weights": weights,
        "weights_line": weights_line(weights),
        "components": _component_lines(found),
        "bureau": bureau,
        "ranking_url": reverse("assessment:ranking") + _query(period),
        "can_object": services.can_object_for(request.user, unit) and not open_for_period,
        "open_for_period": open_for_period,
        "objection_form": ObjectionForm(),
        "objection_action": reverse("assessment:objection_file", args=[unit.pk]) + _query(period),
        "can_answer": services.can_answer_objections(request.user),
    }
    return render(request, "assessment/unit_detail.html", context)


def _component_lines(found: selectors.Explanation) -> list[dict]:
    """Return, for each component, its name, what was measured, the shortfall, the weight and the deduction."""
    m = found.measures
    w = found.weights
    mean = m.response_days_mean
    measures = {
        "reports": (
            _("报送及时"),
            _("应报 %(required)s 期：按时 %(on_time)s、逾期 %(late)s、缺报 %(missing)s（逾期 1 期按 %(credit)s 期计）")
            % {
                "required": m.reports_required,
                "on_time": m.reports_on_time,
                "late": m.reports_late,
                "missing": m.reports_missing,
                "credit": f"{w.late_report_credit.normalize():f}",
            }
            if m.reports_required
            else _("期间内没有应报的进展"),
            "#late-reports",
        ),
        "completion": (
            _("按时办结"),
            _("按时办结 %(on_time)s、逾期办结 %(late)s、逾期未办结 %(open)s")
            % {"on_time": m.completed_on_time, "late": m.completed_late, "open": m.open_overdue}
            if m.completion_total
            else _("期间内没有办结或逾期的任务"),
            "#completion",
        ),
        "overdue": (
            _("逾期天数"),
            _("合计 %(days)s 天（达到 %(cap)s 天扣满）") % {"days": m.overdue_days, "cap": w.overdue_days_cap},
            "#overdue",
        ),
        "escalations": (
            _("被督办"),
            _("%(count)s 次（达到 %(cap)s 次扣满）") % {"count": m.escalations, "cap": w.escalation_cap},
            "#escalations",
        ),
        "response": (
            _("督办反馈用时"),
            _("平均 %(days)s 天（达到 %(cap)s 天扣满）") % {"days": f"{mean:.1f}", "cap": w.response_days_cap}
            if mean is not None
            else _("期间内没有被督办"),
            "#escalations",
        ),
    }
    lines = []
    for component in found.score.components:
        name, measure, anchor = measures[component.key]
        lines.append(
            {
                "key": component.key,
                "name": name,
                "measure": measure,
                "anchor": anchor,
                "shortfall": component.shortfall,
                "weight": component.weight,
                "deduction": component.deduction,
            }
        )
    return lines


@login_required
@require_POST
def objection_file(request: HttpRequest, pk: int) -> HttpResponse:
    """File the unit's objection to its score for the period in the query string."""
    unit = get_object_or_404(_units_visible_to(request.user), pk=pk)
    form = _period_form(request)
    period = form.selected_period()
    target = reverse("assessment:unit_detail", args=[unit.pk]) + _query(period) + "#objections"
    objection = ObjectionForm(request.POST)
    if not objection.is_valid():
        messages.error(request, " ".join(objection.errors.get("text", [])))
        return redirect(target)
    try:
        services.objection_file(actor=request.user, unit=unit, period=period, text=objection.cleaned_data["text"])
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("异议已提交，督查室答复后会通知本单位。"))
    return redirect(target)


@login_required
@require_GET
def objections(request: HttpRequest) -> HttpResponse:
    """List the objections waiting for an answer, with a form for each, and the latest answered ones."""
    if not services.can_answer_objections(request.user):
        raise PermissionDenied(_("只有督查人员和系统管理员可以处理考核异议。"))
    waiting, answered = selectors.objections_for_review()
    for objection in waiting + answered:
        period = services.objection_period(objection)
        objection.period_label = period.label
        objection.detail_url = reverse("assessment:unit_detail", args=[objection.unit_id]) + _query(period)
    return render(
        request,
        "assessment/objections.html",
        {"waiting": waiting, "answered": answered, "answer_form": AnswerForm()},
    )


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer one objection; the unit is told."""
    if not services.can_answer_objections(request.user):
        raise PermissionDenied(_("只有督查人员和系统管理员可以答复考核异议。"))
    objection = get_object_or_404(Objection, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写答复内容。"))
        return redirect(reverse("assessment:objections") + f"#objection-{objection.pk}")
    try:
        services.objection_answer(actor=request.user, objection=objection, answer=form.cleaned_data["answer"])
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已答复 %(unit)s 的异议，并通知该单位。") % {"unit": objection.unit.name})
    return redirect("assessment:objections")


@login_required
@require_http_methods(["GET", "POST"])
def weights(request: HttpRequest) -> HttpResponse:
    """Show the assessment weights and their history; an admin puts new ones in force."""
    if not services.can_edit_weights(request.user):
        raise PermissionDenied(_("只有系统管理员可以修改考核权重。"))
    current = selectors.current_weights()
    if request.method == "POST":
        form = WeightsForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in SETTING_FIELDS}
            try:
                services.score_weights_change(actor=request.user, note=form.cleaned_data["note"], **values)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("新的考核权重已生效，排名按新权重重新计算。"))
                return redirect("assessment:weights")
    else:
        form = WeightsForm(initial={name: getattr(current, name) for name in SETTING_FIELDS})
    return render(
        request,
        "assessment/weights.html",
        {
            "form": form,
            "current": current,
            "weights_line": weights_line(current),
            "history": selectors.weights_history(),
        },
    )
