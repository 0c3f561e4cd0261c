from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("export/", views.ranking_export, name="ranking_export"),
    path("mine/", views.mine, name="mine"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/objection/", views.objection_file, name="objection_file"),
    path("objections/", views.objections, name="objections"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("weights/", views.weights, name="weights"),
]
