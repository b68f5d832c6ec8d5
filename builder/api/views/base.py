"""What every API view shares: authentication, the caller's scope, body parsing."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from builder.api.scope import Scope


class JSONAlways(BaseContentNegotiation):
    """Every answer is JSON (or an event stream the view builds itself), whatever the
    Accept header says: SSE clients send ``Accept: text/event-stream`` and must still
    get JSON errors rather than a 406."""

    def select_parser(self, request: Any, parsers: list[Any]) -> Any:
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request: Any, renderers: list[Any], format_suffix: Any = None):
        renderer = renderers[0]
        return renderer, renderer.media_type


class ApiView(APIView):
    """Authenticated (session or X-Api-Key); ``self.scope`` is the caller."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = JSONAlways

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # PostgreSQL refuses NUL characters in text; refuse them here, as bad input,
        # instead of letting the database turn them into a 500.
        if "\x00" in request.path or _has_nul(kwargs) or _has_nul(dict(request.query_params)):
            raise serializers.ValidationError(
                {"non_field_errors": ["NUL characters are not allowed"]}
            )
        handled = hasattr(self, request.method.lower())
        if (
            handled
            and request.method in ("POST", "PUT", "PATCH", "DELETE")
            and _has_nul(request.data)
        ):
            raise serializers.ValidationError(
                {"non_field_errors": ["NUL characters are not allowed"]}
            )

    @property
    def scope(self) -> Scope:
        cached = getattr(self, "_scope", None)
        if cached is None:
            cached = self._scope = Scope(self.request)
        return cached

    def parse(self, serializer_class: type[serializers.Serializer], data: Any = None) -> Any:
        """Validate ``data`` (default: the body) with an Input serializer; 400 on errors."""
        if data is None:
            data = self.request.data
        if not isinstance(data, dict):
            # A JSON array or scalar where an object is expected.
            raise serializers.ValidationError({"non_field_errors": ["expected a JSON object"]})
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def query(self, serializer_class: type[serializers.Serializer]) -> Any:
        """Validate the query string with an Input serializer."""
        return self.parse(serializer_class, self.request.query_params.dict())


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class JSONObjectField(serializers.JSONField):
    """A JSON object (dict); arrays and scalars are refused with a clear message."""

    default_error_messages = {"not_object": "expected a JSON object"}

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if value is not None and not isinstance(value, dict):
            self.fail("not_object")
        return value
