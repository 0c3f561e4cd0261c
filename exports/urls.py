from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/progress", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download", views.job_download, name="job_download"),
    path("archive/", views.archive, name="archive"),
    path("archive/regenerate", views.archive_regenerate, name="archive_regenerate"),
    path("archive/<int:pk>/download", views.archive_download, name="archive_download"),
]
