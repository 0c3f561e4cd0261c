from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.log, name="log"),
    path("<str:kind>/<int:pk>/deliveries/", views.log_detail, name="log_detail"),
    path("deliveries/<int:pk>/retry/", views.retry, name="delivery_retry"),
    path("settings/", views.channel_settings, name="settings"),
    path("settings/robots/add/<str:kind>/", views.robot_add, name="robot_add"),
    path("settings/robots/<int:pk>/", views.robot_edit, name="robot_edit"),
    path("settings/robots/<int:pk>/test/", views.robot_test, name="robot_test"),
]
