"""What every API view shares: authentication, the caller's scope, body parsing."""

from __future__ import annotations

import re
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
        # Strings no database stores (PostgreSQL refuses NUL in text, neither database
        # nor the JSON renderer encodes a lone surrogate) are bad input wherever they are:
        # a 400 naming the place, instead of a 500 from the database or the renderer.
        if _UNSTORABLE.search(request.path):
            raise serializers.ValidationError({"non_field_errors": [UNSTORABLE_MESSAGE]})
        where = _find_unstorable(kwargs)
        if where is None:
            where = _find_unstorable(dict(request.query_params.lists()))
            where = where[:1] if where is not None else None  # a parameter by its name
        handled = hasattr(self, request.method.lower())
        if where is None and handled and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            data = request.data
            where = _find_unstorable(dict(data.lists()) if hasattr(data, "lists") else data)
        if where is not None:
            detail: Any = [UNSTORABLE_MESSAGE]
            if where and where[-1] is _IN_A_KEY:
                # The key itself cannot be echoed back: name the object holding it.
                where = where[:-1]
                detail = [UNSTORABLE_MESSAGE + " (in a member name)"]
            for part in reversed(where):
                detail = {part: detail}
            raise serializers.ValidationError(detail)

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


# NUL, and UTF-16 surrogates that are not part of a pair (JSON's "\\ud800" decodes to one).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "NUL characters and unpaired surrogates are not allowed"
_IN_A_KEY = object()


def _find_unstorable(value: Any) -> list[Any] | None:
    """The path (keys and indexes) to the first string in ``value`` that no database
    stores, ``[]`` when ``value`` is one, None when there is none. A bad key ends the
    path with ``_IN_A_KEY`` after the path of its object."""
    if isinstance(value, str):
        return [] if _UNSTORABLE.search(value) else None
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    for key, item in items:
        if isinstance(key, str) and _UNSTORABLE.search(key):
            return [_IN_A_KEY]
        inner = _find_unstorable(item)
        if inner is not None:
            return [key, *inner]
    return None


# The largest offset both databases can bind (a 64-bit signed integer); beyond it SQLite
# refuses the parameter and PostgreSQL's OFFSET overflows.
MAX_OFFSET = 2**63 - 1


class OffsetField(serializers.IntegerField):
    """A page offset: 0 by default, at most what the databases can bind."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", 0)
        super().__init__(min_value=0, max_value=MAX_OFFSET, **kwargs)


class JSONObjectField(serializers.JSONField):
    """A JSON object (dict); arrays and scalars are refused with a clear message."""

    default_error_messages = {"not_object": "expected a JSON object"}

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if value is not None and not isinstance(value, dict):
            self.fail("not_object")
        return value
