"""Pages: the React app shell and the liveness and readiness checks. The API lives in its own package."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from builder.health import readiness
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
    """Liveness: 200 while the process serves requests. No I/O, so a database outage does
    not make a load balancer restart every web process."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every configured dependency answers; 503 naming the failed ones."""
    ok, checks = readiness()
    failed = sorted(name for name, result in checks.items() if not result["ok"])
    body: dict[str, object] = {"status": "ok" if ok else "unavailable", "failed": failed}
    # Connection errors (hosts, ports) are for operators: shown in DEBUG only.
    body["checks"] = checks if settings.DEBUG else {k: {"ok": v["ok"]} for k, v in checks.items()}
    response = JsonResponse(body, status=200 if ok else 503)
    if not ok:
        response["Retry-After"] = "5"
    return response
