"""URL configuration: pages, health check, admin (the API adds ``/api/`` beside them)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from builder import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("builder.api.review_urls")),
    path("api/", include("builder.api.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/", views.healthz),
    path("", views.app_page, name="app"),
    re_path(r"^app/(?P<path>.*)$", views.app_page, name="app-page"),
]
