"""Managed values (RemainingSteps, IsLastStep) and the recursion limit they count down."""

from __future__ import annotations

from typing import NotRequired, TypedDict

import pytest

from runtime import START, StateGraph
from runtime.checkpoint import InMemoryCheckpointer
from runtime.errors import GraphRecursionError
from runtime.managed import IsLastStep, RemainingSteps


class S(TypedDict, total=False):
    n: int
    remaining: RemainingSteps
    last: NotRequired[IsLastStep]


def _counting(seen: list[tuple[int, bool]]) -> StateGraph:
    def step(state: S) -> S:
        seen.append((state["remaining"], state["last"]))
        return {"n": state.get("n", 0) + 1}

    return StateGraph(S).add_node("a", step).add_edge(START, "a").add_node("b", step)


def test_nodes_see_the_steps_left_and_the_output_leaves_them_out():
    seen: list[tuple[int, bool]] = []
    builder = _counting(seen).add_edge("a", "b")
    assert builder.managed.keys() == {"remaining", "last"}
    out = builder.compile().invoke({"n": 0}, {"recursion_limit": 3})
    assert out == {"n": 2}
    assert seen == [(2, False), (1, True)]


def test_a_resumed_run_counts_from_where_it_resumes():
    seen: list[tuple[int, bool]] = []
    graph = (
        _counting(seen)
        .add_edge("a", "b")
        .compile(checkpointer=InMemoryCheckpointer(), interrupt_before=["b"])
    )
    cfg = {"configurable": {"thread_id": "r"}, "recursion_limit": 5}
    graph.invoke({"n": 0}, cfg)
    graph.invoke(None, cfg)
    assert seen == [(4, False), (6, False)]  # as LangGraph counts a resumed run


def test_the_recursion_limit_stops_a_loop_after_the_last_step():
    seen: list[tuple[int, bool]] = []

    def step(state: S) -> S:
        seen.append((state["remaining"], state["last"]))
        return {"n": state.get("n", 0) + 1}

    looping = StateGraph(S).add_node("a", step).add_edge(START, "a").add_edge("a", "a")
    graph = looping.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "loop"}, "recursion_limit": 3}
    with pytest.raises(GraphRecursionError):
        graph.invoke({"n": 0}, cfg)
    assert seen == [(2, False), (1, True), (0, False)]
    seen.clear()
    with pytest.raises(GraphRecursionError):
        graph.invoke(None, cfg)
    assert [r for r, _ in seen] == [4, 3, 2, 1, 0]
