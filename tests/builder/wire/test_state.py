"""Checkpoints, interrupts, thread states and graph drawings as LangGraph Server sends
them."""

from __future__ import annotations

from builder.wire.resources import graph_drawing
from builder.wire.state import (
    checkpoint,
    empty_state,
    interrupts_by_task,
    snapshot,
    streamed_interrupt,
    thread_interrupts,
    update_result,
)
from runtime.types import Interrupt, PregelTask, StateSnapshot

CONFIG = {"configurable": {"thread_id": "t", "checkpoint_ns": "", "checkpoint_id": "c2"}}
PARENT = {"configurable": {"thread_id": "t", "checkpoint_ns": "", "checkpoint_id": "c1"}}


def paused() -> StateSnapshot:
    task = PregelTask("task1", "ask", ("pull", "ask"), interrupts=(Interrupt({"q": 1}, "i1"),))
    return StateSnapshot(
        values={"messages": [{"role": "user", "content": "hi", "id": "h"}]},
        next=("ask",),
        config=CONFIG,
        metadata={"step": 0, "source": "loop"},
        created_at="2026-01-01T00:00:00+00:00",
        parent_config=PARENT,
        tasks=(task,),
        interrupts=task.interrupts,
    )


def test_a_snapshot_reads_as_a_thread_state():
    state = snapshot(paused())
    assert state["checkpoint"] == {"checkpoint_id": "c2", "thread_id": "t", "checkpoint_ns": ""}
    assert (state["checkpoint_id"], state["parent_checkpoint_id"]) == ("c2", "c1")
    assert state["values"]["messages"][0]["type"] == "human"
    (task,) = state["tasks"]
    assert task["path"] == ["__pregel_pull", "ask"]
    assert task["interrupts"] == state["interrupts"] == [{"id": "i1", "value": {"q": 1}}]


def test_interrupts_by_task_and_as_streamed():
    by_task = interrupts_by_task(paused())
    assert by_task == {"task1": [{"id": "i1", "value": {"q": 1}}]}
    assert thread_interrupts(by_task) == by_task and thread_interrupts(None) == {}
    assert streamed_interrupt({"value": 1, "id": "i"}) == {
        "value": 1,
        "id": "i",
        "response_schema": None,
    }


def test_checkpoints_update_results_and_the_empty_state():
    assert checkpoint(None) is None
    sub = {
        "thread_id": "t",
        "checkpoint_ns": "a:1",
        "checkpoint_id": "c",
        "checkpoint_map": {"": "p"},
    }
    assert checkpoint({"configurable": sub})["checkpoint_map"] == {"": "p"}
    result = update_result(CONFIG)
    assert result["checkpoint"] == result["configurable"] == CONFIG["configurable"]
    assert result["checkpoint_id"] == "c2"
    empty = empty_state()
    assert empty["checkpoint"] is None and empty["metadata"] is None and empty["values"] == {}


def test_graph_drawing_as_langgraph_draws_it():
    drawn = {
        "nodes": [
            {"id": "__start__", "name": "__start__", "metadata": {}},
            {"id": "b", "name": "b", "metadata": {}},
            {"id": "__end__", "name": "__end__", "metadata": {}},
        ],
        "edges": [
            {"source": "b", "target": "__end__", "conditional": True, "data": None},
            {"source": "__start__", "target": "b", "conditional": False, "data": None},
        ],
    }
    assert graph_drawing(drawn) == {
        "nodes": [
            {"id": "__start__", "type": "runnable", "data": {"name": "__start__"}},
            {"id": "b", "type": "runnable", "data": {"name": "b"}},
            {"id": "__end__"},
        ],
        "edges": [
            {"source": "__start__", "target": "b"},
            {"source": "b", "target": "__end__", "conditional": True},
        ],
    }
