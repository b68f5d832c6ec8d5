"""Pages: the React app shell and the health check. The API lives in its own package."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from builder.health import health
from builder.templatetags.vite import vite_built


@never_cache
@login_required
def app_page(request: HttpRequest, path: str = "") -> HttpResponse:
    """Every page of the single-page app: the client router reads the path."""
    user = request.user
    props = {
        "user": {"id": user.pk, "username": user.get_username()},
        "csrfToken": get_token(request),
        "page": "/" + path if path else "/",
    }
    return render(
        request,
        "app.html",
        {"page_props_json": json.dumps(props), "frontend_built": vite_built()},
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, channel layer and broker answer; 503 otherwise."""
    ok, checks = health()
    body = {"status": "ok" if ok else "unavailable", "checks": checks}
    if settings.DEBUG or ok:
        return JsonResponse(body, status=200 if ok else 503)
    # Do not leak connection errors to anonymous callers in production.
    return JsonResponse(
        {"status": "unavailable", "checks": {k: {"ok": v["ok"]} for k, v in checks.items()}},
        status=503,
    )
