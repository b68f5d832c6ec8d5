"""Subgraph persistence as in LangGraph: checkpointer=True / inherited / False, namespaces,
static breakpoints inside a subgraph, nested state, replay configs and nested streaming."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from runtime import START, StateGraph, interrupt
from runtime.checkpoint import InMemoryCheckpointer


class Count(TypedDict):
    n: Annotated[int, operator.add]


class Total(TypedDict):
    total: int


def _counter(checkpointer=None, name="inc"):
    g = StateGraph(Count)
    g.add_node(name, lambda s: {"n": 2})
    g.add_edge(START, name)
    return g.compile(checkpointer=checkpointer)


def _caller(*subs, checkpointer=None):
    """A parent whose node ``call`` invokes each subgraph in turn and adds up their n."""

    def call(state: Total):
        return {"total": sum(sub.invoke({"n": state["total"]})["n"] for sub in subs)}

    g = StateGraph(Total)
    g.add_node("call", call)
    g.add_edge(START, "call")
    return g.compile(checkpointer=checkpointer)


def _namespaces(cp: InMemoryCheckpointer, thread: str) -> set[str]:
    cfg = {"configurable": {"thread_id": thread}}
    return {t.config["configurable"]["checkpoint_ns"] for t in cp.list(cfg)}


def test_checkpointer_true_keeps_state_per_thread_under_a_stable_namespace():
    cp = InMemoryCheckpointer()
    app = _caller(_counter(checkpointer=True), checkpointer=cp)
    cfg = {"configurable": {"thread_id": "1"}}
    assert app.invoke({"total": 0}, cfg) == {"total": 2}
    # the subgraph's own state carried over: 2 (kept) + 0 (input) + 2
    assert app.invoke({"total": 0}, cfg) == {"total": 4}
    assert _namespaces(cp, "1") == {"", "call"}
    chunks = list(app.stream({"total": 0}, cfg, subgraphs=True, stream_mode="updates"))
    # the nested chunk comes first (it happened first) under the namespace without task id
    assert chunks == [(("call",), {"inc": {"n": 2}}), ((), {"call": {"total": 6}})]
    # another thread starts the subgraph afresh
    assert app.invoke({"total": 0}, {"configurable": {"thread_id": "2"}}) == {"total": 2}


def test_inherited_checkpointer_is_per_invocation_and_numbers_further_calls():
    cp = InMemoryCheckpointer()
    app = _caller(_counter(), _counter(), checkpointer=cp)
    cfg = {"configurable": {"thread_id": "1"}}
    assert app.invoke({"total": 0}, cfg) == {"total": 4}
    assert app.invoke({"total": 0}, cfg) == {"total": 4}  # nothing carried over
    chunks = list(app.stream({"total": 0}, cfg, subgraphs=True, stream_mode="updates"))
    first, second = chunks[0][0], chunks[1][0]
    assert first[0].startswith("call:") and len(first) == 1
    # the second graph run by the same task: the task's namespace, then "|1"
    assert second == (first[0], "1")
    namespaces = _namespaces(cp, "1")
    assert {ns.split(":")[0] for ns in namespaces} == {"", "call"}
    assert any(ns.endswith("|1") for ns in namespaces)


def test_stateless_subgraph_stores_nothing():
    cp = InMemoryCheckpointer()
    app = _caller(_counter(checkpointer=False), checkpointer=cp)
    cfg = {"configurable": {"thread_id": "1"}}
    assert app.invoke({"total": 0}, cfg) == {"total": 2}
    assert _namespaces(cp, "1") == {""}
    assert app.get_state(cfg, subgraphs=True).tasks == ()


def test_durability_exit_is_inherited_and_nested_runs_store_nothing():
    cp = InMemoryCheckpointer()
    app = _caller(_counter(), checkpointer=cp)
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"total": 0}, cfg, durability="exit")
    assert len(list(cp.list(cfg))) == 1
    app.invoke({"total": 0}, {"configurable": {"thread_id": "2"}}, durability="sync")
    assert len(list(cp.list({"configurable": {"thread_id": "2"}}))) > 3


def test_child_with_its_own_thread_id_is_a_root_graph():
    cp = InMemoryCheckpointer()
    child = _counter(checkpointer=cp)
    child_cfg = {"configurable": {"thread_id": "child"}}

    def call(state: Total):
        return {"total": child.invoke({"n": 1}, child_cfg)["n"]}

    g = StateGraph(Total)
    g.add_node("call", call)
    g.add_edge(START, "call")
    app = g.compile(checkpointer=cp)
    app.invoke({"total": 0}, {"configurable": {"thread_id": "p"}})
    app.invoke({"total": 0}, {"configurable": {"thread_id": "p"}})
    state = child.get_state(child_cfg)
    assert state.values == {"n": 6}
    assert state.config["configurable"]["checkpoint_ns"] == ""


class Text(TypedDict):
    k: Annotated[str, operator.add]


def _with_paused_inner(cp):
    inner = StateGraph(Text)
    inner.add_node("i1", lambda s: {"k": "i1 "})
    inner.add_node("i2", lambda s: {"k": "i2 "})
    inner.add_edge(START, "i1")
    inner.add_edge("i1", "i2")
    g = StateGraph(Text)
    g.add_node("inner", inner.compile(interrupt_before=["i2"]))
    g.add_node("side", lambda s: {"k": "side "})
    g.add_node("after", lambda s: {"k": "after"})
    g.add_edge(START, "inner")
    g.add_edge(START, "side")
    g.add_edge(["inner", "side"], "after")
    return g.compile(checkpointer=cp)


def test_breakpoint_compiled_into_a_subgraph_pauses_the_parent():
    calls = []
    cp = InMemoryCheckpointer()
    app = _with_paused_inner(cp)
    cfg = {"configurable": {"thread_id": "1"}}
    # the output shows the sibling that finished; the step is not checkpointed yet
    assert app.invoke({"k": ""}, cfg) == {"k": "side "}
    state = app.get_state(cfg, subgraphs=True)
    assert state.next == ("inner",)
    inner_state = state.tasks[0].state
    assert inner_state.next == ("i2",)
    assert inner_state.values == {"k": "i1 "}
    calls.append(app.invoke(None, cfg))
    assert calls == [{"k": "i1 i2 side after"}]


def test_breakpoint_in_a_subgraph_streams_an_empty_interrupt_and_the_finished_values():
    app = _with_paused_inner(InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    updates = list(app.stream({"k": ""}, cfg, stream_mode="updates"))
    assert updates == [{"side": {"k": "side "}}, {"__interrupt__": ()}]
    cfg = {"configurable": {"thread_id": "2"}}
    values = list(app.stream({"k": ""}, cfg, stream_mode="values"))
    assert values == [{"k": ""}, {"k": "side "}]


class Items(TypedDict):
    value: Annotated[list, operator.add]


def _asking_parent(cp):
    sub = StateGraph(Items)
    sub.add_node("ask", lambda s: {"value": [interrupt("q?")]})
    sub.add_edge(START, "ask")
    g = StateGraph(Items)
    g.add_node("sub", sub.compile(checkpointer=True))
    g.add_edge(START, "sub")
    return g.compile(checkpointer=cp)


def test_subgraph_state_and_history_are_read_through_the_parent():
    app = _asking_parent(InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"value": []}, cfg)
    sub_state = app.get_state(cfg, subgraphs=True).tasks[0].state
    sub_cfg = sub_state.config
    assert sub_cfg["configurable"]["checkpoint_ns"] == "sub"
    assert sub_state.next == ("ask",)
    assert [i.value for i in sub_state.interrupts] == ["q?"]
    # a subgraph config given to the parent's state methods reads the subgraph
    assert app.get_state(sub_cfg).next == ("ask",)
    history = list(
        app.get_state_history({"configurable": {"thread_id": "1", "checkpoint_ns": "sub"}})
    )
    assert [h.metadata["source"] for h in history] == ["loop", "input"]
    assert history[0].config == sub_cfg
    # ... and invoking the parent with it runs the parent from its latest checkpoint
    out = app.invoke(None, sub_cfg)
    assert [i.value for i in out["__interrupt__"]] == ["q?"]


def test_function_node_subgraph_state_is_found_for_get_state():
    sub = StateGraph(Items)
    sub.add_node("ask", lambda s: {"value": [interrupt("q?")]})
    sub.add_edge(START, "ask")
    asking = sub.compile(checkpointer=True)

    def call(state: Items):
        return {"value": asking.invoke({"value": ["x"]})["value"]}

    g = StateGraph(Items)
    g.add_node("call", call)
    g.add_edge(START, "call")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"value": []}, cfg)
    assert app.get_state(cfg, subgraphs=True).tasks[0].state.values == {"value": ["x"]}
    assert dict(app.get_subgraphs()) == {"call": asking}


def test_debug_checkpoints_name_where_each_subgraph_task_keeps_its_state():
    app = _with_paused_inner(InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    events = [e for e in app.stream({"k": ""}, cfg, stream_mode="debug")]
    checkpoints = [e["payload"] for e in events if e["type"] == "checkpoint"]
    tasks = {t["name"]: t["state"] for t in checkpoints[-1]["tasks"]}
    assert tasks["side"] is None
    assert tasks["inner"]["configurable"]["thread_id"] == "1"
    assert tasks["inner"]["configurable"]["checkpoint_ns"].startswith("inner:")


def test_update_state_on_a_subgraph_config_edits_the_paused_subgraph():
    app = _with_paused_inner(InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"k": ""}, cfg)
    sub_cfg = app.get_state(cfg).tasks[0].state
    new_cfg = app.update_state(sub_cfg, {"k": "edited "})
    assert new_cfg["configurable"]["checkpoint_ns"] == sub_cfg["configurable"]["checkpoint_ns"]
    inner = app.get_state(cfg, subgraphs=True).tasks[0].state
    assert inner.values == {"k": "i1 edited "}
    assert inner.next == ("i2",)
    assert inner.metadata["source"] == "update"
    assert app.invoke(None, cfg) == {"k": "i1 edited i2 side after"}


def test_update_state_on_an_unknown_namespace_is_refused():
    app = _with_paused_inner(InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1", "checkpoint_ns": "nowhere:1"}}
    with pytest.raises(ValueError, match="Subgraph 'nowhere' not found"):
        app.update_state(cfg, {"k": "x"})


def test_resume_streams_reused_sibling_writes_as_cached_updates():
    app = _with_paused_inner(InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"k": ""}, cfg)
    assert list(app.stream(None, cfg, stream_mode="updates")) == [
        {"side": {"k": "side "}, "__metadata__": {"cached": True}},
        {"inner": {"k": "i1 i2 "}},
        {"after": {"k": "after"}},
    ]


def test_resume_streams_the_values_it_resumes_from_first():
    app = _with_paused_inner(InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"k": ""}, cfg)
    assert list(app.stream(None, cfg, stream_mode="values")) == [
        {"k": ""},
        {"k": "i1 i2 side "},
        {"k": "i1 i2 side after"},
    ]


def test_update_state_on_a_per_thread_subgraph_edits_its_one_history():
    app = _asking_parent(InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"value": []}, cfg)
    task_cfg = app.get_state(cfg).tasks[0].state  # "sub:<task id>", as LangGraph gives it
    assert task_cfg["configurable"]["checkpoint_ns"].startswith("sub:")
    saved = app.update_state(task_cfg, {"value": ["edited"]}, as_node="ask")
    assert saved["configurable"]["checkpoint_ns"] == "sub"
    sub = app.get_state(cfg, subgraphs=True).tasks[0].state
    assert sub.values == {"value": ["edited"]}


def test_a_nested_breakpoint_is_reported_once_by_the_root():
    app = _with_paused_inner(InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    chunks = list(app.stream({"k": ""}, cfg, stream_mode="updates", subgraphs=True))
    assert [(ns[:1] and ns[0].split(":")[0], list(c)) for ns, c in chunks] == [
        ((), ["side"]),
        ("inner", ["i1"]),
        ((), ["__interrupt__"]),
    ]


def test_a_graph_streamed_inside_a_node_yields_its_chunks_to_that_node():
    inner = _counter()
    seen = []

    def call(state: Total):
        for chunk in inner.stream({"n": 0}, stream_mode="updates"):
            seen.append(chunk)
        return {"total": len(seen)}

    g = StateGraph(Total)
    g.add_node("call", call)
    g.add_edge(START, "call")
    app = g.compile()
    assert app.invoke({"total": 0}) == {"total": 1}
    assert seen == [{"inc": {"n": 2}}]
    # the run's own stream gets them too, as a nested graph's, when it streams subgraphs
    seen.clear()
    chunks = list(app.stream({"total": 0}, stream_mode="updates", subgraphs=True))
    assert [(ns[0].split(":")[0] if ns else "", c) for ns, c in chunks] == [
        ("call", {"inc": {"n": 2}}),
        ("", {"call": {"total": 1}}),
    ]
    seen.clear()
    assert list(app.stream({"total": 0}, stream_mode="updates")) == [{"call": {"total": 1}}]


def test_an_interrupt_in_a_graph_streamed_inside_a_node_pauses_the_run():
    sub = StateGraph(Items)
    sub.add_node("ask", lambda s: {"value": [interrupt("q?")]})
    sub.add_edge(START, "ask")
    asking = sub.compile()

    def call(state: Items):
        return {"value": [list(c) for c in asking.stream({"value": []}, stream_mode="updates")]}

    g = StateGraph(Items)
    g.add_node("call", call)
    g.add_edge(START, "call")
    app = g.compile(checkpointer=InMemoryCheckpointer())
    cfg = {"configurable": {"thread_id": "1"}}
    out = app.invoke({"value": []}, cfg)
    assert [i.value for i in out["__interrupt__"]] == ["q?"]
    assert app.get_state(cfg).next == ("call",)


def _two_asks_in_a_subgraph():
    inner = StateGraph(Items)
    inner.add_node("prepare", lambda s: {"value": ["prepared"]})
    inner.add_node("ask1", lambda s: {"value": [f"a1:{interrupt('first?')}"]})
    inner.add_node("ask2", lambda s: {"value": [f"a2:{interrupt('second?')}"]})
    inner.add_edge(START, "prepare")
    inner.add_edge("prepare", "ask1")
    inner.add_edge("ask1", "ask2")
    g = StateGraph(Items)
    g.add_node("inner", inner.compile())
    g.add_edge(START, "inner")
    return g.compile(checkpointer=InMemoryCheckpointer())


def test_resume_after_editing_a_paused_subgraph_reaches_its_interrupt():
    from runtime import Command

    app = _two_asks_in_a_subgraph()
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"value": []}, cfg)
    app.update_state(app.get_state(cfg).tasks[0].state, {"value": ["edited"]}, as_node="prepare")
    # the edit replaced the waiting task; the answer goes to the interrupt that comes next
    out = app.invoke(Command(resume="yes"), cfg)
    assert out["value"] == []  # the parent's state is unchanged while the subgraph waits
    assert [i.value for i in out["__interrupt__"]] == ["second?"]
    # answers already given are not handed to later interrupts
    done = app.invoke(Command(resume="two"), cfg)
    assert done["value"] == ["prepared", "edited", "a1:yes", "a2:two"]
