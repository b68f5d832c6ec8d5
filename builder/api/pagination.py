"""Cursor pagination for builder lists: stable under inserts, opaque to clients."""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination


class BuilderCursorPagination(CursorPagination):
    """``?cursor=...&page_size=N``; answers ``{next, previous, results}``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"


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
