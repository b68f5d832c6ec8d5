"""URL configuration: pages, health check, admin (the API adds ``/api/`` beside them)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from builder import views, views_share
from builder.ratelimit import RateLimitedLoginView, admin_login

urlpatterns = [
    # Before the admin's own URLs: its login is under the same lockout as /login/.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/", include("builder.api.review_urls")),
    path("api/", include("builder.api.teams_urls")),
    path("api/", include("builder.api.urls")),
    path("login/", RateLimitedLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("share/<str:token>/", views_share.share_page, name="share"),
    path("invite/<str:token>/", views_share.invite_page, name="invite"),
    # Browsers ask for /favicon.ico on pages without an icon link (the API docs, JSON).
    path("favicon.ico", RedirectView.as_view(url="/static/favicon.svg", permanent=True)),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/", views.healthz),
    path("readyz", views.readyz, name="readyz"),
    path("readyz/", views.readyz),
    path("", views.app_page, name="app"),
    re_path(r"^app/(?P<path>.*)$", views.app_page, name="app-page"),
]
