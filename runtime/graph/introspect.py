"""``get_graph()``: a compiled graph's nodes and edges as data and as Mermaid text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from runtime.constants import END, START


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    conditional: bool = False
    data: str | None = None  # the label of a conditional edge


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

    def draw_mermaid(self) -> str:
        """Mermaid flowchart text (ids sanitised, labels quoted)."""
        lines = ["graph TD;"]
        ids = {nid: _mermaid_id(nid) for nid in self.nodes}
        for nid, node in self.nodes.items():
            label = node.name.replace('"', "'")
            if nid == START:
                lines.append(f'\t{ids[nid]}(["<p>{START}</p>"]):::first')
            elif nid == END:
                lines.append(f'\t{ids[nid]}(["<p>{END}</p>"]):::last')
            else:
                lines.append(f'\t{ids[nid]}["{label}"]')
        for e in self.edges:
            s, t = (
                ids.get(e.source, _mermaid_id(e.source)),
                ids.get(e.target, _mermaid_id(e.target)),
            )
            if e.conditional:
                label = (e.data or "").replace('"', "'").replace("|", "/")
                lines.append(f"\t{s} -.->|{label}| {t};" if label else f"\t{s} -.-> {t};")
            else:
                lines.append(f"\t{s} --> {t};")
        lines.append("\tclassDef default fill:#f2f0ff,line-height:1.2")
        lines.append("\tclassDef first fill-opacity:0")
        lines.append("\tclassDef last fill:#bfb6fc")
        return "\n".join(lines) + "\n"


def _mermaid_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def describe(builder: Any, name: str) -> DrawableGraph:
    """Build the drawable graph of a StateGraph builder."""
    nodes: dict[str, Node] = {START: Node(START, START)}
    for n, spec in builder.nodes.items():
        nodes[n] = Node(n, n, dict(spec.metadata))
    edges: list[Edge] = []
    for s, t in sorted(builder.edges):
        edges.append(Edge(s, t))
    for starts, t in sorted(builder.waiting_edges):
        for s in starts:
            edges.append(Edge(s, t))
    for src, branches in builder.branches.items():
        for branch in branches.values():
            if branch.ends is not None:
                for key, target in branch.ends.items():
                    label = None if str(key) == target else str(key)
                    edges.append(Edge(src, target, True, label))
            else:
                for target in [*builder.nodes, END]:
                    if target != src:
                        edges.append(Edge(src, target, True))
    for n, spec in builder.nodes.items():
        dests = spec.destinations
        if dests:
            items = dests.items() if isinstance(dests, dict) else ((d, d) for d in dests)
            for target, label in items:
                edges.append(Edge(n, target, True, None if label == target else str(label)))
    if any(e.target == END for e in edges) or any(
        not any(e.source == n for e in edges) for n in builder.nodes
    ):
        nodes[END] = Node(END, END)
    # nodes with no way out end the graph
    for n in builder.nodes:
        if not any(e.source == n for e in edges):
            edges.append(Edge(n, END))
    seen: set[tuple[str, str, bool, str | None]] = set()
    unique: list[Edge] = []
    for e in edges:
        key = (e.source, e.target, e.conditional, e.data)
        if key not in seen:
            seen.add(key)
            unique.append(e)
    return DrawableGraph(name, nodes, unique)
