"""The site shell: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.policies import can_manage_directory
from core import clock
from core.health import health_report
from plans.lights import LIGHT_ICONS, Light
from plans.policies import can_see_all_units
from plans.selectors import light_counts_by_plan, plan_list_for
from plans.selectors.queue import supervision_queue
from plans.selectors.workbench import workbench_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show a bureau user the plans and what waits in the queue; show a unit user its workbench (我的任务)."""
    user = request.user
    today = clock.today()
    context = {
        "bureau_view": can_see_all_units(user),
        "can_manage_directory": can_manage_directory(user),
        "today": today,
        "light_icons": LIGHT_ICONS,
        "light_order": ["red", "yellow", "green", "grey", "done"],
        "light_labels": dict(Light.choices),
    }
    if context["bureau_view"]:
        plans = list(plan_list_for(user))
        published = [plan.pk for plan in plans if plan.status != "draft"]
        counts = light_counts_by_plan(plan_ids=published, today=today) if published else {}
        for plan in plans:
            plan.light_counts = counts.get(plan.pk, {})
        context["plans"] = plans
        context["queue"] = supervision_queue(today=today, unacknowledged_limit=0)
    else:
        context["workbench"] = workbench_for(user, today=today)
    return render(request, "core/home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report the database and the broker (503 when either is down) and how recently beat ticked."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
