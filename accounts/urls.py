from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("directory/import/", views.directory_upload, name="directory_upload"),
    path("directory/import/template.xlsx", views.directory_template, name="directory_template"),
    path("directory/import/<int:pk>/", views.directory_preview, name="directory_preview"),
    path("directory/import/<int:pk>/confirm/", views.directory_confirm, name="directory_confirm"),
]
