"""load_graphs_config: langgraph.json-shaped files naming graphs in Python modules."""

from __future__ import annotations

import json
import textwrap

import pytest

from runtime.checkpoint.memory import InMemoryCheckpointer
from runtime.examples import GRAPHS_CONFIG
from runtime.graphspec import GraphsConfigError, ensure_compiled, load_graphs_config

MODULE = textwrap.dedent(
    """
    from typing import TypedDict
    from runtime import StateGraph, START, END

    class S(TypedDict):
        n: int

    def inc(state):
        return {"n": state["n"] + 1}

    builder = StateGraph(S)
    builder.add_node("inc", inc)
    builder.add_edge(START, "inc")
    builder.add_edge("inc", END)
    compiled = builder.compile()

    def make_graph():
        return builder

    not_a_graph = 42
    """
)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "mine.py").write_text(MODULE)
    return tmp_path


def write_config(project, graphs):
    path = project / "langgraph.json"
    path.write_text(json.dumps({"graphs": graphs}))
    return path


def test_loads_compiled_uncompiled_and_factory_graphs(project):
    path = write_config(
        project,
        {
            "a": "./agents/mine.py:compiled",
            "b": "agents/mine.py:builder",
            "c": "agents/mine.py:make_graph",
        },
    )
    graphs = load_graphs_config(path)
    assert set(graphs) == {"a", "b", "c"}
    assert graphs["a"].invoke({"n": 1}) == {"n": 2}
    compiled = ensure_compiled(graphs["b"], checkpointer=InMemoryCheckpointer())
    assert compiled.invoke({"n": 5}, {"configurable": {"thread_id": "x"}}) == {"n": 6}
    assert compiled.get_state({"configurable": {"thread_id": "x"}}).values == {"n": 6}


@pytest.mark.parametrize(
    ("graphs", "message"),
    [
        ({"x": "agents/missing.py:g"}, "does not exist"),
        ({"x": "agents/mine.py:nope"}, "has no variable 'nope'"),
        ({"x": "agents/mine.py"}, "file.py:variable"),
        ({"x": "agents/mine.py:not_a_graph"}, "not a graph"),
    ],
)
def test_bad_entries_raise_clear_errors(project, graphs, message):
    with pytest.raises(GraphsConfigError, match=message) as info:
        load_graphs_config(write_config(project, graphs))
    assert info.value.problems[0].pointer == "/graphs/x"


def test_module_that_fails_to_import(project):
    (project / "agents" / "broken.py").write_text("raise RuntimeError('boom')\n")
    with pytest.raises(GraphsConfigError, match="RuntimeError: boom"):
        load_graphs_config(write_config(project, {"x": "agents/broken.py:g"}))


def test_unreadable_or_malformed_file(tmp_path):
    with pytest.raises(GraphsConfigError, match="Cannot read"):
        load_graphs_config(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("[]")
    with pytest.raises(GraphsConfigError, match='"graphs" object'):
        load_graphs_config(tmp_path / "bad.json")


def test_demo_graphs_config_loads_and_runs():
    graphs = load_graphs_config(GRAPHS_CONFIG)
    assert set(graphs) == {"support_triage", "research_agent", "map_reduce", "joke"}
    joke = ensure_compiled(graphs["joke"], checkpointer=InMemoryCheckpointer())
    out = joke.invoke({"topic": "duck"}, {"configurable": {"thread_id": "j"}})
    assert out["joke"].endswith("node!")
    triage = ensure_compiled(graphs["support_triage"], checkpointer=InMemoryCheckpointer())
    paused = triage.invoke({"ticket": "crash!"}, {"configurable": {"thread_id": "t"}})
    assert paused["status"] == "escalated"
