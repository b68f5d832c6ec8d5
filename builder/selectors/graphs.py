"""Reads about graphs and their versions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from builder.models import ApiKey, Graph, GraphVersion
from builder.permissions import visible_workspaces


def graph_list(
    *, user: Any, api_key: ApiKey | None, workspace_id: int | None = None
) -> QuerySet[Graph]:
    """Graphs in the workspaces the caller can see (optionally one workspace).

    ``api_key`` has no default on purpose: a key limited to one workspace must never see
    graphs of the user's other workspaces, so every caller says which key (or None).
    """
    graphs = Graph.objects.filter(workspace__in=visible_workspaces(user, api_key))
    if workspace_id is not None:
        graphs = graphs.filter(workspace_id=workspace_id)
    return graphs.select_related("workspace").order_by("workspace__slug", "slug")


def graph_version_list(*, graph: Graph) -> QuerySet[GraphVersion]:
    """Versions newest first."""
    return graph.versions.order_by("-number")


def graph_version_latest(*, graph: Graph) -> GraphVersion | None:
    return graph.versions.order_by("-number").first()


def graph_code_spec(*, graph: Graph) -> dict[str, Any]:
    """A read-only GraphSpec picture of a code graph (its nodes and edges), so the editor
    and debugger can draw it; conditional edges are routes labelled
    by their path-map keys, the state fields come from its state schema.
    Empty (but well-formed) when GRAPHS_CONFIG cannot load the graph."""
    from builder.execution.graphs import GraphLoadError, load_code_graph
    from builder.selectors.code_graphs import code_edges, code_nodes, code_state_fields
    from runtime.graphspec import ensure_compiled

    spec: dict[str, Any] = {
        "spec_version": 1,
        "name": graph.name,
        "description": graph.description,
        "state": {"fields": []},
        "nodes": [],
        "edges": [],
        "metadata": {"source": "code", "code_ref": graph.code_ref or graph.slug},
    }
    try:
        compiled = ensure_compiled(load_code_graph(graph.code_ref or graph.slug))
    except GraphLoadError:
        return spec
    if not hasattr(compiled, "get_graph"):  # a graph-like object that cannot draw itself
        return spec
    spec["state"]["fields"] = code_state_fields(compiled)
    drawn = compiled.get_graph()
    spec["nodes"] = code_nodes(drawn)
    spec["edges"], spec["routes"] = code_edges(drawn)
    return spec
