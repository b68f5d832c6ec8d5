"""validate_spec: one table of bad specs, each with the pointer and message it must report."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from runtime.graphspec import Problem, Registry, validate_spec
from tests.runtime.graphspec.conftest import base_spec, load_demo

Spec = dict[str, Any]


def node(spec: Spec, node_id: str) -> dict[str, Any]:
    return next(n for n in spec["nodes"] if n["id"] == node_id)


def add_node(spec: Spec, new: dict[str, Any], *, from_: str = "b") -> None:
    spec["nodes"].append(new)
    spec["edges"].append({"id": "e_" + new["id"], "source": from_, "target": new["id"]})


def _set(path: str, value: Any) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        parts = path.strip("/").split("/")
        target: Any = spec
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        last = parts[-1]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def _drop(path: str) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        parts = path.strip("/").split("/")
        target: Any = spec
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[parts[-1]]

    return mutate


def _add_llm(config: dict[str, Any]) -> Callable[[Spec], None]:
    return lambda spec: add_node(spec, {"id": "m", "kind": "llm", "config": config})


def _fanout(**over: Any) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        add_node(
            spec,
            {"id": "t", "kind": "transform", "config": {"set": [{"field": "label", "value": "x"}]}},
        )
        spec["fanouts"] = [
            {"id": "f1", "source": "a", "items": "items", "target": "t", "as": "it", **over}
        ]

    return mutate


# (case id, mutation, pointer, message fragment, code, severity)
CASES: list[tuple[str, Callable[[Spec], None], str, str, str, str]] = [
    ("spec_version", _set("/spec_version", 2), "/spec_version", "must be 1", "schema", "error"),
    ("missing nodes", _drop("/nodes"), "/nodes", "needs 'nodes'", "schema", "error"),
    (
        "unknown top key",
        _set("/colour", "red"),
        "/colour",
        "unknown property 'colour'",
        "schema",
        "error",
    ),
    ("bad node id", _set("/nodes/1/id", "9lives"), "/nodes/1/id", "not valid", "schema", "error"),
    (
        "node kind type",
        _set("/nodes/0/kind", 3),
        "/nodes/0/kind",
        "must be a string",
        "schema",
        "error",
    ),
    (
        "bad field type",
        _set("/state/fields/2/type", "str"),
        "/state/fields/2/type",
        "must be one of",
        "schema",
        "error",
    ),
    (
        "bad reducer name",
        _set("/state/fields/2/reducer", "sum"),
        "/state/fields/2/reducer",
        "must be one of",
        "schema",
        "error",
    ),
    (
        "timeout without a limit",
        _set("/nodes/0/timeout", {"refresh_on": "auto"}),
        "/nodes/0/timeout",
        "",
        "schema",
        "error",
    ),
    (
        "negative timeout",
        _set("/nodes/0/timeout", {"run_timeout": -1}),
        "/nodes/0/timeout/run_timeout",
        "",
        "schema",
        "error",
    ),
    (
        "cache ttl",
        _set("/nodes/0/cache", {"ttl": 0}),
        "/nodes/0/cache/ttl",
        "",
        "schema",
        "error",
    ),
    (
        "retry attempts",
        _set("/nodes/0/retry", {"max_attempts": 0}),
        "/nodes/0/retry/max_attempts",
        "minimum",
        "schema",
        "error",
    ),
    (
        "unknown kind",
        _set("/nodes/1/kind", "teleport"),
        "/nodes/1/kind",
        "'teleport' is not a node kind",
        "unknown_kind",
        "error",
    ),
    (
        "config missing key",
        _set("/nodes/0/config", {}),
        "/nodes/0/config/set",
        "needs 'set'",
        "config",
        "error",
    ),
    (
        "config wrong type",
        _set("/nodes/0/config", {"set": "x"}),
        "/nodes/0/config/set",
        "must be a list",
        "config",
        "error",
    ),
    (
        "config unknown key",
        _set("/nodes/0/config/extra", 1),
        "/nodes/0/config/extra",
        "unknown property 'extra'",
        "config",
        "error",
    ),
    (
        "config field unknown",
        _set("/nodes/0/config/set/0/field", "nope"),
        "/nodes/0/config/set/0/field",
        "'nope' is not a state field",
        "unknown_field",
        "error",
    ),
    (
        "edge to nothing",
        _set("/edges/1/target", "ghost"),
        "/edges/1/target",
        "'ghost', which is not a node",
        "unknown_node",
        "error",
    ),
    (
        "edge from nothing",
        _set("/edges/1/source", "ghost"),
        "/edges/1/source",
        "starts at 'ghost'",
        "unknown_node",
        "error",
    ),
    (
        "edge from end",
        _set("/edges/1/source", "__end__"),
        "/edges/1/source",
        "cannot start at __end__",
        "bad_reference",
        "error",
    ),
    (
        "edge into start",
        _set("/edges/1/target", "__start__"),
        "/edges/1/target",
        "cannot lead to __start__",
        "bad_reference",
        "error",
    ),
    (
        "route target",
        _set("/routes/0/branches/0/target", "ghost"),
        "/routes/0/branches/0/target",
        "'ghost', which is not a node",
        "unknown_node",
        "error",
    ),
    (
        "route default",
        _set("/routes/0/default", "ghost"),
        "/routes/0/default",
        "'ghost'",
        "unknown_node",
        "error",
    ),
    (
        "duplicate node id",
        lambda s: s["nodes"].append(copy.deepcopy(s["nodes"][1])),
        "/nodes/2/id",
        "'b' is used twice",
        "duplicate_id",
        "error",
    ),
    (
        "duplicate edge id",
        _set("/edges/1/id", "e1"),
        "/edges/1/id",
        "already used by /edges/0",
        "duplicate_id",
        "error",
    ),
    (
        "edge and route share id",
        _set("/routes/0/id", "e2"),
        "/routes/0/id",
        "already used by /edges/1",
        "duplicate_id",
        "error",
    ),
    (
        "duplicate field",
        lambda s: s["state"]["fields"].append({"name": "label", "type": "string"}),
        "/state/fields/4/name",
        "defined twice",
        "duplicate_id",
        "error",
    ),
    (
        "node named like field",
        lambda s: add_node(s, {"id": "label", "kind": "router"}),
        "/nodes/2/id",
        "also a state field",
        "duplicate_id",
        "error",
    ),
    (
        "unreachable",
        lambda s: s["nodes"].append(
            {"id": "lost", "kind": "transform", "config": {"set": [{"field": "label", "value": 1}]}}
        ),
        "/nodes/2",
        "cannot be reached from __start__",
        "unreachable",
        "warning",
    ),
    (
        "no entry",
        _set("/edges/0/source", "b"),
        "/edges",
        "Nothing starts the graph",
        "no_entry",
        "error",
    ),
    (
        "no path to end",
        _set("/edges/1/target", "b"),
        "/nodes/1",
        "",
        "cycle_without_exit",
        "warning",
    ),
    (
        "dead end",
        lambda s: s["edges"].pop(1),
        "/nodes/1",
        "No path leads from node 'b' to __end__",
        "no_path_to_end",
        "warning",
    ),
    (
        "cycle without exit",
        lambda s: (
            s["edges"].pop(1),
            s["edges"].append({"id": "back", "source": "b", "target": "a"}),
            s["routes"][0].update(default="b"),
        ),
        "/nodes/0",
        "cycle through a, b has no way out",
        "cycle_without_exit",
        "warning",
    ),
    (
        "expression syntax",
        _set("/routes/0/branches/0/when", "state.count <"),
        "/routes/0/branches/0/when",
        "does not parse: unexpected 'end of expression' (line 1, column 14)",
        "syntax",
        "error",
    ),
    (
        "expression unknown field",
        _set("/routes/0/branches/0/when", "state.cuont > 1"),
        "/routes/0/branches/0/when",
        "'state.cuont' names no state field",
        "unknown_field",
        "error",
    ),
    (
        "edge beside route",
        lambda s: s["edges"].append({"id": "x", "source": "a", "target": "b"}),
        "/edges/2",
        "has a route and also this plain edge",
        "edge_and_route",
        "warning",
    ),
    (
        "bare unknown field",
        _set("/routes/0/branches/0/when", "state.nope"),
        "/routes/0/branches/0/when",
        "'state.nope' names no state field",
        "unknown_field",
        "error",
    ),
    (
        "bare unknown name",
        _set("/routes/0/branches/0/when", "nope"),
        "/routes/0/branches/0/when",
        "'nope' is not defined",
        "unknown_name",
        "error",
    ),
    (
        "unknown filter",
        _set("/routes/0/branches/0/when", "state.count | explode"),
        "/routes/0/branches/0/when",
        "no filter named 'explode'",
        "unsafe",
        "error",
    ),
    (
        "expression unknown name",
        _set("/routes/0/branches/0/when", "count > 1"),
        "/routes/0/branches/0/when",
        "'count' is not defined",
        "unknown_name",
        "error",
    ),
    (
        "expression unsafe",
        _set("/routes/0/branches/0/when", "state.__class__"),
        "/routes/0/branches/0/when",
        "Not allowed: access to attribute '__class__'",
        "unsafe",
        "error",
    ),
    (
        "template syntax",
        _set("/nodes/1/config/set/0/template", "{% if %}"),
        "/nodes/1/config/set/0/template",
        "template does not parse",
        "syntax",
        "error",
    ),
    (
        "template unknown field",
        _set("/nodes/1/config/set/0/template", "{{ state.nope }}"),
        "/nodes/1/config/set/0/template",
        "'state.nope' names no state field",
        "unknown_field",
        "error",
    ),
    (
        "config expression syntax",
        _set("/nodes/0/config/set/0/expression", "1 +"),
        "/nodes/0/config/set/0/expression",
        "does not parse",
        "syntax",
        "error",
    ),
    (
        "reducer append on string",
        _set("/state/fields/2/reducer", "append"),
        "/state/fields/2/reducer",
        "'append' does not fit the string field 'label'",
        "reducer_type",
        "error",
    ),
    (
        "reducer merge on array",
        _set("/state/fields/3/reducer", "merge"),
        "/state/fields/3/reducer",
        "'merge' does not fit",
        "reducer_type",
        "error",
    ),
    (
        "reducer messages on number",
        _set("/state/fields/1/reducer", "messages"),
        "/state/fields/1/reducer",
        "'messages' does not fit the integer field",
        "reducer_type",
        "error",
    ),
    (
        "default type",
        _set("/state/fields/1/default", "zero"),
        "/state/fields/1/default",
        "not a integer",
        "default_type",
        "error",
    ),
    (
        "reserved branch label",
        _set("/routes/0/branches/0/label", "default"),
        "/routes/0/branches/0/label",
        "reserved",
        "reserved_label",
        "error",
    ),
    (
        "breakpoint unknown",
        _set("/breakpoints", {"before": ["ghost"]}),
        "/breakpoints/before/0",
        "'ghost', which is not a node",
        "unknown_node",
        "error",
    ),
    (
        "fanout items unknown",
        _fanout(items="nope"),
        "/fanouts/0/items",
        "'nope', which is not a state field",
        "unknown_field",
        "error",
    ),
    (
        "fanout items not list",
        _fanout(items="label"),
        "/fanouts/0/items",
        "needs a list field",
        "field_type",
        "error",
    ),
    (
        "fanout to end",
        _fanout(target="__end__"),
        "/fanouts/0/target",
        "must send items to a node",
        "bad_reference",
        "error",
    ),
    (
        "fanout as state",
        _fanout(**{"as": "state"}),
        "/fanouts/0/as",
        "cannot be called 'state'",
        "reserved_name",
        "error",
    ),
    (
        "router without route",
        lambda s: add_node(s, {"id": "r", "kind": "router", "config": {}}),
        "/nodes/2",
        "has no route leaving it",
        "router_without_route",
        "error",
    ),
    (
        "llm unknown tool",
        _add_llm({"tools": ["nuke"]}),
        "/nodes/2/config/tools/0",
        "No tool named 'nuke'",
        "unknown_tool",
        "error",
    ),
    (
        "llm bad provider",
        _add_llm({"provider": "skynet"}),
        "/nodes/2/config/provider",
        "must be one of",
        "config",
        "error",
    ),
    (
        "llm input not messages",
        _add_llm({"input_messages_field": "label"}),
        "/nodes/2/config/input_messages_field",
        "string field",
        "field_type",
        "error",
    ),
    (
        "llm bad structured schema",
        _add_llm({"structured_output": {"type": "nope"}}),
        "/nodes/2/config/structured_output",
        "Not a valid JSON Schema",
        "config",
        "error",
    ),
    (
        "llm fake replies on openai",
        _add_llm({"provider": "openai", "fake_replies": [{"content": "x"}]}),
        "/nodes/2/config/fake_replies",
        "only by the fake provider",
        "config",
        "warning",
    ),
    (
        "python unknown function",
        lambda s: add_node(s, {"id": "p", "kind": "python", "config": {"function": "rm_rf"}}),
        "/nodes/2/config/function",
        "No function named 'rm_rf'",
        "unknown_function",
        "error",
    ),
    (
        "human bad form",
        lambda s: add_node(s, {"id": "h", "kind": "human", "config": {"form_schema": {"type": 5}}}),
        "/nodes/2/config/form_schema",
        "not a valid JSON Schema",
        "config",
        "error",
    ),
    (
        "human unknown field",
        lambda s: add_node(
            s,
            {
                "id": "h",
                "kind": "human",
                "config": {"show_fields": ["nope"], "decision_field": "label"},
            },
        ),
        "/nodes/2/config/show_fields/0",
        "'nope' is not a state field",
        "unknown_field",
        "error",
    ),
    (
        "http host not allowed",
        lambda s: add_node(
            s,
            {
                "id": "h",
                "kind": "http",
                "config": {"url": "https://169.254.169.254/", "output_field": "label"},
            },
        ),
        "/nodes/2/config/url",
        "does not allow requests to '169.254.169.254'",
        "host_not_allowed",
        "warning",
    ),
    (
        "tools unknown",
        lambda s: add_node(s, {"id": "t", "kind": "tools", "config": {"tools": ["nuke"]}}),
        "/nodes/2/config/tools/0",
        "No tool named 'nuke'",
        "unknown_tool",
        "error",
    ),
    (
        "subgraph output field",
        lambda s: add_node(
            s,
            {"id": "g", "kind": "subgraph", "config": {"graph_id": "x", "outputs": {"nope": "y"}}},
        ),
        "/nodes/2/config/outputs/nope",
        "'nope' is not a state field",
        "unknown_field",
        "error",
    ),
]


def test_base_spec_is_valid():
    assert validate_spec(base_spec()) == []


@pytest.mark.parametrize(
    ("mutate", "where", "fragment", "code", "severity"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_bad_spec_reports_problem(mutate, where, fragment, code, severity):
    spec = base_spec()
    mutate(spec)
    problems = validate_spec(spec, registry=Registry(use_entry_points=False))
    matching = [p for p in problems if p.pointer == where and p.code == code]
    assert matching, f"no {code} at {where}; got {[str(p) for p in problems]}"
    assert any(fragment in p.message and p.severity == severity for p in matching), [
        str(p) for p in matching
    ]
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.message[0].isupper() or problem.message[0] in "'/", problem.message
        assert problem.severity in ("error", "warning")


def test_all_problems_reported_at_once():
    spec = base_spec()
    spec["nodes"][1]["kind"] = "teleport"
    spec["edges"][1]["target"] = "ghost"
    spec["routes"][0]["branches"][0]["when"] = "state.nope"
    spec["state"]["fields"][2]["reducer"] = "merge"
    codes = {p.code for p in validate_spec(spec)}
    assert {"unknown_kind", "unknown_node", "unknown_field", "reducer_type"} <= codes


@pytest.mark.parametrize(
    "junk",
    [
        None,
        1,
        "spec",
        [],
        {"nodes": 5},
        {
            "spec_version": 1,
            "state": {"fields": [1, None]},
            "nodes": [None, {"id": 3}],
            "edges": [{}],
            "routes": [{"branches": [None]}],
            "fanouts": "x",
            "breakpoints": {"before": "a"},
        },
    ],
)
def test_garbage_never_raises(junk):
    problems = validate_spec(junk)
    assert problems and all(p.severity in ("error", "warning") for p in problems)
    assert not any(p.code == "internal" for p in problems)


@pytest.mark.parametrize("name", ["support_triage.json", "research_agent.json", "map_reduce.json"])
def test_demos_are_valid(name):
    assert validate_spec(load_demo(name)) == []


def test_problem_pointer_escapes_keys():
    spec = base_spec()
    spec["nodes"].append(
        {"id": "g", "kind": "subgraph", "config": {"graph_id": "x", "outputs": {"a/b": "y"}}}
    )
    spec["edges"].append({"id": "eg", "source": "b", "target": "g"})
    pointers = {p.pointer for p in validate_spec(spec)}
    assert "/nodes/2/config/outputs/a~1b" in pointers


def test_fanout_target_may_use_its_item_name_but_others_may_not():
    spec = base_spec()
    spec["nodes"].append(
        {
            "id": "t",
            "kind": "transform",
            "config": {"set": [{"field": "label", "expression": "it.name"}]},
        }
    )
    spec["edges"].append({"id": "et", "source": "t", "target": "__end__"})
    spec["fanouts"] = [{"id": "f1", "source": "a", "items": "items", "target": "t", "as": "it"}]
    assert validate_spec(spec) == []
    spec["nodes"][1]["config"]["set"][0] = {"field": "label", "expression": "it.name"}
    problems = validate_spec(spec)
    assert [(p.pointer, p.code) for p in problems] == [
        ("/nodes/1/config/set/0/expression", "unknown_name")
    ]
