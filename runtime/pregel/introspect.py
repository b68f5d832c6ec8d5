"""``get_graph()``: a compiled graph's nodes and edges as data and as Mermaid text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from runtime.constants import END, START


class Edge(NamedTuple):
    """An edge as LangChain's ``Edge`` has it (same fields, same order, equal to it)."""

    source: str
    target: str
    data: str | None = None  # the label of a conditional edge
    conditional: bool = False


@dataclass(slots=True)
class Node:
    id: str
    name: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class DrawableGraph:
    """What ``get_graph()`` returns: ``nodes`` by id and ``edges`` in a stable order."""

    name: str
    nodes: dict[str, Node]
    edges: list[Edge]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "nodes": [
                {"id": n.id, "name": n.name, "metadata": n.metadata} for n in self.nodes.values()
            ],
            "edges": [
                {
                    "source": e.source,
                    "target": e.target,
                    "conditional": e.conditional,
                    "data": e.data,
                }
                for e in self.edges
            ],
        }

    def draw_mermaid(self, **options: Any) -> str:
        """Mermaid flowchart text, drawn by LangChain's graph drawer as LangGraph's is.

        ``options`` are LangChain's: with_styles, curve_style, node_colors,
        wrap_label_n_words, frontmatter_config.
        """
        return self.to_langchain().draw_mermaid(**options)

    def to_langchain(self) -> Any:
        """The same nodes and edges as a ``langchain_core.runnables.graph.Graph``."""
        from langchain_core.runnables.graph import Graph

        graph = Graph()
        for nid, node in self.nodes.items():
            graph.add_node(None, nid, metadata=node.metadata or None)
        for e in self.edges:
            graph.add_edge(
                graph.nodes[e.source], graph.nodes[e.target], e.data, conditional=e.conditional
            )
        return graph


def describe(
    builder: Any, name: str, before: Sequence[str] = (), after: Sequence[str] = ()
) -> DrawableGraph:
    """The drawable graph of a StateGraph builder, in LangGraph's order.

    As LangGraph draws it: the edges between nodes sorted by (source, target, conditional,
    label), then an edge to END from each node that edges lead to but none leave.
    """
    found = _edges(builder)
    termini = {t for _, t, _, _ in found if t != END} - {s for s, _, _, _ in found}
    ordered = sorted(found, key=lambda e: (e[0], e[1], e[2], e[3] or ""))
    ordered += [(src, END, False, None) for src in sorted(termini)]
    edges: list[Edge] = []
    pairs: set[tuple[str, str]] = set()
    for src, dst, conditional, label in ordered:
        if (src, dst) not in pairs:  # the first edge between two nodes wins, as in LangGraph
            pairs.add((src, dst))
            edges.append(Edge(src, dst, label if label != dst else None, conditional))
    nodes: dict[str, Node] = {START: Node(START, START)}
    for n, spec in builder.nodes.items():
        nodes[n] = Node(n, n, _node_metadata(spec, n in before, n in after))
    if any(e.target == END for e in edges):
        nodes[END] = Node(END, END)
    return DrawableGraph(name, nodes, edges)


def _edges(builder: Any) -> set[tuple[str, str, bool, str | None]]:
    """(source, target, conditional, label) of every edge a run could take."""
    found: set[tuple[str, str, bool, str | None]] = set()
    for s, t in builder.edges:
        if t != END:  # a plain edge to END shows as the END edge of a terminal node
            found.add((s, t, False, None))
    for starts, t in builder.waiting_edges:
        found.update((s, t, False, None) for s in starts if t != END)
    for src, branches in builder.branches.items():
        for branch in branches.values():
            if branch.ends is not None:
                found.update((src, t, True, str(k)) for k, t in branch.ends.items())
            else:
                found.update((src, t, True, None) for t in [*builder.nodes, END] if t != src)
    for n, spec in builder.nodes.items():
        dests = spec.destinations
        if dests:
            items = dests.items() if isinstance(dests, dict) else ((d, d) for d in dests)
            found.update((n, t, True, str(label)) for t, label in items)
    return found


def _node_metadata(spec: Any, before: bool, after: bool) -> dict[str, Any]:
    metadata = dict(spec.metadata or {})
    if getattr(spec, "defer", False):
        metadata["defer"] = True
    if before or after:
        metadata["__interrupt"] = ",".join(
            w for w, on in (("before", before), ("after", after)) if on
        )
    return metadata
