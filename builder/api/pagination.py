"""Cursor pagination for builder lists: stable under inserts, opaque to clients."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination


class BuilderCursorPagination(CursorPagination):
    """``?cursor=...&page_size=N``; answers ``{next, previous, results}``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Any) -> Cursor | None:
        """DRF's, and the cursor's position must also be a value of the ordering field:
        a cursor is client input, and a forged position (text where the field is a
        number or a date, a NUL) would otherwise fail in the query as a 500."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        name = self.ordering[0].lstrip("-")  # type: ignore[index]
        try:
            field = self._model._meta.get_field(name)
        except FieldDoesNotExist:
            return cursor
        try:
            if "\x00" in cursor.position:
                raise ValueError("NUL")
            field.get_prep_value(field.to_python(cursor.position))
        except (ValueError, TypeError, OverflowError, ValidationError):
            raise NotFound(self.invalid_cursor_message) from None
        return cursor


class SlugCursorPagination(BuilderCursorPagination):
    ordering = "slug"


class NumberCursorPagination(BuilderCursorPagination):
    ordering = "-number"


class IdCursorPagination(BuilderCursorPagination):
    ordering = "id"


def paginated(name: str, item: type[serializers.Serializer]) -> serializers.Serializer:
    """The schema of a cursor page of ``item`` (for ``extend_schema(responses=...)``)."""
    return inline_serializer(
        name,
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )
