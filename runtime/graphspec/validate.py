"""``validate_spec``: every problem of a spec at once, each with a JSON pointer.

Checks run in layers: the GraphSpec JSON Schema, then fields, nodes (kind, config schema,
the kind's own checks), references between nodes, expressions, and finally the shape of
the graph (reachability, a way to END, cycles without exit). Later layers skip items that
earlier layers found malformed, so one mistake is reported once, and nothing in here
raises on bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.graphspec.kinds import KINDS, CheckContext
from runtime.graphspec.kinds.base import check_expression
from runtime.graphspec.problems import Problem, pointer
from runtime.graphspec.registry import Registry, default_registry
from runtime.graphspec.routing import DEFAULT_LABEL, branch_label
from runtime.graphspec.schema import graphspec_schema, schema_problems
from runtime.graphspec.state import reducer_fits, value_fits

START = "__start__"
END = "__end__"


def validate_spec(spec: Any, *, registry: Registry | None = None) -> list[Problem]:
    """All problems of ``spec`` (errors and warnings), sorted by pointer. Never raises."""
    try:
        return _Validator(spec, registry or default_registry()).run()
    except Exception as exc:  # a bug here must not become a server error for the user
        message = f"The spec could not be checked ({type(exc).__name__}: {exc})."
        return [Problem("", message, "error", "internal")]


def _dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class _Validator:
    def __init__(self, spec: Any, registry: Registry):
        self.spec = spec
        self.registry = registry
        self.problems: list[Problem] = []
        self.fields: dict[str, dict[str, Any]] = {}
        self.nodes: dict[str, tuple[int, dict[str, Any]]] = {}
        self.graph: dict[str, set[str]] = {}  # source -> targets, valid references only

    def error(self, where: str, message: str, code: str) -> None:
        self.problems.append(Problem(where, message, "error", code))

    def warning(self, where: str, message: str, code: str) -> None:
        self.problems.append(Problem(where, message, "warning", code))

    def run(self) -> list[Problem]:
        if not isinstance(self.spec, dict):
            return [Problem("", "The spec must be a JSON object.", "error", "schema")]
        self.problems.extend(schema_problems(self.spec, graphspec_schema()))
        self.check_fields()
        self.check_nodes()
        self.check_ids()
        self.check_edges()
        self.check_routes()
        self.check_fanouts()
        self.check_breakpoints()
        self.check_node_configs()
        self.check_shape()
        self.check_mixed_exits()
        order = {"error": 0, "warning": 1}
        # Stable: schema problems first within a pointer, then semantic ones.
        return sorted(self.problems, key=lambda p: (order[p.severity], p.pointer))

    # -- state ---------------------------------------------------------------------------

    def check_fields(self) -> None:
        state = self.spec.get("state")
        fields = state.get("fields") if isinstance(state, dict) else None
        for i, field in _dicts(fields):
            name = _str(field.get("name"))
            if name is None:
                continue
            if name in self.fields:
                self.error(
                    pointer("state", "fields", i, "name"),
                    f"The state field '{name}' is defined twice.",
                    "duplicate_id",
                )
                continue
            self.fields[name] = field
            ftype = field.get("type", "any")
            reducer = field.get("reducer", "replace")
            if isinstance(ftype, str) and isinstance(reducer, str):
                if reducer in (
                    "append",
                    "add",
                    "merge",
                    "messages",
                    "replace",
                ) and not reducer_fits(reducer, ftype):
                    self.error(
                        pointer("state", "fields", i, "reducer"),
                        f"The reducer '{reducer}' does not fit the {ftype} field '{name}'.",
                        "reducer_type",
                    )
                if "default" in field and not value_fits(ftype, field["default"]):
                    self.error(
                        pointer("state", "fields", i, "default"),
                        f"The default of '{name}' is not a {ftype}.",
                        "default_type",
                    )

    # -- nodes and ids -------------------------------------------------------------------

    def check_nodes(self) -> None:
        for i, node in _dicts(self.spec.get("nodes")):
            node_id = _str(node.get("id"))
            if node_id is None:
                continue
            if node_id in self.nodes:
                self.error(
                    pointer("nodes", i, "id"),
                    f"The node id '{node_id}' is used twice.",
                    "duplicate_id",
                )
                continue
            self.nodes[node_id] = (i, node)
            self.graph.setdefault(node_id, set())
            if node_id in self.fields:
                self.error(
                    pointer("nodes", i, "id"),
                    f"The node id '{node_id}' is also a state field name; rename one of them.",
                    "duplicate_id",
                )
            kind = _str(node.get("kind"))
            if kind is not None and kind not in KINDS:
                self.error(
                    pointer("nodes", i, "kind"),
                    f"'{kind}' is not a node kind; use one of: {', '.join(KINDS)}.",
                    "unknown_kind",
                )

    def check_ids(self) -> None:
        seen: dict[str, str] = {}
        for section in ("edges", "routes", "fanouts"):
            for i, item in _dicts(self.spec.get(section)):
                item_id = _str(item.get("id"))
                if item_id is None:
                    continue
                if item_id in seen:
                    self.error(
                        pointer(section, i, "id"),
                        f"The id '{item_id}' is already used by {seen[item_id]}.",
                        "duplicate_id",
                    )
                else:
                    seen[item_id] = pointer(section, i)

    # -- references ----------------------------------------------------------------------

    def ref(self, where: str, ref: Any, role: str, what: str) -> str | None:
        """Check a source/target reference; return it when it names something real."""
        if not isinstance(ref, str):
            return None
        if role == "source":
            if ref == END:
                self.error(where, f"{what} cannot start at __end__.", "bad_reference")
                return None
            if ref == START or ref in self.nodes:
                return ref
            self.error(where, f"{what} starts at '{ref}', which is not a node.", "unknown_node")
            return None
        if ref == START:
            self.error(where, f"{what} cannot lead to __start__.", "bad_reference")
            return None
        if ref == END or ref in self.nodes:
            return ref
        self.error(where, f"{what} points to '{ref}', which is not a node.", "unknown_node")
        return None

    def connect(self, source: str | None, target: str | None) -> None:
        if source is not None and target is not None:
            self.graph.setdefault(source, set()).add(target)

    def check_edges(self) -> None:
        for i, edge in _dicts(self.spec.get("edges")):
            what = f"Edge '{edge.get('id', i)}'"
            source = self.ref(pointer("edges", i, "source"), edge.get("source"), "source", what)
            target = self.ref(pointer("edges", i, "target"), edge.get("target"), "target", what)
            self.connect(source, target)

    def check_routes(self) -> None:
        for i, route in _dicts(self.spec.get("routes")):
            what = f"Route '{route.get('id', i)}'"
            source = self.ref(pointer("routes", i, "source"), route.get("source"), "source", what)
            labels: dict[str, Any] = {}
            for j, branch in _dicts(route.get("branches")):
                where = pointer("routes", i, "branches", j)
                target = self.ref(where + "/target", branch.get("target"), "target", what)
                self.connect(source, target)
                check_expression(
                    branch.get("when"), where + "/when", self.fields, frozenset(), self.problems
                )
                if not isinstance(branch.get("target"), str):
                    continue
                label = branch_label(branch)
                if label == DEFAULT_LABEL:
                    self.error(
                        where + "/label",
                        f"'{DEFAULT_LABEL}' is reserved for the route's default; pick another label.",
                        "reserved_label",
                    )
                elif label in labels and labels[label] != branch.get("target"):
                    self.error(
                        where + "/label",
                        f"Two branches of {what} are labelled '{label}' but go to different nodes.",
                        "duplicate_label",
                    )
                labels.setdefault(label, branch.get("target"))
            default = self.ref(
                pointer("routes", i, "default"), route.get("default"), "target", what
            )
            self.connect(source, default)

    def check_fanouts(self) -> None:
        for i, fanout in _dicts(self.spec.get("fanouts")):
            what = f"Fan-out '{fanout.get('id', i)}'"
            source = self.ref(pointer("fanouts", i, "source"), fanout.get("source"), "source", what)
            target = self.ref(pointer("fanouts", i, "target"), fanout.get("target"), "target", what)
            if target == END:
                self.error(
                    pointer("fanouts", i, "target"),
                    f"{what} must send items to a node.",
                    "bad_reference",
                )
                target = None
            self.connect(source, target)
            items = _str(fanout.get("items"))
            if items is not None:
                field = self.fields.get(items)
                if field is None:
                    self.error(
                        pointer("fanouts", i, "items"),
                        f"{what} reads items from '{items}', which is not a state field.",
                        "unknown_field",
                    )
                elif field.get("type") not in ("array", "messages", "any"):
                    self.error(
                        pointer("fanouts", i, "items"),
                        f"{what} needs a list field, but '{items}' is a {field.get('type')}.",
                        "field_type",
                    )
            if fanout.get("as") == "state":
                self.error(
                    pointer("fanouts", i, "as"),
                    "The item cannot be called 'state'.",
                    "reserved_name",
                )

    def check_breakpoints(self) -> None:
        points = self.spec.get("breakpoints")
        if not isinstance(points, dict):
            return
        for when in ("before", "after"):
            names = points.get(when)
            for i, name in enumerate(names if isinstance(names, list) else []):
                if isinstance(name, str) and name not in self.nodes:
                    self.error(
                        pointer("breakpoints", when, i),
                        f"The breakpoint names '{name}', which is not a node.",
                        "unknown_node",
                    )

    # -- node configs --------------------------------------------------------------------

    def check_node_configs(self) -> None:
        item_names: dict[str, set[str]] = {}
        for _, fanout in _dicts(self.spec.get("fanouts")):
            if isinstance(fanout.get("target"), str):
                alias = fanout.get("as")
                name = alias if isinstance(alias, str) else "item"
                item_names.setdefault(fanout["target"], set()).add(name)
        routes_from: dict[str, list[Mapping[str, Any]]] = {}
        for _, route in _dicts(self.spec.get("routes")):
            if isinstance(route.get("source"), str):
                routes_from.setdefault(route["source"], []).append(route)
        for node_id, (i, node) in self.nodes.items():
            kind_name = node.get("kind")
            kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
            if kind is None:
                continue
            config = node.get("config", {})
            if not isinstance(config, dict):
                continue  # the GraphSpec schema already said so
            config_problems = schema_problems(
                config, kind.config_schema, ("nodes", i, "config"), "config"
            )
            self.problems.extend(config_problems)
            if config_problems:
                continue  # the kind's own checks assume a config of the right shape
            ctx = CheckContext(
                index=i,
                node_id=node_id,
                fields=self.fields,
                registry=self.registry,
                item_names=frozenset(item_names.get(node_id, ())),
                routes=routes_from.get(node_id, []),
                problems=self.problems,
            )
            kind.check(config, ctx)

    def check_mixed_exits(self) -> None:
        # LangGraph runs plain edges *and* the chosen route; on a canvas that is usually a
        # leftover edge, so say so (it stays legal: parallel branches are a real pattern).
        routed = {_str(r.get("source")) for _, r in _dicts(self.spec.get("routes"))}
        for i, edge in _dicts(self.spec.get("edges")):
            source = edge.get("source")
            if isinstance(source, str) and source in routed and source != START:
                self.warning(
                    pointer("edges", i),
                    f"Node '{source}' has a route and also this plain edge; both are followed, "
                    "so the edge's target runs whatever the route decides.",
                    "edge_and_route",
                )

    # -- the shape of the graph ----------------------------------------------------------

    def check_shape(self) -> None:
        if not self.graph.get(START):
            self.error(
                "/edges",
                "Nothing starts the graph: add an edge from __start__ to the first node.",
                "no_entry",
            )
            return
        reached = _reachable(self.graph, START)
        for node_id, (i, _) in self.nodes.items():
            if node_id not in reached:
                # A warning, as LangGraph compiles it: only a Command(goto) or Send could run it.
                self.warning(
                    pointer("nodes", i),
                    f"Node '{node_id}' cannot be reached from __start__; connect an edge to it.",
                    "unreachable",
                )
        reverse: dict[str, set[str]] = {}
        for source, targets in self.graph.items():
            for target in targets:
                reverse.setdefault(target, set()).add(source)
        finishing = _reachable(reverse, END)
        trapped: set[str] = set()
        for component in _cycles(self.graph):
            exits = {t for n in component for t in self.graph.get(n, ()) if t not in component}
            if not exits:
                trapped |= component
                first = min(component, key=lambda n: self.nodes[n][0] if n in self.nodes else -1)
                names = ", ".join(sorted(component))
                self.warning(
                    pointer("nodes", self.nodes[first][0]) if first in self.nodes else "/edges",
                    f"The cycle through {names} has no way out; the run will loop until the "
                    "recursion limit.",
                    "cycle_without_exit",
                )
        for node_id, (i, _) in self.nodes.items():
            if node_id in reached and node_id not in finishing and node_id not in trapped:
                self.warning(
                    pointer("nodes", i),
                    f"No path leads from node '{node_id}' to __end__.",
                    "no_path_to_end",
                )


def _reachable(graph: Mapping[str, set[str]], start: str) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _cycles(graph: Mapping[str, set[str]]) -> list[set[str]]:
    """Strongly connected components that contain a cycle (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[set[str]] = []
    counter = 0
    for root in list(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            if children:
                child = children.pop()
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(graph.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    result.append(component)
    return result
