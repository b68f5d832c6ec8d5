"""``POST /api/threads/{id}/review/``: the REST twin of the thread socket's actions.

Takes the same JSON as the websocket (``{"action": "resume", ...}``) and answers with the
same ``ack``; a refusal answers ``{"type": "error", "request_id", "reason"}`` (plus the
API's usual ``error`` member) with a 4xx status that says what kind of refusal it was.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.api.auth import api_key_of
from builder.services.review import Reviewer, ReviewRefused, review_act

_ERROR_CODES = {400: "invalid", 403: "forbidden", 404: "not_found", 409: "conflict", 422: "invalid"}


class ThreadReviewView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, thread_id: str) -> Response:
        message: Any = request.data
        request_id = message.get("request_id") if isinstance(message, dict) else None
        reviewer = Reviewer(request.user, api_key_of(request))
        try:
            ack = review_act(thread_id=thread_id, reviewer=reviewer, message=message)
        except ReviewRefused as exc:
            reason = str(exc)
            body = {
                "type": "error",
                "request_id": request_id,
                "reason": reason,
                "error": {"code": _ERROR_CODES.get(exc.status_code, "invalid"), "message": reason},
            }
            return Response(body, status=exc.status_code)
        return Response(ack)
