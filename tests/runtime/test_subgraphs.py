"""Subgraphs: compiled graphs as nodes, interrupts inside them, their state, Command.PARENT."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from runtime import END, START, Command, StateGraph, interrupt
from runtime.checkpoint import InMemoryCheckpointer
from runtime.errors import ParentCommand


class Parent(TypedDict):
    foo: str
    log: Annotated[list, operator.add]


class Child(TypedDict):
    foo: str
    bar: str
    log: Annotated[list, operator.add]


def _child(with_interrupt=False):
    def step1(state: Child):
        return {"bar": "bar", "log": ["child1"]}

    def step2(state: Child):
        extra = interrupt("child asks") if with_interrupt else "no-ask"
        return {"foo": f"{state['foo']}|{state['bar']}|{extra}", "log": ["child2"]}

    g = StateGraph(Child)
    g.add_node("step1", step1)
    g.add_node("step2", step2)
    g.add_edge(START, "step1")
    g.add_edge("step1", "step2")
    return g.compile()


def _parent(child, checkpointer=None):
    g = StateGraph(Parent)
    g.add_node("before", lambda s: {"foo": "hi", "log": ["before"]})
    g.add_node("child", child)
    g.add_node("after", lambda s: {"log": [f"after:{s['foo']}"]})
    g.add_edge(START, "before")
    g.add_edge("before", "child")
    g.add_edge("child", "after")
    return g.compile(checkpointer=checkpointer)


def test_subgraph_as_node_shares_keys():
    out = _parent(_child()).invoke({"foo": "", "log": []})
    assert out["foo"] == "hi|bar|no-ask"
    # As in LangGraph, the child's whole output goes through the parent's reducers: the
    # child started from the parent's log, so "before" comes back once more.
    assert out["log"] == ["before", "before", "child1", "child2", "after:hi|bar|no-ask"]


def test_subgraph_called_from_a_function_node_with_other_schema():
    child = _child()

    def call_child(state: Parent):
        result = child.invoke({"foo": state["foo"].upper(), "log": []})
        return {"foo": result["foo"], "log": ["called"]}

    g = StateGraph(Parent)
    g.add_node("call_child", call_child)
    g.add_edge(START, "call_child")
    assert g.compile().invoke({"foo": "x", "log": []}) == {"foo": "X|bar|no-ask", "log": ["called"]}


def test_interrupt_inside_subgraph_pauses_and_resumes():
    cfg = {"configurable": {"thread_id": "sub"}}
    app = _parent(_child(with_interrupt=True), InMemoryCheckpointer())
    out = app.invoke({"foo": "", "log": []}, cfg)
    assert [i.value for i in out["__interrupt__"]] == ["child asks"]
    state = app.get_state(cfg, subgraphs=True)
    assert state.next == ("child",)
    [task] = state.tasks
    assert task.name == "child"
    sub = task.state
    assert sub.values["bar"] == "bar"
    assert sub.next == ("step2",)
    assert sub.interrupts[0].value == "child asks"
    shallow = app.get_state(cfg)
    assert shallow.tasks[0].state["configurable"]["checkpoint_ns"].startswith("child:")
    out = app.invoke(Command(resume="answer"), cfg)
    assert out["foo"] == "hi|bar|answer"
    # step1 of the child ran once: the resume continued inside the child
    assert out["log"].count("child1") == 1
    assert out["log"][-1] == "after:hi|bar|answer"


def test_stream_subgraphs_yields_namespaces():
    app = _parent(_child())
    chunks = list(app.stream({"foo": "", "log": []}, stream_mode="updates", subgraphs=True))
    namespaces = [ns for ns, _ in chunks]
    assert namespaces[0] == ()
    child_chunks = [(ns, c) for ns, c in chunks if ns]
    assert [list(c) for _, c in child_chunks] == [["step1"], ["step2"]]
    assert child_chunks[0][0][0].startswith("child:")
    assert [list(c)[0] for ns, c in chunks if not ns] == ["before", "child", "after"]
    flat = list(app.stream({"foo": "", "log": []}, stream_mode="updates"))
    assert [list(c)[0] for c in flat] == ["before", "child", "after"]


def test_command_parent_from_inside_a_subgraph():
    def escape(state: Child):
        return Command(graph=Command.PARENT, goto="rescue", update={"log": ["escaped"]})

    sub = StateGraph(Child)
    sub.add_node("escape", escape)
    sub.add_edge(START, "escape")
    child = sub.compile()

    g = StateGraph(Parent)
    g.add_node("child", child, destinations=("rescue",))
    g.add_node("rescue", lambda s: {"log": ["rescued"]})
    g.add_edge(START, "child")
    g.add_edge("rescue", END)
    out = g.compile().invoke({"foo": "", "log": []})
    assert out["log"] == ["escaped", "rescued"]


def test_command_parent_from_the_root_graph_reaches_the_caller():
    def escape(state: Parent):
        return Command(graph=Command.PARENT, goto="elsewhere", update={"foo": "x"})

    g = StateGraph(Parent)
    g.add_node("escape", escape)
    g.add_edge(START, "escape")
    with pytest.raises(ParentCommand) as caught:
        g.compile().invoke({"foo": "", "log": []})
    assert caught.value.command.goto == "elsewhere"  # as LangGraph: the caller may handle it


def test_command_parent_from_a_graph_called_inside_a_function_node():
    def jump(state: Child):
        return Command(graph=Command.PARENT, goto="rescue", update={"log": ["jumped"]})

    sub = StateGraph(Child)
    sub.add_node("jump", jump)
    sub.add_edge(START, "jump")
    child = sub.compile()

    def caller(state: Parent):
        child.invoke({"foo": "", "bar": "", "log": []})
        raise AssertionError("the child's Command(PARENT) ends this node")

    g = StateGraph(Parent)
    g.add_node("caller", caller)
    g.add_node("rescue", lambda s: {"log": ["rescued"]})
    g.add_edge(START, "caller")
    out = g.compile().invoke({"foo": "", "log": []})
    assert out["log"] == ["jumped", "rescued"]  # as LangGraph: the caller's own Command
