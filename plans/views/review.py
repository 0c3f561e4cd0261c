"""The review list (督查台) for the bureau: red and yellow first, filters in the URL, bulk remind and escalate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Unit, UnitKind
from core import clock
from core.ids import parse_id, parse_ids
from plans.forms_workflow import EscalationForm
from plans.lights import Light
from plans.models import Plan, PlanStatus, SavedFilter, Section
from plans.policies import can_see_all_units, can_supervise
from plans.selectors import assignments_visible_to
from plans.selectors.review import ReviewFilters, review_light_counts, review_page_rows, review_queryset
from plans.services import supervision
from plans.services.errors import WorkflowError
from plans.services.saved_filters import clean_query, saved_filter_delete, saved_filter_save
from plans.views.common import form_errors_text

PAGE_SIZE = 50


def _require_bureau(request: HttpRequest) -> None:
    if not can_see_all_units(request.user):
        raise PermissionDenied(_("只有局机关人员可以使用督查台。"))


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """List red and yellow assignments (or the chosen lights) under the filters in the URL, a page at a time."""
    _require_bureau(request)
    today = clock.today()
    filters = ReviewFilters.from_query(request.GET)
    rows = review_page_rows(review_queryset(filters, today=today), filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = clean_query(request.GET)
    plans = list(
        Plan.objects.filter(status__in=[PlanStatus.PUBLISHED, PlanStatus.ARCHIVED]).order_by("-plan_year", "-id")
    )
    sections = list(Section.objects.filter(plan_id=filters.plan).order_by("position")) if filters.plan else []
    return render(
        request,
        "plans/review.html",
        {
            "page": page,
            "filters": filters,
            "query": query,
            "today": today,
            "light_counts": review_light_counts(filters, today=today),
            "light_choices": Light.choices,
            "plans": plans,
            "sections": sections,
            "units": list(Unit.objects.filter(is_active=True).order_by("kind", "sort_order", "name")),
            "kinds": UnitKind.choices,
            "sorts": [
                ("light", _("按状态灯")),
                ("deadline", _("时限由近到远")),
                ("-deadline", _("时限由远到近")),
                ("unit", _("按单位")),
                ("task", _("按任务编号")),
                ("last_report", _("最久未填报在前")),
            ],
            "saved_filters": list(SavedFilter.objects.filter(owner=request.user).order_by("name")),
            "can_supervise": can_supervise(request.user),
            "escalation_form": EscalationForm(use_required_attribute=False),
            "error_fields": filters.errors,
        },
    )


def _back_to_review(request: HttpRequest) -> HttpResponse:
    """Go back to the list as it was: the same filters and, after a bulk action, the same page."""
    query = clean_query(request.POST)
    page = parse_id(request.POST.get("page"))
    if page and page > 1:
        query = f"{query}&page={page}" if query else f"page={page}"
    return redirect(reverse("plans:review") + (f"?{query}" if query else ""))


@login_required
@require_POST
def review_bulk(request: HttpRequest) -> HttpResponse:
    """Remind or escalate the assignments ticked on the review list."""
    _require_bureau(request)
    ids = parse_ids(request.POST.getlist("assignment"))
    chosen = list(assignments_visible_to(request.user).filter(pk__in=ids))
    if not chosen:
        messages.error(request, _("请先勾选要催办或督办的任务。"))
        return _back_to_review(request)
    action = request.POST.get("action")
    try:
        if action == "escalate":
            form = EscalationForm(request.POST)
            if not form.is_valid():
                messages.error(request, form_errors_text(form))
                return _back_to_review(request)
            done = supervision.escalation_raise_many(
                actor=request.user,
                assignments=chosen,
                reason=form.cleaned_data["reason"],
                response_due=form.cleaned_data["response_due"],
            )
            messages.success(request, _("已向 %(count)s 个承办单位发出督办单。") % {"count": len(done)})
        else:
            sent = supervision.reminder_send(
                actor=request.user, assignments=chosen, message=request.POST.get("message", "")
            )
            messages.success(request, _("已催办 %(count)s 个承办单位。") % {"count": len(sent)})
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return _back_to_review(request)


@login_required
@require_POST
def saved_filter_create(request: HttpRequest) -> HttpResponse:
    """Save the review list's current filter under a name."""
    _require_bureau(request)
    try:
        saved = saved_filter_save(actor=request.user, name=request.POST.get("name", ""), query=request.POST)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _back_to_review(request)
    messages.success(request, _("已保存筛选“%(name)s”。") % {"name": saved.name})
    return redirect(reverse("plans:review") + (f"?{saved.query}" if saved.query else ""))


@login_required
@require_POST
def saved_filter_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's saved filters."""
    _require_bureau(request)
    saved = get_object_or_404(SavedFilter, pk=pk, owner=request.user)
    saved_filter_delete(actor=request.user, saved=saved)
    messages.success(request, _("已删除筛选“%(name)s”。") % {"name": saved.name})
    return redirect("plans:review")
