"""One checkpointer spec, run against every backend.

A backend's test module provides a ``checkpointer`` fixture (a fresh, empty
checkpointer) and star-imports the ``test_*`` functions from here.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import operator
import threading
import uuid
from typing import Annotated, TypedDict

import pytest

from runtime import END, START, StateGraph, add_messages
from runtime.checkpoint.base import ERROR, INTERRUPT, RESUME, Blob, Checkpoint, make_config
from runtime.pregel.ids import checkpoint_id


@dataclasses.dataclass
class Point:
    x: int
    y: int


def _cfg(thread: str, ns: str = "", cid: str | None = None) -> dict:
    conf = {"thread_id": thread, "checkpoint_ns": ns}
    if cid:
        conf["checkpoint_id"] = cid
    return {"configurable": conf}


def _put(cp, thread, values, *, parent=None, ns="", meta=None, kinds=None, versions=None):
    """Store a checkpoint whose blobs are ``values`` (full unless ``kinds`` says otherwise)."""
    cid = checkpoint_id()
    blobs = {}
    new_versions = dict(versions or {})
    for ch, value in values.items():
        kind, base = (kinds or {}).get(ch, ("full", None))
        blobs[ch] = Blob(cid, kind, value, base)
        new_versions[ch] = cid
    ckpt = Checkpoint(id=cid, ts=dt.datetime.now(dt.UTC).isoformat(), channel_versions=new_versions)
    parent_cfg = _cfg(thread, ns, parent) if parent else _cfg(thread, ns)
    cfg = cp.put(parent_cfg, ckpt, meta or {"source": "loop", "step": 0}, blobs)
    return cfg["configurable"]["checkpoint_id"], new_versions


def test_put_then_get_latest_and_by_id(checkpointer):
    cp = checkpointer
    assert cp.get_tuple(_cfg("t1")) is None
    c1, v1 = _put(cp, "t1", {"a": 1, "b": "x"}, meta={"source": "input", "step": -1})
    c2, _ = _put(
        cp, "t1", {"a": 2}, parent=c1, versions=v1, meta={"source": "loop", "step": 0, "who": "me"}
    )
    latest = cp.get_tuple(_cfg("t1"))
    assert latest.checkpoint.id == c2
    assert latest.checkpoint.channel_values == {"a": 2, "b": "x"}
    assert latest.metadata == {"source": "loop", "step": 0, "who": "me"}
    assert latest.parent_config["configurable"]["checkpoint_id"] == c1
    assert latest.config == make_config("t1", "", c2)
    first = cp.get_tuple(_cfg("t1", cid=c1))
    assert first.checkpoint.channel_values == {"a": 1, "b": "x"}
    assert first.parent_config is None
    assert cp.get_tuple(_cfg("t1", cid="00000000-0000-0000-0000-000000000000")) is None
    assert cp.get_tuple(_cfg("other")) is None


def test_delta_blobs_materialise_in_order(checkpointer):
    cp = checkpointer
    c1, v = _put(cp, "t", {"m": [1, 2]})
    prev = c1
    for i in range(3, 8):
        prev, v = _put(cp, "t", {"m": [i]}, parent=prev, versions=v, kinds={"m": ("delta", v["m"])})
    assert cp.get_tuple(_cfg("t")).checkpoint.channel_values["m"] == [1, 2, 3, 4, 5, 6, 7]
    mid = list(cp.list(_cfg("t")))[2]
    assert mid.checkpoint.channel_values["m"] == [1, 2, 3, 4, 5]


def test_forks_do_not_collide(checkpointer):
    cp = checkpointer
    c1, v1 = _put(cp, "t", {"m": ["a"]})
    c2, _ = _put(cp, "t", {"m": ["b"]}, parent=c1, versions=v1, kinds={"m": ("delta", v1["m"])})
    c3, _ = _put(cp, "t", {"m": ["c"]}, parent=c1, versions=v1, kinds={"m": ("delta", v1["m"])})
    assert cp.get_tuple(_cfg("t", cid=c2)).checkpoint.channel_values["m"] == ["a", "b"]
    assert cp.get_tuple(_cfg("t", cid=c3)).checkpoint.channel_values["m"] == ["a", "c"]
    assert cp.get_tuple(_cfg("t")).checkpoint.id == c3


def test_empty_blob_removes_the_value(checkpointer):
    cp = checkpointer
    c1, v1 = _put(cp, "t", {"trigger": True, "x": 1})
    _put(cp, "t", {"trigger": None}, parent=c1, versions=v1, kinds={"trigger": ("empty", None)})
    assert cp.get_tuple(_cfg("t")).checkpoint.channel_values == {"x": 1}


def test_pending_writes(checkpointer):
    cp = checkpointer
    c1, _ = _put(cp, "t", {"x": 1})
    cfg = _cfg("t", cid=c1)
    cp.put_writes(cfg, [("x", 1), ("y", "two")], "task-a")
    cp.put_writes(cfg, [("x", 3)], "task-b")
    cp.put_writes(cfg, [("x", 99)], "task-a")  # a re-delivered save is ignored
    cp.put_writes(cfg, [(RESUME, {"i1": "yes"})], "task-c")
    cp.put_writes(cfg, [(RESUME, {"i1": "yes", "i2": "no"})], "task-c")  # replaced
    cp.put_writes(cfg, [(INTERRUPT, [{"value": "q", "id": "i2"}])], "task-c")
    cp.put_writes(cfg, [(ERROR, {"type": "ValueError", "message": "boom"})], "task-d")
    writes = cp.get_tuple(cfg).pending_writes
    assert ("task-a", "x", 1) in writes and ("task-a", "y", "two") in writes
    assert ("task-a", "x", 99) not in writes
    assert ("task-b", "x", 3) in writes
    assert [w for w in writes if w[1] == RESUME] == [("task-c", RESUME, {"i1": "yes", "i2": "no"})]
    assert writes.index(("task-a", "x", 1)) < writes.index(("task-b", "x", 3))
    c2, _ = _put(cp, "t", {"x": 2}, parent=c1)
    assert cp.get_tuple(_cfg("t")).pending_writes == []
    assert cp.get_tuple(_cfg("t", cid=c2)).pending_writes == []


def test_put_step_stores_the_writes_then_the_child(checkpointer):
    cp = checkpointer
    c1, v1 = _put(cp, "t", {"x": 1, "m": ["a"]})
    cp.put_writes(_cfg("t", cid=c1), [("x", 5)], "task-early")
    c2 = checkpoint_id()
    ckpt = Checkpoint(
        id=c2, ts="2026-01-01T00:00:00+00:00", channel_versions={**v1, "x": c2, "m": c2}
    )
    blobs = {"x": Blob(c2, "full", 2), "m": Blob(c2, "delta", ["b"], v1["m"])}
    cfg = cp.put_step(
        _cfg("t", cid=c1), [("x", 2), ("m", ["b"])], "task-last", ckpt, {"step": 1}, blobs
    )
    assert cfg == make_config("t", "", c2)
    parent = cp.get_tuple(_cfg("t", cid=c1))
    assert parent.pending_writes == [
        ("task-early", "x", 5), ("task-last", "x", 2), ("task-last", "m", ["b"])
    ]  # fmt: skip
    child = cp.get_tuple(_cfg("t"))
    assert child.checkpoint.id == c2
    assert child.checkpoint.channel_values == {"x": 2, "m": ["a", "b"]}
    assert child.parent_config["configurable"]["checkpoint_id"] == c1
    assert child.pending_writes == []
    # a re-delivered step (a retried save) changes nothing
    cp.put_step(_cfg("t", cid=c1), [("x", 99)], "task-last", ckpt, {"step": 1}, blobs)
    assert cp.get_tuple(_cfg("t", cid=c1)).pending_writes == parent.pending_writes

    async def go():
        c3 = checkpoint_id()
        nxt = Checkpoint(id=c3, ts="2026-01-01T00:00:01+00:00", channel_versions={"x": c3})
        await cp.aput_step(cfg, [("x", 3)], "task-3", nxt, {"step": 2}, {"x": Blob(c3, "full", 3)})
        return c3

    c3 = asyncio.run(go())
    assert cp.get_tuple(_cfg("t", cid=c2)).pending_writes == [("task-3", "x", 3)]
    assert cp.get_tuple(_cfg("t")).checkpoint.id == c3


def test_list_order_filter_before_limit(checkpointer):
    cp = checkpointer
    ids = []
    prev = None
    versions: dict = {}
    for step in range(-1, 5):
        prev, versions = _put(
            cp,
            "t",
            {"n": step},
            parent=prev,
            versions=versions,
            meta={"source": "input" if step < 0 else "loop", "step": step},
        )
        ids.append(prev)
    _put(cp, "other", {"n": 0})
    listed = [c.checkpoint.id for c in cp.list(_cfg("t"))]
    assert listed == list(reversed(ids))
    assert [c.metadata["step"] for c in cp.list(_cfg("t"), limit=2)] == [4, 3]
    assert [c.checkpoint.id for c in cp.list(_cfg("t"), before=_cfg("t", cid=ids[3]))] == list(
        reversed(ids[:3])
    )
    assert [c.metadata["step"] for c in cp.list(_cfg("t"), filter={"source": "input"})] == [-1]
    assert [c.metadata["step"] for c in cp.list(_cfg("t"), filter={"step": 2})] == [2]
    assert list(cp.list(_cfg("missing"))) == []


def test_namespaces_are_separate(checkpointer):
    cp = checkpointer
    _put(cp, "t", {"x": "root"})
    _put(cp, "t", {"x": "child"}, ns="node:abc")
    assert cp.get_tuple(_cfg("t")).checkpoint.channel_values == {"x": "root"}
    assert cp.get_tuple(_cfg("t", ns="node:abc")).checkpoint.channel_values == {"x": "child"}
    assert [
        c.config["configurable"]["checkpoint_ns"] for c in cp.list(_cfg("t", ns="node:abc"))
    ] == ["node:abc"]


def test_delete_thread(checkpointer):
    cp = checkpointer
    c1, _ = _put(cp, "t", {"x": 1})
    cp.put_writes(_cfg("t", cid=c1), [("x", 2)], "task")
    _put(cp, "t", {"x": 1}, ns="sub:1")
    _put(cp, "keep", {"x": 1})
    cp.delete_thread("t")
    assert cp.get_tuple(_cfg("t")) is None
    assert cp.get_tuple(_cfg("t", ns="sub:1")) is None
    assert list(cp.list(_cfg("t"))) == []
    assert cp.get_tuple(_cfg("keep")).checkpoint.channel_values == {"x": 1}


def test_copy_thread(checkpointer):
    cp = checkpointer
    c1, v = _put(cp, "src", {"m": [1]})
    c2, _ = _put(cp, "src", {"m": [2]}, parent=c1, versions=v, kinds={"m": ("delta", v["m"])})
    cp.put_writes(_cfg("src", cid=c2), [("m", [3])], "task")
    cp.copy_thread("src", "dst")
    copied = cp.get_tuple(_cfg("dst"))
    assert copied.checkpoint.id == c2
    assert copied.checkpoint.channel_values == {"m": [1, 2]}
    assert copied.pending_writes == [("task", "m", [3])]
    assert len(list(cp.list(_cfg("dst")))) == 2
    cp.delete_thread("src")
    assert cp.get_tuple(_cfg("dst")).checkpoint.channel_values == {"m": [1, 2]}


def test_prune_keep_latest_and_delete(checkpointer):
    cp = checkpointer
    prev, v = _put(cp, "t", {"m": [0], "x": "a"})
    for i in range(1, 6):
        prev, v = _put(cp, "t", {"m": [i]}, parent=prev, versions=v, kinds={"m": ("delta", v["m"])})
    before = cp.get_tuple(_cfg("t")).checkpoint.channel_values
    cp.prune(["t"], strategy="keep_latest")
    after = list(cp.list(_cfg("t")))
    assert len(after) == 1
    assert after[0].checkpoint.id == prev
    assert after[0].checkpoint.channel_values == before
    _put(cp, "gone", {"x": 1})
    cp.prune(["gone"], strategy="delete")
    assert cp.get_tuple(_cfg("gone")) is None


def test_values_round_trip_with_type_tags(checkpointer):
    cp = checkpointer
    value = {
        "when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "day": dt.date(2026, 1, 2),
        "raw": b"\x00\xff",
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "tags": {"a", "b"},
        "point": Point(1, 2),
        "nested": [{"k": [1, 2.5, None, True]}],
        "text": "ünïcode ✓",
    }
    _put(cp, "t", {"v": value})
    assert cp.get_tuple(_cfg("t")).checkpoint.channel_values["v"] == value


def test_unserialisable_value_fails_at_put(checkpointer):
    with pytest.raises(TypeError):
        _put(checkpointer, "t", {"v": object()})


def test_concurrent_threads(checkpointer):
    cp = checkpointer
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            prev, v = _put(cp, f"t{n}", {"m": [0]})
            for i in range(1, 10):
                prev, v = _put(
                    cp, f"t{n}", {"m": [i]}, parent=prev, versions=v, kinds={"m": ("delta", v["m"])}
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for n in range(4):
        assert cp.get_tuple(_cfg(f"t{n}")).checkpoint.channel_values["m"] == list(range(10))


def test_async_methods(checkpointer):
    cp = checkpointer
    c1, _ = _put(cp, "t", {"x": 1})

    async def go():
        got = await cp.aget_tuple(_cfg("t"))
        listed = [c async for c in cp.alist(_cfg("t"))]
        await cp.aput_writes(_cfg("t", cid=c1), [("x", 5)], "task")
        return got, listed

    got, listed = asyncio.run(go())
    assert got.checkpoint.id == c1
    assert [c.checkpoint.id for c in listed] == [c1]
    assert cp.get_tuple(_cfg("t")).pending_writes == [("task", "x", 5)]


class _Chat(TypedDict):
    messages: Annotated[list, add_messages]
    turns: Annotated[int, operator.add]


def _chat_graph(checkpointer):
    def agent(state):
        return {
            "messages": [{"role": "assistant", "content": f"turn {state['turns']}"}],
            "turns": 1,
        }

    def tool(state):
        return {"messages": [{"role": "tool", "content": "ok", "tool_call_id": "x"}]}

    def route(state):
        return END if state["turns"] >= 20 else "tool"

    g = StateGraph(_Chat)
    g.add_node("agent", agent)
    g.add_node("tool", tool)
    g.add_edge(START, "agent")
    g.add_conditional_edges("agent", route, ["tool", END])
    g.add_edge("tool", "agent")
    return g.compile(checkpointer=checkpointer)


@pytest.mark.parametrize("durability", ["sync", "async", "exit"])
def test_engine_round_trip(checkpointer, durability):
    app = _chat_graph(checkpointer)
    cfg = {"configurable": {"thread_id": f"chat-{durability}"}, "recursion_limit": 100}
    out = app.invoke(
        {"messages": [{"role": "user", "content": "hi", "id": "u1"}]}, cfg, durability=durability
    )
    assert out["turns"] == 20 and len(out["messages"]) == 40
    state = app.get_state(cfg)
    assert state.values == out
    assert state.next == ()
    # messages come back as the LangChain message objects the nodes wrote
    loaded = state.values["messages"]
    assert [type(m).__name__ for m in loaded[:3]] == ["HumanMessage", "AIMessage", "ToolMessage"]
    assert loaded[0].id == "u1" and loaded[2].tool_call_id == "x"
    history = list(app.get_state_history(cfg))
    if durability == "exit":
        assert len(history) == 1  # only the final checkpoint is saved
    else:
        assert [h.metadata["step"] for h in history] == list(range(39, -2, -1))
        assert [len(h.values["messages"]) for h in history[:3]] == [40, 39, 38]
    # a second turn appends to the stored messages
    out2 = app.invoke(
        {"messages": [{"role": "user", "content": "again"}]}, cfg, durability=durability
    )
    assert len(out2["messages"]) == 42 and out2["turns"] == 21  # user + one agent turn


def test_list_without_a_namespace_lists_every_namespace(checkpointer):
    cp = checkpointer
    _put(cp, "t", {"x": "root"})
    _put(cp, "t", {"x": "child"}, ns="node:abc")
    _put(cp, "t", {"x": "deep"}, ns="node:abc|inner:def")
    listed = {c.config["configurable"]["checkpoint_ns"] for c in cp.list(_cfg("t"))}
    assert listed == {""}
    everything = cp.list({"configurable": {"thread_id": "t"}})
    assert {c.config["configurable"]["checkpoint_ns"] for c in everything} == {
        "",
        "node:abc",
        "node:abc|inner:def",
    }
    deep = cp.get_tuple(_cfg("t", ns="node:abc|inner:def"))
    assert deep.checkpoint.channel_values == {"x": "deep"}


class _Tally(TypedDict):
    n: Annotated[int, operator.add]


def test_engine_round_trip_with_subgraphs(checkpointer):
    from runtime import interrupt
    from runtime.types import Command

    kept = StateGraph(_Tally)
    kept.add_node("inc", lambda s: {"n": 1})
    kept.add_edge(START, "inc")
    asking = StateGraph(_Tally)
    asking.add_node("ask", lambda s: {"n": interrupt("how many?")})
    asking.add_edge(START, "ask")
    g = StateGraph(_Tally)
    g.add_node("kept", kept.compile(checkpointer=True))  # per-thread state, namespace "kept"
    g.add_node("asking", asking.compile())  # per-invocation state, namespace "asking:<task>"
    g.add_edge(START, "kept")
    g.add_edge("kept", "asking")
    app = g.compile(checkpointer=checkpointer)
    cfg = {"configurable": {"thread_id": "subs"}}
    app.invoke({"n": 0}, cfg)
    state = app.get_state(cfg, subgraphs=True)
    assert state.next == ("asking",)
    sub = state.tasks[0].state
    assert sub.config["configurable"]["checkpoint_ns"].startswith("asking:")
    assert [i.value for i in sub.interrupts] == ["how many?"]
    assert app.invoke(Command(resume=5), cfg) == {"n": 1 + 1 + 5}
    namespaces = {
        c.config["configurable"]["checkpoint_ns"].split(":")[0]
        for c in checkpointer.list({"configurable": {"thread_id": "subs"}})
    }
    assert namespaces == {"", "kept", "asking"}
    # the per-thread subgraph carries its count into the next run of the thread
    kept_state = app.get_state({"configurable": {"thread_id": "subs", "checkpoint_ns": "kept"}})
    assert kept_state.values == {"n": 1}
