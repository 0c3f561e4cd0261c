"""Pages of the plan import (立项): upload, progress, review and confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import units_active
from plans.forms import PlanImportForm
from plans.models import ImportStatus, Plan, PlanImport
from plans.policies import require_manage_plans
from plans.services.import_review import GROUP_NAMES, included_rows, plan_import_bulk_assign, plan_import_update_review
from plans.services.imports import (
    PlanImportError,
    plan_import_cancel,
    plan_import_confirm,
    plan_import_start,
)

ROW_FIELDS = ("include", "title", "lead", "co", "deadline")


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a plan document or paste its text."""
    require_manage_plans(request.user)
    plans = Plan.objects.order_by("-plan_year", "-id")
    form = (
        PlanImportForm(request.POST, request.FILES, plans=plans)
        if request.method == "POST"
        else PlanImportForm(plans=plans)
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = plan_import_start(
                actor=request.user,
                filename=upload.name if upload else "",
                data=upload.read() if upload else b"",
                pasted_text=form.cleaned_data["text"] or "",
                plan_year=form.cleaned_data["plan_year"],
                previous_plan=form.cleaned_data["previous_plan"],
            )
        except PlanImportError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("plans:import_detail", pk=record.pk)
    recent = PlanImport.objects.select_related("created_by", "plan").order_by("-created_at")[:10]
    return render(
        request,
        "plans/import_start.html",
        {"form": form, "recent": recent},
        status=400 if request.method == "POST" else 200,
    )


def _review_context(record: PlanImport, errors: list[str] | None = None) -> dict:
    review = record.review or {}
    rows = review.get("rows", [])
    kept = included_rows(rows)
    kept_ids = {row["id"] for row in kept}
    for row in rows:
        row["excluded"] = row["id"] not in kept_ids
    return {
        "record": record,
        "review": review,
        "rows": rows,
        "item_count": sum(1 for row in kept if row["kind"] == "item"),
        "section_count": sum(1 for row in rows if row["kind"] == "section"),
        "warning_count": sum(1 for row in rows if row.get("warnings")),
        "units": units_active().select_related(None).only("name", "short_name"),
        "groups": list(GROUP_NAMES),
        "errors": errors or [],
    }


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an import: its progress while parsing, its review tree when ready, or why it failed."""
    require_manage_plans(request.user)
    record = get_object_or_404(PlanImport.objects.select_related("plan", "previous_plan"), pk=pk)
    if record.status == ImportStatus.PARSING:
        return render(request, "plans/import_progress.html", {"record": record})
    return render(request, "plans/import_review.html", _review_context(record))


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the progress bar's polling; tell htmx to reload the page once parsing is over."""
    require_manage_plans(request.user)
    record = get_object_or_404(PlanImport, pk=pk)
    response = render(request, "plans/_import_progress_bar.html", {"record": record})
    if record.status != ImportStatus.PARSING:
        response["HX-Redirect"] = reverse("plans:import_detail", args=[record.pk])
    return response


def _posted_rows(request: HttpRequest, record: PlanImport) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for row in record.review.get("rows", []):
        fields = {
            name: request.POST[f"{row['id']}-{name}"] for name in ROW_FIELDS if f"{row['id']}-{name}" in request.POST
        }
        if f"{row['id']}-title" in request.POST:  # the row was on the form: a missing checkbox means unchecked
            fields.setdefault("include", "")
            rows[row["id"]] = fields
    return rows


@login_required
@require_POST
def import_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Save corrections, bulk-assign a unit, confirm (立项) or cancel."""
    require_manage_plans(request.user)
    record = get_object_or_404(PlanImport, pk=pk)
    action = request.POST.get("action", "save")
    try:
        if action == "cancel":
            plan_import_cancel(actor=request.user, plan_import=record)
            messages.info(request, "已取消这次导入。")
            return redirect("plans:import_start")
        metadata = {
            key: request.POST[key]
            for key in ("title", "doc_number", "issuer", "issued_on", "recipients", "plan_year")
            if key in request.POST
        }
        errors = plan_import_update_review(
            actor=request.user, plan_import=record, metadata=metadata, rows=_posted_rows(request, record)
        )
        if action == "bulk":
            count = plan_import_bulk_assign(
                actor=request.user,
                plan_import=record,
                row_ids=request.POST.getlist("selected"),
                unit_name=request.POST.get("bulk_unit", ""),
                role=request.POST.get("bulk_role", "lead"),
            )
            messages.success(request, f"已为 {count} 项任务指派“{request.POST.get('bulk_unit', '')}”。")
        if errors:
            record.refresh_from_db()
            return render(request, "plans/import_review.html", _review_context(record, errors), status=400)
        if action == "confirm":
            plan = plan_import_confirm(
                actor=request.user, plan_import=record, create_units=request.POST.getlist("create_unit")
            )
            messages.success(
                request, f"立项完成：《{plan.title}》共 {plan.tasks.count()} 项任务，目前为草稿，发布后各单位即可看到。"
            )
            return redirect("plans:plan_detail", pk=plan.pk)
    except PlanImportError as exc:
        record.refresh_from_db()
        return render(request, "plans/import_review.html", _review_context(record, [str(exc)]), status=400)
    if action == "save":
        messages.success(request, "修改已保存。")
    return redirect("plans:import_detail", pk=record.pk)
