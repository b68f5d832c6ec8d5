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
    and debugger can draw it; conditional edges are plain edges marked in ``metadata``.
    Empty (but well-formed) when GRAPHS_CONFIG cannot load the graph."""
    from builder.execution.graphs import GraphLoadError, load_code_graph
    from runtime.constants import END, START
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
    drawn = compiled.get_graph()
    # Columns by distance from START (breadth first), so the picture reads left to right.
    depth = {START: 0}
    queue = [START]
    for current in queue:
        for edge in drawn.edges:
            if edge.source == current and edge.target not in depth:
                depth[edge.target] = depth[current] + 1
                queue.append(edge.target)
    rows: dict[int, int] = {}
    for node in drawn.nodes.values():
        if node.id in (START, END):
            continue
        meta = node.metadata or {}
        column = depth.get(node.id, 1)
        row = rows[column] = rows.get(column, -1) + 1
        spec["nodes"].append(
            {
                "id": node.id,
                "kind": str(meta.get("kind") or "code"),
                "label": str(meta.get("label") or node.name),
                "config": {},
                "position": {"x": column * 260, "y": row * 110},
            }
        )
    for index, edge in enumerate(drawn.edges):
        item: dict[str, Any] = {"id": f"e{index}", "source": edge.source, "target": edge.target}
        if edge.conditional:
            item["metadata"] = {"conditional": True, "label": edge.data or ""}
        spec["edges"].append(item)
    return spec
