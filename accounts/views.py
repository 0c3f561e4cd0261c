"""Sign-in pages and the bulk import of units and people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.directory_template import directory_template_xlsx
from accounts.forms import DirectoryUploadForm, LoginForm
from accounts.importers.directory import DirectoryFileError
from accounts.models import DirectoryImport
from accounts.policies import require_manage_directory
from accounts.services import (
    DirectoryImportError,
    directory_import_confirm,
    directory_import_preview,
    directory_import_upload,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
@require_GET
def directory_template(request: HttpRequest) -> HttpResponse:
    """Download the .xlsx template for the units/people import."""
    require_manage_directory(request.user)
    response = HttpResponse(directory_template_xlsx(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E5%8D%95%E4%BD%8D%E4%BA%BA%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def directory_upload(request: HttpRequest) -> HttpResponse:
    """Upload a units/people list and go to its preview."""
    require_manage_directory(request.user)
    form = DirectoryUploadForm(request.POST, request.FILES) if request.method == "POST" else DirectoryUploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            record, _plan = directory_import_upload(actor=request.user, uploaded_file=form.cleaned_data["file"])
        except DirectoryFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("accounts:directory_preview", pk=record.pk)
    recent = DirectoryImport.objects.select_related("uploaded_by").order_by("-uploaded_at")[:10]
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/directory_upload.html", {"form": form, "recent": recent}, status=status)


@login_required
@require_GET
def directory_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what an uploaded list would create or change, or every error that stops it."""
    require_manage_directory(request.user)
    record = get_object_or_404(DirectoryImport, pk=pk)
    try:
        plan = directory_import_preview(directory_import=record)
    except DirectoryFileError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:directory_upload")
    return render(request, "accounts/directory_preview.html", {"record": record, "plan": plan})


@login_required
@require_POST
def directory_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a previewed list; on any error show the errors and import nothing."""
    require_manage_directory(request.user)
    record = get_object_or_404(DirectoryImport, pk=pk)
    try:
        result = directory_import_confirm(actor=request.user, directory_import=record)
    except DirectoryImportError as exc:
        return render(
            request,
            "accounts/directory_preview.html",
            {"record": record, "plan": None, "confirm_errors": exc.errors},
            status=400,
        )
    messages.success(request, _("导入完成。"))
    return render(
        request,
        "accounts/directory_result.html",
        {"record": record, "summary": result.summary, "generated_passwords": result.generated_passwords},
    )
