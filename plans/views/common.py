"""Small helpers shared by the workflow views: run a service, report its outcome, go back."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from plans.services.errors import WorkflowError


def back_to(request: HttpRequest, task_id: int, anchor: str = "") -> HttpResponse:
    """Redirect to `next` when it is a safe local address, else to the task page."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(reverse("plans:task_detail", args=[task_id]) + (f"#{anchor}" if anchor else ""))


def run_action(
    request: HttpRequest, task_id: int, action: Callable[[], object], success: str, anchor: str = ""
) -> HttpResponse:
    """Run a service call; show its success or its WorkflowError as a message and go back."""
    try:
        action()
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return back_to(request, task_id, anchor)


def form_errors_text(form) -> str:
    """Return a form's errors as one line, for forms that live on another page."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(
            _("%(label)s：%(errors)s") % {"label": label, "errors": _("；").join(errors)}
            if label
            else _("；").join(errors)
        )
    return _("；").join(parts)
