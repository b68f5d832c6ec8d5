"""The builder's list of a workspace's threads: filters in the query string, cursor pages.

LangGraph's ``POST /threads/search`` stays as it is for SDK clients; this is the list the
browser's Threads pages read (per workspace, per graph, waiting for review, by who started
it, by date).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from builder.api.pagination import BuilderCursorPagination, paginated
from builder.api.views.base import ApiView
from builder.models import Thread, ThreadStatus
from builder.selectors.threads import thread_list


class ThreadCursorPagination(BuilderCursorPagination):
    """Most recent activity first."""

    ordering = "-updated_at"


class InstantField(serializers.Field):
    """An ISO 8601 datetime, or a date (its start, or with ``end_of_day`` the start of the
    next day, so that ``before=2026-01-31`` includes the 31st). Naive values are taken in
    the server's time zone."""

    default_error_messages = {
        "invalid": "expected a date (YYYY-MM-DD) or an ISO 8601 date-time",
    }

    def __init__(self, *, end_of_day: bool = False, **kwargs: Any) -> None:
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> datetime:
        text = str(data).strip()
        # parse_datetime reads a bare date as its midnight: ask for a date first.
        try:
            day = parse_date(text)
            moment = None if day is not None else parse_datetime(text)
        except ValueError:
            self.fail("invalid")
        if moment is None and day is None:
            self.fail("invalid")
        if moment is None:
            assert isinstance(day, date)
            if self.end_of_day:
                day = day + timedelta(days=1)
            moment = datetime.combine(day, time.min)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def to_representation(self, value: Any) -> Any:
        return value.isoformat()


class ThreadListItem(serializers.Serializer):
    thread_id = serializers.UUIDField(source="pk")
    workspace = serializers.CharField(source="workspace.slug")
    graph = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ThreadStatus.choices)
    waiting_for_review = serializers.SerializerMethodField()
    started_by = serializers.SerializerMethodField()
    metadata = serializers.JSONField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_graph(self, thread: Thread) -> dict[str, Any] | None:
        graph = thread.graph
        if graph is None:
            return None
        return {"id": graph.pk, "slug": graph.slug, "name": graph.name}

    def get_waiting_for_review(self, thread: Thread) -> bool:
        return thread.status == ThreadStatus.INTERRUPTED

    def get_started_by(self, thread: Thread) -> str | None:
        return thread.created_by.get_username() if thread.created_by else None


class WorkspaceThreadListView(ApiView):
    """``GET /api/workspaces/{slug}/threads/``: the workspace's threads, filtered."""

    class FilterInput(serializers.Serializer):
        status = serializers.ChoiceField(choices=ThreadStatus.choices, required=False)
        waiting_for_review = serializers.BooleanField(required=False, allow_null=True)
        graph = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
        started_by = serializers.CharField(required=False, max_length=150)
        created_after = InstantField(required=False)
        created_before = InstantField(required=False, end_of_day=True)
        updated_after = InstantField(required=False)
        updated_before = InstantField(required=False, end_of_day=True)
        cursor = serializers.CharField(required=False)
        page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)

    @extend_schema(
        tags=["threads"],
        parameters=[
            OpenApiParameter("status", str, enum=list(ThreadStatus.values)),
            OpenApiParameter("waiting_for_review", bool),
            OpenApiParameter("graph", int, description="graph id"),
            OpenApiParameter("started_by", str, description="username"),
            OpenApiParameter("created_after", str, description="date or date-time, inclusive"),
            OpenApiParameter("created_before", str, description="date (inclusive) or date-time"),
            OpenApiParameter("updated_after", str, description="date or date-time, inclusive"),
            OpenApiParameter("updated_before", str, description="date (inclusive) or date-time"),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses=paginated("ThreadListPage", ThreadListItem),
        operation_id="list_workspace_threads",
    )
    def get(self, request: Any, slug: str) -> Response:
        workspace = self.scope.workspace(slug)
        filters = self.query(self.FilterInput)
        threads = thread_list(
            user=request.user,
            api_key=self.scope.api_key,
            workspace_id=workspace.pk,
            status=filters.get("status"),
            waiting_for_review=filters.get("waiting_for_review"),
            graph_id=filters.get("graph"),
            started_by=filters.get("started_by"),
            created_after=filters.get("created_after"),
            created_before=filters.get("created_before"),
            updated_after=filters.get("updated_after"),
            updated_before=filters.get("updated_before"),
        )
        paginator = ThreadCursorPagination()
        page = paginator.paginate_queryset(threads, request, view=self)
        return paginator.get_paginated_response(ThreadListItem(page, many=True).data)
