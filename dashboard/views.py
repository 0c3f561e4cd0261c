"""The leaders' dashboard (领导驾驶舱): a plan's lights, trend and units' punctuality as charts with tables."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import clock
from dashboard.charts import dashboard_for
from dashboard.selectors import LIGHTS, dashboard_plans, default_plan
from plans.lights import Light
from plans.policies import can_see_all_units


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Show the dashboard of the chosen plan (the newest published one by default) to bureau users."""
    if not can_see_all_units(request.user):
        raise PermissionDenied(_("只有局机关人员和局领导可以查看领导驾驶舱。"))
    plans = dashboard_plans()
    chosen = (request.GET.get("plan") or "").strip()
    if chosen:
        plan = next((plan for plan in plans if str(plan.pk) == chosen), None)
        if plan is None:
            raise Http404(_("没有这个工作计划，或它尚未发布。"))
    else:
        plan = default_plan(plans)
    today = clock.today()
    dashboard = dashboard_for(plan=plan, today=today) if plan is not None else None
    return render(
        request,
        "dashboard/index.html",
        {
            "plans": plans,
            "plan": plan,
            "today": today,
            "dashboard": dashboard,
            "chart_data": dashboard.chart_data() if dashboard is not None else None,
            "light_order": LIGHTS,
            "light_labels": dict(Light.choices),
        },
    )
