"""update_state / bulk_update_state and replays, as LangGraph 1.2.24 does them (each expectation
was checked against LangGraph itself with the same graph)."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from runtime import END, START, Command, StateGraph, interrupt
from runtime.checkpoint import InMemoryCheckpointer
from runtime.errors import InvalidUpdateError
from runtime.types import StateUpdate


class S(TypedDict):
    v: Annotated[list, operator.add]


def _abc(**compile_kwargs):
    """a -> b -> c, where c asks a human."""
    g = StateGraph(S)
    g.add_node("a", lambda s: {"v": ["a"]})
    g.add_node("b", lambda s: {"v": ["b"]})
    g.add_node("c", lambda s: {"v": [interrupt("q")]})
    g.add_edge(START, "a")
    g.add_edge("a", "b")
    g.add_edge("b", "c")
    return g.compile(checkpointer=InMemoryCheckpointer(), **compile_kwargs)


def _sources(app, cfg):
    return [(h.metadata["source"], h.metadata["step"], h.next) for h in app.get_state_history(cfg)]


def test_an_update_as_a_node_replaces_what_was_about_to_run_with_that_nodes_edges():
    app = _abc(interrupt_before=["b"])
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"v": ["in"]}, cfg)
    app.update_state(cfg, {"v": ["as-a"]}, as_node="a")
    assert app.get_state(cfg).next == ("b",)
    app.update_state(cfg, {"v": ["as-b"]}, as_node="b")  # b's edge: c, and b no longer pending
    assert app.get_state(cfg).next == ("c",)
    app.update_state(cfg, {"v": ["inferred"]})  # as the node that last ran: a
    state = app.get_state(cfg)
    assert state.next == ("b",) and state.metadata == {"source": "update", "step": 4, "parents": {}}
    assert _sources(app, cfg)[:3] == [
        ("update", 4, ("b",)),
        ("update", 3, ("c",)),
        ("update", 2, ("b",)),
    ]


def test_replay_from_before_an_interrupt_asks_again_on_a_fork():
    app = _abc()
    cfg = {"configurable": {"thread_id": "2"}}
    app.invoke({"v": []}, cfg)
    assert app.invoke(Command(resume="first answer"), cfg)["v"] == ["a", "b", "first answer"]
    before_c = next(h for h in app.get_state_history(cfg) if h.next == ("c",))
    out = app.invoke(None, before_c.config)
    assert [i.value for i in out["__interrupt__"]] == ["q"]  # the old answer is not reused
    head = app.get_state(cfg)
    assert (head.metadata["source"], head.metadata["step"]) == ("fork", 3)
    assert head.parent_config == before_c.config and head.next == ("c",)
    assert app.invoke(Command(resume="second answer"), cfg)["v"] == ["a", "b", "second answer"]


def test_an_update_on_a_past_checkpoint_is_an_update_child_without_its_pending_writes():
    g = StateGraph(S)
    g.add_node("node_a", lambda s: {"v": [10]})
    g.add_node("node_b", lambda s: {"v": [100]})
    g.add_edge(START, "node_a")
    g.add_edge("node_a", "node_b")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "3"}}
    app.invoke({"v": [1]}, cfg)
    before_a = next(h for h in app.get_state_history(cfg) if h.next == ("node_a",))
    fork = app.update_state(before_a.config, {"v": [20]}, as_node="node_a")
    state = app.get_state(fork)
    assert state.metadata == {"source": "update", "step": 1, "parents": {}}
    assert state.parent_config == before_a.config and state.next == ("node_b",)
    assert app.invoke(None, fork) == {"v": [1, 20, 100]}  # node_a's old write is not applied


def test_copy_input_and_end_updates():
    app = _abc()
    cfg = {"configurable": {"thread_id": "4"}}
    app.invoke({"v": []}, cfg)  # paused in c
    first = list(app.get_state_history(cfg))[-2]  # step 0, next a
    copied = app.get_state(app.update_state(first.config, None, as_node="__copy__"))
    assert copied.metadata["source"] == "fork" and copied.metadata["step"] == 1
    assert copied.parent_config == first.parent_config and copied.next == ("a",)
    # the copy is the thread's head now; input goes to the start node, nothing is cleared
    as_input = app.get_state(app.update_state(cfg, {"v": ["x"]}, as_node="__input__"))
    assert as_input.metadata["source"] == "input" and as_input.values == {"v": []}
    assert as_input.next == ("__start__", "a")
    app.invoke({"v": []}, {"configurable": {"thread_id": "5"}})
    ended = app.get_state(app.update_state({"configurable": {"thread_id": "5"}}, None, as_node=END))
    assert ended.next == () and ended.tasks == () and ended.metadata["source"] == "update"
    with pytest.raises(InvalidUpdateError, match="does not exist"):
        app.update_state(cfg, {"v": ["x"]}, as_node="ghost")


def test_bulk_update_state_writes_a_checkpoint_per_superstep():
    class T(TypedDict):
        foo: str
        baz: str

    g = StateGraph(T)
    g.add_node("node_a", lambda s: {"foo": "bar"})
    g.add_node("node_b", lambda s: {"baz": "qux"})
    g.add_edge(START, "node_a")
    g.add_edge("node_a", "node_b")
    cp = InMemoryCheckpointer()
    app = g.compile(checkpointer=cp)
    cfg = {"configurable": {"thread_id": "6"}}
    app.bulk_update_state(
        cfg,
        [
            [StateUpdate({"foo": "bar"}, "node_a")],
            [StateUpdate({"foo": "updated"}, "node_a"), StateUpdate({"baz": "new"}, "node_b")],
        ],
    )
    assert app.get_state(cfg).values == {"foo": "updated", "baz": "new"}
    assert len(list(cp.list(cfg))) == 2
    with pytest.raises(InvalidUpdateError, match="as_node is required"):
        app.bulk_update_state(cfg, [[StateUpdate({"foo": "x"}), StateUpdate({"baz": "y"})]])
    with pytest.raises(ValueError, match="No supersteps provided"):
        app.bulk_update_state(cfg, [])
    with pytest.raises(ValueError, match="No updates provided"):
        app.bulk_update_state(cfg, [[], []])


def test_bulk_updates_as_input_and_nodes_rebuild_a_runs_history():
    class T(TypedDict):
        foo: str

    g = StateGraph(T)
    g.add_node("agent", lambda s: {"foo": "agent"})
    g.add_node("tool", lambda s: {"foo": "tool"})
    g.add_edge(START, "agent")
    g.add_edge("agent", "tool")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    ran = {"configurable": {"thread_id": "ran"}}
    app.invoke({"foo": "input"}, ran)
    turn = [
        [StateUpdate({"foo": "input"}, "__input__")],
        [StateUpdate({"foo": "input"}, "__start__")],
        [StateUpdate({"foo": "agent"}, "agent")],
        [StateUpdate({"foo": "tool"}, "tool")],
    ]
    rebuilt = {"configurable": {"thread_id": "rebuilt"}}
    app.bulk_update_state(rebuilt, turn)

    def shape(cfg):
        return [(h.values, h.next, h.metadata["step"]) for h in app.get_state_history(cfg)]

    assert shape(rebuilt) == shape(ran)


def test_an_update_is_the_result_of_the_task_it_stands_for_in_history():
    class T(TypedDict):
        num: int

    g = StateGraph(T)
    g.add_node("double", lambda s: {"num": s["num"] * 2})
    g.add_edge(START, "double")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "results"}}
    app.bulk_update_state(
        cfg,
        [
            [StateUpdate({}, "__input__")],
            [StateUpdate({"num": 1}, "__start__")],
            [StateUpdate({"num": 2}, "double")],
        ],
    )
    results = [(t.name, t.result) for h in app.get_state_history(cfg) for t in h.tasks]
    assert results == [("double", {"num": 2}), ("__start__", {"num": 1})]
