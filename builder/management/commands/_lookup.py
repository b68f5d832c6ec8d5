"""Shared argument lookups for the graph commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from builder.models import Graph, Workspace


def workspace_by_slug(slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise CommandError(f"no workspace with slug {slug!r}")
    return workspace


def graph_by_slug(workspace: Workspace, slug: str) -> Graph:
    graph = Graph.objects.filter(workspace=workspace, slug=slug).first()
    if graph is None:
        known = ", ".join(workspace.graphs.values_list("slug", flat=True)) or "none"
        raise CommandError(f"no graph {slug!r} in workspace {workspace.slug} (graphs: {known})")
    return graph
