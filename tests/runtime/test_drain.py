"""Cooperative draining (RunControl / GraphDrained) and where sync nodes run, as in LangGraph."""

from __future__ import annotations

import asyncio
import threading
from typing import TypedDict

import pytest

from runtime import END, START, StateGraph
from runtime.checkpoint import InMemoryCheckpointer
from runtime.errors import GraphBubbleUp, GraphDrained
from runtime.runtime import RunControl, Runtime


class Two(TypedDict, total=False):
    first: str
    second: str


def _two_steps(control: RunControl, ran: list[str], checkpointer=None, reason="sigterm"):
    def first(state: Two):
        ran.append("first")
        control.request_drain(reason)
        return {"first": "done"}

    def second(state: Two):
        ran.append("second")
        return {"second": "done"}

    g = StateGraph(Two)
    g.add_node("first", first)
    g.add_node("second", second)
    g.add_edge(START, "first")
    g.add_edge("first", "second")
    g.add_edge("second", END)
    return g.compile(checkpointer=checkpointer)


@pytest.mark.parametrize("durability", ["async", "sync", "exit"])
def test_drain_stops_before_the_next_step_and_the_thread_resumes(durability):
    control, ran = RunControl(), []
    app = _two_steps(control, ran, InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "t"}}
    with pytest.raises(GraphDrained, match="sigterm") as info:
        app.invoke({}, cfg, control=control, durability=durability)
    assert info.value.reason == "sigterm"
    assert isinstance(info.value, GraphBubbleUp)
    assert ran == ["first"]
    assert app.get_state(cfg).next == ("second",)
    assert app.invoke(None, cfg, durability=durability) == {"first": "done", "second": "done"}
    assert ran == ["first", "second"]


def test_drain_in_the_last_step_finishes_normally():
    control = RunControl()

    def only(state: Two):
        control.request_drain()
        return {"first": "done"}

    g = StateGraph(Two)
    g.add_node("only", only)
    g.add_edge(START, "only")
    assert g.compile().invoke({}, control=control) == {"first": "done"}
    assert control.drain_requested and control.drain_reason == "shutdown"


def test_a_drained_control_runs_no_node():
    control, ran = RunControl(), []
    control.request_drain("pre-drained")
    with pytest.raises(GraphDrained, match="pre-drained"):
        _two_steps(RunControl(), ran).invoke({}, control=control)
    assert ran == []


def test_nodes_see_the_runs_control_through_their_runtime():
    control = RunControl()
    seen = []

    def node(state: Two, runtime: Runtime):
        seen.append((runtime.control is control, runtime.drain_requested))
        return {"first": "x"}

    g = StateGraph(Two)
    g.add_node("node", node)
    g.add_edge(START, "node")
    g.compile().invoke({}, control=control)
    assert seen == [(True, False)]


def test_drain_inside_a_subgraph_stops_the_parent_which_resumes_later():
    class S(TypedDict, total=False):
        a: str
        b: str
        c: str

    control = RunControl()

    def a(state: S):
        control.request_drain("sigterm")
        return {"a": "done"}

    child = StateGraph(S)
    child.add_node("a", a)
    child.add_node("b", lambda s: {"b": "done"})
    child.add_edge(START, "a")
    child.add_edge("a", "b")
    parent = StateGraph(S)
    parent.add_node("child", child.compile(checkpointer=True))
    parent.add_node("c", lambda s: {"c": "done"})
    parent.add_edge(START, "child")
    parent.add_edge("child", "c")
    app = parent.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "t"}}
    with pytest.raises(GraphDrained):
        app.invoke({}, cfg, control=control)
    # the child's task failed with no error: it is still to run
    assert app.get_state(cfg).tasks[0].error is None
    assert app.invoke(None, cfg) == {"a": "done", "b": "done", "c": "done"}


def test_ainvoke_runs_a_sync_node_off_the_event_loop():
    go = threading.Event()

    def waits(state: Two):
        # set by a coroutine on the caller's loop: only possible if the loop is free
        return {"first": "free" if go.wait(5) else "blocked"}

    g = StateGraph(Two)
    g.add_node("waits", waits)
    g.add_edge(START, "waits")
    app = g.compile()

    async def main():
        async def release():
            await asyncio.sleep(0)
            go.set()

        out, _ = await asyncio.gather(app.ainvoke({}), release())
        return out

    assert asyncio.run(main()) == {"first": "free"}


def test_sync_stream_delivers_custom_chunks_while_the_node_runs():
    received = threading.Event()

    def node(state: Two, writer):
        writer("before")
        # the consumer acknowledges "before": only possible if it got it mid-node
        writer("after" if received.wait(5) else "late")
        return {"first": "done"}

    g = StateGraph(Two)
    g.add_node("node", node)
    g.add_edge(START, "node")
    chunks = []
    for chunk in g.compile().stream({}, stream_mode="custom"):
        chunks.append(chunk)
        received.set()
    assert chunks == ["before", "after"]


def test_a_breakpoint_wins_over_a_drain_requested_in_the_step_before_it():
    control, ran = RunControl(), []
    app = _two_steps(control, ran, InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "t"}}
    # pausing at the breakpoint, not draining in front of it: a later resume passes a
    # breakpoint, so a drain there would have skipped it
    assert app.invoke({}, cfg, control=control, interrupt_before=["second"]) == {"first": "done"}
    assert control.drain_requested
    assert app.get_state(cfg).next == ("second",)
    assert app.invoke(None, cfg) == {"first": "done", "second": "done"}
    assert ran == ["first", "second"]
