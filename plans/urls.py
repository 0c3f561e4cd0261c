from django.urls import path

from plans.views import imports, plans

app_name = "plans"

urlpatterns = [
    path("imports/new/", imports.import_start, name="import_start"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/review/", imports.import_review, name="import_review"),
    path("<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("<int:pk>/publish/", plans.plan_publish_view, name="plan_publish"),
]
