"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.views import healthz

admin.site.site_header = _("督查督办系统 · 管理后台")
admin.site.site_title = _("督查督办系统")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("plans/", include("plans.urls")),
    path("inbox/", include("notifications.urls")),
    path("reminders/", include("reminders.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("assessment/", include("assessment.urls")),
    path("exports/", include("exports.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
]
