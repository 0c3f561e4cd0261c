"""The site shell: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.policies import can_manage_directory
from core.health import health_report
from plans.policies import can_see_all_units
from plans.selectors import plan_list_for, unit_assignments_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the plans a bureau user oversees, or the open assignments of a unit user."""
    user = request.user
    context = {
        "bureau_view": can_see_all_units(user),
        "can_manage_directory": can_manage_directory(user),
    }
    if context["bureau_view"]:
        context["plans"] = list(plan_list_for(user))
    else:
        context["assignments"] = list(unit_assignments_for(user))
    return render(request, "core/home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report the database and the broker (503 when either is down) and how recently beat ticked."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
