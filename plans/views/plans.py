"""The plan page: its outline with owners and deadlines, and publishing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from plans.policies import can_manage_plans
from plans.selectors import plan_outline, plan_tree, plans_visible_to
from plans.services.plans import PlanStateError, plan_publish


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a plan's sections and tasks with their units and deadlines (scoped to what the user may see)."""
    plan = get_object_or_404(plans_visible_to(request.user), pk=pk)
    sections, tasks = plan_outline(plan=plan, user=request.user, today=clock.today())
    return render(
        request,
        "plans/plan_detail.html",
        {"plan": plan, "sections": sections, "tasks": tasks, "can_manage": can_manage_plans(request.user)},
    )


@login_required
@require_POST
def plan_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a draft plan (交办)."""
    plan = get_object_or_404(plans_visible_to(request.user), pk=pk)
    try:
        plan_publish(actor=request.user, plan=plan)
    except PlanStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("计划已发布，各承办单位可以看到自己的任务了。"))
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
@require_GET
def plan_tree_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the plan as a collapsible, printable tree with each item's light and percent."""
    plan = get_object_or_404(plans_visible_to(request.user), pk=pk)
    today = clock.today()
    return render(
        request,
        "plans/plan_tree.html",
        {
            "plan": plan,
            "tree": plan_tree(plan=plan, user=request.user, today=today),
            "today": today,
            "light_order": ["red", "yellow", "green", "grey", "done"],
        },
    )
