"""API routes: /api/v1/… resources, the OpenAPI schema, Swagger UI and ReDoc (assets from drf-spectacular-sidecar)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.views import directory, inbox, plans, records, transfers

app_name = "api"

router = DefaultRouter()
for group in (directory, plans, records, inbox, transfers):
    group.register(router)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
