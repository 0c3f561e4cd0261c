"""The reminder log (催办记录) for the bureau, and everyone's message settings (消息设置) with the unit's robots."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Unit
from core import clock
from plans.policies import can_see_all_units, can_supervise
from plans.services.errors import WorkflowError
from reminders import selectors
from reminders.channels import DeliveryFailed
from reminders.delivery import delivery_retry
from reminders.forms import ChannelPreferenceForm, UnitRobotForm
from reminders.models import Channel, Delivery, RobotKind, UnitRobot
from reminders.policies import manages_own_unit_robots
from reminders.services import channel_preference_update, unit_robot_save, unit_robot_send_test

PAGE_SIZE = 50
RECORD_KINDS = {"reminder": selectors.REMINDERS, "escalation": selectors.ESCALATIONS}


def _require_bureau(request: HttpRequest) -> None:
    if not can_see_all_units(request.user):
        raise PermissionDenied(_("只有局机关人员可以查看催办记录。"))


@login_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    """List reminders or escalations (one tab each), newest first, with how each channel delivered them."""
    _require_bureau(request)
    filters = selectors.LogFilters.from_query(request.GET)
    page = Paginator(selectors.log_queryset(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    selectors.attach_channel_summaries(rows, filters.tab)
    counts = selectors.delivery_counts(today=clock.today())
    return render(
        request,
        "reminders/log.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": filters.as_query(),
            "reminders_query": filters.as_query(tab=selectors.REMINDERS),
            "escalations_query": filters.as_query(tab=selectors.ESCALATIONS),
            "record_kind": "reminder" if filters.tab == selectors.REMINDERS else "escalation",
            "kind_choices": selectors.kind_choices(filters.tab),
            "channel_choices": Channel.choices,
            "state_choices": list(selectors.STATE_FILTERS.items()),
            "source_choices": list(selectors.SOURCE_FILTERS.items()),
            "units": list(Unit.objects.filter(is_active=True).order_by("kind", "sort_order", "name")),
            "counts": [(_("今天"), counts["today"]), (_("本月"), counts["month"])],
            "scans": selectors.latest_scan_runs(),
        },
    )


def _detail_context(request: HttpRequest, kind: str, pk: int) -> dict:
    tab = RECORD_KINDS.get(kind)
    record = selectors.log_record(tab, pk) if tab else None
    if record is None:
        raise Http404(_("没有这条催办记录。"))
    deliveries = selectors.record_deliveries(tab, record)
    for delivery in deliveries:
        delivery.target = selectors.delivery_target(delivery)
    return {
        "record": record,
        "record_kind": kind,
        "deliveries": deliveries,
        "inbox_copies": selectors.record_inbox_copies(tab, record),
        "can_retry": can_supervise(request.user),
        "detail_url": reverse("reminders:log_detail", args=[kind, record.pk]),
        "back": reverse("reminders:log") + ("?tab=escalations" if tab == selectors.ESCALATIONS else ""),
    }


@login_required
@require_GET
def log_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Show each delivery of one reminder or escalation with its attempts (an htmx fragment, or a page)."""
    _require_bureau(request)
    if request.headers.get("HX-Request"):
        context = _detail_context(request, kind, pk) | {"collapsible": True}
        return render(request, "reminders/_deliveries.html", context)
    return render(request, "reminders/log_detail.html", _detail_context(request, kind, pk))


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return None


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed delivery again (supervisors); htmx gets the refreshed detail, a plain post a redirect."""
    _require_bureau(request)
    delivery = get_object_or_404(Delivery, pk=pk)
    try:
        delivery_retry(actor=request.user, delivery=delivery)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已重新排队发送，稍后刷新查看结果。"))
    kind, record_id = (
        ("reminder", delivery.reminder_id) if delivery.reminder_id else ("escalation", delivery.escalation_id)
    )
    if request.headers.get("HX-Request"):
        context = _detail_context(request, kind, record_id) | {"collapsible": True, "inline_messages": True}
        return render(request, "reminders/_deliveries.html", context)
    return redirect(_safe_next(request) or reverse("reminders:log_detail", args=[kind, record_id]))


# ---- message settings ----------------------------------------------------------------------------------


def _robot_forms(request: HttpRequest, bound: UnitRobotForm | None = None) -> list[UnitRobotForm]:
    """Return one form per robot kind for the manager's unit, the bound (invalid) one in its place."""
    if not manages_own_unit_robots(request.user):
        return []
    robots = selectors.unit_robots(request.user.unit_id)
    forms = []
    for kind in RobotKind.values:
        if bound is not None and bound.kind == kind:
            forms.append(bound)
        else:
            forms.append(UnitRobotForm(kind=kind, robot=robots.get(kind)))
    return forms


def _render_settings(
    request: HttpRequest,
    *,
    preference_form: ChannelPreferenceForm | None = None,
    robot_form: UnitRobotForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    sms_available = bool(settings.SMS_BACKEND)
    preference = selectors.preference_for(user)
    if preference_form is None:
        preference_form = ChannelPreferenceForm(
            user=user,
            sms_available=sms_available,
            initial={
                "email": preference.email,
                "sms": preference.sms,
                "quiet_start": preference.quiet_start,
                "quiet_end": preference.quiet_end,
            },
        )
    return render(
        request,
        "reminders/settings.html",
        {
            "form": preference_form,
            "preference": preference,
            "sms_available": sms_available,
            "default_quiet_hours": settings.DEFAULT_QUIET_HOURS,
            "robot_forms": _robot_forms(request, robot_form),
            "unit": user.unit if manages_own_unit_robots(request.user) else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def channel_settings(request: HttpRequest) -> HttpResponse:
    """Show and save the user's own channels and quiet hours (and, for a unit manager, the unit's robots)."""
    if request.method == "GET":
        return _render_settings(request)
    form = ChannelPreferenceForm(request.POST, user=request.user, sms_available=bool(settings.SMS_BACKEND))
    if not form.is_valid():
        return _render_settings(request, preference_form=form)
    data = form.cleaned_data
    try:
        channel_preference_update(
            actor=request.user,
            email=data["email"],
            sms=data["sms"],
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
        )
    except WorkflowError as exc:
        form.add_error(None, str(exc))
        return _render_settings(request, preference_form=form)
    messages.success(request, _("消息设置已保存。"))
    return redirect("reminders:settings")


def _require_robot_manager(request: HttpRequest) -> None:
    if not manages_own_unit_robots(request.user):
        raise PermissionDenied(_("只有单位负责人可以设置本单位的群机器人。"))


def _save_robot(request: HttpRequest, kind: str, robot: UnitRobot | None) -> HttpResponse:
    form = UnitRobotForm(request.POST, kind=kind, robot=robot)
    if not form.is_valid():
        return _render_settings(request, robot_form=form)
    try:
        unit_robot_save(actor=request.user, unit=request.user.unit, **form.service_values())
    except WorkflowError as exc:
        form.add_error(None, str(exc))
        return _render_settings(request, robot_form=form)
    messages.success(request, _("%(kind)s设置已保存。") % {"kind": RobotKind(kind).label})
    return redirect(reverse("reminders:settings") + "#robots")


@login_required
@require_POST
def robot_add(request: HttpRequest, kind: str) -> HttpResponse:
    """Add the unit's robot of a kind (its manager); an existing one of that kind is changed instead."""
    _require_robot_manager(request)
    if kind not in RobotKind.values:
        raise Http404(_("没有这种机器人。"))
    return _save_robot(request, kind, selectors.unit_robots(request.user.unit_id).get(kind))


def _own_robot(request: HttpRequest, pk: int) -> UnitRobot:
    """Return a robot of the manager's own unit; another unit's robot is simply not there (404)."""
    _require_robot_manager(request)
    return get_object_or_404(UnitRobot.objects.select_related("unit"), pk=pk, unit_id=request.user.unit_id)


@login_required
@require_POST
def robot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change or disable one of the unit's robots."""
    robot = _own_robot(request, pk)
    return _save_robot(request, robot.kind, robot)


@login_required
@require_POST
def robot_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a test message through one of the unit's robots now and say whether it arrived."""
    robot = _own_robot(request, pk)
    try:
        receipt = unit_robot_send_test(actor=request.user, robot=robot)
    except DeliveryFailed as exc:
        messages.error(request, _("测试消息发送失败：%(detail)s") % {"detail": exc.detail})
    else:
        messages.success(request, _("测试消息已发出（%(receipt)s），请到群里查看。") % {"receipt": receipt})
    return redirect(reverse("reminders:settings") + "#robots")
