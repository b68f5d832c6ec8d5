"""``POST /api/threads/{id}/review/``: the REST twin of the thread socket's actions.

Takes the same JSON as the websocket (``{"action": "resume", ...}``) and answers with the
same ``ack``; a refusal answers the API's one error shape (``{"error": {"code",
"message", "fields", "request_id"}}``) with a 4xx status that says what kind of refusal
it was. Access is checked before the message is read: another workspace's thread is a
404 whatever was sent. (The websocket keeps its own ``{"type": "error", ...}`` frame.)
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from builder.api.auth import api_key_of
from builder.api.errors import error_body
from builder.api.views.base import ApiView
from builder.services.review import Reviewer, ReviewRefused, review_act

_ERROR_CODES = {400: "invalid", 403: "forbidden", 404: "not_found", 409: "conflict", 422: "invalid"}


class ThreadReviewView(ApiView):
    @extend_schema(
        tags=["review"],
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='`{"type": "ack", "request_id", "action", ...}`',
            )
        },
        operation_id="thread_review_act",
        description="A reviewer action (`resume`, `update_state`, `fork`, `cancel`, "
        "`start_run`), the same JSON as the thread websocket's; see docs/events.md.",
    )
    def post(self, request: Request, thread_id: str) -> Response:
        message: Any = request.data
        request_id = message.get("request_id") if isinstance(message, dict) else None
        reviewer = Reviewer(request.user, api_key_of(request))
        try:
            ack = review_act(thread_id=thread_id, reviewer=reviewer, message=message)
        except ReviewRefused as exc:
            reason = str(exc)
            fields = [{"path": exc.field, "message": reason}] if exc.field is not None else []
            code = _ERROR_CODES.get(exc.status_code, "invalid")
            body = error_body(code, reason, fields, request_id=request_id)
            return Response(body, status=exc.status_code)
        return Response(ack)
