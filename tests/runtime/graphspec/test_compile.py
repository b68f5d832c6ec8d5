"""compile_spec onto runtime.StateGraph: structure matches the spec, and the spec runs."""

from __future__ import annotations

import copy
import itertools
import threading
from typing import Any

import pytest

from runtime import Command
from runtime.checkpoint.memory import InMemoryCheckpointer
from runtime.errors import NodeTimeoutError
from runtime.graphspec import Registry, SpecError, build_graph, compile_spec
from tests.runtime.graphspec.conftest import base_spec, load_demo

_threads = itertools.count()


def cfg() -> dict[str, Any]:
    return {"configurable": {"thread_id": f"t{next(_threads)}"}}


def expected_edges(spec: dict[str, Any]) -> set[tuple[str, str, bool, str | None]]:
    edges = {(e["source"], e["target"], False, None) for e in spec["edges"]}
    for route in spec.get("routes", []):
        for b in route["branches"]:
            label = b.get("label") or b["target"]
            edges.add((route["source"], b["target"], True, None if label == b["target"] else label))
        edges.add((route["source"], route["default"], True, "default"))
    for f in spec.get("fanouts", []):
        edges.add((f["source"], f["target"], True, None))
    return edges


@pytest.mark.parametrize(
    "spec",
    [
        base_spec(),
        load_demo("support_triage.json"),
        load_demo("research_agent.json"),
        load_demo("map_reduce.json"),
    ],
    ids=["base", "triage", "research", "map_reduce"],
)
def test_get_graph_matches_spec(spec):
    graph = compile_spec(spec).get_graph()
    assert set(graph.nodes) == {n["id"] for n in spec["nodes"]} | {"__start__", "__end__"}
    actual = {(e.source, e.target, e.conditional, e.data) for e in graph.edges}
    assert actual == expected_edges(spec)
    for n in spec["nodes"]:
        assert graph.nodes[n["id"]].metadata["kind"] == n["kind"]


def test_invalid_spec_raises_spec_error_with_every_problem():
    spec = base_spec()
    spec["nodes"][0]["kind"] = "nope"
    spec["edges"][1]["target"] = "ghost"
    with pytest.raises(SpecError) as info:
        compile_spec(spec)
    assert {p.code for p in info.value.problems} >= {"unknown_kind", "unknown_node"}
    assert "unknown_kind" in str(info.value) or "not a node kind" in str(info.value)


def test_routes_loop_until_condition():
    # a adds 1 each pass; the route goes to b while count < 3, b loops back to a.
    spec = base_spec()
    spec["edges"][1] = {"id": "e2", "source": "b", "target": "a"}
    out = compile_spec(spec).invoke({})
    assert out["count"] == 3
    assert out["label"] == "n=2"


def test_reducers_and_read_defaults():
    spec = {
        "spec_version": 1,
        "state": {
            "fields": [
                {"name": "total", "type": "number", "reducer": "add", "default": 10},
                {"name": "log", "type": "array", "reducer": "append"},
                {"name": "meta", "type": "object", "reducer": "merge"},
                {"name": "messages", "type": "messages", "reducer": "messages"},
                {"name": "seen", "type": "number"},
            ]
        },
        "nodes": [
            {
                "id": "one",
                "kind": "transform",
                "config": {
                    "set": [
                        {"field": "seen", "expression": "state.total"},
                        {"field": "total", "value": 2.5},
                        {"field": "log", "value": "first"},
                        {"field": "meta", "value": {"a": 1}},
                        {"field": "messages", "expression": "[{'role': 'user', 'content': 'hi'}]"},
                    ]
                },
            },
            {
                "id": "two",
                "kind": "transform",
                "config": {
                    "set": [
                        {"field": "total", "value": 1},
                        {"field": "log", "value": ["second", "third"]},
                        {"field": "meta", "value": {"b": 2}},
                    ]
                },
            },
        ],
        "edges": [
            {"id": "e1", "source": "__start__", "target": "one"},
            {"id": "e2", "source": "one", "target": "two"},
            {"id": "e3", "source": "two", "target": "__end__"},
        ],
    }
    out = compile_spec(spec).invoke({"total": 5})
    assert out["seen"] == 15  # the input is a write: added to the starting default
    assert out["total"] == 18.5
    assert out["log"] == ["first", "second", "third"]
    assert out["meta"] == {"a": 1, "b": 2}
    assert out["messages"][0].content == "hi" and out["messages"][0].id
    out = compile_spec(spec).invoke({})
    assert out["seen"] == 10 and out["total"] == 13.5


def test_retry_policy_retries_failing_node():
    calls = {"n": 0}

    def flaky(state):
        calls["n"] += 1
        if calls["n"] < 3:
            raise ConnectionError("try again")
        return {"label": "ok"}

    spec = base_spec()
    spec["nodes"][1] = {
        "id": "b",
        "kind": "python",
        "config": {"function": "flaky"},
        "retry": {"max_attempts": 3, "initial_interval": 0.0, "jitter": False},
    }
    registry = Registry(functions={"flaky": flaky}, use_entry_points=False)
    out = compile_spec(spec, registry=registry).invoke({})
    assert out["label"] == "ok" and calls["n"] == 3


def test_node_timeout_cancels_a_slow_sync_node_and_retry_tries_again():
    gate = threading.Event()
    calls = {"n": 0}

    def slow_once(state):
        calls["n"] += 1
        if calls["n"] == 1:
            gate.wait(5)  # the first attempt hangs until the test lets it go
        return {"label": f"attempt {calls['n']}"}

    spec = base_spec()
    spec["nodes"][1] = {
        "id": "b",
        "kind": "python",
        "config": {"function": "slow_once"},
        "timeout": {"run_timeout": 0.05},
        "retry": {"max_attempts": 2, "initial_interval": 0.0, "jitter": False},
    }
    registry = Registry(functions={"slow_once": slow_once}, use_entry_points=False)
    try:
        out = compile_spec(spec, registry=registry).invoke({})
    finally:
        gate.set()
    assert out["label"] == "attempt 2"
    spec["nodes"][1].pop("retry")
    calls["n"] = 0
    gate.clear()
    try:
        with pytest.raises(NodeTimeoutError):
            compile_spec(spec, registry=registry).invoke({})
    finally:
        gate.set()


def test_node_cache_reuses_a_result_for_the_same_input():
    calls: list[int] = []

    def counted(state):
        calls.append(state.get("n", 0))
        return {"label": f"n={state.get('n', 0)}"}

    spec = base_spec()
    spec["nodes"][1] = {
        "id": "b",
        "kind": "python",
        "config": {"function": "counted"},
        "cache": {"ttl": None},
    }
    graph = compile_spec(
        spec, registry=Registry(functions={"counted": counted}, use_entry_points=False)
    )
    assert graph.invoke({}) == graph.invoke({})
    assert len(calls) == 1


@pytest.mark.parametrize("when", ["before", "after"])
def test_breakpoints_pause_the_run(when):
    spec = base_spec()
    spec["breakpoints"] = {when: ["b"]}
    graph = compile_spec(spec, checkpointer=InMemoryCheckpointer())
    config = cfg()
    first = graph.invoke({}, config)
    assert "label" not in first if when == "before" else first["label"] == "n=1"
    assert graph.get_state(config).next == (("b",) if when == "before" else ())
    out = graph.invoke(None, config)
    assert out["label"] == "n=1"


def test_fanout_sends_each_item_with_its_name():
    out = compile_spec(load_demo("map_reduce.json")).invoke(
        {"documents": ["Cats purr. A lot.", "", "Dogs bark. Loudly."]}
    )
    assert out["summaries"] == ["Cats purr.", "Dogs bark."]
    assert out["summary"].startswith("2 documents:")


def test_research_agent_loops_through_tools():
    out = compile_spec(load_demo("research_agent.json")).invoke(
        {"messages": [{"role": "user", "content": "What is LangGraph?"}]}
    )
    roles = [m.type for m in out["messages"]]
    assert roles == ["human", "ai", "tool", "ai", "tool", "ai"]
    assert "42" in out["messages"][-1].content
    assert "stateful" in out["messages"][-1].content
    again = compile_spec(load_demo("research_agent.json")).invoke(
        {"messages": [{"role": "user", "content": "What is LangGraph?"}]}
    )
    ids = [c["id"] for m in out["messages"] for c in getattr(m, "tool_calls", [])]
    assert ids == [c["id"] for m in again["messages"] for c in getattr(m, "tool_calls", [])]
    assert len(set(ids)) == 2  # deterministic across runs, unique within one


def test_support_triage_approve_with_edit():
    graph = compile_spec(load_demo("support_triage.json"), checkpointer=InMemoryCheckpointer())
    config = cfg()
    first = graph.invoke({"ticket": "Please refund my invoice"}, config)
    request = first["__interrupt__"][0].value
    assert request["fields"]["category"] == "billing"
    assert "draft" in request["form_schema"]["properties"]
    out = graph.invoke(Command(resume={"decision": "approve", "draft": "Done!"}), config)
    assert out["status"] == "sent"
    assert out["messages"][-1].content == "Done!"


def test_support_triage_keeps_the_reviewers_comment_in_the_state():
    graph = compile_spec(load_demo("support_triage.json"), checkpointer=InMemoryCheckpointer())
    config = cfg()
    graph.invoke({"ticket": "Please refund my invoice"}, config)
    answer = {"decision": "approve", "comment": "Refund approved by finance"}
    out = graph.invoke(Command(resume=answer), config)
    assert out["status"] == "sent"
    assert out["review_answer"]["comment"] == "Refund approved by finance"


def test_support_triage_invalid_answer_asks_again_then_rejects():
    graph = compile_spec(load_demo("support_triage.json"), checkpointer=InMemoryCheckpointer())
    config = cfg()
    graph.invoke({"ticket": "How do I log in?"}, config)
    again = graph.invoke(Command(resume={"decision": "maybe"}), config)
    assert "error" in again["__interrupt__"][0].value
    assert "must be one of" in again["__interrupt__"][0].value["error"]
    out = graph.invoke(Command(resume="reject"), config)
    assert out["status"] == "rejected" and out["decision"] == "reject"


def test_support_triage_bug_is_escalated():
    out = compile_spec(load_demo("support_triage.json")).invoke({"ticket": "Crash on startup"})
    assert out["status"] == "escalated"
    assert out["notes"] == ["Escalated bug report: Crash on startup"]


def test_build_graph_returns_uncompiled_builder_and_options():
    spec = copy.deepcopy(base_spec())
    spec["breakpoints"] = {"before": ["b"]}
    builder, options = build_graph(spec)
    assert options["interrupt_before"] == ["b"]
    graph = builder.compile(checkpointer=InMemoryCheckpointer(), **options)
    assert graph.invoke({}, cfg())["count"] == 1


def test_conditional_entry_from_start():
    spec = base_spec()
    spec["edges"][0] = {"id": "e1", "source": "b", "target": "a"}
    spec["edges"].pop(1)
    spec["routes"] = [
        {
            "id": "r0",
            "source": "__start__",
            "branches": [{"when": "state.label == 'go-b'", "target": "b"}],
            "default": "a",
        }
    ]
    spec["edges"].append({"id": "e9", "source": "a", "target": "__end__"})
    graph = compile_spec(spec)
    assert graph.invoke({"label": "go-b"})["label"] == "n=0"
    assert graph.invoke({"label": "x"})["count"] == 1
