"""A database outage answers 503 with Retry-After and a clear error, never a 500.

The database going away (connection refused or reset, too many clients, a restart) is a
state of the service, not a bug in the request: load balancers and clients retry a 503
after ``Retry-After`` seconds. The DRF exception handler uses :func:`outage_response` for
the API; :class:`DatabaseOutageMiddleware` does the same for every other view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from builder.execution.retry import is_database_unavailable

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "the database is unavailable; retry in a few seconds"


def outage_body() -> dict[str, Any]:
    return {
        "error": {
            "code": "database_unavailable",
            "message": MESSAGE,
            "fields": [],
            "retry_after": RETRY_AFTER_SECONDS,
        }
    }


def outage_headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def log_outage(exc: BaseException, where: object) -> None:
    # One line, not a traceback per request: during an outage every request fails alike.
    logger.warning("database unavailable in %s: %s", where, exc)


class DatabaseOutageMiddleware:
    """A 503 (JSON under /api/, text elsewhere) for views outside DRF whose database
    is down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exc):
            return None
        log_outage(exc, request.path)
        if request.path.startswith("/api/"):
            return JsonResponse(outage_body(), status=503, headers=outage_headers())
        response = HttpResponse(
            MESSAGE + "\n", status=503, content_type="text/plain; charset=utf-8"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
