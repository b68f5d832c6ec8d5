"""One error shape for the whole API, and the exceptions views raise to produce it.

Every failure answers ``{"error": {"code", "message", "fields": [{"path", "message"}]}}``
where ``path`` is a JSON pointer into the request body (or the query string's parameter
name). Unexpected exceptions are logged and answered with a 500 in the same shape, never
a traceback: the log has the traceback, the client gets a stable code.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from builder.outage import is_database_unavailable, log_outage, outage_body, outage_headers
from builder.services.errors import (
    DraftConflict,
    NothingToResume,
    ReadOnlyGraph,
    ServiceError,
    ThreadBusy,
)

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An error with an explicit code, status and optional extra members."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status_code: int = status.HTTP_400_BAD_REQUEST,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.extra = extra or {}


def not_found(what: str) -> ApiError:
    """The 404 for objects that do not exist or live in a workspace the caller can't see
    (the two are indistinguishable on purpose)."""
    return ApiError(f"{what} not found", code="not_found", status_code=404)


def _escape(part: Any) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def field_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested error detail into ``[{path, message}]`` with JSON pointers."""
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            # non_field_errors belong to the object itself, not to a member of it.
            child = prefix if key in ("non_field_errors", "__all__") else f"{prefix}/{_escape(key)}"
            out.extend(field_errors(value, child))
        return out
    if isinstance(detail, list):
        if all(not isinstance(d, dict | list) for d in detail):
            return [{"path": prefix, "message": str(d)} for d in detail]
        out = []
        for i, value in enumerate(detail):
            if value:
                out.extend(field_errors(value, f"{prefix}/{i}"))
        return out
    return [{"path": prefix, "message": str(detail)}]


def error_body(
    code: str, message: str, fields: list[dict[str, str]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or [], **extra}}


def _service_error(exc: ServiceError) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, DraftConflict):
        from builder.models import Graph

        graph = Graph.objects.filter(pk=exc.graph_id).select_related("created_by").first()
        current = {
            "draft": exc.current_draft,
            "draft_revision": exc.current_revision,
            "updated_at": graph.updated_at.isoformat() if graph else None,
            "updated_by": _last_editor(exc.graph_id),
        }
        return 409, error_body("draft_conflict", str(exc), current=current)
    if isinstance(exc, ThreadBusy):
        return 409, error_body("thread_busy", str(exc), active_run_id=str(exc.active_run_id))
    if isinstance(exc, ReadOnlyGraph):
        return 409, error_body("read_only", str(exc))
    if isinstance(exc, NothingToResume):
        return 409, error_body("conflict", str(exc))
    code = "invalid" if exc.status_code < 500 else "service_error"
    return exc.status_code, error_body(code, str(exc))


def _last_editor(graph_id: int) -> str | None:
    """Who saved the draft last, from the audit trail (the Graph row does not say)."""
    from builder.models import AuditEntry

    entry = (
        AuditEntry.objects.filter(
            action__in=("graph.draft_saved", "graph.created"), detail__graph_id=graph_id
        )
        .select_related("actor")
        .order_by("-created_at")
        .first()
    )
    return entry.actor.get_username() if entry and entry.actor else None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: map every exception onto the one error shape."""
    if isinstance(exc, Http404):
        exc = not_found(str(exc) or "resource")
    elif isinstance(exc, RequestDataTooBig):
        exc = ApiError(
            f"the request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes",
            code="too_large",
            status_code=413,
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    if isinstance(exc, ServiceError):
        set_rollback()
        status_code, body = _service_error(exc)
        return Response(body, status=status_code)

    if isinstance(exc, exceptions.APIException):
        headers: dict[str, str] = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        set_rollback()
        if isinstance(exc, exceptions.ValidationError):
            fields = field_errors(exc.detail)
            message = fields[0]["message"] if len(fields) == 1 else "the request has invalid fields"
            if fields and fields[0]["path"] and len(fields) == 1:
                message = f"{fields[0]['path']}: {message}"
            body = error_body("invalid", message, fields)
        elif isinstance(exc, ApiError):
            body = error_body(exc.error_code, str(exc.detail), **exc.extra)
        else:
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else exc.default_code
            body = error_body(str(code), str(exc.detail))
        return Response(body, status=exc.status_code, headers=headers)

    if is_database_unavailable(exc):
        log_outage(exc, context.get("view"))
        return Response(outage_body(), status=503, headers=outage_headers())
    if _is_input_error(exc):
        set_rollback()
        return Response(error_body("invalid", str(exc)), status=422)
    if _is_missing_checkpoint(exc):
        set_rollback()
        return Response(error_body("not_found", str(exc)), status=404)

    logger.exception("unhandled error in %s", context.get("view"))
    set_rollback()
    return Response(
        error_body("internal_error", "the server failed to handle this request"),
        status=500,
    )


def _is_input_error(exc: Exception) -> bool:
    """Errors from the engine or spec layer that are about what the client sent."""
    from builder.execution.graphs import GraphLoadError
    from runtime.errors import EmptyInputError, GraphValidationError, InvalidUpdateError
    from runtime.graphspec import SpecError

    return isinstance(
        exc, SpecError | InvalidUpdateError | GraphValidationError | EmptyInputError
    ) or isinstance(exc, GraphLoadError)


def _is_missing_checkpoint(exc: Exception) -> bool:
    """A checkpoint the client named (by id, in a thread) that the thread does not have."""
    from runtime.errors import CheckpointNotFoundError

    return isinstance(exc, CheckpointNotFoundError)


@csrf_exempt  # a POST to a missing endpoint is a 404, not a CSRF failure page
def json_not_found(request: Any, exception: Exception | None = None) -> JsonResponse:
    """For URLs under /api/ that match nothing: the same shape as every other error."""
    return JsonResponse(error_body("not_found", f"no API endpoint at {request.path}"), status=404)


@csrf_exempt
def protocol_not_served(request: Any, thread_id: str) -> JsonResponse:
    """The JS SDK's thread-centric protocol (``client.threads.stream``: commands and
    ``stream/events``), which this server does not speak: say so and what to use."""
    return JsonResponse(
        error_body(
            "not_found",
            f"{request.path}: the event-streaming protocol of client.threads.stream() is not "
            "served here; use client.runs.stream / runs.joinStream / threads.joinStream "
            "(React's useStream uses these)",
        ),
        status=404,
    )
