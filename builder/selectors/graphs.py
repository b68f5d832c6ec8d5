"""Reads about graphs and their versions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from builder.models import Graph, GraphVersion
from builder.selectors.workspaces import workspace_list


def graph_list(*, user: Any, workspace_id: int | None = None) -> QuerySet[Graph]:
    """Graphs in the workspaces the user can see (optionally one workspace)."""
    graphs = Graph.objects.filter(workspace__in=workspace_list(user=user))
    if workspace_id is not None:
        graphs = graphs.filter(workspace_id=workspace_id)
    return graphs.select_related("workspace").order_by("workspace__slug", "slug")


def graph_version_list(*, graph: Graph) -> QuerySet[GraphVersion]:
    """Versions newest first."""
    return graph.versions.order_by("-number")


def graph_version_latest(*, graph: Graph) -> GraphVersion | None:
    return graph.versions.order_by("-number").first()
