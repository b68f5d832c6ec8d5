"""The read-only GraphSpec picture of a code graph (GRAPHS_CONFIG): drawn from the engine's
own ``get_graph()`` and state schema, so the canvas shows what the engine runs."""

from __future__ import annotations

import operator
import types
import typing
from typing import Any

from runtime.constants import END, START
from runtime.graph.message import add_messages

# Python annotation → GraphSpec field type (the State tab and the run form speak these).
_FIELD_TYPES: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    tuple: "array",
    dict: "object",
}


def _field_type(annotation: Any) -> str:
    origin = typing.get_origin(annotation) or annotation
    if origin in (typing.Union, types.UnionType):  # Optional[str] is a string field
        kinds = {_field_type(a) for a in typing.get_args(annotation) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else "any"
    if typing.is_typeddict(origin):
        return "object"
    return _FIELD_TYPES.get(origin, "any")


def _field(name: str, annotation: Any) -> dict[str, Any]:
    """One state field from a schema key: ``Annotated[T, reducer]`` names its reducer."""
    field: dict[str, Any] = {"name": name, "type": "any"}
    reducer = None
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extras = typing.get_args(annotation)
        reducer = next((x for x in reversed(extras) if callable(x)), None)
    if reducer is add_messages or getattr(reducer, "__wrapped__", None) is add_messages:
        field.update(type="messages", reducer="messages")
        return field
    field["type"] = _field_type(annotation)
    if reducer is operator.add:
        field["reducer"] = "append" if field["type"] in ("array", "any") else "add"
    elif reducer is not None:
        # A Python reducer has no GraphSpec name; say so rather than show "replace".
        field["description"] = f"reducer: {getattr(reducer, '__name__', 'custom')}"
    return field


def _hints(schema: Any) -> dict[str, Any]:
    if schema is None:
        return {}
    try:
        return typing.get_type_hints(schema, include_extras=True)
    except Exception:  # an unresolvable forward reference: keep the names, type unknown
        return {name: Any for name in getattr(schema, "__annotations__", {})}


def code_state_fields(compiled: Any) -> list[dict[str, Any]]:
    """The graph's state schema as GraphSpec fields; those of its input schema are marked
    ``input`` when it has its own (the run form then asks only for them)."""
    builder = getattr(compiled, "builder", None)
    state = _hints(getattr(builder, "state_schema", None))
    input_schema = getattr(builder, "input_schema", None)
    own_input = input_schema is not None and input_schema is not getattr(
        builder, "state_schema", None
    )
    inputs = _hints(input_schema) if own_input else {}
    fields = [_field(name, hint) for name, hint in state.items()]
    fields += [_field(name, hint) for name, hint in inputs.items() if name not in state]
    for field in fields:
        if field["name"] in inputs:
            field["input"] = True
    return fields


def _columns(drawn: Any) -> dict[str, int]:
    """Columns by distance from START (breadth first), so the picture reads left to right."""
    depth = {START: 0}
    queue = [START]
    for current in queue:
        for edge in drawn.edges:
            if edge.source == current and edge.target not in depth:
                depth[edge.target] = depth[current] + 1
                queue.append(edge.target)
    return depth


def code_nodes(drawn: Any) -> list[dict[str, Any]]:
    depth = _columns(drawn)
    loops = any(depth.get(e.target, 1) <= depth.get(e.source, 1) for e in drawn.edges)
    rows: dict[int, int] = {}
    nodes = []
    for node in drawn.nodes.values():
        if node.id in (START, END):
            continue
        meta = node.metadata or {}
        column = depth.get(node.id, 1)
        row = rows[column] = rows.get(column, -1) + 1
        nodes.append(
            {
                "id": node.id,
                "kind": str(meta.get("kind") or "code"),
                "label": str(meta.get("label") or node.name),
                "config": {},
                # With a loop, odd columns sit lower: the edge back to an earlier node
                # then runs between the rows instead of under the forward edges.
                "position": {"x": column * 260, "y": row * 140 + loops * (column % 2) * 180},
            }
        )
    return nodes


def code_edges(drawn: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Plain edges, and one route per node with conditional edges: each branch labelled by
    its path-map key (or its destination when the router names nodes directly, as a Send
    fan-out does)."""
    edges: list[dict[str, Any]] = []
    routes: dict[str, dict[str, Any]] = {}
    for index, edge in enumerate(drawn.edges):
        if not edge.conditional:
            edges.append({"id": f"e{index}", "source": edge.source, "target": edge.target})
            continue
        route = routes.setdefault(
            edge.source,
            {"id": f"r{len(routes) + 1}", "source": edge.source, "branches": [], "default": None},
        )
        label = str(edge.data) if edge.data is not None else edge.target
        route["branches"].append({"label": label, "when": label, "target": edge.target})
    return edges, list(routes.values())
